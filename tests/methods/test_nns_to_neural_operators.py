"""Kernel interpolation (InterpConv) against hand-computed interpolants and a discretized integral."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

from workers.methods.nns_to_neural_operators.resolution import (
    InOutInterpolated,
    interpolate_kernel,
    interpolated_kernel_size,
    kernel_interpolated,
)
from workers.methods.shared.operators import fields, models


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def test_the_interpolated_kernel_passes_through_the_taps_and_is_linear_between_them():
    w = torch.tensor([[[1.0, -2.0, 4.0, 0.5, 3.0]]], dtype=torch.float64)
    size = interpolated_kernel_size(5, Fraction(2))
    assert size == 9
    out = interpolate_kernel(w, size)[0, 0].numpy() * (9 / 5)
    expected = np.interp(np.arange(9) / 2, np.arange(5), w[0, 0].numpy())
    assert np.allclose(out, expected, atol=1e-14)
    coarse = interpolate_kernel(w, interpolated_kernel_size(5, Fraction(1, 2)))[0, 0].numpy() * (3 / 5)
    assert np.allclose(coarse, [1.0, 4.0, 3.0])


def test_bilinear_kernel_interpolation_is_the_outer_product_of_linear_ones():
    a, b = np.array([0.0, 1.0, 3.0]), np.array([2.0, -1.0, 0.5])
    w = torch.tensor(np.outer(a, b))[None, None]
    out = interpolate_kernel(w, 5)[0, 0].numpy() * (25 / 9)
    grid = np.arange(5) / 2
    assert np.allclose(out, np.outer(np.interp(grid, np.arange(3), a), np.interp(grid, np.arange(3), b)))


def test_a_hat_kernel_converted_to_4x_applies_the_papers_rescaled_integral_to_a_smooth_input():
    """Hat κ vanishing at the end taps: the interpolant is exact, so on a constant input the converted
    convolution returns Σ_j w'_j = s Σ_j w_j / (k'/k) (4/3.4 of the N0 value for k=5, s=4)."""
    conv = torch.nn.Conv1d(1, 1, 5, padding=2, padding_mode="circular", bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[0.0, 0.5, 1.0, 0.5, 0.0]]]))
    model = torch.nn.Sequential(conv)
    fine = kernel_interpolated(model, 16, 64)
    assert fine[0].kernel_size == (17,) and fine[0].padding == (8,)
    ones = torch.ones(1, 1, 64, dtype=torch.float64)
    assert torch.allclose(fine(ones), torch.full_like(ones, 2.0 * 4 / (17 / 5)))
    assert torch.allclose(model(torch.ones(1, 1, 16, dtype=torch.float64)), torch.full((1, 1, 16), 2.0, dtype=torch.float64))


def test_in_out_interpolation_equals_the_model_at_the_training_grid_for_band_limited_fields():
    torch.manual_seed(0)
    cnn = models.CNN(1, 1, 1, width=4).double()
    coeffs = fields.grf_coefficients(np.random.default_rng(0), 2, 1, 5)
    x16, x64 = (torch.tensor(fields.evaluate_on_grid(coeffs, n))[:, None] for n in (16, 64))
    wrapped = InOutInterpolated(cnn, 16, 1)
    with torch.no_grad():
        assert torch.allclose(wrapped(x16), cnn(x16))
        assert wrapped(x64).shape == x64.shape


def test_a_kernel_that_cannot_be_interpolated_to_the_scale_is_refused():
    with pytest.raises(ValueError):
        interpolated_kernel_size(5, Fraction(1, 3))
