"""NCLaw: the simulator's forces are the energy's gradient, its rollout gradients match finite
differences, it conserves energy to O(dt) with the true law, and the network law's priors hold."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.linalg import polar

from workers.methods.nclaw.body import elastic_forces, make_body, physics_acceleration, quad_mesh, rollout, total_energy
from workers.methods.nclaw.laws import Corotated, NCLaw, PlainLaw, polar_rotation, prior_violation

LAW = Corotated(20.0, 20.0)


def beam(dtype=torch.float64):
    nodes, triangles = quad_mesh(np.ones((4, 2), dtype=bool), 0.25)
    return make_body(nodes, triangles, np.isclose(nodes[:, 0], 0.0), 1.0, "cpu", dtype)


def deformed(body, amount=0.05, seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = body.rest + amount * torch.randn(body.rest.shape, generator=generator, dtype=body.rest.dtype)
    return (body.rest + (x - body.rest) * body.free)[None]


def test_the_polar_rotation_matches_scipy():
    f = np.array([[1.2, 0.3], [-0.4, 0.9]])
    expected, _ = polar(f)
    assert np.allclose(polar_rotation(torch.as_tensor(f)).numpy(), expected, atol=1e-12)


def test_the_true_stress_is_the_energy_gradient_and_forces_are_minus_the_total_energy_gradient():
    f = (torch.eye(2, dtype=torch.float64) + 0.3 * torch.randn(6, 2, 2, dtype=torch.float64)).requires_grad_()
    assert torch.allclose(LAW(f), torch.autograd.grad(LAW.energy(f).sum(), f)[0], atol=1e-10)
    body = beam()
    x = deformed(body).requires_grad_()
    energy = total_energy(body, x, torch.zeros_like(x), LAW.energy, gravity=0.0).sum()
    assert torch.allclose(elastic_forces(body, x, LAW), -torch.autograd.grad(energy, x)[0], atol=1e-10)


def test_rollout_gradients_match_central_finite_differences():
    body = beam()
    law = NCLaw(8, 40.0).double()
    x0, v0 = deformed(body, 0.02), torch.zeros(1, body.rest.shape[0], 2, dtype=torch.float64)
    target = rollout(body, x0, v0, physics_acceleration(body, LAW, 2.0), 0.004, 10)[0].detach()

    def loss():
        xs, _ = rollout(body, x0, v0, physics_acceleration(body, law, 2.0), 0.004, 10)
        return ((xs - target) ** 2).sum()

    params = list(law.parameters())
    grads = torch.autograd.grad(loss(), params)
    direction = [torch.randn_like(p) for p in params]
    analytic = sum((g * d).sum() for g, d in zip(grads, direction))
    eps = 1e-6
    with torch.no_grad():
        for p, d in zip(params, direction):
            p += eps * d
        plus = loss()
        for p, d in zip(params, direction):
            p -= 2 * eps * d
        minus = loss()
    numeric = (plus - minus) / (2 * eps)
    assert abs(float(analytic - numeric)) <= 1e-5 * abs(float(numeric)) + 1e-12


def energy_error(dt: float, seconds: float = 0.4) -> float:
    body = beam()
    x0 = deformed(body, 0.03)
    v0 = torch.zeros_like(x0)
    xs, vs = rollout(body, x0, v0, physics_acceleration(body, LAW, 0.0), dt, int(round(seconds / dt)))
    energy = total_energy(body, xs[0], vs[0], LAW.energy, 0.0)
    return float((energy - energy[0]).abs().max() / energy[0])


def test_the_true_law_conserves_energy_to_first_order_in_dt_without_drift():
    coarse, fine = energy_error(0.002), energy_error(0.001)
    assert fine < 0.04
    assert 1.7 < coarse / fine < 2.3  # symplectic Euler: an O(dt) energy error ...
    assert energy_error(0.002, seconds=2.0) < 1.1 * coarse  # ... that stays bounded over a 5x longer run


def test_the_network_law_keeps_its_priors_and_the_plain_law_does_not():
    torch.manual_seed(0)
    assert prior_violation(NCLaw(16, 40.0)) < 1e-12
    assert prior_violation(PlainLaw(16, 40.0)) > 1e-3


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_the_simulator_runs_on_cuda_like_on_the_cpu():
    body_cpu, body_gpu = beam(), None
    nodes, triangles = quad_mesh(np.ones((4, 2), dtype=bool), 0.25)
    body_gpu = make_body(nodes, triangles, np.isclose(nodes[:, 0], 0.0), 1.0, "cuda", torch.float64)
    x0 = deformed(body_cpu, 0.03)
    cpu = rollout(body_cpu, x0, torch.zeros_like(x0), physics_acceleration(body_cpu, LAW, 2.0), 0.004, 20)[0]
    gpu = rollout(body_gpu, x0.cuda(), torch.zeros_like(x0).cuda(), physics_acceleration(body_gpu, LAW, 2.0), 0.004, 20)[0]
    assert torch.allclose(cpu, gpu.cpu(), atol=1e-10)
