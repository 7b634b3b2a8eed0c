"""Upper bounds on the local Lipschitz constant of a scalar ReLU network over an ℓ∞ ball.

    f(x) = w_L · relu(W_{L−1} … relu(W_1 x + b_1) …) + b_L,   L∞-local Lipschitz constant
    L(x0, ε) = max_{x ∈ B∞(x0, ε)} ‖∇f(x)‖₁,   ∇f = W_1ᵀ D_1 W_2ᵀ D_2 … W_{L−1}ᵀ D_{L−1} w_L,
    D_i = diag(d_i), d_i ∈ {0} (inactive), {1} (active) or [0, 1] (unstable on the ball: Clarke).

Chain from the output: q_{L−1} = d_{L−1} ⊙ w_L, p_{i−1} = W_iᵀ q_i, q_{i−1} = d_{i−1} ⊙ p_{i−1}, ∇f = W_1ᵀ q_1.

* naive: the global bound ‖w_L‖₁ Π ‖W_i‖_{∞→∞} (no use of the ball);
* interval: interval arithmetic along the chain, Σ_j max(|g_j^lo|, |g_j^hi|) (RecurJac-like);
* bound propagation (Shi et al. 2022): |g_j| ≤ chord over [g_j^lo, g_j^hi] makes the objective
  linear in q_1; each product d ⊙ p is relaxed by a McCormick plane and the linear bound is
  propagated backwards to d_{L−1}, maximized exactly over the box (CROWN-style);
* branch and bound: split an unstable d_k into d_k = 0 and d_k = 1. ‖∇f‖₁ is convex in each
  d_k separately (∇f is affine in it), so its maximum over the box sits at a vertex and the
  split loses nothing; a leaf with no unstable neuron has an exact value.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import torch

Layers = list[tuple[torch.Tensor, torch.Tensor]]  # [(W_i (out, in), b_i (out,)), ...]; the last has out = 1
Interval = tuple[torch.Tensor, torch.Tensor]


def preactivation_bounds(layers: Layers, x0: torch.Tensor, eps: float) -> list[Interval]:
    """Interval bound propagation of every hidden layer's pre-activation over B∞(x0, ε)."""
    low, high = x0 - eps, x0 + eps
    bounds = []
    for weight, bias in layers[:-1]:
        center, radius = (high + low) / 2, (high - low) / 2
        mid, spread = weight @ center + bias, weight.abs() @ radius
        bounds.append((mid - spread, mid + spread))
        low, high = (mid - spread).clamp_min(0), (mid + spread).clamp_min(0)
    return bounds


def _backward_upper(coef: torch.Tensor, const: torch.Tensor, layers: Layers, pre: list[Interval],
                    x0: torch.Tensor, eps: float) -> torch.Tensor:
    """Upper bound over the ball of coef · a_k + const, a_k = relu(z_k) the output of hidden layer
    k = len(pre), by CROWN's linear ReLU relaxations propagated back to the input."""
    for k in range(len(pre) - 1, -1, -1):
        low, high = pre[k]
        unstable_ = (low < 0) & (high > 0)
        upper_slope = torch.where(unstable_, high / (high - low).clamp_min(1e-300), (low >= 0).to(low.dtype))
        lower_slope = torch.where(unstable_, (high > -low).to(low.dtype), (low >= 0).to(low.dtype))
        positive, negative = coef.clamp_min(0), coef.clamp_max(0)
        const = const + positive @ torch.where(unstable_, -upper_slope * low, torch.zeros_like(low))
        coef = positive * upper_slope + negative * lower_slope  # now on z_k = W_k a_{k-1} + b_k
        weight, bias = layers[k]
        const = const + coef @ bias
        coef = coef @ weight
    return coef @ x0 + eps * coef.abs().sum(dim=-1) + const


