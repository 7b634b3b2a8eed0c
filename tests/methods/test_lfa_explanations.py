"""The LFA run's fidelity matrix: C-LIME is the least-squares optimum on its own Gaussian
neighbourhood, occlusion interpolates its own single-removal masks, and the z/x conversion is exact."""
from __future__ import annotations

import torch

from workers.methods.lfa_explanations import METHOD
from workers.methods.lfa_explanations.experiment import Column
from workers.methods.shared import explainers as ex


def test_c_lime_fit_on_a_column_beats_every_other_linear_model_there_and_occlusion_interpolates():
    config = METHOD.build_config("smoke", {"eval_samples": 2000})
    f = lambda x: torch.tanh(x @ torch.arange(1.0, 11.0, dtype=torch.float64) / 10) + (x[:, 0] * x[:, 1])
    x0 = torch.linspace(-1, 1, 10, dtype=torch.float64)
    base = torch.zeros(10, dtype=torch.float64)
    gen = torch.Generator().manual_seed(0)
    column = Column("Gaussian sigma=0.5", config, x0, base, gen)
    values = f(column.inputs)
    best = ex.Explanation("x", ex.weighted_least_squares(column.coords, values))
    optimum = column.unexplained(values, best, x0, base)
    for _ in range(20):
        other = ex.Explanation("x", best.weights + 0.05 * torch.randn(10, generator=gen, dtype=torch.float64))
        assert column.unexplained(values, other, x0, base) >= optimum - 1e-12
    removals = Column("single removals", config, x0, base, gen)
    assert removals.unexplained(f(removals.inputs), ex.occlusion(f, x0, base), x0, base) < 1e-20


def test_weights_move_between_input_and_mask_space_exactly():
    x0, base = torch.tensor([2.0, -1.0, 0.5], dtype=torch.float64), torch.tensor([1.0, 1.0, 0.0], dtype=torch.float64)
    w = ex.Explanation("x", torch.tensor([0.3, 2.0, -4.0], dtype=torch.float64))
    in_z = ex.as_space(w, "z", x0, base)
    torch.testing.assert_close(in_z, torch.tensor([0.3, -4.0, -2.0], dtype=torch.float64))
    torch.testing.assert_close(ex.as_space(ex.Explanation("z", in_z), "x", x0, base), w.weights)
