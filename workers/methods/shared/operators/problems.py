"""Seeded (input, output) data sets of the kit's PDEs at a requested resolution.

Every builder draws its inputs from ``rng`` (pass the run's ``ctx.rng("instances")``), solves
with the kit's reference solver, and returns an ``OperatorData`` of float32 arrays shaped
(samples, 1, *grid) at ``n`` points per axis. Periodic problems draw band-limited fields
(``modes`` Fourier modes, exact on every grid of n >= 2·modes + 1 points); Burgers and
Navier–Stokes are solved on a grid ``refine`` times finer and subsampled, so a data set at a
coarse resolution holds the same functions as one at a fine resolution.

    heat           u0 ↦ u(t),  u_t = ν Δu                  (closed form)
    advection      u0 ↦ u(t),  u_t + β u_x = 0             (closed form)
    burgers        u0 ↦ u(t),  u_t + (u²/2)_x = ν u_xx     (IF-RK4 pseudo-spectral)
    darcy          a ↦ u,      -div(a ∇u) = 1, u|∂Ω = 0    (finite volumes; no refinement)
    navier_stokes  ω(0) ↦ ω(t) on the torus                (CN + Heun pseudo-spectral)
"""
from __future__ import annotations

import numpy as np
import torch

from . import burgers as burgers_solver
from . import darcy as darcy_solver
from . import navier_stokes as ns_solver
from . import spectral
from .datasets import OperatorData
from .fields import evaluate_on_grid, grf, grf_coefficients


def _pairs(a: torch.Tensor, u: torch.Tensor, **meta) -> OperatorData:
    return OperatorData(a[:, None].cpu().numpy(), u[:, None].cpu().numpy(), meta=meta)


def heat(rng: np.random.Generator, count: int, n: int, *, nu: float = 0.01, t: float = 0.1, modes: int = 8,
         device=None) -> OperatorData:
    u0 = torch.tensor(grf(rng, count, 1, n, modes=modes), device=device)
    return _pairs(u0, spectral.heat(u0, nu, t), problem="heat", nu=nu, t=t)


def advection(rng: np.random.Generator, count: int, n: int, *, beta: float = 1.0, t: float = 0.25, modes: int = 8,
              device=None) -> OperatorData:
    u0 = torch.tensor(grf(rng, count, 1, n, modes=modes), device=device)
    return _pairs(u0, spectral.advect(u0, beta, t), problem="advection", beta=beta, t=t)


def unit_max_field(rng: np.random.Generator, count: int, n: int, modes: int) -> np.ndarray:
    """Band-limited 1-D GRFs scaled to max |u0| = 1, the max read on a fixed 512-point grid (so the
    scaling, like the field, does not depend on n)."""
    coeffs = grf_coefficients(rng, count, 1, modes)
    scale = np.abs(evaluate_on_grid(coeffs, 512)).max(axis=1, keepdims=True)
    return evaluate_on_grid(coeffs, n) / scale


def burgers(rng: np.random.Generator, count: int, n: int, *, nu: float = 0.01, t: float = 0.5, modes: int = 8,
            refine: int = 4, device=None, callback=None) -> OperatorData:
    """Initial conditions scaled to max |u0| = 1, solved on n·refine points."""
    fine = torch.tensor(unit_max_field(rng, count, n * refine, modes), device=device)
    u = burgers_solver.burgers(fine, nu, [t], callback=callback)[:, -1]
    return _pairs(fine[:, ::refine], u[:, ::refine], problem="burgers", nu=nu, t=t)


def darcy(rng: np.random.Generator, count: int, s: int, *, callback=None) -> OperatorData:
    a, u = darcy_solver.darcy_dataset(rng, count, s, callback=callback)
    return OperatorData(a[:, None], u[:, None], meta={"problem": "darcy"})


def navier_stokes(rng: np.random.Generator, count: int, n: int, *, nu: float = 1e-3, t: float = 1.0,
                  dt: float = 1e-3, modes: int = 8, refine: int = 2, forced: bool = True, device=None,
                  callback=None) -> OperatorData:
    w0 = torch.tensor(ns_solver.initial_vorticity(rng, count, n * refine, modes=modes), device=device)
    forcing = ns_solver.fno_forcing(n * refine, device) if forced else None
    w = ns_solver.navier_stokes(w0, nu, [t], dt=dt, forcing=forcing, callback=callback)[:, -1]
    return _pairs(w0[..., ::refine, ::refine], w[..., ::refine, ::refine], problem="navier_stokes", nu=nu, t=t)
