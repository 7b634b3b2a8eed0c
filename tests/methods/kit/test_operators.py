"""The operator-learning kit: every reference solver against an independent one, the metric,
the data cache, the training loop, and the FNO's resolution independence."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from workers.methods.context import RunCancelled, RunContext
from workers.methods.shared.operators import (
    burgers,
    darcy,
    datasets,
    fields,
    models,
    problems,
    spectral,
    training,
)
from workers.methods.shared.operators import navier_stokes as ns

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def periodic_x(n: int, device="cpu") -> torch.Tensor:
    return spectral.grid_points(n, device=device)


# ---- linear periodic problems against their closed forms -------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_heat_matches_the_closed_form_decay_of_each_mode(device):
    x = periodic_x(64, device)
    u0 = torch.sin(2 * math.pi * x) + 0.5 * torch.cos(6 * math.pi * x)
    nu = torch.tensor([0.01, 0.1], device=device)
    out = spectral.heat(u0.expand(2, -1), nu, t=0.3)
    for i, v in enumerate([0.01, 0.1]):
        exact = (math.exp(-v * (2 * math.pi) ** 2 * 0.3) * torch.sin(2 * math.pi * x)
                 + 0.5 * math.exp(-v * (6 * math.pi) ** 2 * 0.3) * torch.cos(6 * math.pi * x))
        assert torch.allclose(out[i], exact, atol=1e-12)


def test_heat_in_two_dimensions_decays_a_product_mode_by_its_squared_wavenumber():
    x = periodic_x(32)
    u0 = torch.sin(2 * math.pi * x)[:, None] * torch.cos(4 * math.pi * x)[None, :]
    out = spectral.heat(u0[None], 0.05, t=0.2, dim=2)[0]
    assert torch.allclose(out, u0 * math.exp(-0.05 * 20 * math.pi**2 * 0.2), atol=1e-12)


def test_advection_shifts_a_band_limited_field_exactly():
    rng = np.random.default_rng(1)
    coeffs = fields.grf_coefficients(rng, 3, 1, 10)
    u0 = torch.tensor(fields.evaluate_on_grid(coeffs, 48))
    beta = np.array([0.3, -1.7, 7.0])
    out = spectral.advect(u0, torch.tensor(beta), t=0.45)
    k = fields.wavenumbers(10)
    shifted = coeffs * np.exp(-2j * np.pi * k[None, :] * beta[:, None] * 0.45)  # u0(x - βt)
    assert np.allclose(out.numpy(), fields.evaluate_on_grid(shifted, 48), atol=1e-12)


def test_screened_poisson_divides_each_mode_by_its_symbol():
    x = periodic_x(40)
    a = torch.cos(2 * math.pi * 3 * x)[None]
    u = spectral.screened_poisson(a, shift=1.0, length=1.0)
    assert torch.allclose(u, a / (4 * math.pi**2 * 9 + 1), atol=1e-14)
    u_torus = spectral.screened_poisson(torch.cos(3 * 2 * math.pi * x)[None], shift=1.0, length=2 * math.pi)
    assert torch.allclose(u_torus, torch.cos(3 * 2 * math.pi * x)[None] / 10, atol=1e-14)


@pytest.mark.parametrize("dim", [1, 2])
def test_fourier_resampling_of_a_band_limited_field_equals_sampling_it_on_the_new_grid(dim):
    coeffs = fields.grf_coefficients(np.random.default_rng(2), 2, dim, 7)
    coarse = torch.tensor(fields.evaluate_on_grid(coeffs, 17))
    fine = torch.tensor(fields.evaluate_on_grid(coeffs, 40))
    assert torch.allclose(spectral.fourier_resample(coarse, 40, dim), fine, atol=1e-12)
    assert torch.allclose(spectral.fourier_resample(fine, 17, dim), coarse, atol=1e-12)


# ---- Burgers against Cole–Hopf ----------------------------------------------------------

def cole_hopf(nu: float, t: float, n: int) -> np.ndarray:
    """u = -2ν φ_x / φ, φ_t = ν φ_xx, φ(x, 0) = exp(cos(2πx) / (4πν)) for u0 = sin(2πx), in numpy."""
    x = np.arange(n) / n
    k = np.fft.fftfreq(n, 1.0 / n) * 2 * np.pi
    phi_hat = np.fft.fft(np.exp(np.cos(2 * np.pi * x) / (4 * np.pi * nu))) * np.exp(-nu * k**2 * t)
    return -2 * nu * np.fft.ifft(1j * k * phi_hat).real / np.fft.ifft(phi_hat).real


@pytest.mark.parametrize("device", DEVICES)
def test_burgers_matches_cole_hopf_at_moderate_viscosity(device):
    n, times, nus = 256, [0.1, 0.3], [0.05, 0.02]
    u0 = torch.sin(2 * math.pi * periodic_x(n, device)).expand(2, -1)
    out = burgers.burgers(u0, torch.tensor(nus, device=device), times).cpu().numpy()
    for i, nu in enumerate(nus):
        for j, t in enumerate(times):
            exact = cole_hopf(nu, t, 2048)[::8]
            assert np.linalg.norm(out[i, j] - exact) / np.linalg.norm(exact) < 1e-6, (nu, t)


# ---- Darcy: manufactured solution and an independent dense assembly ---------------------

def manufactured(s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """a = 1 + x² + y, u = sin(πx) sin(πy): f = -div(a ∇u) by hand."""
    x = np.linspace(0, 1, s)
    X, Y = np.meshgrid(x, x, indexing="ij")
    a = 1 + X**2 + Y
    u = np.sin(np.pi * X) * np.sin(np.pi * Y)
    ux, uy = np.pi * np.cos(np.pi * X) * np.sin(np.pi * Y), np.pi * np.sin(np.pi * X) * np.cos(np.pi * Y)
    f = -(2 * X * ux + 1.0 * uy) + a * 2 * np.pi**2 * u
    return a, f, u


def test_darcy_converges_at_second_order_to_a_manufactured_solution():
    errors = []
    for s in (33, 65):
        a, f, exact = manufactured(s)
        errors.append(np.abs(darcy.solve_darcy(a, f) - exact).max())
    assert errors[1] < 2e-4
    assert 3.5 < errors[0] / errors[1] < 4.5


def dense_darcy(a: np.ndarray, f: float) -> np.ndarray:
    """The same finite volumes assembled node by node in a dense matrix, solved by numpy."""
    s = a.shape[0]
    h2, m = (1.0 / (s - 1)) ** 2, s - 2
    A = np.zeros((m * m, m * m))
    for i in range(1, s - 1):
        for j in range(1, s - 1):
            row = (i - 1) * m + (j - 1)
            for ni, nj in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
                face = 2 * a[i, j] * a[ni, nj] / (a[i, j] + a[ni, nj]) / h2
                A[row, row] += face
                if 0 < ni < s - 1 and 0 < nj < s - 1:
                    A[row, (ni - 1) * m + (nj - 1)] -= face
    u = np.zeros((s, s))
    u[1:-1, 1:-1] = np.linalg.solve(A, np.full(m * m, f)).reshape(m, m)
    return u


@pytest.mark.parametrize("s", [9, 16])
def test_darcy_sparse_solve_matches_a_dense_assembly_on_random_piecewise_constant_coefficients(s):
    a = darcy.random_coefficients(np.random.default_rng(3), 1, s)[0]
    assert set(np.unique(a)) <= {3.0, 12.0}
    assert np.allclose(darcy.solve_darcy(a, 1.0), dense_darcy(a, 1.0), rtol=1e-10, atol=1e-14)


# ---- Navier–Stokes: Taylor–Green decay and conservation ---------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_taylor_green_vorticity_decays_at_the_closed_form_rate(device):
    x = periodic_x(32, device)
    w0 = (8 * math.pi**2 * torch.sin(2 * math.pi * x)[:, None] * torch.sin(2 * math.pi * x)[None, :])[None]
    nu = 0.01
    out = ns.navier_stokes(w0, nu, [0.5, 1.0], dt=1e-3)
    for j, t in enumerate([0.5, 1.0]):
        exact = w0[0] * math.exp(-8 * math.pi**2 * nu * t)
        assert float((out[0, j] - exact).norm() / exact.norm()) < 1e-6


def test_navier_stokes_conserves_mean_vorticity_and_inviscid_enstrophy():
    w0 = torch.tensor(ns.initial_vorticity(np.random.default_rng(4), 2, 32, modes=6))
    w0 = w0 + 0.3  # a nonzero mean must be kept exactly
    out = ns.navier_stokes(w0, 0.0, [0.5], dt=2e-3)[:, -1]
    assert torch.allclose(out.mean(dim=(-2, -1)), w0.mean(dim=(-2, -1)), atol=1e-12)
    enstrophy = lambda w: (w - w.mean(dim=(-2, -1), keepdim=True)).pow(2).mean(dim=(-2, -1))
    assert torch.allclose(enstrophy(out), enstrophy(w0), rtol=2e-3)
    assert float((out - w0).norm() / w0.norm()) > 1e-3  # the flow did evolve


# ---- seeded data sets at a requested resolution -----------------------------------------

@pytest.mark.parametrize("build, tol", [
    (lambda rng, n: problems.heat(rng, 4, n), 1e-6),
    (lambda rng, n: problems.advection(rng, 4, n), 1e-6),
    (lambda rng, n: problems.burgers(rng, 3, n, nu=0.02, t=0.3), 1e-5),
    (lambda rng, n: problems.navier_stokes(rng, 2, n, t=0.2, dt=1e-2, modes=4), 1e-4),
])
def test_a_seeded_data_set_holds_the_same_functions_at_two_resolutions(build, tol):
    coarse, fine = build(np.random.default_rng(8), 24), build(np.random.default_rng(8), 48)
    every_other = (..., *[slice(None, None, 2)] * (coarse.inputs.ndim - 2))
    assert coarse.inputs.shape[-1] == 24 and fine.outputs.shape[-1] == 48
    assert np.allclose(fine.inputs[every_other], coarse.inputs, atol=1e-6)
    scale = np.abs(coarse.outputs).max()
    assert np.abs(fine.outputs[every_other] - coarse.outputs).max() < tol * max(scale, 1.0)


def test_darcy_data_sets_are_seeded_and_zero_on_the_boundary():
    first, again = problems.darcy(np.random.default_rng(9), 2, 16), problems.darcy(np.random.default_rng(9), 2, 16)
    assert np.array_equal(first.outputs, again.outputs) and first.inputs.shape == (2, 1, 16, 16)
    assert np.all(first.outputs[..., 0, :] == 0) and np.all(first.outputs[..., :, -1] == 0)
    assert np.all(first.outputs[..., 1:-1, 1:-1] > 0)  # -div(a grad u) = 1 > 0: u > 0 inside


# ---- metric, cache, training ------------------------------------------------------------

def test_relative_l2_matches_numpy_per_sample():
    rng = np.random.default_rng(5)
    p, y = rng.standard_normal((4, 2, 8, 8)), rng.standard_normal((4, 2, 8, 8))
    expected = [np.linalg.norm(p[i] - y[i]) / np.linalg.norm(y[i]) for i in range(4)]
    assert np.allclose(training.relative_l2(torch.tensor(p), torch.tensor(y)).numpy(), expected, rtol=1e-12)


def test_a_dataset_round_trips_through_its_npz_artifact_and_a_too_large_one_is_skipped(tmp_path):
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    data = datasets.OperatorData(np.ones((3, 1, 8)), np.zeros((3, 1, 8)), params=np.arange(3.0))
    assert datasets.save_dataset(ctx, "data.npz", data.arrays())["saved"]
    back = datasets.load_dataset(tmp_path / "data.npz")
    assert np.array_equal(back["inputs"], data.inputs) and back["params"].shape == (3, 1)
    skipped = datasets.save_dataset(ctx, "big.npz", {"x": np.random.default_rng(0).random(1000)}, max_bytes=100)
    assert not skipped["saved"] and not (tmp_path / "big.npz").exists()


def heat_operator_data(count: int, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    u0 = torch.tensor(fields.grf(np.random.default_rng(seed), count, 1, n, modes=8, alpha=2.0, tau=3.0),
                      dtype=torch.float32)
    return u0[:, None], spectral.heat(u0, 0.002, 1.0)[:, None].float()


def tiny_fno() -> models.FNO:
    torch.manual_seed(0)
    return models.FNO(1, 1, 1, width=12, modes=10, layers=2, projection=32)


def test_a_tiny_fno_learns_the_heat_operator_to_a_few_percent():
    train, test = heat_operator_data(128, 32, 0), heat_operator_data(32, 32, 1)
    record = training.train(tiny_fno(), train, test, training.TrainSettings(epochs=40, batch_size=16, lr=5e-3),
                            generator=torch.Generator().manual_seed(0))
    assert record.epochs_run == 40
    assert record.final_test < 0.05, record.test_errors[-5:]
    assert record.test_errors[-1] < 0.5 * record.test_errors[0]


def test_training_stops_at_the_epoch_whose_callback_is_cancelled_or_returns_true(tmp_path):
    train = heat_operator_data(16, 32, 0)
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    ctx.cancel_poll_seconds = 0.0
    ctx._poll_cancelled = lambda: ctx.series_summary().get("err", {}).get("points", 0) >= 2
    with pytest.raises(RunCancelled):
        training.train(tiny_fno(), train, train, training.TrainSettings(epochs=50, batch_size=8),
                       on_epoch=lambda e, tr, te: ctx.log("err", e, te))
    assert ctx.series_summary()["err"]["points"] == 2
    record = training.train(tiny_fno(), train, train, training.TrainSettings(epochs=50, batch_size=8),
                            on_epoch=lambda e, tr, te: e >= 3)
    assert record.epochs_run == 3 and record.stopped_early


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dim", [1, 2])
def test_the_fno_maps_a_band_limited_input_alike_at_two_resolutions(dim, device):
    torch.manual_seed(0)
    model = models.FNO(dim, 1, 1, width=8, modes=5, layers=2, projection=16).double().to(device)
    coeffs = fields.grf_coefficients(np.random.default_rng(6), 2, dim, 5)
    coarse, fine = (torch.tensor(fields.evaluate_on_grid(coeffs, n), device=device)[:, None] for n in (16, 32))
    with torch.no_grad():
        on_coarse, on_fine = model(coarse), model(fine)
    every_other = (..., *[slice(None, None, 2)] * dim)
    assert float(training.relative_l2(on_fine[every_other], on_coarse).max()) < 1e-2


def test_the_reference_models_keep_the_grid_and_the_mlp_refuses_another_resolution():
    for dim, grid in ((1, (16,)), (2, (8, 8))):
        x = torch.zeros(2, 3, *grid)
        for model in (models.FNO(dim, 3, 2, width=4, modes=3, layers=1), models.CNN(dim, 3, 2, width=4),
                      models.UNet(dim, 3, 2, width=4, depth=2)):
            assert model(x).shape == (2, 2, *grid)
    mlp = models.MLP((1, 16), (1, 16), hidden=8)
    assert mlp(torch.zeros(2, 1, 16)).shape == (2, 1, 16)
    with pytest.raises(ValueError):
        mlp(torch.zeros(2, 1, 32))


@needs_cuda
def test_training_on_cuda_shuffles_with_the_runs_cuda_generator(tmp_path):
    ctx = RunContext(seed=0, device="cuda", artifact_dir=tmp_path)
    train = tuple(t.cuda() for t in heat_operator_data(16, 32, 0))
    record = training.train(tiny_fno().cuda(), train, train, training.TrainSettings(epochs=2, batch_size=8),
                            generator=ctx.torch_generator("shuffle"))
    assert record.epochs_run == 2


@needs_cuda
def test_burgers_and_the_fno_agree_on_cpu_and_cuda():
    u0 = torch.tensor(fields.grf(np.random.default_rng(7), 3, 1, 128, modes=10))
    cpu = burgers.burgers(u0, 0.01, [0.2])
    gpu = burgers.burgers(u0.cuda(), 0.01, [0.2]).cpu()
    assert torch.allclose(cpu, gpu, atol=1e-10)
    model = tiny_fno().double()
    x = u0[:, None]
    assert torch.allclose(model(x), model.cuda()(x.cuda()).cpu(), atol=1e-10)
