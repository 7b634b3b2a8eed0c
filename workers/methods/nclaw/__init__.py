"""NCLaw: a neural constitutive law learned through a differentiable simulator from one motion.

Paper: P. Ma, P. Y. Chen, B. Deng, J. B. Tenenbaum, T. Du, C. Gan, W. Matusik, "Learning Neural
Constitutive Laws From Motion Observations for Generalizable PDE Dynamics", ICML 2023,
arXiv:2304.14369. A network law with built-in priors (``laws.py``) inside a differentiable 2-D
finite-element simulator (``body.py``) is fitted to one observed trajectory by λ-step rollouts
reset to the observation; it is tested on scenes it never saw against a black-box mesh GNN
(``blackbox.py``) and a prior-free network law trained the same way.
"""
from __future__ import annotations

from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset, Verdict
from .claims import CLAIMS
from .experiment import run


class NclawConfig(MethodConfig):
    cells_x: int = Field(10, ge=2, le=64, description="Quads along the beam (length 1); the mesh spacing is 1/cells_x.")
    cells_y: int = Field(4, ge=1, le=32, description="Quads across the beam.")
    mu: float = Field(20.0, ge=0.1, le=1e4, description="Shear modulus mu of the true fixed-corotated law.")
    lam: float = Field(20.0, ge=0.0, le=1e4, description="Lame lambda of the true law.")
    density: float = Field(1.0, ge=0.01, le=100.0, description="Mass density.")
    gravity: float = Field(2.0, ge=0.0, le=100.0, description="Gravitational acceleration (downward).")
    dt: float = Field(0.004, ge=1e-5, le=0.05, description="Time step of the explicit (symplectic Euler) simulator.")
    steps: int = Field(150, ge=10, le=5000, description="Steps of the training trajectory (and of most test scenes).")
    kick: float = Field(1.0, ge=0.0, le=20.0, description="Upward initial velocity per unit distance from the clamp (OOD test).")
    window: int = Field(10, ge=1, le=200, description="lambda: rollout steps before resetting to the observation.")
    width: int = Field(64, ge=4, le=512, description="Hidden units of the network laws (two hidden layers, GELU).")
    epochs: int = Field(80, ge=1, le=100_000, description="Adam steps on all windows of the trajectory, per network law.")
    learning_rate: float = Field(3e-3, ge=1e-6, le=1.0, description="Adam learning rate of the network laws.")
    grad_clip: float = Field(0.1, ge=1e-4, le=100.0, description="Gradient-norm clip (the paper's 0.1).")
    gnn_width: int = Field(64, ge=4, le=512, description="Hidden units of the black-box mesh GNN.")
    gnn_steps: int = Field(400, ge=1, le=200_000, description="Adam steps of the GNN on one-step accelerations.")
    gnn_batch: int = Field(16, ge=1, le=4096, description="Time steps per GNN minibatch.")
    gnn_learning_rate: float = Field(1e-3, ge=1e-6, le=1.0, description="Adam learning rate of the GNN.")


PRESETS = {
    "smoke": Preset({}, "cpu", "10x4 beam (55 nodes), 150 steps, 80 epochs per law, GNN 400 steps (too few to decide the OOD comparison); seconds."),
    "full": Preset(
        {"cells_x": 24, "cells_y": 6, "dt": 0.0015, "steps": 600, "epochs": 1000, "gnn_steps": 20_000,
         "gnn_batch": 64, "width": 64, "gnn_width": 128},
        "any",
        "24x6 beam (175 nodes), 600 steps, 1000 epochs per law, GNN 20k steps; minutes.",
    ),
}

DEVIATIONS = (
    "2-D linear-triangle finite elements with symplectic Euler instead of the paper's 3-D MLS-MPM (Warp); the "
    "bodies are a clamped cantilever (training), the same beam over twice the horizon, with an upward initial "
    "swing, an L-shaped body, and a twice-as-long bridge clamped at both ends, all sagging under gravity.",
    "Elasticity only (fixed corotated, mu = lambda = 20 on smoke); the plasticity network and the multi-physics "
    "tests are not reproduced.",
    "The 2-D invariant features are (F^T F - I, J - 1, tr S - 2) instead of the singular values sigma - 1, "
    "whose SVD gradient is singular at F = I; the network's output is multiplied by mu + lambda of the true law "
    "(a known stress scale), and the learning rate is 3e-3 rather than the paper's 1.0 for its own scaling.",
    "The 'previous NN approach' is a one-layer mesh graph network trained on one-step accelerations of the same "
    "trajectory (no noise injection, no multi-step training); the prior-free network law (PlainMeta) is trained "
    "like NCLaw. Errors are mean node distances over a free rollout, in units of the body's size, capped at 1 "
    "(a capped rollout is marked censored).",
    "Smoke (seed 0, CPU): in-distribution rollout error NCLaw 1.5e-4 vs plain law 0.029 vs GNN 0.025 (body sizes); "
    "OOD NCLaw / GNN: 2x horizon 3.9e-4 / 0.28, new initial velocity 2.9e-4 / 0.096, L-shape 1.8e-4 / 0.026, "
    "bridge 1.8e-4 / 0.020 (all >= 78x), but the GNN had only 400 steps, so the comparison is left inconclusive. "
    "NCLaw's OOD / in-distribution ratio is 2.66 on the 2x horizon (errors accumulate over time; 1.24 to 1.96 on "
    "the other three): that claim is not reproduced on smoke. Energy error of the true-law trajectory: 0.6% of "
    "the peak kinetic energy.",
    "One seed per run; the full preset has not been run on a GPU (a niced CPU attempt on a shared core trained "
    "both laws in about 12 min and was stopped at 25 min inside the GNN's 20k steps, so the OOD comparison is "
    "undecided so far).",
)

METHOD = MethodSpec(
    slug="nclaw",
    paper=40,
    title="Learning Neural Constitutive Laws From Motion Observations for Generalizable PDE Dynamics",
    summary=(
        "A neural constitutive law with exact physical priors, trained through a differentiable 2-D finite-element "
        "simulator on one trajectory, against a black-box mesh GNN on four out-of-distribution scenes."
    ),
    config_model=NclawConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
    expected_on_smoke={"ood-close-to-in-distribution": Verdict.NOT_REPRODUCED},
)
