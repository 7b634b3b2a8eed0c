"""Small arithmetic programs: DAGs of +, −, ×, ÷ over the input x and fitted constants.

A program is a tuple of nodes ``(op, left, right)``; node i may read x, a constant, or any
earlier node, and the last node is the output. Operand references are plain ints:

    X = −1            the input x
    −2 − k            constant k (its value lives in a separate vector, fitted per program)
    j ≥ 0             the value of node j

The cost of a program is its number of nodes (= arithmetic operations; constants and x are
free), after dead nodes are pruned. A node may not combine two constants (that would be a
constant itself). This is the search space of AutoNumerics-Zero (Real et al. 2023,
arXiv 2312.08472, Sec. 2: "programs ... as directed acyclic graphs" with learnable constants).

Mutations follow the paper's open-source config (``joy/open_source_num_ops_config.textproto``):
insert a vertex, remove a vertex, switch an edge, change an op. An inserted vertex v ∘ c that reads
a new constant starts as the identity (v+0, v−0, v·1, v/1), so the child first computes what its
parent did; c − v and c / v start from a random constant.
"""
from __future__ import annotations

import math
import random

import numpy as np

X = -1
OPS = ("+", "-", "*", "/")
IDENTITY = {"+": 0.0, "-": 0.0, "*": 1.0, "/": 1.0}
MUTATIONS = (("insert", 0.4), ("remove", 0.2), ("edge", 0.25), ("op", 0.15))

Node = tuple[str, int, int]
Program = tuple[Node, ...]


def const_ref(k: int) -> int:
    return -2 - k


def is_const(ref: int) -> bool:
    return ref <= -2


def const_index(ref: int) -> int:
    return -2 - ref


def forward(program: Program, constants: np.ndarray, x: np.ndarray, with_jacobian: bool = False):
    """Value of the program at x and, optionally, its Jacobian w.r.t. the constants (k × N).

    Forward-mode differentiation node by node: for v = a ∘ b, dv = (∂v/∂a) da + (∂v/∂b) db with
    ∂(a+b) = (1, 1), ∂(a−b) = (1, −1), ∂(a·b) = (b, a), ∂(a/b) = (1/b, −v/b).
    """
    values: list = []
    jacobians: list = []
    k = len(constants)

    def read(ref: int):
        if ref == X:
            return x, None, -1
        if ref <= -2:
            return constants[-2 - ref], None, -2 - ref
        return values[ref], jacobians[ref], -1

    for op, left, right in program:
        a, ja, ca = read(left)
        b, jb, cb = read(right)
        if op == "+":
            v = a + b
        elif op == "-":
            v = a - b
        elif op == "*":
            v = a * b
        else:
            v = a / b
        jac = None
        if with_jacobian:
            da, db = _partials(op, a, b, v)
            jac = np.zeros((k, x.shape[0]))
            if ja is not None:
                jac += ja * da
            if jb is not None:
                jac += jb * db
            if ca >= 0:
                jac[ca] += da
            if cb >= 0:
                jac[cb] += db
        values.append(v)
        jacobians.append(jac)
    out = values[-1]
    if np.ndim(out) == 0:
        out = np.full(x.shape, out)
    return out, jacobians[-1]


def _partials(op: str, a, b, v):
    if op == "+":
        return 1.0, 1.0
    if op == "-":
        return 1.0, -1.0
    if op == "*":
        return b, a
    return 1.0 / b, -v / b


def compact(program: list[Node], constants: list[float]) -> tuple[Program, np.ndarray]:
    """Drop nodes the output does not read; renumber nodes and constants in order of use.

    Two programs with the same structure then compare (and hash) equal."""
    needed = {len(program) - 1}
    for i in range(len(program) - 1, -1, -1):
        if i in needed:
            for ref in program[i][1:]:
                if ref >= 0:
                    needed.add(ref)
    node_map: dict[int, int] = {}
    const_map: dict[int, int] = {}
    new_constants: list[float] = []
    out: list[Node] = []
    for i in sorted(needed):
        op, left, right = program[i]
        refs = []
        for ref in (left, right):
            if ref >= 0:
                ref = node_map[ref]
            elif ref <= -2:
                old = -2 - ref
                if old not in const_map:
                    const_map[old] = len(new_constants)
                    new_constants.append(constants[old])
                ref = -2 - const_map[old]
            refs.append(ref)
        node_map[i] = len(out)
        out.append((op, refs[0], refs[1]))
    return tuple(out), np.array(new_constants, dtype=float)


def depends_on_x(program: Program) -> bool:
    reads_x: list[bool] = []
    for _, left, right in program:
        reads_x.append(any(r == X or (r >= 0 and reads_x[r]) for r in (left, right)))
    return bool(reads_x and reads_x[-1])


