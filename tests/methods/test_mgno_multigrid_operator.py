"""MgNO's V-cycle against an independent numpy/scipy implementation of the same multigrid recursion."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.signal import correlate2d

from workers.methods.mgno_multigrid_operator.mgno import MgNO, MultigridConv


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def conv(x: np.ndarray, w: np.ndarray, stride: int = 1) -> np.ndarray:
    """Channel-mixing 3x3 cross-correlation with zero padding 1: x (c_in, n, n), w (c_out, c_in, 3, 3)."""
    out = np.stack([sum(correlate2d(x[i], w[o, i], mode="same") for i in range(x.shape[0])) for o in range(w.shape[0])])
    return out[:, ::stride, ::stride]


def transposed(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """ConvTranspose2d(kernel 4, stride 2, padding 1) by its definition: y[o, 2i+a-1] += x[c, i] w[c, o, a]."""
    n = x.shape[1]
    y = np.zeros((w.shape[1], 2 * n + 2, 2 * n + 2))
    for i in range(n):
        for j in range(n):
            y[:, 2 * i:2 * i + 4, 2 * j:2 * j + 4] += np.einsum("c,coab->oab", x[:, i, j], w)
    return y[:, 1:-1, 1:-1]


def numpy_vcycle(block: MultigridConv, f: np.ndarray) -> np.ndarray:
    weights = lambda m: m.weight.detach().double().numpy()
    u, solutions = None, []
    for level in range(block.levels):
        if level > 0:
            u, f = conv(u, weights(block.restrict_u[level - 1]), 2), conv(f, weights(block.restrict_f[level - 1]), 2)
        for smoothing in block.smooth[level]:
            S = weights(smoothing.S)
            u = conv(f, S) if smoothing.A is None else u + conv(f - conv(u, weights(smoothing.A)), S)
        solutions.append(u)
    u = solutions[-1]
    for level in reversed(range(block.levels - 1)):
        u = solutions[level] + transposed(u, weights(block.prolong[level]))
    return u


def test_the_v_cycle_matches_a_numpy_multigrid_recursion_with_the_same_weights():
    torch.manual_seed(0)
    block = MultigridConv(2, 3, [2, 1, 1]).double()
    f = np.random.default_rng(0).standard_normal((2, 8, 8))
    with torch.no_grad():
        out = block(torch.tensor(f)[None])[0].numpy()
    assert np.allclose(out, numpy_vcycle(block, f), atol=1e-12)


def test_the_v_cycle_is_linear_and_mgno_keeps_the_grid():
    torch.manual_seed(1)
    block = MultigridConv(1, 4, [1, 1, 1, 1]).double()
    f, g = torch.randn(2, 1, 1, 16, 16, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(block(2 * f - 3 * g), 2 * block(f) - 3 * block(g), atol=1e-12)
    assert MgNO(1, 1, channels=4, layers=2, smoothings=[1, 1, 1])(torch.zeros(3, 1, 16, 16)).shape == (3, 1, 16, 16)
    with pytest.raises(ValueError):
        block(torch.zeros(1, 1, 12, 12, dtype=torch.float64))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_mgno_gives_the_same_output_on_cuda():
    torch.manual_seed(2)
    model = MgNO(1, 1, channels=4, layers=2).double()
    x = torch.randn(2, 1, 32, 32, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(model(x), model.cuda()(x.cuda()).cpu(), atol=1e-10)
