"""math-program-synthesis: the sandbox against hostile programs (each contained within seconds),
the symbolic grader against hand-checked equivalences, and synthesized programs against scipy."""
from __future__ import annotations

import os

import pytest
import sympy as sp
from scipy import integrate

from workers.methods.math_program_synthesis.attacks import ATTACKS, SECRET_MARK, escape_path
from workers.methods.math_program_synthesis.experiment import load_problems
from workers.methods.math_program_synthesis.grading import grade_text
from workers.methods.math_program_synthesis.sandbox import Limits, Sandbox
from workers.methods.math_program_synthesis.synthesizer import first_number_program, template_program

ATTACK_LIMITS = Limits(cpu_seconds=1, wall_seconds=2.0, memory_mb=256)


@pytest.fixture(scope="module")
def sandbox():
    os.environ["REPROLAB_TEST_SECRET"] = SECRET_MARK  # must not reach a program
    try:
        with Sandbox(Limits(cpu_seconds=2, wall_seconds=5.0)) as box:
            yield box
    finally:
        os.environ.pop("REPROLAB_TEST_SECRET", None)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_each_attack_is_contained_within_seconds(sandbox, attack):
    execution = sandbox.run(attack.code(), ATTACK_LIMITS)
    assert attack.contained(execution), (execution.outcome, execution.detail, execution.stdout[:200])
    assert execution.outcome != "ok" or attack.name == "environment secrets"
    assert execution.seconds < 4.0
    assert not os.path.exists(escape_path())


def test_the_infinite_loop_is_killed_by_the_cpu_limit_when_the_wall_limit_is_far(sandbox):
    execution = sandbox.run("while True:\n    pass\n", Limits(cpu_seconds=1, wall_seconds=20.0))
    assert execution.outcome == "killed-cpu", execution.detail
    assert execution.seconds < 15.0


def test_a_program_may_write_and_read_inside_its_own_directory(sandbox):
    execution = sandbox.run("open('plot.txt', 'w').write('ok')\nprint(open('plot.txt').read())\n")
    assert execution.outcome == "ok" and execution.stdout.strip() == "ok"


def test_the_sandbox_keeps_working_after_attacks(sandbox):
    for attack in ATTACKS[:3]:
        sandbox.run(attack.code(), ATTACK_LIMITS)
    execution = sandbox.run("import sympy as sp\nprint(sp.factorial(10))\n")
    assert execution.outcome == "ok" and execution.stdout.strip() == "3628800"


def test_a_program_that_kills_the_zygote_is_refused_and_one_that_breaks_it_costs_one_job(sandbox):
    assert sandbox.run("import os\nos.kill(os.getppid(), 9)\n", ATTACK_LIMITS).outcome == "refused"
    sandbox.process.kill()  # as if the zygote had died
    assert sandbox.run("print(1)\n").outcome == "crashed"
    assert sandbox.run("print(2)\n").stdout.strip() == "2"


def test_the_network_is_unreachable_even_without_the_audit_hook_path(sandbox):
    code = "import _socket\ns = _socket.socket()\ns.connect(('127.0.0.1', 6379))\nprint('connected')\n"
    execution = sandbox.run(code, ATTACK_LIMITS)
    assert execution.outcome != "ok" and "connected" not in execution.stdout


@pytest.mark.parametrize("got, answer, kind", [
    ("sin(x)**2 + cos(x)**2", "1", "value"),
    ("2*(x**2 - x + 1)*exp(2*x)/(x**2 + 1)**2", "2*exp(2*x)/(1 + x**2) - 2*x*exp(2*x)/(1 + x**2)**2", "value"),
    ("{4: 2, 7: 1}", "[4, 7, 4]", "set"),
    ("[2, -1 - sqrt(3)*I, -1 + sqrt(3)*I]", "[2, -1 + sqrt(3)*I, -1 - sqrt(3)*I]", "set"),
    ("x*sin(x) + cos(x) + 7", "x*cos(x)", "antiderivative:x"),
    ("(5, 3, -2)", "(5, 3, -2)", "tuple"),
    ("0.5\n1/6", "1/6", "value"),
])
def test_the_grader_accepts_equal_answers(got, answer, kind):
    assert grade_text(got, answer, kind)["correct"]


@pytest.mark.parametrize("got, answer, kind", [
    ("1/6 + 1e-6", "1/6", "value"),
    ("{4: 1, 7: 1}", "[4, 7, 4]", "set"),
    ("(3, 5, -2)", "(5, 3, -2)", "tuple"),
    ("x*sin(x)", "x*cos(x)", "antiderivative:x"),
    ("", "1", "value"),
    ("this is not math", "1", "value"),
])
def test_the_grader_rejects_different_answers(got, answer, kind):
    assert not grade_text(got, answer, kind)["correct"]


def test_definite_integral_programs_agree_with_scipy_quadrature(sandbox):
    problems = [p for p in load_problems() if p["question"].startswith("Integrate")]
    assert len(problems) >= 3
    x = sp.Symbol("x")
    for problem in problems:
        code, how = template_program(problem["question"])
        assert how == "definite integral"
        printed = sandbox.run(code).stdout.strip()
        expr_text, bounds = problem["question"][len("Integrate "):].split(" with respect to x from ")
        low, high = (float(sp.sympify(b.rstrip("."))) for b in bounds.split(" to "))
        f = sp.lambdify(x, sp.sympify(expr_text), "math")
        reference, _ = integrate.quad(f, low, high)
        assert float(sp.sympify(printed)) == pytest.approx(reference, rel=1e-8)


def test_the_sources_write_programs_only_when_they_can():
    assert template_program("A fair die is rolled. What is the chance of a six?") == (None, "no template")
    assert first_number_program("Sum k**3 for k from 1 to 20.")[0] == "print(3)\n"
    assert first_number_program("Solve x = y for x.") == (None, "no number")
