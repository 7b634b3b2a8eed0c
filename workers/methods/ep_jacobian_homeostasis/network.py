"""A two-layer recurrent network whose equilibrium is read out, its exact gradient by implicit
differentiation, and generalized EP's gradient from nudged equilibria (finite differences or the
Cauchy integral over complex nudges).

State u = (h, o). With rho the (holomorphic) sigmoid and W the full recurrent matrix, W[h, o] = B
(feedback), W[o, h] = W2 (feedforward):
    G_beta(u) = (B rho(o) + U x + b_h,  W2 rho(h) + b_o + beta (y - rho(o)))
    F_beta(u) = D (G_0(u) - u) - beta dl/du,   D = diag rho'(u),   l = 1/2 |rho(o) - y|^2
so u* = G_beta(u*) is F_beta's zero. At beta = 0, J = dF/du = D W D - D: symmetric iff W is.
    exact:  dL/dtheta = -(dF/dtheta)^T J^{-T} dl/du          (implicit function theorem)
    EP:     g = -(dF/dtheta)^T du*/dbeta,  du*/dbeta = J^{-1} dl/du   (= exact iff J = J^T)
du*/dbeta is estimated from nudged equilibria: N = 1 one-sided, N >= 2 the Cauchy mean
(1/N) sum_k a(beta w^k) / (beta w^k), w = e^{2 pi i / N} (N = 2: central difference).
"""
from __future__ import annotations

import math

import torch


def rho(z: torch.Tensor) -> torch.Tensor:
    return 1.0 / (1.0 + torch.exp(-z))  # holomorphic: works on complex tensors


def rho_prime(z: torch.Tensor) -> torch.Tensor:
    s = rho(z)
    return s * (1.0 - s)


