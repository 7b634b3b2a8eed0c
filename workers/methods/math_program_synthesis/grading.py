"""The symbolic grader: is a program's printed answer equal to the reference answer?

Trusted code that parses untrusted text, so the harness runs it inside the sandbox (see
``zygote.py``); the tests call it directly. The answer is the last non-empty line of stdout,
parsed by sympy with only sympy's names in scope (no builtins). Kinds:

- ``value``: ``simplify(got - expected) == 0``, else equal at three random points to 1e-9;
- ``set``: the same multiset of values (a list, tuple, set, FiniteSet or an eigenvalue dict
  {value: multiplicity}), matched pairwise as ``value``;
- ``tuple``: the same values in order;
- ``antiderivative:VAR``: d(got)/dVAR equals the reference integrand (any constant allowed).
"""
from __future__ import annotations

import random

import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, standard_transformations

MAX_ANSWER_CHARS = 2_000
NAMESPACE = {name: getattr(sp, name) for name in dir(sp) if not name.startswith("_")}
NAMESPACE["__builtins__"] = {}


def parse(text: str):
    if len(text) > MAX_ANSWER_CHARS:
        raise ValueError(f"answer longer than {MAX_ANSWER_CHARS} characters")
    local = {name: sp.Symbol(name) for name in ("x", "y", "t", "n", "k", "z", "C1", "C2")}
    value = parse_expr(text, local_dict=local, global_dict=dict(NAMESPACE), transformations=standard_transformations)
    return value.rhs if isinstance(value, sp.Equality) else value


def last_line(stdout: str) -> str:
    lines = [line.strip() for line in stdout.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def same_value(got, expected) -> bool:
    got, expected = sp.sympify(got), sp.sympify(expected)
    difference = got - expected
    if sp.simplify(difference) == 0:
        return True
    symbols = sorted(difference.free_symbols, key=str)
    rng = random.Random(0)
    for _ in range(3):
        point = {s: sp.Rational(rng.randint(11, 97), 37) for s in symbols}
        value = complex(sp.N(difference.subs(point), 30))
        if not abs(value) <= 1e-9 * max(1.0, abs(complex(sp.N(expected.subs(point), 30)))):
            return False
    return True


def as_values(value) -> list:
    if isinstance(value, dict):
        return [v for v, count in value.items() for _ in range(int(count))]
    if isinstance(value, (list, tuple, set, frozenset, sp.FiniteSet, sp.Tuple)):
        return list(value)
    return [value]


def same_multiset(got: list, expected: list) -> bool:
    remaining = list(expected)
    for value in got:
        match = next((i for i, e in enumerate(remaining) if same_value(value, e)), None)
        if match is None:
            return False
        remaining.pop(match)
    return not remaining


def grade_text(stdout: str, answer: str, kind: str) -> dict:
    """{"correct": bool, "reason": str, "parsed": str}."""
    text = last_line(stdout)
    if not text:
        return {"correct": False, "reason": "no output", "parsed": ""}
    try:
        got, expected = parse(text), parse(answer)
        if kind == "set":
            correct = same_multiset(as_values(got), as_values(expected))
        elif kind == "tuple":
            got_values, expected_values = as_values(got), as_values(expected)
            correct = len(got_values) == len(expected_values) and all(map(same_value, got_values, expected_values))
        elif kind.startswith("antiderivative:"):
            correct = same_value(sp.diff(got, sp.Symbol(kind.split(":", 1)[1])), expected)
        else:
            correct = same_value(got, expected)
    except Exception as exc:  # noqa: BLE001 - unparsable or incomparable output is a wrong answer
        return {"correct": False, "reason": f"cannot compare: {type(exc).__name__}: {str(exc)[:120]}", "parsed": text[:200]}
    return {"correct": bool(correct), "reason": "equal" if correct else "different", "parsed": text[:200]}
