"""icl-transformer-newton: the algorithms against numpy references, the model's causality, the claim checks."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from workers.methods.base import Verdict
from workers.methods.context import RunContext
from workers.methods.icl_transformer_newton import METHOD, claims, similarity
from workers.methods.icl_transformer_newton import algorithms as alg
from workers.methods.icl_transformer_newton import model as tf_model
from workers.methods.icl_transformer_newton.training import Adam, Curriculum


def gram(rng, n, d, rank=None):
    X = rng.standard_normal((n, d))
    if rank is not None:
        X = X[:, :rank] @ rng.standard_normal((rank, d))
    return X, X.T @ X


def test_newton_schulz_converges_to_the_pseudoinverse():
    """20 iterations: quadratic convergence is done by then; many more would start inverting the round-off
    eigenvalues (~1e-17 λ_max) of the singular S, which grow like 2^k (why the analysis uses the spectral form)."""
    rng = np.random.default_rng(0)
    for rank in (None, 3):  # full rank, then a singular S
        _, S = gram(rng, 12, 6, rank)
        *_, M = alg.newton_schulz_iterates(S[None], 20)
        np.testing.assert_allclose(M[0], np.linalg.pinv(S), rtol=0, atol=1e-9 * np.abs(np.linalg.pinv(S)).max())


def test_gd_with_step_one_over_lambda_max_converges_to_lstsq():
    rng = np.random.default_rng(1)
    for n, d in ((20, 5), (3, 6)):  # over- and under-determined (min-norm solution)
        X = rng.standard_normal((n, d))
        y = rng.standard_normal(n)
        *_, w = alg.gd_iterates((X.T @ X)[None], (X.T @ y)[None], 20_000)
        np.testing.assert_allclose(w[0], np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-8)


def test_the_spectral_forms_equal_the_explicit_iterations():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((4, 9, 5))
    y, xq = rng.standard_normal((4, 9)), rng.standard_normal((4, 5))
    S, b = np.einsum("bni,bnj->bij", X, X), np.einsum("bni,bn->bi", X, y)
    sp = alg.spectra(S, b, xq)
    newton_explicit = np.array([np.einsum("bi,bij,bj->b", xq, M, b) for M in alg.newton_schulz_iterates(S, 8)])
    np.testing.assert_allclose(sp.predict(alg.newton_filters(sp, np.arange(9))), newton_explicit, rtol=1e-9, atol=1e-9)
    gd_explicit = np.array([np.einsum("bi,bi->b", xq, w) for w in alg.gd_iterates(S, b, 40)])
    np.testing.assert_allclose(sp.predict(alg.gd_filters(sp, np.arange(41))), gd_explicit, rtol=1e-9, atol=1e-9)


def test_prefix_predictions_use_exactly_the_examples_before_each_position():
    rng = np.random.default_rng(3)
    xs, ys, _ = alg.sample_prompts(3, 8, 4, 1.0, rng)
    _, _, ols_pred = similarity.algorithm_predictions(xs, ys, np.arange(2), np.array([1]))
    for b in range(3):
        for i in range(1, 8):
            w = np.linalg.lstsq(xs[b, :i], ys[b, :i], rcond=None)[0]
            assert ols_pred[0, b, i] == pytest.approx(xs[b, i] @ w, abs=1e-8)
    assert np.all(ols_pred[0, :, 0] == 0.0)


def test_sampled_inputs_have_the_requested_condition_number():
    xs, _, _ = alg.sample_prompts(1, 200_000, 5, 100.0, np.random.default_rng(4))
    eigenvalues = np.linalg.eigvalsh(np.cov(xs[0].T))
    assert eigenvalues[-1] / eigenvalues[0] == pytest.approx(100.0, rel=0.05)
    assert eigenvalues.mean() == pytest.approx(1.0, rel=0.02)


def test_first_step_below_finds_the_exact_crossing():
    assert alg.first_step_below(lambda k: 1.0 / (k + 1), 1e-3, 10**6) == 999
    assert alg.first_step_below(lambda k: 1.0, 0.5, 100) is None


def test_similarity_of_errors_ignores_scale_and_position_zero():
    errors = np.random.default_rng(5).standard_normal((1, 6, 5))
    shifted = 3.0 * errors.copy()
    shifted[..., 0] += 10.0
    assert similarity.similarity_of_errors(errors, shifted)[0, 0] == pytest.approx(1.0)
    assert similarity.similarity_of_errors(errors, -errors)[0, 0] == pytest.approx(-1.0)


def small_model(layers=2):
    torch.manual_seed(0)
    return tf_model.ICLTransformer(tf_model.Architecture(n_dims=4, n_points=7, n_embd=16, n_layer=layers, n_head=2)).eval()


def test_a_prediction_does_not_depend_on_later_tokens():
    model = small_model()
    xs, ys = torch.randn(3, 7, 4), torch.randn(3, 7)
    base = model(xs, ys)
    assert base.shape == (3, 7) and len(model.hidden_states(xs, ys)) == 3
    for i in range(7):
        xs2, ys2 = xs.clone(), ys.clone()
        xs2[:, i + 1 :] += torch.randn_like(xs2[:, i + 1 :])
        ys2[:, i:] += 1.0  # y_i itself comes after x_i
        changed = model(xs2, ys2)
        torch.testing.assert_close(changed[:, : i + 1], base[:, : i + 1])
        if i + 1 < 7:
            assert not torch.allclose(changed[:, i + 1 :], base[:, i + 1 :])


def test_saved_weights_reload_to_the_same_predictions(tmp_path):
    model = small_model()
    tf_model.save(model, tmp_path / "model.safetensors", tmp_path / "model.json")
    again = tf_model.load(tmp_path / "model.safetensors", tmp_path / "model.json")
    xs, ys = torch.randn(2, 7, 4), torch.randn(2, 7)
    torch.testing.assert_close(again(xs, ys), model(xs, ys))


def test_the_written_out_adam_matches_torch_adam():
    ours, ref = small_model(), small_model()
    reference = torch.optim.Adam(ref.parameters(), lr=1e-2)
    adam = Adam(ours.parameters())
    xs, ys = torch.randn(4, 7, 4), torch.randn(4, 7)
    for _ in range(5):
        for net, step in ((ours, lambda: adam.step(1e-2)), (ref, reference.step)):
            net.zero_grad()
            ((net(xs, ys) - ys) ** 2).mean().backward()
            step()
    for a, b in zip(ours.parameters(), ref.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_the_curriculum_grows_dims_by_one_and_points_by_two():
    curriculum = Curriculum(dims=10, points=21, start_dims=5, start_points=11, interval=100)
    assert [curriculum.at(s) for s in (0, 99, 100, 250, 10_000)] == [(5, 11), (5, 11), (6, 13), (7, 15), (10, 21)]


def full_like_results() -> dict:
    """What a Newton-like 8-layer model would give: k*_Newton linear (3/layer), k*_GD doubling."""
    return {"transformer": {
        "steps_done": 40_000, "n_layer": 8, "eval_examples": 20, "newton_grid_max": 24, "gd_grid_max": 16384,
        "newton_k_star": [0, 1, 3, 6, 9, 12, 15, 18, 24], "gd_k_star": [1, 2, 8, 16, 32, 64, 128, 256, 16384],
        "newton_best_sime": [0.5, 0.9, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.98],
        "gd_best_sime": [0.5, 0.9, 0.97, 0.96, 0.96, 0.96, 0.97, 0.97, 0.98],
        "ols_sime": [0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.96, 0.98],
        "tf_error_at_2d": 0.01, "ols_error_at_2d": 1e-30, "zero_error_at_2d": 1.0,
    }}


TRAINING_CLAIMS = [c for c in METHOD.claims if c.check in (
    claims.check_newton_linear, claims.check_gd_exponential, claims.check_closer_to_newton, claims.check_final_error)]


@pytest.mark.parametrize("claim", TRAINING_CLAIMS, ids=lambda c: c.id)
def test_training_claims_hold_on_newton_like_results_and_fail_when_weakened(claim):
    results = full_like_results()
    assert claim.check(results).verdict == Verdict.REPRODUCED
    assert claim.check(claim.weaken(copy.deepcopy(results))).verdict == Verdict.NOT_REPRODUCED


@pytest.mark.parametrize("claim", TRAINING_CLAIMS, ids=lambda c: c.id)
def test_training_claims_are_inconclusive_for_a_pipeline_sized_model(claim):
    results = full_like_results()
    results["transformer"].update(n_layer=2, steps_done=300)
    finding = claim.check(results)
    assert finding.verdict == Verdict.INCONCLUSIVE and "full preset" in finding.summary


def test_newton_fit_rejects_a_gd_like_ladder():
    results = full_like_results()
    results["transformer"].update(newton_grid_max=60, newton_k_star=[0, 1, 1, 2, 4, 8, 16, 32, 60])  # doubling
    assert claims.check_newton_linear(results).verdict == Verdict.NOT_REPRODUCED


def test_layers_that_match_ols_as_well_as_any_iterate_are_left_out_of_the_fit():
    results = full_like_results()
    tf = results["transformer"]
    tf["ols_sime"][6:8] = tf["newton_best_sime"][6:8]  # layers 6 and 7 already converged: k* not identifiable
    assert claims.middle_layers(tf, "newton") == [2, 3, 4, 5]


def test_the_best_match_is_the_fewest_iterations_among_ties():
    table = np.array([[0.1, 0.5, 0.9, 0.9 + 1e-12, 0.9]])
    k_star, best = similarity.best_matches(table, np.array([0, 1, 2, 3, 4]))
    assert k_star.tolist() == [2] and best[0] == pytest.approx(0.9)


def test_a_run_without_training_decides_the_algorithmic_claims(tmp_path):
    config = METHOD.build_config("smoke", {"train_steps": 0, "solver_prompts": 64, "eval_prompts": 64})
    results = METHOD.run(config, RunContext(seed=0, device="cpu", artifact_dir=tmp_path))
    verdicts = {c.id: c.check(results).verdict for c in METHOD.claims}
    assert verdicts["newton-needs-far-fewer-iterations"] == Verdict.REPRODUCED
    assert verdicts["sime-recovers-planted-algorithms"] == Verdict.REPRODUCED
    assert all(verdicts[c.id] == Verdict.INCONCLUSIVE for c in TRAINING_CLAIMS)
    assert results["solvers"]["isotropic"]["newton_spectral_gap"] < 1e-10
    assert (tmp_path / "problem.npz").is_file() and not (tmp_path / "model.safetensors").exists()
