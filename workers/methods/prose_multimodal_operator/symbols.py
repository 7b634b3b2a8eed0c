"""Equations as token sequences in Polish (prefix) notation, and back (to SymPy).

A number c is five tokens: sign, three significant digits, exponent (c = ±d.dd x 10^e), as in
PROSE / symbolicregression's float encoding. A term c·m is ``mul <c> <m>`` (``<c>`` alone for a
constant), an equation with k terms is ``add`` (k − 1 times) followed by its terms (left-nested
sums), and the three equations are joined by ``|``.
"""
from __future__ import annotations

import math

import numpy as np
import sympy

from .families import Family

SPECIAL = ("<pad>", "<bos>", "<eos>", "|")
OPERATORS = ("add", "mul", "sin", "pow2")
VARIABLES = ("x0", "x1", "x2")
SIGNS = ("+", "-")
DIGITS = tuple(str(d) for d in range(10))
EXPONENTS = tuple(f"E{e}" for e in range(-4, 5))
VOCABULARY = SPECIAL + OPERATORS + VARIABLES + SIGNS + DIGITS + EXPONENTS
INDEX = {token: i for i, token in enumerate(VOCABULARY)}
PAD, BOS, EOS = INDEX["<pad>"], INDEX["<bos>"], INDEX["<eos>"]
NUMBER_TOKENS = frozenset(SIGNS + DIGITS + EXPONENTS)


def encode_number(value: float) -> list[str]:
    sign = "-" if value < 0 else "+"
    magnitude = abs(float(value))
    if magnitude == 0.0:
        return [sign, "0", "0", "0", "E0"]
    exponent = math.floor(math.log10(magnitude))
    digits = int(round(magnitude / 10.0 ** exponent * 100))
    if digits >= 1000:
        digits, exponent = digits // 10, exponent + 1
    exponent = min(max(exponent, -4), 4)
    return [sign, *f"{digits:03d}", f"E{exponent}"]


def decode_number(tokens: list[str]) -> float:
    sign, d1, d2, d3, exponent = tokens
    if sign not in SIGNS or not all(d in DIGITS for d in (d1, d2, d3)) or exponent not in EXPONENTS:
        raise ValueError(f"not a number: {tokens}")
    return float(f"{sign}{d1}.{d2}{d3}e{exponent[1:]}")  # the nearest double to the decimal, as float("1.23e4")


def term_tokens(kind: str, variables: tuple[int, ...], coefficient: float) -> list[str]:
    number = encode_number(coefficient)
    names = [VARIABLES[v] for v in variables]
    monomial = {"lin": names, "prod": ["mul", *names], "sq": ["pow2", *names], "sin": ["sin", *names]}
    if kind == "const":
        return number
    return ["mul", *number, *monomial[kind]]


def equation_tokens(family: Family, coefficients: np.ndarray, dropped: frozenset[int] = frozenset()) -> list[str]:
    """The tokens of the family's three equations with these coefficients, leaving out the terms
    whose flat indices are in ``dropped`` (a corrupted equation)."""
    out: list[str] = []
    index = 0
    for i, equation in enumerate(family.equations):
        terms = []
        for kind, variables, _ in equation:
            if index not in dropped:
                terms.append(term_tokens(kind, variables, coefficients[index]))
            index += 1
        if i:
            out.append("|")
        out += ["add"] * (len(terms) - 1) + [t for term in terms for t in term]
    return out


def _parse(tokens: list[str], position: int) -> tuple[sympy.Expr, int]:
    token = tokens[position]
    if token in SIGNS:
        return sympy.Float(decode_number(tokens[position:position + 5])), position + 5
    if token in VARIABLES:
        return sympy.Symbol(token), position + 1
    if token in ("sin", "pow2"):
        arg, nxt = _parse(tokens, position + 1)
        return (sympy.sin(arg) if token == "sin" else arg ** 2), nxt
    if token in ("add", "mul"):
        left, nxt = _parse(tokens, position + 1)
        right, nxt = _parse(tokens, nxt)
        return (left + right if token == "add" else left * right), nxt
    raise ValueError(f"unexpected token {token!r} at {position}")


def parse_equations(tokens: list[str]) -> list[sympy.Expr]:
    """SymPy right-hand sides from a token sequence; ValueError if it is not three well-formed equations."""
    parts, current = [], []
    for token in tokens:
        if token == "|":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    if len(parts) != 3:
        raise ValueError(f"expected 3 equations, got {len(parts)}")
    expressions = []
    for part in parts:
        try:
            expression, end = _parse(part, 0)
        except IndexError:
            raise ValueError("truncated equation") from None
        if end != len(part):
            raise ValueError("trailing tokens")
        expressions.append(expression)
    return expressions


def to_ids(tokens: list[str], length: int) -> list[int]:
    """<bos> tokens <eos>, padded (or cut) to ``length``."""
    ids = [BOS] + [INDEX[t] for t in tokens] + [EOS]
    return (ids + [PAD] * length)[:length]


def from_ids(ids) -> list[str]:
    """Tokens between <bos> and the first <eos> (or the end)."""
    out = []
    for i in ids:
        if i == BOS:
            continue
        if i in (EOS, PAD):
            break
        out.append(VOCABULARY[i])
    return out


def skeleton(tokens: list[str]) -> tuple[str, ...]:
    """The structure with every number replaced by one placeholder (what 'same expression' means
    when coefficients are only decoded to three digits)."""
    out, position = [], 0
    while position < len(tokens):
        if tokens[position] in SIGNS:
            out.append("<num>")
            position += 5
        else:
            out.append(tokens[position])
            position += 1
    return tuple(out)