def crown_preactivation_bounds(layers: Layers, x0: torch.Tensor, eps: float) -> list[Interval]:
    """Pre-activation bounds by CROWN (Zhang et al. 2018), intersected with interval propagation."""
    ibp = preactivation_bounds(layers, x0, eps)
    bounds = [ibp[0]]
    for m in range(1, len(layers) - 1):
        weight, bias = layers[m]
        upper = _backward_upper(weight, bias, layers, bounds, x0, eps)
        lower = -_backward_upper(-weight, -bias, layers, bounds, x0, eps)
        bounds.append((torch.maximum(lower, ibp[m][0]), torch.minimum(upper, ibp[m][1])))
    return bounds


def derivative_bounds(pre: list[Interval]) -> list[Interval]:
    """ReLU derivative ranges [d_lo, d_hi] ⊂ {0, 1} per hidden neuron: stable or unstable ([0, 1])."""
    return [((low > 0).to(low.dtype), (high > 0).to(high.dtype)) for low, high in pre]


def naive_global(layers: Layers) -> float:
    """‖w_L‖₁ Π_i max-row-sum(W_i): the product of ℓ∞ operator norms."""
    value = float(layers[-1][0].abs().sum())
    for weight, _ in layers[:-1]:
        value *= float(weight.abs().sum(dim=1).max())
    return value


def _times(d: Interval, p: Interval) -> Interval:
    products = torch.stack([d[0] * p[0], d[0] * p[1], d[1] * p[0], d[1] * p[1]])
    return products.min(dim=0).values, products.max(dim=0).values


def _matvec_t(weight: torch.Tensor, q: Interval) -> Interval:
    """Interval of Wᵀ q for q in a box (center/radius form)."""
    center, radius = (q[1] + q[0]) / 2, (q[1] - q[0]) / 2
    return weight.T @ center - weight.abs().T @ radius, weight.T @ center + weight.abs().T @ radius


def jacobian_chain(layers: Layers, dbounds: list[Interval]) -> tuple[list[Interval], Interval]:
    """Intervals of p_1 … p_{L−1} (p_{L−1} = w_L exactly) and of the gradient g = W_1ᵀ q_1."""
    last = layers[-1][0][0]
    p: list[Interval] = [(last, last)]
    q = _times(dbounds[-1], p[0])
    for i in range(len(layers) - 2, 0, -1):  # layers[i] is W_{i+1}
        p.insert(0, _matvec_t(layers[i][0], q))
        q = _times(dbounds[i - 1], p[0])
    return p, _matvec_t(layers[0][0], q)


def interval_bound(layers: Layers, dbounds: list[Interval]) -> float:
    _, (g_low, g_high) = jacobian_chain(layers, dbounds)
    return float(torch.maximum(g_low.abs(), g_high.abs()).sum())