class EqNet(torch.nn.Module):
    def __init__(self, inputs: int, hidden: int, outputs: int, tied: bool, generator: torch.Generator, alpha_deg: float = 0.0):
        super().__init__()
        g = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
        self.U = torch.nn.Parameter(g(hidden, inputs) / math.sqrt(inputs))
        self.W2 = torch.nn.Parameter(g(outputs, hidden) * 2.0 / math.sqrt(hidden))
        self.b_h = torch.nn.Parameter(torch.zeros(hidden, dtype=torch.float64))
        self.b_o = torch.nn.Parameter(torch.zeros(outputs, dtype=torch.float64))
        self.tied = tied
        if not tied:
            alpha = math.radians(alpha_deg)
            random = g(hidden, outputs) * 2.0 / math.sqrt(hidden)
            self.B = torch.nn.Parameter(math.sin(alpha) * random + math.cos(alpha) * self.W2.detach().T)
        self.hidden, self.outputs = hidden, outputs

    def feedback(self) -> torch.Tensor:
        return self.W2.T if self.tied else self.B

    def recurrent(self) -> torch.Tensor:
        """The full W (dim x dim) with blocks W[h, o] = B, W[o, h] = W2."""
        h, o = self.hidden, self.outputs
        top = torch.cat([torch.zeros(h, h, dtype=self.W2.dtype, device=self.W2.device), self.feedback()], 1)
        bottom = torch.cat([self.W2, torch.zeros(o, o, dtype=self.W2.dtype, device=self.W2.device)], 1)
        return torch.cat([top, bottom], 0)

    def step(self, u: torch.Tensor, x: torch.Tensor, y: torch.Tensor, beta) -> torch.Tensor:
        """G_beta(u) for a batch of states (B, dim), real or complex."""
        h, o = u[:, :self.hidden], u[:, self.hidden:]
        new_h = rho(o) @ self.feedback().T.to(u.dtype) + (x @ self.U.T + self.b_h).to(u.dtype)
        new_o = rho(h) @ self.W2.T.to(u.dtype) + self.b_o.to(u.dtype) + beta * (y.to(u.dtype) - rho(o))
        return torch.cat([new_h, new_o], 1)

    def equilibrium(self, x, y, beta=0.0, start=None, steps: int = 60, damping: float = 0.5) -> torch.Tensor:
        """Damped fixed-point iteration of G_beta (no graph kept)."""
        dtype = torch.complex128 if isinstance(beta, complex) else torch.float64
        u = torch.zeros(x.shape[0], self.hidden + self.outputs, dtype=dtype, device=x.device) if start is None else start.to(dtype)
        with torch.no_grad():
            for _ in range(steps):
                u = (1 - damping) * u + damping * self.step(u, x, y, beta)
        return u

    def loss_grad_u(self, u: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """dl/du: zero on h, (rho(o) - y) rho'(o) on o."""
        o = u[:, self.hidden:]
        return torch.cat([torch.zeros_like(u[:, :self.hidden]), (rho(o) - y) * rho_prime(o)], 1)

    def jacobian(self, u: torch.Tensor) -> torch.Tensor:
        """J = D W D - D at an equilibrium (B, dim, dim)."""
        d = rho_prime(u)
        return d[:, :, None] * self.recurrent()[None] * d[:, None, :] - torch.diag_embed(d)


def param_vjp(net: EqNet, u_star: torch.Tensor, x, y, vector: torch.Tensor) -> dict[str, torch.Tensor]:
    """-(dF/dtheta)^T vector summed over the batch, with dF/dtheta = D dG/dtheta at the equilibrium."""
    params = dict(net.named_parameters())
    out = net.step(u_star.detach(), x, y, 0.0)
    weighted = -(rho_prime(u_star) * vector).detach()
    grads = torch.autograd.grad(out, list(params.values()), grad_outputs=weighted, allow_unused=True)
    return {k: (g if g is not None else torch.zeros_like(p)) for (k, p), g in zip(params.items(), grads)}


def exact_gradient(net: EqNet, u_star, x, y) -> dict[str, torch.Tensor]:
    """Implicit differentiation: -(dF/dtheta)^T J^{-T} dl/du."""
    lam = torch.linalg.solve(net.jacobian(u_star).transpose(1, 2), net.loss_grad_u(u_star, y))
    return param_vjp(net, u_star, x, y, lam)


def exact_du_dbeta(net: EqNet, u_star, y) -> torch.Tensor:
    return torch.linalg.solve(net.jacobian(u_star), net.loss_grad_u(u_star, y))


def estimated_du_dbeta(net: EqNet, u_star, x, y, beta: float, points: int, steps: int) -> torch.Tensor:
    """One-sided difference (points = 1) or the Cauchy mean over ``points`` nudges on a circle."""
    if points == 1:
        return (net.equilibrium(x, y, beta, u_star, steps) - u_star) / beta
    total = torch.zeros_like(u_star, dtype=torch.complex128)
    for k in range(points):
        nudge = beta * complex(math.cos(2 * math.pi * k / points), math.sin(2 * math.pi * k / points))
        if points == 2:
            nudge = complex(round(nudge.real, 15), 0.0)
        total = total + net.equilibrium(x, y, nudge, u_star, steps) / nudge
    return (total / points).real


def ep_gradient(net: EqNet, u_star, x, y, beta: float, points: int, steps: int) -> dict[str, torch.Tensor]:
    return param_vjp(net, u_star, x, y, estimated_du_dbeta(net, u_star, x, y, beta, points, steps))


def homeostasis_loss(net: EqNet, u_star: torch.Tensor) -> torch.Tensor:
    """1/2 |J~ - J~^T|_F^2 / dim averaged over the batch, with J~ = D^{-1/2} J D^{-1/2} + I = D^{1/2} W D^{1/2}
    (J similarity-scaled to the discrete map's scale, W rho'; symmetric iff J is), at the fixed equilibrium."""
    d = rho_prime(u_star.detach()).sqrt()
    w = net.recurrent()
    asym = d[:, :, None] * (w - w.T)[None] * d[:, None, :]
    return 0.5 * (asym**2).sum((1, 2)).mean() / u_star.shape[1]


def jacobian_symmetry(net: EqNet, u_star) -> float:
    """s / (s + a), s and a the Frobenius norms of J's symmetric and antisymmetric parts (batch mean)."""
    j = net.jacobian(u_star)
    s = (0.5 * (j + j.transpose(1, 2))).flatten(1).norm(dim=1)
    a = (0.5 * (j - j.transpose(1, 2))).flatten(1).norm(dim=1)
    return float((s / (s + a)).mean().detach())


def flat(grads: dict[str, torch.Tensor]) -> torch.Tensor:
    return torch.cat([g.flatten() for g in grads.values()])
