"""PCF numerics of pcf-blind-delta against mpmath closed forms and known irrationality measures."""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from workers.methods.pcf_blind_delta import APERY, APERY_DELTA
from workers.methods.pcf_blind_delta.clustering import purity, random_purity
from workers.methods.pcf_blind_delta.identify import MobiusTable, identify, is_rational
from workers.methods.pcf_blind_delta.pcf import PCF, analyze, convergents, delta_with_limit

FOUR_OVER_PI = PCF(a=(2, 1), b=(1, 0, 0))  # 1 + 1²/(3 + 2²/(5 + 3²/(7 + ...)))
E_PLUS_1_OVER_E_MINUS_1 = PCF(a=(4, 2), b=(1,))  # [2; 6, 10, 14, ...], a simple continued fraction


def value(pcf: PCF, depth: int):
    p, q = convergents(pcf, depth, {depth})[depth]
    return mpmath.mpf(p) / q


def test_aperys_pcf_converges_to_6_over_zeta3_to_1000_digits():
    with mpmath.workdps(1100):
        error = abs(value(APERY, 400) - 6 / mpmath.zeta(3))
        assert error < mpmath.mpf(10) ** -1000


def test_the_4_over_pi_pcf_matches_mpmath_to_150_digits():
    with mpmath.workdps(200):
        assert abs(value(FOUR_OVER_PI, 200) - 4 / mpmath.pi) < mpmath.mpf(10) ** -150


def test_the_simple_continued_fraction_of_e_has_delta_one():
    """(e+1)/(e−1) = [2; 6, 10, ...]: |L − p/q| ≈ 1/(q_n q_{n+1}), so δ → 1 (e has irrationality measure 2)."""
    with mpmath.workdps(200):
        assert abs(value(E_PLUS_1_OVER_E_MINUS_1, 100) - (mpmath.e + 1) / (mpmath.e - 1)) < mpmath.mpf(10) ** -150
    dyn = analyze(E_PLUS_1_OVER_E_MINUS_1, depth=300, ratio=2, min_digits=20)
    assert dyn.status == "converges"
    assert dyn.delta == pytest.approx(1.0, abs=0.01)


def test_the_golden_ratio_has_delta_one_and_no_gcd_reduction():
    dyn = analyze(PCF(a=(1,), b=(1,)), depth=1000, ratio=2, min_digits=20)
    assert dyn.delta == pytest.approx(1.0, abs=0.01)
    assert dyn.delta_naive == pytest.approx(dyn.delta, abs=1e-12)


def test_aperys_blind_delta_is_within_0_01_of_the_theoretical_exponent():
    assert APERY_DELTA == pytest.approx(0.0805, abs=1e-4)
    dyn = analyze(APERY, depth=2000, ratio=2, min_digits=20)
    assert abs(dyn.delta - APERY_DELTA) <= 0.01
    assert dyn.delta_naive < -0.5  # without the gcd reduction δ is badly off


def test_blind_delta_equals_delta_with_the_true_limit_for_4_over_pi():
    dyn = analyze(FOUR_OVER_PI, depth=300, ratio=2, min_digits=20)
    with mpmath.workdps(300):
        true = delta_with_limit(FOUR_OVER_PI, 4 / mpmath.pi, 150)
    assert dyn.delta == pytest.approx(true, abs=1e-9)
    assert dyn.delta_predicted == pytest.approx(dyn.delta, abs=0.01)


def test_exact_integer_errors_match_mpmath_differences():
    out = convergents(FOUR_OVER_PI, 120, {60, 120})
    (p1, q1), (p2, q2) = out[60], out[120]
    with mpmath.workdps(400):
        direct = mpmath.log(abs(mpmath.mpf(p2) / q2 - mpmath.mpf(p1) / q1))
    exact = math.log(abs(p2 * q1 - p1 * q2)) - math.log(q2) - math.log(q1)
    assert float(direct) == pytest.approx(exact, rel=1e-12)


def test_identification_finds_the_mobius_relation_of_4_over_pi():
    p, q = convergents(FOUR_OVER_PI, 200, {200})[200]
    found = identify(Fraction(p, q), MobiusTable(4), verify_digits=40)
    assert found is not None and found.constant == "pi"
    with mpmath.workdps(60):
        assert abs(found.value(60) - 4 / mpmath.pi) < mpmath.mpf(10) ** -50


def test_rational_limits_are_flagged_and_irrational_ones_are_not():
    assert is_rational(Fraction(22, 7) + Fraction(1, 10**60), verify_digits=40)
    p, q = convergents(FOUR_OVER_PI, 200, {200})[200]
    assert not is_rational(Fraction(p, q), verify_digits=40)


def test_purity_counts_only_clusters_with_two_identified_members():
    labels = np.array([0, 0, 0, 1, 1, 2, -1])
    constants = ["pi", "pi", "e", "e", "e", "ln2", "pi"]
    score, count = purity(labels, constants)
    assert (score, count) == (pytest.approx(4 / 5), 5)
    shuffled = random_purity(labels, constants, np.random.default_rng(0), repeats=200)
    assert 0.5 < shuffled < 0.9