def abs_chord(low: torch.Tensor, high: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Slope a and intercept c with |g| ≤ a g + c on [low, high] (exact where the sign is fixed)."""
    crossing = (low < 0) & (high > 0)
    width = torch.where(crossing, high - low, torch.ones_like(high))
    slope = torch.where(crossing, (high + low) / width, torch.where(low >= 0, 1.0, -1.0).to(low.dtype))
    intercept = torch.where(crossing, -2 * high * low / width, torch.zeros_like(low))
    return slope, intercept


def _mccormick(lam: torch.Tensor, d: Interval, p: Interval, alpha: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Upper bound of λ ⊙ d ⊙ p linear in p: (coefficient μ on p, constant after maximizing over d).
    The two McCormick planes, mixed with weight α (any mix is a valid bound)."""
    (dl, du), (pl, pu) = d, p
    up = lam >= 0
    # planes for d·p: upper (λ ≥ 0): du p + d pl − du pl  |  dl p + d pu − dl pu
    #                 lower (λ < 0): dl p + d pl − dl pl  |  du p + d pu − du pu
    p_coef_a, d_coef_a, const_a = torch.where(up, du, dl), pl, -torch.where(up, du, dl) * pl
    p_coef_b, d_coef_b, const_b = torch.where(up, dl, du), pu, -torch.where(up, dl, du) * pu
    p_coef = (1 - alpha) * p_coef_a + alpha * p_coef_b
    d_coef = (1 - alpha) * d_coef_a + alpha * d_coef_b
    const = (1 - alpha) * const_a + alpha * const_b
    d_term = torch.maximum(lam * d_coef * dl, lam * d_coef * du)  # λ·d_coef·d maximized over d ∈ [dl, du]
    return lam * p_coef, (d_term + lam * const).sum()


def propagate(layers: Layers, dbounds: list[Interval], alpha: float) -> float:
    """The bound-propagation upper bound with McCormick mix ``alpha``."""
    p, (g_low, g_high) = jacobian_chain(layers, dbounds)
    slope, intercept = abs_chord(g_low, g_high)
    total = intercept.sum()
    lam = layers[0][0] @ slope  # coefficients on q_1
    for i in range(len(layers) - 1):  # q_{i+1} = d_{i+1} ⊙ p_{i+1}
        mu, const = _mccormick(lam, dbounds[i], p[i], alpha)
        total = total + const
        if i == len(layers) - 2:  # p_{L−1} = w_L is exact: its term is a constant
            total = total + (mu * p[i][0]).sum()
        else:
            lam = layers[i + 1][0] @ mu
    return float(total)


def bound_propagation(layers: Layers, dbounds: list[Interval], alphas=(0.0, 0.5, 1.0)) -> float:
    """The tightest of the bounds for a few McCormick mixes (each valid), never above interval's."""
    return min([propagate(layers, dbounds, a) for a in alphas] + [interval_bound(layers, dbounds)])


def unstable(dbounds: list[Interval]) -> list[tuple[int, int]]:
    return [(i, int(k)) for i, (low, high) in enumerate(dbounds) for k in torch.nonzero(low != high).flatten()]


def fix(dbounds: list[Interval], layer: int, neuron: int, value: float) -> list[Interval]:
    out = [(low.clone(), high.clone()) for low, high in dbounds]
    out[layer][0][neuron] = value
    out[layer][1][neuron] = value
    return out


@dataclass
class BabResult:
    bound: float
    domains: int
    exact: bool  # the best leaf had no unstable neuron: the bound is the relaxed problem's maximum
    history: list[tuple[int, float]]


def branch_and_bound(layers: Layers, dbounds: list[Interval], max_domains: int) -> BabResult:
    """Best-first: split the leaf with the largest bound, on an unstable neuron of its deepest
    layer, until ``max_domains`` domains were bounded or the best leaf has none left."""
    root = bound_propagation(layers, dbounds)
    heap = [(-root, 0, dbounds)]
    counter, history = 1, [(1, root)]
    while counter < max_domains:
        negative, _, domain = heap[0]
        free = unstable(domain)
        if not free:
            return BabResult(-negative, counter, True, history)
        heapq.heappop(heap)
        layer, neuron = free[-1]
        for value in (0.0, 1.0):
            child = fix(domain, layer, neuron, value)
            heapq.heappush(heap, (-bound_propagation(layers, child), counter, child))
            counter += 1
        history.append((counter, -heap[0][0]))
    return BabResult(-heap[0][0], counter, not unstable(heap[0][2]), history)


def gradient_norm(layers: Layers, x: torch.Tensor) -> torch.Tensor:
    """‖∇f(x)‖₁ at each row of x (a.e. gradient: d = 1 where the pre-activation is positive)."""
    h, back = x, []
    for weight, bias in layers[:-1]:
        z = h @ weight.T + bias
        back.append((z > 0).to(x.dtype))
        h = z.clamp_min(0)
    g = layers[-1][0][0].expand(x.shape[0], -1)
    for i in range(len(layers) - 2, -1, -1):
        g = (g * back[i]) @ layers[i][0]
    return g.abs().sum(dim=1)
