"""neural-de-kidger's numerics: the spirals' orientation, the CDE solve against the closed form of
a linear controlled ODE, padding invariance, and the forward-filled grid. (The adjoint and
Euler–Maruyama are tested in tests/methods/kit/test_adjoint_sde.py.)"""
from __future__ import annotations

import numpy as np
import torch
from scipy.linalg import expm

from workers.methods.neural_de_kidger import cde


def test_spiral_labels_give_the_sense_of_rotation():
    t, points, labels = cde.spirals(np.random.default_rng(0), 64, 50)
    x, y = points[..., 0], points[..., 1]
    winding = (x[:, :-1] * np.diff(y, axis=1) - y[:, :-1] * np.diff(x, axis=1)).sum(1)
    assert np.array_equal(winding > 0, labels > 0)


def test_the_cde_solve_of_a_linear_field_matches_the_product_of_matrix_exponentials():
    """dz = A z dX¹ (only the first channel drives): z(T) = Π_k exp(A ΔX¹_k) z0 on the linear path."""
    torch.set_default_dtype(torch.float64)
    try:
        model = cde.NeuralCDE(hidden=2, width=4)
        a = torch.tensor([[0.0, 1.0], [-1.0, 0.0]])

        class Linear(torch.nn.Module):
            def forward(self, z, dx):
                return (z @ a.T) * dx[:, :1]

        model.field = Linear()
        path = torch.tensor([[[0.0, 0.0, 0.0], [0.3, 0.1, 0.0], [0.5, 0.2, 0.0], [1.0, 0.2, 0.0]]])
        z0 = model.initial(path[:, 0]).detach()
        exact = z0[0].detach().numpy()
        for dx in (0.3, 0.2, 0.5):
            exact = expm(dx * a.numpy()) @ exact
        readout = model.readout.weight.detach().numpy() @ exact + model.readout.bias.detach().numpy()
        assert abs(model(path).item() - float(readout[0])) < 1e-3  # RK4 error with steps of 0.2-0.5
    finally:
        torch.set_default_dtype(torch.float32)


def test_padding_with_the_last_observation_leaves_every_model_unchanged():
    t, points, labels = cde.spirals(np.random.default_rng(1), 4, 20)
    keep = cde.keep_masks(np.random.default_rng(2), 4, 20, 0.5)
    data = cde.irregular(t, points, labels, keep, "cpu")
    for name in ("ncde", "gru_dt"):
        torch.manual_seed(0)
        model = cde.build(name, 4, 8)
        inputs, lengths = cde.model_inputs(name, data)
        batched = model(inputs, lengths)
        for i in range(4):
            alone = model(inputs[i:i + 1, : int(lengths[i])], lengths[i:i + 1])
            assert torch.allclose(batched[i], alone[0], atol=1e-5)


def test_the_forward_filled_grid_holds_the_last_observed_value_and_the_mask():
    t = np.linspace(0, 1, 5)
    points = np.arange(10, dtype=float).reshape(1, 5, 2)
    keep = np.array([[True, False, False, True, True]])
    data = cde.irregular(t, points, np.ones(1), keep, "cpu")
    assert data.grid_filled[0, :, 0].tolist() == [0, 0, 0, 6, 8]
    assert data.grid_filled[0, :, 2].tolist() == [1, 0, 0, 1, 1]
    assert int(data.lengths[0]) == 3
