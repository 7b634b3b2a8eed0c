"""GIOROM (reduced-order neural operator for Lagrangian dynamics), 2-D proxy: a graph-kernel
operator on a sparse ~1-2% subset of particles infers every particle's velocity, against a dense
GNS on particles advected by random steady incompressible flows.

Paper: H. Viswanath, Y. Chang, J. Berner, P. Y. Chen, A. Bera, "Reduced-order neural operators:
learning Lagrangian dynamics on highly sparse graphs" (GIOROM), arXiv:2407.03925; code
HrishikeshVish/GIOROM.
"""
from __future__ import annotations

from pydantic import Field, model_validator

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run


class GioromConfig(MethodConfig):
    particles: int = Field(2000, ge=50, le=50_000, description="N: particles per training trajectory.")
    sparse_points: int = Field(40, ge=4, le=5_000, description="|S|: particles GIOROM sees (the first |S|, a uniform random subset).")
    query_points: int = Field(500, ge=10, le=50_000, description="Particles whose velocity GIOROM is trained on per sample.")
    train_trajectories: int = Field(16, ge=2, le=1_000, description="Training trajectories (one random flow each).")
    test_trajectories: int = Field(4, ge=1, le=200, description="Held-out trajectories.")
    steps: int = Field(12, ge=3, le=200, description="Output steps per trajectory.")
    dt: float = Field(0.02, ge=1e-4, le=0.2, description="Time between output steps (RK4 with 4 substeps).")
    flow_modes: int = Field(3, ge=1, le=8, description="M: stream-function modes per axis.")
    latent_grid: int = Field(16, ge=4, le=64, description="G: latent grid nodes per axis.")
    kernel_sigma: float = Field(0.15, ge=0.01, le=1.0, description="Width of the sparse-to-grid kernel weights.")
    width: int = Field(32, ge=4, le=256, description="Channels of both models.")
    fno_modes: int = Field(6, ge=2, le=32, description="Fourier modes of GIOROM's grid processor.")
    gns_layers: int = Field(2, ge=1, le=10, description="Message-passing steps of GNS.")
    neighbours: int = Field(8, ge=2, le=32, description="k of GNS's nearest-neighbour graph.")
    train_steps: int = Field(200, ge=10, le=100_000, description="Adam steps of each model.")
    batch_size: int = Field(4, ge=1, le=256, description="Samples (trajectory, time) per step.")
    lr: float = Field(2e-3, ge=1e-5, le=1e-1, description="Adam learning rate (cosine-annealed).")
    eval_every: int = Field(25, ge=1, le=10_000, description="Steps between logged test errors.")
    timing_points: list[int] = Field([1000, 4000, 16000], min_length=3, max_length=8,
                                     description="Numbers of inferred points the inference is timed at (increasing).")
    timing_repeats: int = Field(5, ge=1, le=100, description="Timed calls per size (the fastest counts).")

    @model_validator(mode="after")
    def consistent(self):
        if not self.sparse_points < self.particles or self.query_points > self.particles:
            raise ValueError("sparse_points must be below particles and query_points at most particles")
        if sorted(self.timing_points) != self.timing_points or min(self.timing_points) <= self.sparse_points:
            raise ValueError("timing_points must increase and exceed sparse_points")
        return self


PRESETS = {
    "smoke": Preset(
        {"particles": 1000, "sparse_points": 20, "query_points": 200, "width": 16, "batch_size": 2,
         "train_steps": 150, "eval_every": 50, "timing_points": [1000, 4000, 16000], "timing_repeats": 7},
        "cpu",
        "1,000 particles per trajectory, GIOROM on 20 (2%), 16 training flows, 150 steps each; inference timed "
        "at 1k, 4k, 16k points.",
    ),
    "full": Preset(
        {"particles": 10_000, "sparse_points": 100, "query_points": 2000, "train_trajectories": 64,
         "test_trajectories": 8, "steps": 20, "train_steps": 4000, "batch_size": 8, "width": 64, "latent_grid": 32,
         "fno_modes": 12, "eval_every": 250, "timing_points": [5000, 10_000, 20_000, 40_000, 80_000],
         "timing_repeats": 10},
        "gpu",
        "10,000 particles, GIOROM on 100 (1%), 64 training flows, 4,000 steps each; timed at 5k to 80k points.",
    ),
}

DEVIATIONS = (
    "Physics: particles advected by random steady incompressible flows in the unit box (stream function of 3x3 "
    "sine modes, RK4) instead of the paper's MPM/SPH materials (elastic, sand, water, plasticine); the data sets "
    "of GNS/NCLAW are not reachable.",
    "Models: GIOROM-lite = MLP lift, a learned Gaussian-weighted graph-kernel integral onto a 16x16 grid, an FNO "
    "processor and bilinear read-out at the query points; the paper's interaction networks around the GNO, its "
    "GNOT transformer and its neural-field read-out are left out. GNS-lite: 2 residual message-passing steps on "
    "a k=8 nearest-neighbour graph, not 10 on a radius graph.",
    "Task: one-step velocity prediction (then rollout by Euler on the predicted velocity) from the last velocity "
    "(W = 1 instead of 5); GIOROM sees only its sparse set's velocities, GNS every particle's.",
    "Timing: the GNS neighbour graph is built before the timed call and not counted (in GNS's favour); times are "
    "the fastest of several calls on the run's device; on a shared CPU they are noisy.",
    "Scale: 1,000 (smoke) / 10,000 (full) particles with 2% / 1% sparse; inference timed up to 16k / 80k points "
    "(the paper: ~1,000 sparse of ~100,000).",
)

METHOD = MethodSpec(
    slug="giorom-reduced-order-operator",
    paper=7,
    title="Reduced-Order Neural Operators: Learning Lagrangian Dynamics on Highly Sparse Graphs (GIOROM)",
    summary=(
        "A graph-kernel neural operator on a sparse subset of particles that infers the whole cloud's velocity, "
        "against a dense GNS, on particles in random 2-D flows: error, rollout and inference cost against points."
    ),
    config_model=GioromConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
