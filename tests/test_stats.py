"""Tests for ``cara_metrics.stats`` against independent answers.

Reference values come from (a) published worked examples (Newcombe 1998a/b,
Fisher's tea-tasting table, the Freireich 6-MP leukaemia data), (b) hand
calculation, and (c) SciPy, which is a test-only dependency: the module under
test must not import it.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from cara_metrics.stats import (
    Difference,
    TestResult,
    cumulative_incidence_at,
    fisher_exact_p,
    format_p,
    kaplan_meier,
    mean_difference,
    newcombe_difference,
    poisson_interval,
    rate_ratio,
    two_proportion_test,
    wilson_interval,
)

Z95 = 1.959963984540054  # Φ⁻¹(0.975)
FISHER = "Fisher's exact test (two-sided)"
ZTEST = "two-proportion z-test (pooled)"


# --------------------------------------------------------------------------- #
# Module hygiene
# --------------------------------------------------------------------------- #
def test_module_imports_without_scipy_or_streamlit():
    """stats.py must run where SciPy and Streamlit are absent."""
    code = (
        "import sys\n"
        "sys.modules['scipy'] = None\n"  # makes any `import scipy...` fail
        "sys.modules['streamlit'] = None\n"
        "import cara_metrics.stats as s\n"
        "s.wilson_interval(3, 10); s.fisher_exact_p(1, 5, 4, 5)\n"
        "s.kaplan_meier([1, 2, 3], [True, False, True])\n"
        "assert not any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules if sys.modules[m] is not None)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=_repo_root())
    assert result.returncode == 0, result.stderr


def _repo_root() -> str:
    import pathlib

    return str(pathlib.Path(__file__).resolve().parents[1])


# --------------------------------------------------------------------------- #
# Wilson interval
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # Newcombe (1998a) Statistics in Medicine 17:857, Table I, Wilson score method.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998_table(x, n, low, high):
    got = wilson_interval(x, n)
    assert got == pytest.approx((low, high), abs=5e-5)


@given(
    n=st.integers(min_value=1, max_value=5000),
    frac=st.floats(min_value=0, max_value=1),
    confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.999]),
)
def test_wilson_matches_scipy(n, frac, confidence):
    x = round(frac * n)
    expected = sps.binomtest(x, n).proportion_ci(confidence_level=confidence, method="wilson")
    assert wilson_interval(x, n, confidence) == pytest.approx((expected.low, expected.high), abs=1e-12)


@given(n=st.integers(min_value=1, max_value=100_000), frac=st.floats(min_value=0, max_value=1))
def test_wilson_contains_estimate_and_lies_in_unit_interval(n, frac):
    x = round(frac * n)
    low, high = wilson_interval(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0
    assert high > low


@given(
    a=st.integers(min_value=0, max_value=20),
    extra=st.integers(min_value=0, max_value=20),
    k=st.integers(min_value=1, max_value=50),
)
def test_wilson_narrows_as_n_grows_for_fixed_proportion(a, extra, k):
    b = a + extra
    assume(b > 0)
    low1, high1 = wilson_interval(k * a, k * b)
    low2, high2 = wilson_interval((k + 1) * a, (k + 1) * b)
    assert high2 - low2 < high1 - low1


def test_wilson_widens_with_confidence():
    w90 = np.diff(wilson_interval(30, 100, 0.90))[0]
    w95 = np.diff(wilson_interval(30, 100, 0.95))[0]
    w99 = np.diff(wilson_interval(30, 100, 0.99))[0]
    assert w90 < w95 < w99


def test_wilson_exact_endpoints_at_zero_and_n():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    # the upper limit for 0/n is z² / (n + z²) (hand algebra)
    assert wilson_interval(0, 7)[1] == pytest.approx(Z95**2 / (7 + Z95**2), rel=1e-12)


def test_wilson_accepts_numpy_and_whole_float_counts():
    assert wilson_interval(np.int64(81), np.int64(263)) == wilson_interval(81, 263)
    assert wilson_interval(81.0, 263.0) == wilson_interval(81, 263)


@pytest.mark.parametrize(
    ("x", "n", "confidence"),
    [(0, 0, 0.95), (-1, 10, 0.95), (11, 10, 0.95), (2.5, 10, 0.95), (1, 10, 0.0), (1, 10, 1.0), (1, 10, 95)],
)
def test_wilson_rejects_bad_input(x, n, confidence):
    with pytest.raises(ValueError):
        wilson_interval(x, n, confidence)


# --------------------------------------------------------------------------- #
# Newcombe difference
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        # Newcombe (1998b) Statistics in Medicine 17:873, Table II, method 10.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_matches_published_examples(x1, n1, x2, n2, low, high):
    d = newcombe_difference(x1, n1, x2, n2)
    assert d.estimate == pytest.approx(x1 / n1 - x2 / n2, abs=1e-15)
    assert (d.low, d.high) == pytest.approx((low, high), abs=5e-5)


def test_newcombe_reports_test_p_value_and_significance():
    d = newcombe_difference(56, 70, 48, 80)
    test = two_proportion_test(56, 70, 48, 80)
    assert d.p_value == test.p_value
    assert test.method in d.method and "Newcombe" in d.method
    assert d.significant
    assert not newcombe_difference(0, 10, 0, 20).significant
    assert newcombe_difference(48, 80, 56, 70).significant  # interval wholly below zero


@given(
    n1=st.integers(1, 300),
    n2=st.integers(1, 300),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
    confidence=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_newcombe_properties(n1, n2, f1, f2, confidence):
    x1, x2 = round(f1 * n1), round(f2 * n2)
    d = newcombe_difference(x1, n1, x2, n2, confidence)
    assert -1.0 <= d.low <= d.estimate <= d.high <= 1.0
    swapped = newcombe_difference(x2, n2, x1, n1, confidence)
    assert (swapped.low, swapped.high) == pytest.approx((-d.high, -d.low), abs=1e-12)


def test_difference_is_frozen_and_significance_follows_interval():
    d = Difference(estimate=0.1, low=0.01, high=0.2, p_value=0.04, method="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.low = 0.0  # type: ignore[misc]
    assert Difference(-0.1, -0.2, -0.01, 0.04, "x").significant
    assert not Difference(0.1, -0.01, 0.2, 0.06, "x").significant
    assert not Difference(0.1, 0.0, 0.2, 0.05, "x").significant  # touching zero is not excluding it


# --------------------------------------------------------------------------- #
# Two-proportion test and Fisher's exact test
# --------------------------------------------------------------------------- #
def _table(x1, n1, x2, n2):
    return [[x1, n1 - x1], [x2, n2 - x2]]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(56, 70, 48, 80), (81, 263, 60, 250), (30, 100, 30, 100)])
def test_z_test_equals_uncorrected_chi_squared(x1, n1, x2, n2):
    chi2, p, _, _ = sps.chi2_contingency(_table(x1, n1, x2, n2), correction=False)
    result = two_proportion_test(x1, n1, x2, n2)
    assert isinstance(result, TestResult)
    assert result.method == ZTEST
    assert result.p_value == pytest.approx(p, rel=1e-9, abs=1e-15)
    assert result.statistic**2 == pytest.approx(chi2, rel=1e-9, abs=1e-15)


def test_z_statistic_sign_follows_difference():
    assert two_proportion_test(60, 100, 40, 100).statistic > 0
    assert two_proportion_test(40, 100, 60, 100).statistic < 0


def test_switches_to_fisher_when_an_expected_count_is_below_five():
    # 10 successes in 20, groups of 10: every expected count is exactly 5 -> z-test
    at_boundary = two_proportion_test(7, 10, 3, 10)
    assert at_boundary.method == ZTEST
    # 9 successes in 20: expected successes per group 4.5 -> Fisher
    below = two_proportion_test(7, 10, 2, 10)
    assert below.method == FISHER
    assert below.statistic is None
    assert below.p_value == pytest.approx(sps.fisher_exact(_table(7, 10, 2, 10)).pvalue, rel=1e-9)
    # a large group cannot rescue a small expected count in the other cells
    rare = two_proportion_test(3, 1000, 0, 500)
    assert rare.method == FISHER


@settings(max_examples=200)
@given(n1=st.integers(1, 200), n2=st.integers(1, 200), f1=st.floats(0, 1), f2=st.floats(0, 1))
def test_two_proportion_test_matches_scipy_choice(n1, n2, f1, f2):
    x1, x2 = round(f1 * n1), round(f2 * n2)
    table = _table(x1, n1, x2, n2)
    result = two_proportion_test(x1, n1, x2, n2)
    s, N = x1 + x2, n1 + n2
    small = min(n1 * s, n1 * (N - s), n2 * s, n2 * (N - s)) < 5 * N
    if small:
        assert result.method == FISHER
        assert result.p_value == pytest.approx(sps.fisher_exact(table).pvalue, rel=1e-9, abs=1e-300)
    else:
        assert result.method == ZTEST
        p = sps.chi2_contingency(table, correction=False)[1]
        assert result.p_value == pytest.approx(p, rel=1e-8, abs=1e-300)


def test_fisher_tea_tasting_hand_calculation():
    # Fisher (1935): 3 of 4 correct each way. Hypergeometric probabilities
    # 1/70, 16/70, 36/70, 16/70, 1/70; two-sided p = (1 + 16 + 16 + 1)/70.
    assert fisher_exact_p(3, 4, 1, 4) == pytest.approx(34 / 70, rel=1e-12)
    assert fisher_exact_p(4, 4, 0, 4) == pytest.approx(2 / 70, rel=1e-12)
    assert fisher_exact_p(2, 4, 2, 4) == pytest.approx(1.0, rel=1e-12)


@settings(max_examples=300)
@given(
    n1=st.integers(1, 40),
    n2=st.integers(1, 40),
    data=st.data(),
)
def test_fisher_matches_scipy_for_random_small_tables(n1, n2, data):
    x1 = data.draw(st.integers(0, n1))
    x2 = data.draw(st.integers(0, n2))
    expected = sps.fisher_exact(_table(x1, n1, x2, n2)).pvalue
    assert fisher_exact_p(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(120, 1000, 150, 1000), (5, 2000, 25, 3000), (300, 600, 250, 600)])
def test_fisher_matches_scipy_for_large_tables(x1, n1, x2, n2):
    expected = sps.fisher_exact(_table(x1, n1, x2, n2)).pvalue
    assert fisher_exact_p(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-8)


@given(n1=st.integers(1, 60), n2=st.integers(1, 60), data=st.data())
def test_fisher_symmetries(n1, n2, data):
    x1 = data.draw(st.integers(0, n1))
    x2 = data.draw(st.integers(0, n2))
    p = fisher_exact_p(x1, n1, x2, n2)
    assert 0.0 < p <= 1.0
    assert fisher_exact_p(x2, n2, x1, n1) == pytest.approx(p, rel=1e-9)  # swap groups
    assert fisher_exact_p(n1 - x1, n1, n2 - x2, n2) == pytest.approx(p, rel=1e-9)  # swap outcome


@pytest.mark.parametrize("args", [(1, 0, 1, 5), (6, 5, 1, 5), (-1, 5, 1, 5), (1, 5, 1, 0)])
def test_tests_reject_bad_counts(args):
    with pytest.raises(ValueError):
        fisher_exact_p(*args)
    with pytest.raises(ValueError):
        two_proportion_test(*args)
    with pytest.raises(ValueError):
        newcombe_difference(*args)


# --------------------------------------------------------------------------- #
# Rate ratio
# --------------------------------------------------------------------------- #
def test_rate_ratio_hand_example():
    # 20 events in 1000 person-days vs 10 in 1000: RR 2, SE(log RR) = sqrt(1/20 + 1/10)
    # = 0.3873; 2·exp(∓1.96·0.3873) = 0.9362, 4.2727 (hand calculation).
    rr, low, high = rate_ratio(20, 1000, 10, 1000)
    assert rr == pytest.approx(2.0, rel=1e-12)
    assert (low, high) == pytest.approx((0.9362, 4.2727), abs=5e-5)


def test_rate_ratio_uses_exposure_and_confidence():
    rr, low, high = rate_ratio(30, 2000, 10, 500, confidence=0.99)
    assert rr == pytest.approx(0.75, rel=1e-12)
    z = sps.norm.ppf(0.995)
    se = math.sqrt(1 / 30 + 1 / 10)
    assert (low, high) == pytest.approx((0.75 * math.exp(-z * se), 0.75 * math.exp(z * se)), rel=1e-10)


@given(
    e1=st.integers(1, 1000),
    e2=st.integers(1, 1000),
    t1=st.floats(1, 1e6),
    t2=st.floats(1, 1e6),
)
def test_rate_ratio_inverts_when_groups_swap(e1, e2, t1, t2):
    rr, low, high = rate_ratio(e1, t1, e2, t2)
    rr2, low2, high2 = rate_ratio(e2, t2, e1, t1)
    assert low < rr < high
    assert (rr2, low2, high2) == pytest.approx((1 / rr, 1 / high, 1 / low), rel=1e-9)


@pytest.mark.parametrize("args", [(0, 100, 5, 100), (5, 100, 0, 100), (5, 0, 5, 100), (5, 100, 5, -1), (-3, 100, 5, 100)])
def test_rate_ratio_rejects_zero_events_and_bad_exposure(args):
    with pytest.raises(ValueError):
        rate_ratio(*args)


# --------------------------------------------------------------------------- #
# Mean difference
# --------------------------------------------------------------------------- #
def test_mean_difference_hand_example():
    # means 2.5 and 1.5; variances 5/3 and 1; SE = sqrt(5/12 + 1/4) = 0.8165
    # interval 1 ± 1.96·0.8165 = (−0.6003, 2.6003); p = 2Φ(−1.2247) = 0.2207
    d = mean_difference([1, 2, 3, 4], [1, 1, 1, 3])
    assert d.estimate == pytest.approx(1.0)
    assert (d.low, d.high) == pytest.approx((-0.6003, 2.6003), abs=5e-5)
    assert d.p_value == pytest.approx(0.2207, abs=5e-5)
    assert not d.significant


# SciPy warns about "catastrophic cancellation" when one group is constant; harmless here.
@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
@given(
    a=st.lists(st.integers(0, 60), min_size=2, max_size=80),
    b=st.lists(st.integers(0, 60), min_size=2, max_size=80),
)
def test_mean_difference_matches_scipy_welch_statistic(a, b):
    assume(np.var(a) > 0 or np.var(b) > 0)
    d = mean_difference(pd.Series(a), np.array(b))
    welch = sps.ttest_ind(a, b, equal_var=False)
    se = (np.mean(a) - np.mean(b)) / welch.statistic if welch.statistic != 0 else None
    assert d.p_value == pytest.approx(2 * sps.norm.sf(abs(welch.statistic)), rel=1e-9, abs=1e-300)
    if se is not None:
        assert (d.low, d.high) == pytest.approx((d.estimate - Z95 * se, d.estimate + Z95 * se), rel=1e-9, abs=1e-12)


def test_mean_difference_zero_variance():
    same = mean_difference([2, 2, 2], [2, 2])
    assert (same.estimate, same.low, same.high, same.p_value) == (0.0, 0.0, 0.0, 1.0)
    apart = mean_difference([3, 3], [1, 1])
    assert apart.p_value == 0.0 and apart.significant


@pytest.mark.parametrize(("a", "b"), [([1], [1, 2]), ([1, 2], []), ([1, float("nan")], [1, 2]), ([1, 2], ["a", "b"])])
def test_mean_difference_rejects_bad_input(a, b):
    with pytest.raises(ValueError):
        mean_difference(a, b)


# --------------------------------------------------------------------------- #
# Kaplan–Meier
# --------------------------------------------------------------------------- #
SIX_DURATIONS = [2, 3, 3, 5, 8, 10]
SIX_EVENTS = [True, True, False, True, False, True]


def test_kaplan_meier_six_people_by_hand():
    km = kaplan_meier(SIX_DURATIONS, SIX_EVENTS)
    assert list(km.columns) == ["time", "at_risk", "events", "censored", "survival", "low", "high"]
    assert km["time"].tolist() == [0, 2, 3, 5, 8, 10]
    assert km["at_risk"].tolist() == [6, 6, 5, 3, 2, 1]
    assert km["events"].tolist() == [0, 1, 1, 1, 0, 1]
    assert km["censored"].tolist() == [0, 0, 1, 0, 1, 0]
    # S = 1, 5/6, 5/6·4/5, ·2/3, unchanged at the censoring, ·0
    expected = [Fraction(1), Fraction(5, 6), Fraction(2, 3), Fraction(4, 9), Fraction(4, 9), Fraction(0)]
    assert km["survival"].tolist() == pytest.approx([float(f) for f in expected], abs=1e-15)
    # log(−log) band at t = 2: σ² = 1/(6·5); S^exp(±1.96·σ/|log S|) = (0.2731, 0.9747) by hand
    assert (km.loc[1, "low"], km.loc[1, "high"]) == pytest.approx((0.2731, 0.9747), abs=5e-5)
    # before any event the band is the point (1, 1); after S reaches 0 it is undefined
    assert (km.loc[0, "low"], km.loc[0, "high"]) == (1.0, 1.0)
    assert math.isnan(km.loc[5, "low"]) and math.isnan(km.loc[5, "high"])


def _direct_km(durations, events, confidence=0.95):
    """Textbook Kaplan–Meier with Greenwood and log(−log) band, one time at a time."""
    z = sps.norm.ppf(0.5 + confidence / 2)
    out = []
    s, greenwood = 1.0, 0.0
    for t in sorted(set(durations)):
        n = sum(1 for d in durations if d >= t)
        d = sum(1 for dd, e in zip(durations, events) if dd == t and e)
        s *= 1 - d / n
        if d:
            greenwood = greenwood + d / (n * (n - d)) if n > d else math.inf
        if s == 1.0:
            low = high = 1.0
        elif s == 0.0:
            low = high = math.nan
        else:
            theta = math.log(-math.log(s))
            half = z * math.sqrt(greenwood) / abs(math.log(s))
            low, high = math.exp(-math.exp(theta + half)), math.exp(-math.exp(theta - half))
        out.append((t, n, d, s, low, high))
    return out


def test_kaplan_meier_six_people_matches_direct_greenwood():
    km = kaplan_meier(SIX_DURATIONS, SIX_EVENTS)
    direct = _direct_km(SIX_DURATIONS, SIX_EVENTS)
    for row, (t, n, d, s, low, high) in zip(km.iloc[1:].itertuples(), direct, strict=True):
        assert (row.time, row.at_risk, row.events) == (t, n, d)
        assert row.survival == pytest.approx(s, rel=1e-12)
        assert row.low == pytest.approx(low, rel=1e-9, nan_ok=True)
        assert row.high == pytest.approx(high, rel=1e-9, nan_ok=True)


# Freireich et al. (1963) 6-MP arm, remission times in weeks (+ = censored), as in
# Cox & Oakes (1984) and Kalbfleisch & Prentice (2002).
SIX_MP_TIMES = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
SIX_MP_EVENTS = [True] * 9 + [False] * 12


@pytest.mark.parametrize(
    ("t", "survival", "se", "low", "high"),
    [
        # survival and Greenwood SE of S(t): the standard textbook table for these data;
        # 95% log-log limits as printed by R survival::survfit(..., conf.type = "log-log").
        (6, 0.857, 0.0764, 0.620, 0.952),
        (7, 0.807, 0.0869, 0.563, 0.923),
        (13, 0.690, 0.1068, 0.432, 0.849),
        (16, 0.627, 0.1141, 0.368, 0.805),
        (22, 0.538, 0.1282, 0.268, 0.747),
        (23, 0.448, 0.1346, 0.188, 0.680),
    ],
)
def test_kaplan_meier_six_mp_published(t, survival, se, low, high):
    km = kaplan_meier(SIX_MP_TIMES, SIX_MP_EVENTS)
    row = km.loc[km["time"] == t].iloc[-1]
    assert row["survival"] == pytest.approx(survival, abs=5e-4)
    assert (row["low"], row["high"]) == pytest.approx((low, high), abs=5e-4)
    # recover the Greenwood SE of S from the band: σ = |log S| · log(log low / log S) / z
    s = row["survival"]
    sigma = abs(math.log(s)) * math.log(math.log(row["low"]) / math.log(s)) / Z95
    assert s * sigma == pytest.approx(se, abs=5e-5)


@settings(max_examples=150)
@given(
    people=st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=1, max_size=60),
    confidence=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_kaplan_meier_matches_direct_formula_on_random_data(people, confidence):
    durations = [d for d, _ in people]
    events = [e for _, e in people]
    km = kaplan_meier(durations, events, confidence)
    direct = _direct_km(durations, events, confidence)
    assert len(km) == len(direct) + 1
    assert km["at_risk"].iloc[0] == len(people)
    assert km["events"].sum() == sum(events)
    assert km["censored"].sum() == len(people) - sum(events)
    for row, (t, n, d, s, low, high) in zip(km.iloc[1:].itertuples(), direct, strict=True):
        assert (row.time, row.at_risk, row.events) == (t, n, d)
        assert row.survival == pytest.approx(s, rel=1e-9, abs=1e-15)
        assert row.low == pytest.approx(low, rel=1e-7, abs=1e-12, nan_ok=True)
        assert row.high == pytest.approx(high, rel=1e-7, abs=1e-12, nan_ok=True)
    surv = km["survival"].to_numpy()
    assert np.all(np.diff(surv) <= 0)
    band = km.dropna(subset=["low", "high"])
    assert np.all((0 <= band["low"]) & (band["low"] <= band["survival"] + 1e-12))
    assert np.all((band["survival"] <= band["high"] + 1e-12) & (band["high"] <= 1))


def test_kaplan_meier_without_censoring_is_empirical_distribution():
    km = kaplan_meier([5, 1, 3, 2, 4], [1, 1, 1, 1, 1])
    assert km["survival"].tolist() == pytest.approx([1, 0.8, 0.6, 0.4, 0.2, 0.0])


def test_kaplan_meier_wider_band_at_higher_confidence():
    k95 = kaplan_meier(SIX_MP_TIMES, SIX_MP_EVENTS, 0.95)
    k99 = kaplan_meier(SIX_MP_TIMES, SIX_MP_EVENTS, 0.99)
    inner = k95["survival"].lt(1)
    assert np.all(k99.loc[inner, "low"] < k95.loc[inner, "low"])
    assert np.all(k99.loc[inner, "high"] > k95.loc[inner, "high"])


def test_kaplan_meier_events_on_day_zero_follow_the_initial_row():
    km = kaplan_meier(pd.Series([0, 0, 4, 7]), pd.Series([True, False, True, False]))
    assert km["time"].tolist() == [0, 0, 4, 7]
    assert km["survival"].tolist() == pytest.approx([1.0, 0.75, 0.375, 0.375])
    assert cumulative_incidence_at(km, 0)[0] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("durations", "events"),
    [([], []), ([1, -2], [True, True]), ([1, 2], [True]), ([1, 2], [True, 2]), ([1, float("nan")], [True, True])],
)
def test_kaplan_meier_rejects_bad_input(durations, events):
    with pytest.raises(ValueError):
        kaplan_meier(durations, events)


def test_cumulative_incidence_reads_the_step_function():
    km = kaplan_meier(SIX_DURATIONS, SIX_EVENTS)
    assert cumulative_incidence_at(km, 0) == (0.0, 0.0, 0.0)
    assert cumulative_incidence_at(km, 1.9)[0] == 0.0
    est, low, high = cumulative_incidence_at(km, 2)
    assert est == pytest.approx(1 / 6)
    assert (low, high) == pytest.approx((1 - 0.9747, 1 - 0.2731), abs=5e-5)
    assert cumulative_incidence_at(km, 4.99)[0] == pytest.approx(1 / 3)
    assert cumulative_incidence_at(km, 7)[0] == pytest.approx(5 / 9)  # 1 − 4/9
    assert cumulative_incidence_at(km, 9)[0] == pytest.approx(5 / 9)
    with pytest.raises(ValueError):
        cumulative_incidence_at(km, -1)
    with pytest.raises(ValueError):
        cumulative_incidence_at(km.drop(columns="low"), 3)


# --------------------------------------------------------------------------- #
# format_p
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.011, "p = 0.011"),
        (0.0112, "p = 0.011"),
        (0.05, "p = 0.050"),
        (0.001, "p = 0.001"),
        (0.00099, "p < 0.001"),
        (0.0, "p < 0.001"),
        (1.0, "p = 1.000"),
        (0.2207, "p = 0.221"),
    ],
)
def test_format_p(p, text):
    assert format_p(p) == text


@pytest.mark.parametrize("p", [-0.01, 1.01, float("nan"), None])
def test_format_p_rejects_non_probabilities(p):
    with pytest.raises(ValueError):
        format_p(p)


@pytest.mark.parametrize("x", [0, 1, 3, 10, 50, 250, 4000])
def test_poisson_interval_close_to_the_exact_garwood_limits(x):
    lo, hi = poisson_interval(x)
    exact_lo = sps.chi2.ppf(0.025, 2 * x) / 2 if x else 0.0
    exact_hi = sps.chi2.ppf(0.975, 2 * x + 2) / 2
    if x >= 10:  # Byar's approximation is within 1% from about 10 events
        assert lo == pytest.approx(exact_lo, rel=0.01) and hi == pytest.approx(exact_hi, rel=0.01)
    else:  # below that, close in absolute terms (and a little wider at the bottom)
        assert lo <= exact_lo and exact_lo - lo < 0.05 and hi == pytest.approx(exact_hi, rel=0.01)
    assert lo <= x <= hi
