"""Program sources that need no model: a template synthesizer and the trivial baseline.

The template synthesizer stands where the paper has Codex: it reads the question, and when one of
its templates matches (derivative, definite integral, antiderivative, limit, Taylor polynomial,
series sum, eigenvalues, determinant, equation, linear system, initial value problem, binomial
count, or an enumeration: the smallest n, or how many n in a range, with a condition) it writes a
short sympy program that prints the answer; otherwise it gives up (None). The programs it writes
are ordinary untrusted code to the harness: they run in the sandbox and are graded from stdout.
The baseline program prints the first number of the question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

HEADER = "import sympy as sp\n"
ODE_TERMS = ((r"y''", "f(x).diff(x, 2)"), (r"y'", "f(x).diff(x)"), (r"\by\b", "f(x)"))


def _sym(expr: str, var: str) -> str:
    """Code parsing ``expr`` with the program's own symbol ``var`` (and its assumptions)."""
    return f"sp.sympify({expr!r}, locals={{{var!r}: {var}}})"


def derivative(m: re.Match) -> str:
    v = m["var"]
    return HEADER + f"{v} = sp.Symbol({v!r})\nprint(sp.simplify(sp.diff({_sym(m['expr'], v)}, {v})))\n"


def definite_integral(m: re.Match) -> str:
    v = m["var"]
    return HEADER + f"{v} = sp.Symbol({v!r})\nprint(sp.integrate({_sym(m['expr'], v)}, ({v}, sp.sympify({m['a']!r}), sp.sympify({m['b']!r}))))\n"


def antiderivative(m: re.Match) -> str:
    v = m["var"]
    return HEADER + f"{v} = sp.Symbol({v!r})\nprint(sp.integrate({_sym(m['expr'], v)}, {v}))\n"


def limit(m: re.Match) -> str:
    v = m["var"]
    return HEADER + f"{v} = sp.Symbol({v!r})\nprint(sp.limit({_sym(m['expr'], v)}, {v}, sp.sympify({m['a']!r})))\n"


def taylor(m: re.Match) -> str:
    v, degree = m["var"], int(m["degree"])
    return HEADER + (f"{v} = sp.Symbol({v!r})\n"
                     f"print(sp.series({_sym(m['expr'], v)}, {v}, sp.sympify({m['a']!r}), {degree + 1}).removeO())\n")


def series_sum(m: re.Match) -> str:
    v = m["var"]
    return HEADER + (f"{v} = sp.Symbol({v!r}, integer=True, positive=True)\n"
                     f"print(sp.summation({_sym(m['expr'], v)}, ({v}, sp.sympify({m['a']!r}), sp.sympify({m['b']!r}))))\n")


def eigenvalues(m: re.Match) -> str:
    return HEADER + f"print(sp.Matrix({m['matrix']}).eigenvals())\n"


def determinant(m: re.Match) -> str:
    return HEADER + f"print(sp.Matrix({m['matrix']}).det())\n"


def equation(m: re.Match) -> str:
    v = m["var"]
    return HEADER + f"{v} = sp.Symbol({v!r})\nprint(sp.solve(sp.Eq({_sym(m['lhs'], v)}, {_sym(m['rhs'], v)}), {v}))\n"


def linear_system(m: re.Match) -> str:
    names = [n.strip() for n in m["vars"].split(",")]
    equations = [e.split("=") for e in m["equations"].split(";")]
    eqs = ", ".join(f"sp.Eq(sp.sympify({lhs.strip()!r}), sp.sympify({rhs.strip()!r}))" for lhs, rhs in equations)
    return HEADER + (f"names = sp.symbols({' '.join(names)!r})\nsolution = sp.solve([{eqs}], names, dict=True)[0]\n"
                     "print(tuple(solution[s] for s in names))\n")


