"""Convex two-layer ReLU training by ADMM (paper #13): the numerics against independent references."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.optimize import minimize

from workers.methods.convex_relu_admm.admm import AdmmSolver, group_soft_threshold
from workers.methods.convex_relu_admm.data import one_dimensional
from workers.methods.convex_relu_admm.nonconvex import objective as nonconvex_objective
from workers.methods.convex_relu_admm.program import ConvexReluProgram, all_patterns_2d


def small_program(n: int = 14, beta: float = 0.3, seed: int = 0) -> ConvexReluProgram:
    data = one_dimensional(n, 10, 2.0, 0.05, np.random.default_rng(seed))
    return ConvexReluProgram(data.X_train, data.y_train, all_patterns_2d(data.X_train), beta)


def solve_admm(program: ConvexReluProgram, iterations: int) -> np.ndarray:
    return AdmmSolver(program, rho=0.3, dual_step=1.6).run(iterations, lambda k, st: None).v


def cvxpy_optimum(program: ConvexReluProgram) -> float:
    cp = pytest.importorskip("cvxpy")
    X, y, masks = program.X, program.y, program.masks
    P, d = program.patterns, X.shape[1]
    V, W = cp.Variable((P, d)), cp.Variable((P, d))
    signs = 2 * masks - 1
    fit = sum(cp.multiply(masks[:, i], X @ (V[i] - W[i])) for i in range(P))
    cones = [cp.multiply(signs[:, i], X @ V[i]) >= 0 for i in range(P)]
    cones += [cp.multiply(signs[:, i], X @ W[i]) >= 0 for i in range(P)]
    groups = cp.sum(cp.norm(V, 2, axis=1)) + cp.sum(cp.norm(W, 2, axis=1))
    problem = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(fit - y) + program.beta * groups), cones)
    problem.solve(solver="CLARABEL")
    return float(problem.value)


def test_the_admm_optimum_matches_cvxpy_on_the_same_program_to_1e_4():
    program = small_program()
    reference = cvxpy_optimum(program)
    U = solve_admm(program, 6000)
    assert program.objective(program.feasible_point(U)) == pytest.approx(reference, rel=1e-4)
    assert program.network_objective(U) == pytest.approx(reference, rel=1e-4)


def test_the_certificate_brackets_the_cvxpy_optimum_even_before_convergence():
    program = small_program(seed=1)
    reference = cvxpy_optimum(program)
    for iterations in (30, 300, 3000):
        cert = program.certificate(solve_admm(program, iterations))
        assert cert["lower"] <= reference * (1 + 1e-7)
        assert cert["upper"] >= reference * (1 - 1e-7)


def test_exact_enumeration_finds_every_pattern_that_dense_sampling_finds():
    X = np.column_stack([np.random.default_rng(2).uniform(-1, 1, 25), np.ones(25)])
    angles = np.linspace(0, 2 * np.pi, 200_001)
    sampled = (X @ np.stack([np.cos(angles), np.sin(angles)]) >= 0).astype(float)
    sampled = {tuple(col) for col in sampled.T if col.any()}
    enumerated = {tuple(col) for col in all_patterns_2d(X).T}
    assert enumerated == sampled
    assert len(enumerated) == 2 * 25 - 1  # suffix and prefix sets of the sorted inputs


def test_the_recovered_network_has_the_convex_objective_in_torch_too():
    program = small_program(seed=3)
    U = program.feasible_point(solve_admm(program, 3000))
    rows = np.flatnonzero(np.linalg.norm(U, axis=1) > 0)
    norms = np.linalg.norm(U[rows], axis=1)
    signs = np.where(rows < program.patterns, 1.0, -1.0)
    first_layer = torch.as_tensor((U[rows] / np.sqrt(norms)[:, None])[None])
    second_layer = torch.as_tensor((signs * np.sqrt(norms))[None])
    X, y = torch.as_tensor(program.X), torch.as_tensor(program.y)
    value = float(nonconvex_objective(first_layer, second_layer, X, y, program.beta)[0])
    assert value == pytest.approx(program.objective(U), rel=1e-10)


def test_group_soft_thresholding_is_the_prox_of_the_group_norm():
    rng = np.random.default_rng(4)
    Z, t = rng.standard_normal((5, 3)), 0.8
    Z[0] *= 0.1  # a row that is set to zero
    prox = group_soft_threshold(Z, t)
    for z, p in zip(Z, prox):
        fit = minimize(lambda u, z=z: 0.5 * np.sum((u - z) ** 2) + t * np.sqrt(np.sum(u**2) + 1e-30), z, method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000})
        np.testing.assert_allclose(p, fit.x, atol=1e-5)
    assert np.all(prox[0] == 0)


def test_cone_projection_satisfies_the_moreau_conditions():
    program = small_program(seed=5)
    rng = np.random.default_rng(5)
    for j in range(0, 2 * program.patterns, 5):
        c = 3 * rng.standard_normal(2)
        p = program.project_to_cone(c, j)
        G = program.X * program.signs[:, [j]]
        assert np.all(G @ p >= -1e-10)  # in the cone
        assert abs(p @ (c - p)) < 1e-10  # orthogonal residual
        feasible = program.feasible_point(np.tile(rng.standard_normal(2), (2 * program.patterns, 1)))[j]
        assert (c - p) @ feasible <= 1e-10  # residual in the polar cone
