"""PROSE: the ODE data generator vs SciPy's solve_ivp, the tokenizer round trip through SymPy,
the model's causal symbol decoder, and the claims on hand-made results."""
from __future__ import annotations

import numpy as np
import pytest
import sympy
import torch
from scipy.integrate import solve_ivp

from workers.methods.base import Verdict
from workers.methods.prose_multimodal_operator.claims import CLAIMS
from workers.methods.prose_multimodal_operator.families import (
    FAMILIES,
    integrate,
    rhs,
    sample_coefficients,
    sample_initial,
)
from workers.methods.prose_multimodal_operator.model import Prose
from workers.methods.prose_multimodal_operator.recovery import integrate_expressions
from workers.methods.prose_multimodal_operator.symbols import (
    decode_number,
    encode_number,
    equation_tokens,
    from_ids,
    parse_equations,
    skeleton,
    to_ids,
)

X = sympy.symbols("x0 x1 x2")


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_the_rk4_generator_matches_solve_ivp(name):
    family = FAMILIES[name]
    rng = np.random.default_rng(1)
    c, x0 = sample_coefficients(family, 2, 0.1, rng), sample_initial(family, 2, rng)
    times = np.linspace(0.0, 2.0, 64)
    ours = integrate(family, c, x0, times, substeps=8)
    for i in range(2):
        reference = solve_ivp(lambda t, x: rhs(family, c[i:i + 1], x[None])[0], (0.0, 2.0), x0[i], t_eval=times,
                              rtol=1e-11, atol=1e-11, method="DOP853").y.T
        assert np.abs(ours[i] - reference).max() <= 1e-4 * max(1.0, np.abs(reference).max())


def test_numbers_keep_three_significant_digits():
    for value in (28.0, -8.0 / 3.0, 0.208, -0.38, 1.0 / 3.0, 9.996, 0.0):
        tokens = encode_number(value)
        assert len(tokens) == 5
        assert decode_number(tokens) == pytest.approx(float(f"{value:.3g}"), rel=1e-12, abs=0)


def sympy_system(family, coefficients):
    """The family's right-hand sides written directly in SymPy, coefficients rounded to 3 digits."""
    monomial = {"lin": lambda v: X[v[0]], "prod": lambda v: X[v[0]] * X[v[1]], "sq": lambda v: X[v[0]] ** 2,
                "sin": lambda v: sympy.sin(X[v[0]]), "const": lambda v: sympy.Integer(1)}
    out, index = [], 0
    for equation in family.equations:
        total = sympy.Integer(0)
        for kind, variables, _ in equation:
            total += sympy.Float(float(f"{coefficients[index]:.3g}")) * monomial[kind](variables)
            index += 1
        out.append(total)
    return out


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_tokens_round_trip_through_sympy(name):
    family = FAMILIES[name]
    c = sample_coefficients(family, 1, 0.1, np.random.default_rng(2))[0]
    tokens = equation_tokens(family, c)
    assert from_ids(to_ids(tokens, 128)) == tokens
    parsed = parse_equations(tokens)
    for ours, expected in zip(parsed, sympy_system(family, c)):
        assert sympy.simplify(ours - expected) == 0
    point = np.random.default_rng(3).standard_normal((1, 3))
    rounded = np.array([float(f"{v:.3g}") for v in c])[None]
    values = [float(e.subs(dict(zip(X, point[0])))) for e in parsed]
    assert np.allclose(values, rhs(family, rounded, point)[0], rtol=1e-12)


def test_a_dropped_term_changes_the_skeleton_and_bad_sequences_do_not_parse():
    family = FAMILIES["lorenz"]
    c = family.coefficients
    full, noisy = equation_tokens(family, c), equation_tokens(family, c * 1.03)
    assert skeleton(full) == skeleton(noisy) and full != noisy
    assert skeleton(equation_tokens(family, c, frozenset([0]))) != skeleton(full)
    with pytest.raises(ValueError):
        parse_equations(full[:-3])
    with pytest.raises(ValueError):
        parse_equations(full + ["|", "x0"])


def test_integrating_the_decoded_true_equation_reproduces_the_data():
    family = FAMILIES["rossler"]
    c = np.array([float(f"{v:.3g}") for v in family.coefficients])
    times = np.linspace(0.0, 2.0, 33)
    x0 = np.array([1.0, -2.0, 0.5])
    truth = integrate(family, c[None], x0[None], times, substeps=8)[0]
    decoded = integrate_expressions(parse_equations(equation_tokens(family, c)), x0, times)
    assert np.allclose(decoded, truth, atol=1e-10)


def test_the_symbol_decoder_is_causal_and_the_data_only_model_ignores_symbols():
    torch.manual_seed(0)
    model = Prose(16, 2, 1, 32, use_symbols=True, symbol_decoder=True).eval()
    data, tokens = torch.randn(2, 8, 4), torch.randint(3, 30, (2, 20))
    memory, mask = model.encode(data, tokens)
    previous = torch.randint(3, 30, (2, 10))
    changed = previous.clone()
    changed[:, 6:] = torch.randint(3, 30, (2, 4))
    with torch.no_grad():
        a, b = model.symbol_logits(memory, mask, previous), model.symbol_logits(memory, mask, changed)
    assert torch.allclose(a[:, :6], b[:, :6], atol=1e-6) and not torch.allclose(a[:, 6:], b[:, 6:])
    plain = Prose(16, 2, 1, 32, use_symbols=False, symbol_decoder=False).eval()
    memory, mask = plain.encode(data, None)
    assert mask is None and plain.predict(memory, mask, torch.rand(2, 5)).shape == (2, 5, 3)


def test_the_claims_decide_from_relative_errors():
    results = {"outcomes": {"prose": {"rel_l2": 0.05, "skeleton_accuracy": 0.95}, "prose_corrupted": {"rel_l2": 0.09},
                            "data_only": {"rel_l2": 0.10}}}
    assert {c.id: c.check(results).verdict for c in CLAIMS} == {c.id: Verdict.REPRODUCED for c in CLAIMS}
    results["outcomes"]["prose_corrupted"]["rel_l2"] = 0.12
    assert CLAIMS[1].check(results).verdict == Verdict.NOT_REPRODUCED
    results["outcomes"]["prose"]["skeleton_accuracy"] = 0.5
    assert CLAIMS[2].check(results).verdict == Verdict.NOT_REPRODUCED