def initial_value_problem(m: re.Match) -> str:
    ode, conditions = m["ode"], []
    for term, code in ODE_TERMS:
        ode = re.sub(term, code, ode)
    for cond in re.split(r"\s+and\s+", m["conditions"]):
        lhs, rhs = (s.strip() for s in cond.split("="))
        order = lhs.count("'")
        point = lhs[lhs.index("(") + 1:lhs.index(")")]
        target = f"f(x).diff(x, {order}).subs(x, {point})" if order else f"f({point})"
        conditions.append(f"{target}: {rhs}")
    return HEADER + ("x = sp.Symbol('x')\nf = sp.Function('f')\n"
                     f"ode = sp.Eq({ode}, {m['rhs']})\n"
                     f"print(sp.dsolve(ode, f(x), ics={{{', '.join(conditions)}}}).rhs)\n")


def choose(m: re.Match) -> str:
    return HEADER + f"print(sp.binomial({m['n']}, {m['k']}))\n"


def smallest(m: re.Match) -> str:
    return HEADER + (f"from sympy import isprime, gcd\n{m['var']} = 1\n"
                     f"while not ({m['condition']}):\n    {m['var']} += 1\nprint({m['var']})\n")


def count(m: re.Match) -> str:
    v = m["var"]
    return HEADER + (f"from sympy import isprime, gcd\n"
                     f"print(sum(1 for {v} in range({m['a']}, {m['b']} + 1) if {m['condition']}))\n")


@dataclass(frozen=True)
class Template:
    name: str
    pattern: re.Pattern
    write: Callable[[re.Match], str]


def _t(name: str, pattern: str, write: Callable[[re.Match], str]) -> Template:
    return Template(name, re.compile(pattern), write)


TEMPLATES = (
    _t("antiderivative", r"antiderivative of (?P<expr>.+) with respect to (?P<var>[a-z])\.", antiderivative),
    _t("derivative", r"\bderivative of (?P<expr>.+) with respect to (?P<var>[a-z])\.", derivative),
    _t("definite integral", r"^Integrate (?P<expr>.+) with respect to (?P<var>[a-z]) from (?P<a>\S+) to (?P<b>\S+)\.$", definite_integral),
    _t("limit", r"limit of (?P<expr>.+) as (?P<var>[a-z]) approaches (?P<a>\S+)\.$", limit),
    _t("taylor", r"Taylor polynomial of degree (?P<degree>\d+) of (?P<expr>.+) about (?P<var>[a-z]) = (?P<a>\S+)\.$", taylor),
    _t("series sum", r"^Sum (?P<expr>.+) for (?P<var>[a-z]) from (?P<a>\S+) to (?P<b>\S+)\.$", series_sum),
    _t("eigenvalues", r"eigenvalues of the matrix (?P<matrix>\[\[.*\]\])", eigenvalues),
    _t("determinant", r"determinant of the matrix (?P<matrix>\[\[.*\]\])", determinant),
    _t("linear system", r"linear system (?P<equations>.+) for (?P<vars>[a-z](?:, [a-z])*)\.$", linear_system),
    _t("initial value problem", r"initial value problem (?P<ode>.+?) = (?P<rhs>\S+) with (?P<conditions>.+)\.$", initial_value_problem),
    _t("equation", r"^Solve (?P<lhs>.+) = (?P<rhs>.+) for (?P<var>[a-z])\.$", equation),
    _t("binomial", r"ways can (?P<k>\d+) .+ be chosen from (?P<n>\d+) ", choose),
    _t("smallest", r"smallest positive integer (?P<var>[a-z]) such that (?P<condition>.+)\.$", smallest),
    _t("count", r"How many integers (?P<var>[a-z]) with (?P<a>\d+) <= [a-z] <= (?P<b>\d+) satisfy (?P<condition>.+)\?$", count),
)


def template_program(question: str) -> tuple[str | None, str]:
    """(program, template name), or (None, "no template") when no template matches."""
    for template in TEMPLATES:
        match = template.pattern.search(question)
        if match:
            return template.write(match), template.name
    return None, "no template"


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def first_number_program(question: str) -> tuple[str | None, str]:
    """The trivial baseline: print the first number in the question (None if it has none)."""
    match = _NUMBER.search(question)
    return (f"print({match.group()})\n", "first number") if match else (None, "no number")
