"""NeuralStagger: a physics-constrained neural solver of 2-D decaying vorticity split into coarse
staggered sub-solvers (space-to-channel by s, s_T steps per call), against the vanilla solver
(s = s_T = 1); the kit's pseudo-spectral Navier–Stokes solver is the reference.

Paper: X. Huang, W. Shi, Q. Meng, Y. Wang, X. Gao, J. Zhang, T.-Y. Liu, "NeuralStagger:
accelerating physics-constrained neural PDE solver with spatial-temporal decomposition",
ICML 2023, arXiv:2302.10255 (no official code found).
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import VANILLA, factors, run

Variant = Literal["s1t1", "s2t1", "s1t2", "s2t2", "s4t1", "s4t2", "s2t4", "s4t4"]


class StaggerConfig(MethodConfig):
    resolution: int = Field(32, ge=8, le=256, description="n: grid points per axis of the torus (divisible by every s).")
    nu: float = Field(1e-3, ge=1e-5, le=1e-1, description="Viscosity of the decaying flow (no forcing).")
    dt: float = Field(0.02, ge=1e-4, le=0.1, description="Δt: time step of the neural solvers (and of the physics loss).")
    reference_dt: float = Field(0.005, ge=1e-5, le=0.05, description="Internal step of the numerical reference solver.")
    horizon: int = Field(20, ge=2, le=400, description="Rollout steps (of Δt) compared with the reference.")
    variants: list[Variant] = Field(["s1t1", "s2t1", "s2t2"], min_length=2, max_length=8,
                                    description="Solvers: s<space factor>t<time factor>; s1t1 (vanilla) is required.")
    width: int = Field(32, ge=4, le=256, description="Hidden channels of every solver's CNN.")
    kernel: int = Field(5, ge=3, le=9, description="Convolution kernel size (odd).")
    layers: int = Field(4, ge=2, le=12, description="Convolution layers.")
    iterations: int = Field(150, ge=10, le=100_000, description="Physics-loss training iterations of every solver.")
    batch_size: int = Field(8, ge=1, le=512, description="States per iteration (drawn from the replay pool).")
    pool_size: int = Field(32, ge=2, le=10_000, description="Replay-pool states (reset to fresh random states after `horizon` steps).")
    lr: float = Field(1e-3, ge=1e-5, le=1e-1, description="Adam learning rate (cosine-annealed).")
    test_samples: int = Field(8, ge=1, le=512, description="Held-out initial vorticities.")
    eval_every: int = Field(25, ge=1, le=10_000, description="Iterations between logged rollout errors.")
    timing_repeats: int = Field(5, ge=1, le=100, description="Timed rollouts per solver (the fastest counts).")

    @model_validator(mode="after")
    def consistent(self):
        if VANILLA not in self.variants or len(set(self.variants)) != len(self.variants):
            raise ValueError("variants must hold s1t1 (the vanilla solver) and no repeats")
        for name in self.variants:
            space, time_factor = factors(name)
            if self.resolution % space or self.horizon % time_factor:
                raise ValueError(f"{name}: resolution must divide by s and horizon by s_T")
        if self.kernel % 2 == 0 or self.batch_size > self.pool_size:
            raise ValueError("kernel must be odd and batch_size at most pool_size")
        return self


PRESETS = {
    "smoke": Preset(
        {"resolution": 32, "variants": ["s1t1", "s2t1", "s2t2"], "iterations": 150, "horizon": 20},
        "cpu",
        "32x32 vorticity, solvers s1t1 (vanilla), s2t1, s2t2 with 4 CNN layers of width 32, 150 physics-loss "
        "iterations each; 20-step rollouts against the spectral reference.",
    ),
    "full": Preset(
        {"resolution": 128, "dt": 0.005, "reference_dt": 0.001, "horizon": 40,
         "variants": ["s1t1", "s2t1", "s2t2", "s4t1", "s4t2"], "iterations": 4000, "batch_size": 16,
         "pool_size": 256, "width": 48, "test_samples": 16, "eval_every": 250, "timing_repeats": 10},
        "gpu",
        "128x128 vorticity (the note's full grid), s in {1, 2, 4} and s_T in {1, 2}, 4,000 iterations each, "
        "40-step rollouts.",
    ),
}

DEVIATIONS = (
    "No official code: the method is reconstructed from the paper's abstract and the note; the decomposition "
    "is space-to-channel (pixel unshuffle) with one CNN that sees all s^2 coarse fields and outputs all s^2 x s_T "
    "coarse next states as channels, rather than s^2 separate coarse networks run in parallel.",
    "Physics loss: the Crank-Nicolson residual of each predicted step on the fine grid, computed pseudo-"
    "spectrally with the kit's dealiased advection term, normalized by ||w_0||^2 (the paper's exact loss and "
    "discretization were not retrieved).",
    "Flow: 2-D decaying vorticity on the torus (nu = 1e-3, no forcing), initial vorticity a GRF with the FNO "
    "spectrum scaled to unit standard deviation; 32x32 on smoke (the note's smoke used the heat equation), "
    "128x128 on full; the paper's 3-D flows and the control task are not run.",
    "Training: a replay pool of the solver's own rollouts from random initial states, reset after `horizon` "
    "steps; the same pool stream, seed, network width and iterations for every variant.",
    "Timing: the fastest of several batched rollouts on the run's device divided by the steps; on one CPU core "
    "the speed-up comes from the smaller grid and the fewer calls, not from parallel sub-solvers.",
)

METHOD = MethodSpec(
    slug="neuralstagger",
    paper=23,
    title="NeuralStagger: Accelerating Physics-constrained Neural PDE Solver with Spatial-temporal Decomposition",
    summary=(
        "Physics-constrained CNN solvers of 2-D decaying vorticity, vanilla and decomposed into coarse staggered "
        "sub-solvers in space and time, trained without data and rolled out against a spectral reference."
    ),
    config_model=StaggerConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