def is_valid(program: Program) -> bool:
    """Non-empty, no constant-only node, and the output depends on x."""
    if not program:
        return False
    if any(is_const(left) and is_const(right) for _, left, right in program):
        return False
    return depends_on_x(program)


def seed_program() -> tuple[Program, np.ndarray]:
    """The starting point of every lineage: c1 + c0·x (2 ops), as in the paper's 2-vertex init."""
    return (("*", X, const_ref(0)), ("+", 0, const_ref(1))), np.array([1.0, 1.0])


def mutate(program: Program, constants: np.ndarray, rnd: random.Random):
    """One random structural mutation; returns (program, constants) or None if it was invalid."""
    kind = rnd.choices([m for m, _ in MUTATIONS], weights=[w for _, w in MUTATIONS])[0]
    nodes = list(program)
    consts = list(constants)
    if kind == "remove" and len(nodes) == 1:
        kind = "insert"
    if kind == "insert":
        nodes = _insert_vertex(nodes, consts, rnd)
    elif kind == "remove":
        nodes = _remove_vertex(nodes, rnd)
    elif kind == "edge":
        nodes = _switch_edge(nodes, consts, rnd)
    else:
        j = rnd.randrange(len(nodes))
        op, left, right = nodes[j]
        nodes[j] = (rnd.choice(OPS), left, right)
    if not nodes:
        return None
    child, child_constants = compact(nodes, consts)
    return (child, child_constants) if is_valid(child) else None


def _random_operand(position: int, consts: list[float], rnd: random.Random, op: str | None = None) -> int:
    """x, a new constant, or an earlier node (weights 1 : 1 : 2)."""
    choice = rnd.choices(("x", "c", "n"), weights=(1.0, 1.0, 2.0 if position > 0 else 0.0))[0]
    if choice == "x":
        return X
    if choice == "c":
        consts.append(IDENTITY[op] + 1e-3 * rnd.gauss(0, 1) if op else rnd.gauss(0, 1))
        return const_ref(len(consts) - 1)
    return rnd.randrange(position)


def _insert_vertex(nodes: list[Node], consts: list[float], rnd: random.Random) -> list[Node]:
    """New node op(v_j, other) right after node j; one reader of v_j (or the output) reads it instead."""
    j = rnd.randrange(len(nodes))
    op = rnd.choice(OPS)
    other = _random_operand(j + 1, consts, rnd, op)
    if rnd.random() < 0.5:
        new = (op, j, other)
    else:
        new = (op, other, j)
        if is_const(other) and op in "-/":  # c − v and c / v are not identities: a random start
            consts[const_index(other)] = rnd.gauss(0, 1)

    def shift(ref: int) -> int:
        return ref + 1 if ref >= j + 1 else ref

    nodes = nodes[: j + 1] + [new] + [(o, shift(a), shift(b)) for o, a, b in nodes[j + 1 :]]
    readers = [(k, s) for k in range(j + 2, len(nodes)) for s in (1, 2) if nodes[k][s] == j]
    if readers:
        k, s = rnd.choice(readers)
        node = list(nodes[k])
        node[s] = j + 1
        nodes[k] = tuple(node)
    return nodes


def _remove_vertex(nodes: list[Node], rnd: random.Random) -> list[Node]:
    """Node j disappears; its readers read one of its inputs instead."""
    j = rnd.randrange(len(nodes))
    _, left, right = nodes[j]
    replacement = rnd.choice((left, right))

    def shift(ref: int) -> int:
        if ref == j:
            return replacement
        return ref - 1 if ref > j else ref

    return nodes[:j] + [(o, shift(a), shift(b)) for o, a, b in nodes[j + 1 :]]


def _switch_edge(nodes: list[Node], consts: list[float], rnd: random.Random) -> list[Node]:
    j = rnd.randrange(len(nodes))
    side = rnd.randrange(1, 3)
    node = list(nodes[j])
    node[side] = _random_operand(j, consts, rnd)
    nodes[j] = tuple(node)
    return nodes


def to_code(program: Program, constants: np.ndarray, digits: int = 17) -> str:
    """The program as straight-line code, e.g. 't0 = x * 0.693; t1 = t0 + 1.0; return t1'.

    (A DAG reuses values, so a single infix expression could repeat subexpressions.)"""

    def show(ref: int) -> str:
        if ref == X:
            return "x"
        if is_const(ref):
            return repr(float(f"{constants[const_index(ref)]:.{digits}g}"))
        return f"t{ref}"

    lines = [f"t{i} = {show(left)} {op} {show(right)}" for i, (op, left, right) in enumerate(program)]
    return "; ".join(lines + [f"return t{len(program) - 1}"])


def log10_error(error: float) -> float:
    """log10 of a max relative error; 99 stands for a failed (non-finite) program."""
    return math.log10(error) if 0.0 < error < math.inf else (99.0 if error != 0.0 else -99.0)
