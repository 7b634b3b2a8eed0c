"""A 2-D elastic body on a triangle mesh and its explicit (symplectic Euler) finite-element dynamics
in torch, differentiable end to end and batched over trajectories.

Linear triangles: F = Ds Dm⁻¹ per element (Ds, Dm the current and rest edge matrices), nodal forces
f = −Σ_e V_e P(F_e) Dm⁻ᵀ scattered to the element's nodes, lumped masses ρ V_e / 3 per node.
One step: v ← (v + dt (f/m + g)) on free nodes (clamped nodes stay put), x ← x + dt v.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

Law = Callable[[torch.Tensor], torch.Tensor]  # F (..., 2, 2) -> first Piola-Kirchhoff stress P (..., 2, 2)


@dataclass(frozen=True)
class Body:
    rest: torch.Tensor  # (N, 2)
    elements: torch.Tensor  # (E, 3) node indices, counter-clockwise
    free: torch.Tensor  # (N, 1) 1.0 on free nodes, 0.0 on clamped ones
    dm_inv: torch.Tensor  # (E, 2, 2)
    volume: torch.Tensor  # (E,)
    mass: torch.Tensor  # (N, 1)
    edges: torch.Tensor  # (2, K) directed mesh edges (both directions)

    @property
    def size(self) -> float:
        extent = self.rest.max(dim=0).values - self.rest.min(dim=0).values
        return float(extent.max())


def quad_mesh(mask: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes (N, 2) and triangles (E, 3) of the quads where mask[i, j] (i along x, j along y) is set,
    each quad split in two counter-clockwise triangles; unused grid nodes are dropped."""
    nx, ny = mask.shape
    node_id = -np.ones((nx + 1, ny + 1), dtype=int)
    triangles = []
    for i, j in zip(*np.nonzero(mask)):
        for a, b in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)):
            if node_id[a, b] < 0:
                node_id[a, b] = node_id.max() + 1
        a, b, c, d = node_id[i, j], node_id[i + 1, j], node_id[i + 1, j + 1], node_id[i, j + 1]
        triangles += [(a, b, c), (a, c, d)]
    nodes = np.zeros((node_id.max() + 1, 2))
    for i, j in zip(*np.nonzero(node_id >= 0)):
        nodes[node_id[i, j]] = (i * spacing, j * spacing)
    return nodes, np.asarray(triangles)


def make_body(nodes: np.ndarray, triangles: np.ndarray, clamped: np.ndarray, density: float,
              device, dtype=torch.float32) -> Body:
    as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=float), dtype=dtype, device=device)
    x = nodes[triangles]  # (E, 3, 2)
    dm = np.stack([x[:, 1] - x[:, 0], x[:, 2] - x[:, 0]], axis=-1)  # columns are edges
    volume = 0.5 * np.abs(np.linalg.det(dm))
    mass = np.zeros(len(nodes))
    np.add.at(mass, triangles.ravel(), np.repeat(density * volume / 3.0, 3))
    pairs = {tuple(sorted((int(t[a]), int(t[b])))) for t in triangles for a, b in ((0, 1), (1, 2), (2, 0))}
    edges = np.array(sorted(pairs)).T
    return Body(rest=as_t(nodes), elements=torch.as_tensor(triangles, device=device), free=as_t(~clamped)[:, None],
                dm_inv=as_t(np.linalg.inv(dm)), volume=as_t(volume), mass=as_t(mass)[:, None],
                edges=torch.as_tensor(np.concatenate([edges, edges[::-1]], axis=1), device=device))


def deformation_gradient(body: Body, x: torch.Tensor) -> torch.Tensor:
    """F (B, E, 2, 2) of positions x (B, N, 2)."""
    p = x[:, body.elements]  # (B, E, 3, 2)
    ds = torch.stack([p[:, :, 1] - p[:, :, 0], p[:, :, 2] - p[:, :, 0]], dim=-1)
    return ds @ body.dm_inv


def elastic_forces(body: Body, x: torch.Tensor, law: Law) -> torch.Tensor:
    """Nodal forces (B, N, 2) = −∂(Σ_e V_e Ψ(F_e))/∂x for a hyperelastic law P = ∂Ψ/∂F."""
    stress = law(deformation_gradient(body, x))
    h = -body.volume[:, None, None] * stress @ body.dm_inv.transpose(-1, -2)  # (B, E, 2, 2), columns: nodes 1, 2
    per_node = torch.stack([-h[..., 0] - h[..., 1], h[..., 0], h[..., 1]], dim=2)  # (B, E, 3, 2)
    forces = torch.zeros_like(x)
    return forces.index_add(1, body.elements.reshape(-1), per_node.reshape(x.shape[0], -1, 2))


def step(body: Body, x: torch.Tensor, v: torch.Tensor, acceleration: torch.Tensor, dt: float):
    v = (v + dt * acceleration) * body.free
    return x + dt * v, v


def physics_acceleration(body: Body, law: Law, gravity: float) -> Callable:
    g = torch.tensor([0.0, -gravity], dtype=body.rest.dtype, device=body.rest.device)
    return lambda x, v: elastic_forces(body, x, law) / body.mass + g


def rollout(body: Body, x: torch.Tensor, v: torch.Tensor, acceleration: Callable, dt: float, steps: int,
            check: Callable[[], None] | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Positions and velocities (B, steps + 1, N, 2) from x, v (B, N, 2)."""
    xs, vs = [x], [v]
    for k in range(steps):
        x, v = step(body, x, v, acceleration(x, v), dt)
        xs.append(x)
        vs.append(v)
        if check is not None and k % 50 == 0:
            check()
    return torch.stack(xs, dim=1), torch.stack(vs, dim=1)


def total_energy(body: Body, x: torch.Tensor, v: torch.Tensor, energy_density: Callable, gravity: float) -> torch.Tensor:
    """Kinetic + elastic + gravitational energy (B,) of states x, v (B, N, 2)."""
    kinetic = 0.5 * (body.mass * v ** 2).sum(dim=(1, 2))
    elastic = (body.volume * energy_density(deformation_gradient(body, x))).sum(dim=1)
    potential = gravity * (body.mass[:, 0] * x[..., 1]).sum(dim=1)
    return kinetic + elastic + potential
