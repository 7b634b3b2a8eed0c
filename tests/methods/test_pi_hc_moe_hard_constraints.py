"""The experts' differentiable constrained least-squares solve against a closed-form null-space
solution and finite differences; the manufactured diffusion-reaction solution against its PDE."""
from __future__ import annotations

import numpy as np
import torch
from scipy.linalg import lstsq, null_space

from workers.methods.pi_hc_moe_hard_constraints.kkt import constrained_lstsq
from workers.methods.pi_hc_moe_hard_constraints.model import HardConstrainedExperts, draw_solve_points
from workers.methods.pi_hc_moe_hard_constraints.problem import exact, residual
from workers.methods.shared.pinn import mlp


def null_space_solution(a, b, c, d, ridge):
    """min ||Aw − b||² + ρ||w||² s.t. Cw = d, by w = w_p + Z y (Z spans null(C))."""
    w_p = lstsq(c, d)[0]
    z = null_space(c)
    stacked = np.vstack([a @ z, np.sqrt(ridge) * z])
    rhs = np.concatenate([b - a @ w_p, -np.sqrt(ridge) * w_p])
    return w_p + z @ lstsq(stacked, rhs)[0]


def random_problem(batch, rows, n, p, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(batch, rows, n, generator=g, dtype=torch.float64),
            torch.randn(batch, rows, generator=g, dtype=torch.float64),
            torch.randn(batch, p, n, generator=g, dtype=torch.float64),
            torch.randn(batch, p, generator=g, dtype=torch.float64))


def test_the_kkt_solve_matches_the_null_space_solution_for_every_expert():
    a, b, c, d = random_problem(3, 20, 6, 2)
    for ridge in (0.0, 0.3):
        w = constrained_lstsq(a, b, c, d, ridge)
        for k in range(3):
            expected = null_space_solution(a[k].numpy(), b[k].numpy(), c[k].numpy(), d[k].numpy(), ridge)
            np.testing.assert_allclose(w[k].numpy(), expected, rtol=1e-9, atol=1e-10)
            np.testing.assert_allclose((c[k] @ w[k]).numpy(), d[k].numpy(), atol=1e-10)


def test_the_solve_gradients_match_finite_differences():
    a, b, c, d = (z.requires_grad_(True) for z in random_problem(2, 8, 4, 2, seed=1))
    assert torch.autograd.gradcheck(lambda *z: constrained_lstsq(*z, ridge=0.1), (a, b, c, d), eps=1e-6, atol=1e-6)


def test_the_manufactured_solution_satisfies_the_pde_by_finite_differences():
    xt = torch.rand(200, 2, dtype=torch.float64) * 0.9 + 0.05
    h = 1e-4
    ex, et = torch.tensor([h, 0.0], dtype=torch.float64), torch.tensor([0.0, h], dtype=torch.float64)
    u_t = (exact(xt + et) - exact(xt - et)) / (2 * h)
    u_xx = (exact(xt + ex) - 2 * exact(xt) + exact(xt - ex)) / h**2
    assert residual(exact(xt), u_t, u_xx).abs().max() < 1e-5
    edges = torch.stack([torch.tensor([0.0, 1.0], dtype=torch.float64).repeat(5), torch.rand(10, dtype=torch.float64)], 1)
    assert exact(edges).abs().max() < 1e-12


def test_each_expert_meets_its_equality_constraints_exactly():
    torch.manual_seed(0)
    points = draw_solve_points(4, 32, 8, 4, 2, np.random.default_rng(0), "cpu", torch.float64)
    model = HardConstrainedExperts(mlp(2, 16, 2, 6).double(), points, ridge=1e-8)
    flat = points.equality.reshape(-1, 2)
    u = model(flat)[:, 0]
    np.testing.assert_allclose(u.detach().numpy(), exact(flat).numpy(), atol=1e-8)
