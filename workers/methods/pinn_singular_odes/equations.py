"""The singular ODEs, each in polynomial-coefficient form (finite at its regular singular points),
with its boundary value, its singular points and a reference solution from scipy.

* Legendre: (1 − x²)u'' − 2x u' + l(l+1)u = 0 on [−1, 1], u(1) = 1 → P_l (singular at ±1).
* Gauss hypergeometric: x(1 − x)u'' + [c − (a+b+1)x]u' − ab u = 0 on [0, 1], u(0) = 1 → ₂F₁(a, b; c; x)
  (singular at 0 and 1; c − a − b > 0 keeps it finite at 1).
* Michel accretion onto a Schwarzschild black hole (G = c = M = 1, p = Kρ^Γ): the radial speed u(r)
  of the transonic flow obeys (u² − a²A) u' = u (2a²A / r − 1/r²), A = 1 − 2/r + u², a² the sound
  speed squared at the density ρ = ṁ / (4πr²u); both sides vanish at the sonic point r_c, where
  u_c² = 1/(2r_c) and a_c² = u_c² / (1 − 3u_c²). The reference solves the Bernoulli relation
  h²(1 − 2/r + u²) = const pointwise (brentq) on the accretion branch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import optimize, special
from torch import Tensor

from ..shared.pinn import derivative

HYPERGEOMETRIC = {
    "2F1(0.5,0.5;1.5)": (0.5, 0.5, 1.5),
    "2F1(1,1;2.5)": (1.0, 1.0, 2.5),
    "2F1(-0.5,1.5;2.5)": (-0.5, 1.5, 2.5),
}
GAMMA = 4.0 / 3.0


@dataclass(frozen=True)
class SingularODE:
    name: str
    low: float
    high: float
    anchor: float
    """Where the boundary condition u(anchor) = value is imposed."""
    value: float
    singular: tuple[float, ...]
    residual: Callable[[Tensor, Tensor], Tensor]
    """(u(x), x) -> the polynomial-form residual, x of shape (N, 1) requiring grad."""
    reference: Callable[[np.ndarray], np.ndarray]
    rhs: Callable[[float, np.ndarray], np.ndarray]
    """The standard form y' = F(x, y) for scipy (y = (u, u') or (u,)), singular where the ODE is."""
    slope: float | None = None
    """u'(anchor) from the Frobenius (regular-solution) condition, for second-order equations."""
    positive: bool = False
    """Model u as exp(net): the solution is positive and spans decades."""


def legendre(l: int) -> SingularODE:
    def residual(u: Tensor, x: Tensor) -> Tensor:
        return (1 - x**2) * derivative(u, x, 2) - 2 * x * derivative(u, x, 1) + l * (l + 1) * u

    return SingularODE(f"Legendre l={l}", -1.0, 1.0, 1.0, 1.0, (-1.0, 1.0), residual,
                       lambda x: special.eval_legendre(l, x), legendre_rhs(l), slope=l * (l + 1) / 2)


def hypergeometric(name: str) -> SingularODE:
    a, b, c = HYPERGEOMETRIC[name]

    def residual(u: Tensor, x: Tensor) -> Tensor:
        return x * (1 - x) * derivative(u, x, 2) + (c - (a + b + 1) * x) * derivative(u, x, 1) - a * b * u

    return SingularODE(name, 0.0, 1.0, 0.0, 1.0, (0.0, 1.0), residual,
                       lambda x: special.hyp2f1(a, b, c, x), hypergeometric_rhs(name), slope=a * b / c)


# ---- Michel accretion ------------------------------------------------------------------------


@dataclass(frozen=True)
class MichelFlow:
    """The transonic polytropic flow with sonic radius ``r_c`` (K = 1)."""

    r_c: float
    gamma: float = GAMMA

    @property
    def sonic_speed(self) -> float:
        return math.sqrt(1 / (2 * self.r_c))

    @property
    def sonic_density(self) -> float:
        u2 = 1 / (2 * self.r_c)
        a2 = u2 / (1 - 3 * u2)
        theta = a2 / (self.gamma * (1 - a2 / (self.gamma - 1)))  # K ρ^(Γ−1) from a² = Γθ / h
        return theta ** (1 / (self.gamma - 1))

    @property
    def accretion_rate(self) -> float:
        return 4 * math.pi * self.r_c**2 * self.sonic_density * self.sonic_speed

    def enthalpy(self, rho):
        return 1 + self.gamma / (self.gamma - 1) * rho ** (self.gamma - 1)

    def bernoulli(self, u, r):
        rho = self.accretion_rate / (4 * math.pi * r**2 * u)
        return self.enthalpy(rho) ** 2 * (1 - 2 / r + u**2)

    @property
    def bernoulli_constant(self) -> float:
        return float(self.bernoulli(self.sonic_speed, self.r_c))

    def speed(self, r: float) -> float:
        """u(r) on the accretion branch: subsonic outside r_c, supersonic inside."""
        level = self.bernoulli_constant
        f = lambda u: self.bernoulli(u, r) - level  # noqa: E731
        sonic = optimize.minimize_scalar(f, bounds=(1e-8, 0.999), method="bounded", options={"xatol": 1e-14}).x
        if f(sonic) >= 0:  # the two branches meet (r at the sonic radius, to rounding)
            return float(sonic)
        if r >= self.r_c:
            return float(optimize.brentq(f, 1e-8, sonic, xtol=1e-15, rtol=1e-14))
        return float(optimize.brentq(f, sonic, 0.999, xtol=1e-15, rtol=1e-14))

    def residual(self, u: Tensor, r: Tensor) -> Tensor:
        rho = self.accretion_rate / (4 * math.pi * r**2 * u)
        theta = rho ** (self.gamma - 1)
        a2 = self.gamma * theta / (1 + self.gamma / (self.gamma - 1) * theta)
        big_a = 1 - 2 / r + u**2
        return (u**2 - a2 * big_a) * derivative(u, r, 1) - u * (2 * a2 * big_a / r - 1 / r**2)


def michel(r_c: float, low: float, high: float) -> SingularODE:
    flow = MichelFlow(r_c)
    return SingularODE(f"Michel accretion r_c={r_c:g}", low, high, high, flow.speed(high), (r_c,),
                       flow.residual, np.vectorize(flow.speed), michel_rhs(flow), positive=True)


# ---- standard-form right-hand sides for scipy's integrators ----------------------------------


def legendre_rhs(l: int):
    """y = (u, u'): u'' = (2x u' − l(l+1)u) / (1 − x²), 0/0 at x = ±1."""
    return lambda x, y: np.array([y[1], (2 * x * y[1] - l * (l + 1) * y[0]) / (1 - x**2)])


def hypergeometric_rhs(name: str):
    a, b, c = HYPERGEOMETRIC[name]
    return lambda x, y: np.array([y[1], (a * b * y[0] - (c - (a + b + 1) * x) * y[1]) / (x * (1 - x))])


def michel_rhs(flow: MichelFlow):
    """du/dr = u (2a²A/r − 1/r²) / (u² − a²A), 0/0 at the sonic point."""

    def rhs(r, y):
        u = y[0]
        rho = flow.accretion_rate / (4 * math.pi * r**2 * u)
        theta = rho ** (flow.gamma - 1)
        a2 = flow.gamma * theta / (1 + flow.gamma / (flow.gamma - 1) * theta)
        big_a = 1 - 2 / r + u**2
        return np.array([u * (2 * a2 * big_a / r - 1 / r**2) / (u**2 - a2 * big_a)])

    return rhs
