"""Tabular MDPs with softmax policies: exact values by dynamic programming, exact policy gradients,
batched trajectory sampling, and the GPOMDP estimator with its Hessian-vector correction.

Batched over policies: ``theta`` has shape (B, S, A); row b is one independent policy
pi_b(a | s) = softmax(theta[b, s])_a. The objective is J(theta) = rho^T V^pi, the discounted
return from the initial distribution rho.

GPOMDP (Baxter & Bartlett 2001) on a trajectory of horizon H:
    g(tau, theta) = sum_k psi_k G_k,   psi_k = grad log pi(a_k | s_k),   G_k = sum_{t >= k} gamma^t r_t
and with Phi(tau, theta) = sum_k G_k log pi(a_k | s_k) (so grad Phi = g), the correction of
HARPG (Fatkhullin et al. 2023) is B(tau, theta) v = g (sum_k psi_k . v) + hess(Phi) v, where for the
softmax, hess log pi(a | s) v = -(pi_s * v_s - pi_s (pi_s . v_s)) on the block of state s.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class TabularMDP:
    transitions: torch.Tensor  # (S, A, S): P[s, a, s']
    rewards: torch.Tensor  # (S, A) in [0, 1]
    initial: torch.Tensor  # (S,)
    gamma: float

    @property
    def states(self) -> int:
        return self.rewards.shape[0]

    @property
    def actions(self) -> int:
        return self.rewards.shape[1]


def garnet(states: int, actions: int, branching: int, gamma: float, rng: np.random.Generator,
           device="cpu", dtype=torch.float64) -> TabularMDP:
    """A Garnet MDP: each (s, a) moves to ``branching`` random next states with random
    probabilities; rewards U(0, 1) on (s, a); uniform initial state."""
    p = np.zeros((states, actions, states))
    for s in range(states):
        for a in range(actions):
            nxt = rng.choice(states, size=branching, replace=False)
            p[s, a, nxt] = rng.dirichlet(np.ones(branching))
    rewards = rng.random((states, actions))
    as_t = lambda x: torch.as_tensor(x, device=device, dtype=dtype)
    return TabularMDP(as_t(p), as_t(rewards), as_t(np.full(states, 1.0 / states)), float(gamma))


def policy(theta: torch.Tensor) -> torch.Tensor:
    return torch.softmax(theta, dim=-1)


def state_values(mdp: TabularMDP, pi: torch.Tensor) -> torch.Tensor:
    """V^pi for a batch of policies (B, S, A): solve (I - gamma P_pi) V = r_pi."""
    p_pi = torch.einsum("bsa,sat->bst", pi, mdp.transitions)
    r_pi = (pi * mdp.rewards).sum(-1)
    eye = torch.eye(mdp.states, dtype=pi.dtype, device=pi.device)
    return torch.linalg.solve(eye - mdp.gamma * p_pi, r_pi)


def expected_return(mdp: TabularMDP, theta: torch.Tensor) -> torch.Tensor:
    """J(theta) = rho^T V^pi, one value per policy in the batch (differentiable)."""
    return state_values(mdp, policy(theta)) @ mdp.initial


def optimal_return(mdp: TabularMDP, tol: float = 1e-12, max_iters: int = 100_000) -> float:
    """J* = rho^T V* by value iteration to ``tol``."""
    v = torch.zeros(mdp.states, dtype=mdp.rewards.dtype, device=mdp.rewards.device)
    for _ in range(max_iters):
        new = (mdp.rewards + mdp.gamma * mdp.transitions @ v).max(dim=1).values
        if float((new - v).abs().max()) < tol:
            v = new
            break
        v = new
    return float(v @ mdp.initial)


def exact_policy_gradient(mdp: TabularMDP, theta: torch.Tensor) -> torch.Tensor:
    """Policy gradient theorem for the softmax: dJ/dtheta[s, a] = d^pi(s) pi(a|s) A^pi(s, a) / (1 - gamma),
    d^pi the normalised discounted state occupancy from rho."""
    pi = policy(theta)
    v = state_values(mdp, pi)
    q = mdp.rewards + mdp.gamma * torch.einsum("sat,bt->bsa", mdp.transitions, v)
    p_pi = torch.einsum("bsa,sat->bst", pi, mdp.transitions)
    eye = torch.eye(mdp.states, dtype=pi.dtype, device=pi.device)
    occupancy = torch.linalg.solve(eye - mdp.gamma * p_pi.transpose(1, 2), mdp.initial.expand(theta.shape[0], -1))
    return occupancy[..., None] * pi * (q - v[..., None])


@dataclass(frozen=True)
class Trajectories:
    states: torch.Tensor  # (B, H) long
    actions: torch.Tensor  # (B, H) long
    rewards: torch.Tensor  # (B, H)


def _categorical(probs: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    u = torch.rand(probs.shape[0], 1, generator=generator, device=probs.device, dtype=probs.dtype)
    return (u > probs.cumsum(-1)).sum(-1).clamp_(max=probs.shape[-1] - 1)


def sample(mdp: TabularMDP, theta: torch.Tensor, horizon: int, generator: torch.Generator) -> Trajectories:
    """One trajectory of ``horizon`` steps per policy in the batch."""
    batch = torch.arange(theta.shape[0], device=theta.device)
    pi = policy(theta)
    s = _categorical(mdp.initial.expand(theta.shape[0], -1), generator)
    states, actions, rewards = [], [], []
    for _ in range(horizon):
        a = _categorical(pi[batch, s], generator)
        states.append(s)
        actions.append(a)
        rewards.append(mdp.rewards[s, a])
        s = _categorical(mdp.transitions[s, a], generator)
    return Trajectories(torch.stack(states, 1), torch.stack(actions, 1), torch.stack(rewards, 1))


def _scores_and_returns(theta: torch.Tensor, tau: Trajectories, gamma: float):
    """psi_k (B, H, S, A), pi at the visited states (B, H, A), G_k (B, H)."""
    bsz, horizon = tau.states.shape
    pi_visited = policy(theta)[torch.arange(bsz, device=theta.device)[:, None], tau.states]
    at_state = torch.nn.functional.one_hot(tau.states, theta.shape[1]).to(theta.dtype)
    taken = torch.nn.functional.one_hot(tau.actions, theta.shape[2]).to(theta.dtype)
    psi = at_state[..., None] * (taken - pi_visited)[:, :, None, :]
    discount = gamma ** torch.arange(horizon, device=theta.device, dtype=theta.dtype)
    to_go = (tau.rewards * discount).flip(1).cumsum(1).flip(1)
    return psi, pi_visited, at_state, to_go


def gpomdp(theta: torch.Tensor, tau: Trajectories, gamma: float) -> torch.Tensor:
    """g(tau, theta) per policy: (B, S, A)."""
    psi, _, _, to_go = _scores_and_returns(theta, tau, gamma)
    return (psi * to_go[..., None, None]).sum(1)


def surrogate(theta: torch.Tensor, tau: Trajectories, gamma: float) -> torch.Tensor:
    """Phi(tau, theta) = sum_k G_k log pi(a_k | s_k) per policy (for autograd checks)."""
    _, _, _, to_go = _scores_and_returns(theta.detach(), tau, gamma)
    logp = torch.log_softmax(theta, -1)[torch.arange(theta.shape[0])[:, None], tau.states, tau.actions]
    return (to_go * logp).sum(1)


def hessian_correction(theta: torch.Tensor, tau: Trajectories, gamma: float, v: torch.Tensor) -> torch.Tensor:
    """B(tau, theta) v = g (grad log p(tau) . v) + hess(Phi) v, per policy: (B, S, A)."""
    psi, pi_visited, at_state, to_go = _scores_and_returns(theta, tau, gamma)
    g = (psi * to_go[..., None, None]).sum(1)
    score_dot_v = (psi * v[:, None]).sum(dim=(1, 2, 3))
    v_visited = v[torch.arange(theta.shape[0], device=theta.device)[:, None], tau.states]  # (B, H, A)
    fisher_v = pi_visited * v_visited - pi_visited * (pi_visited * v_visited).sum(-1, keepdim=True)
    hess_v = -(at_state[..., None] * (to_go[..., None] * fisher_v)[:, :, None, :]).sum(1)
    return g * score_dot_v[:, None, None] + hess_v
