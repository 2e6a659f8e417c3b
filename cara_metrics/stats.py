"""Statistical methods behind the CARA dashboard.

Pure functions with no dependency on SciPy or Streamlit at run time: only the
standard library (:mod:`math`, :class:`statistics.NormalDist`) and NumPy/pandas.
SciPy is used in the test suite only, as an independent check.

Every interval is two-sided with the stated ``confidence`` (0.95 by default) and
uses the standard normal quantile ``z = Φ⁻¹(1 - (1 - confidence) / 2)``.

Methods and references
----------------------
* Proportions: Wilson score interval (Wilson 1927), recommended by Newcombe
  (1998a) over the Wald interval, which behaves badly for small ``n`` or
  proportions near 0 or 1.
* Difference of two independent proportions: Newcombe's hybrid score interval
  (Newcombe 1998b, method 10).
* Two-proportion test: the pooled z-test (equivalent to Pearson's chi-squared
  test without continuity correction); Fisher's exact test when any expected
  cell count is below 5 (Cochran 1954).
* Counts and rates per population: Byar's approximation to the Poisson interval
  (Breslow & Day 1987).
* Rate ratio: log-normal (Wald on the log scale) interval for the ratio of two
  Poisson rates (Rothman, Greenland & Lash, *Modern Epidemiology*, 3rd edn).
* Difference in means: Welch's unequal-variance standard error with a normal
  reference distribution (large-sample approximation).
* Time to reoffending: Kaplan–Meier product-limit estimator (Kaplan & Meier
  1958) with Greenwood's variance (Greenwood 1926) and the log(−log)
  transformed interval (Kalbfleisch & Prentice 2002; the default
  ``conf.type = "log-log"`` interval of R's ``survival::survfit`` when asked
  for it).

References
~~~~~~~~~~
Wilson EB (1927) Probable inference, the law of succession, and statistical
inference. *JASA* 22:209–212.
Newcombe RG (1998a) Two-sided confidence intervals for the single proportion:
comparison of seven methods. *Statistics in Medicine* 17:857–872.
Newcombe RG (1998b) Interval estimation for the difference between independent
proportions: comparison of eleven methods. *Statistics in Medicine* 17:873–890.
Cochran WG (1954) Some methods for strengthening the common χ² tests.
*Biometrics* 10:417–451.
Kaplan EL, Meier P (1958) Nonparametric estimation from incomplete
observations. *JASA* 53:457–481.
Greenwood M (1926) *The natural duration of cancer*. Reports on Public Health
and Medical Subjects 33. London: HMSO.
Kalbfleisch JD, Prentice RL (2002) *The Statistical Analysis of Failure Time
Data*, 2nd edn. Wiley.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

__all__ = [
    "Difference",
    "TestResult",
    "wilson_interval",
    "newcombe_difference",
    "two_proportion_test",
    "fisher_exact_p",
    "rate_ratio",
    "poisson_interval",
    "mean_difference",
    "mean_difference_from_summary",
    "kaplan_meier",
    "kaplan_meier_from_counts",
    "cumulative_incidence_at",
    "format_p",
    "Z_TEST_METHOD",
    "FISHER_METHOD",
]

Z_TEST_METHOD = "two-proportion z-test (pooled)"
FISHER_METHOD = "Fisher's exact test (two-sided)"

#: Relative tolerance when deciding whether a table is "no more likely" than the
#: observed one in Fisher's test; the same value SciPy uses, so that tables whose
#: probabilities tie in exact arithmetic are not lost to rounding error.
_FISHER_RELATIVE_TOLERANCE = 1e-7

#: Smallest expected cell count for which the z-test's normal approximation is
#: trusted (Cochran's rule); below this Fisher's exact test is used.
_MIN_EXPECTED_COUNT = 5.0

_STANDARD_NORMAL = NormalDist()

KM_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "low", "high")


# --------------------------------------------------------------------------- #
# Result types
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Difference:
    """A difference between two groups (group 1 minus group 2).

    ``low`` and ``high`` are the confidence limits; ``p_value`` is the two-sided
    p-value of the accompanying test named in ``method``. The interval and the
    test are not always the same procedure (for proportions the interval is
    Newcombe's and the test is the z-test or Fisher's), so near the boundary
    ``significant`` and ``p_value < 0.05`` can disagree; ``significant`` follows
    the interval.
    """

    estimate: float
    low: float
    high: float
    p_value: float
    method: str

    @property
    def significant(self) -> bool:
        """True when the confidence interval excludes zero."""
        return self.low > 0.0 or self.high < 0.0


@dataclass(frozen=True)
class TestResult:
    """A two-sided hypothesis test of no difference.

    ``statistic`` is the z statistic for the z-test and ``None`` for Fisher's
    exact test (which has no test statistic). ``method`` is either
    ``"two-proportion z-test (pooled)"`` or ``"Fisher's exact test (two-sided)"``.
    """

    __test__ = False  # not a pytest test class, despite the name

    statistic: float | None
    p_value: float
    method: str


# --------------------------------------------------------------------------- #
# Validation helpers
# --------------------------------------------------------------------------- #
def _z(confidence: float) -> float:
    """Two-sided standard normal quantile for ``confidence``."""
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise ValueError(f"confidence must be a number in (0, 1), got {confidence!r}")
    confidence = float(confidence)
    if not (0.0 < confidence < 1.0):
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    return _STANDARD_NORMAL.inv_cdf(0.5 + confidence / 2.0)


def _count(name: str, value: object) -> int:
    """Return ``value`` as a non-negative ``int`` or raise ``ValueError``.

    Whole-number floats (e.g. ``81.0`` from a pandas sum) are accepted.
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got a boolean")
    if isinstance(value, numbers.Integral):
        result = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        result = int(float(value))
    else:
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if result < 0:
        raise ValueError(f"{name} must not be negative, got {result}")
    return result


def _proportion_counts(x: object, n: object, label: str = "") -> tuple[int, int]:
    xs, ns = _count(f"successes{label}", x), _count(f"n{label}", n)
    if ns == 0:
        raise ValueError(f"n{label} must be positive (no one in the group)")
    if xs > ns:
        raise ValueError(f"successes{label} ({xs}) cannot exceed n{label} ({ns})")
    return xs, ns


def _finite_positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    result = float(value)
    if not math.isfinite(result) or result <= 0.0:
        raise ValueError(f"{name} must be a finite positive number, got {value!r}")
    return result


def _two_sided_normal_p(z: float) -> float:
    """Two-sided p-value ``2 Φ(−|z|) = erfc(|z| / √2)``.

    Uses :func:`math.erfc` directly: ``NormalDist.cdf`` is computed as
    ``(1 + erf(x/√2)) / 2``, which loses relative precision in the far tail.
    """
    return min(1.0, math.erfc(abs(z) / math.sqrt(2.0)))


# --------------------------------------------------------------------------- #
# Proportions
# --------------------------------------------------------------------------- #
def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Returns ``(low, high)`` as fractions in ``[0, 1]``.

    Assumptions: the ``n`` people are independent and share a common
    probability of the outcome (a binomial model). The interval inverts the
    score test, so it never strays outside ``[0, 1]``, is never of zero width,
    and keeps close to nominal coverage even for small ``n`` or proportions near
    0 or 1 (Wilson 1927; Newcombe 1998a, method 3). When ``successes`` is 0 the
    lower limit is exactly 0, and when it equals ``n`` the upper limit is
    exactly 1.

    Raises ``ValueError`` when ``n`` is 0, when ``successes`` is outside
    ``0..n``, or when ``confidence`` is not strictly between 0 and 1.
    """
    x, n = _proportion_counts(successes, n)
    z = _z(confidence)
    p = x / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half_width = (z / denominator) * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    low = 0.0 if x == 0 else max(0.0, centre - half_width)
    high = 1.0 if x == n else min(1.0, centre + half_width)
    return (low, high)


def newcombe_difference(
    x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95
) -> Difference:
    """Difference of two independent proportions, ``p1 − p2``, with Newcombe's interval.

    Uses Newcombe's hybrid score interval (Newcombe 1998b, method 10), built
    from the Wilson intervals ``(l1, u1)`` and ``(l2, u2)`` of each group::

        low  = d − sqrt((p1 − l1)² + (u2 − p2)²)
        high = d + sqrt((u1 − p1)² + (p2 − l2)²)

    Assumptions: the two groups are independent binomial samples (different
    people in each). The interval keeps good coverage with small samples and
    with proportions near 0 or 1, where the Wald interval fails.

    ``p_value`` comes from :func:`two_proportion_test` (pooled z-test, or
    Fisher's exact test when any expected count is below 5); the method string
    names both procedures.
    """
    x1, n1 = _proportion_counts(x1, n1, "1")
    x2, n2 = _proportion_counts(x2, n2, "2")
    l1, u1 = wilson_interval(x1, n1, confidence)
    l2, u2 = wilson_interval(x2, n2, confidence)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    test = two_proportion_test(x1, n1, x2, n2)
    return Difference(
        estimate=d,
        low=max(-1.0, low),
        high=min(1.0, high),
        p_value=test.p_value,
        method=f"Newcombe hybrid score interval (method 10); {test.method}",
    )


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> TestResult:
    """Two-sided test that two independent proportions are equal.

    Pooled two-proportion z-test::

        p = (x1 + x2) / (n1 + n2)
        z = (x1/n1 − x2/n2) / sqrt(p (1 − p) (1/n1 + 1/n2))

    with ``P = 2 Φ(−|z|)``. This is identical to Pearson's chi-squared test on
    the 2×2 table without Yates' continuity correction (``z² = X²``).

    Assumptions: independent binomial samples, and samples large enough for
    the normal approximation. Following Cochran's (1954) rule, when any of the
    four expected cell counts is below 5 the function switches to Fisher's
    exact test (:func:`fisher_exact_p`), which conditions on the margins and is
    valid for any sample size (it is conservative). ``statistic`` is ``None``
    in that case.
    """
    x1, n1 = _proportion_counts(x1, n1, "1")
    x2, n2 = _proportion_counts(x2, n2, "2")
    total = n1 + n2
    successes = x1 + x2
    failures = total - successes
    expected = (
        n1 * successes / total,
        n1 * failures / total,
        n2 * successes / total,
        n2 * failures / total,
    )
    if min(expected) < _MIN_EXPECTED_COUNT:
        return TestResult(statistic=None, p_value=fisher_exact_p(x1, n1, x2, n2), method=FISHER_METHOD)
    pooled = successes / total
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    z = (x1 / n1 - x2 / n2) / se
    return TestResult(statistic=z, p_value=_two_sided_normal_p(z), method=Z_TEST_METHOD)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test for the 2×2 table.

    The table is ``[[x1, n1 − x1], [x2, n2 − x2]]``. Conditional on both
    margins, ``x1`` follows a hypergeometric distribution; its probabilities
    are computed on the log scale with :func:`math.lgamma`, so large tables do
    not overflow. The two-sided p-value is the total probability of all tables
    no more likely than the observed one (Fisher 1935; the "minimum
    likelihood" definition used by R's ``fisher.test`` and SciPy's
    ``fisher_exact``), with a relative tolerance of 1e-7 so that exact ties are
    not lost to rounding.

    Assumptions: both margins treated as fixed (the test is conservative for
    two independent binomial samples).
    """
    x1, n1 = _proportion_counts(x1, n1, "1")
    x2, n2 = _proportion_counts(x2, n2, "2")
    total = n1 + n2
    successes = x1 + x2
    lowest = max(0, successes - n2)
    highest = min(n1, successes)
    if lowest == highest:
        return 1.0
    log_denominator = _log_choose(total, successes)

    def log_pmf(a: int) -> float:
        return _log_choose(n1, a) + _log_choose(n2, successes - a) - log_denominator

    threshold = log_pmf(x1) + math.log1p(_FISHER_RELATIVE_TOLERANCE)
    terms = []
    for a in range(lowest, highest + 1):
        lp = log_pmf(a)
        if lp <= threshold:
            terms.append(math.exp(lp))
    return min(1.0, math.fsum(terms))


# --------------------------------------------------------------------------- #
# Rates and means
# --------------------------------------------------------------------------- #
def rate_ratio(
    events1: float,
    exposure1: float,
    events2: float,
    exposure2: float,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """Ratio of two event rates, ``(events1/exposure1) / (events2/exposure2)``.

    Returns ``(ratio, low, high)`` with the log-normal interval
    ``exp(log RR ± z sqrt(1/events1 + 1/events2))`` (Rothman, Greenland & Lash,
    *Modern Epidemiology*, 3rd edn, ch. 14).

    Assumptions: event counts are Poisson given the exposure (e.g. person-days
    at risk), events are independent, and counts are not too small (the log
    scale normal approximation is poor with fewer than about 10 events in a
    group). Reoffending is typically over-dispersed — a few people account for
    many offences — so this interval is too narrow when counts come from
    repeat events by the same people; prefer a person-level comparison in
    that case.

    Raises ``ValueError`` when either event count is zero (the log ratio is
    undefined) or negative, or when either exposure is not positive.
    """
    e1 = _finite_positive("events1", events1)
    e2 = _finite_positive("events2", events2)
    t1 = _finite_positive("exposure1", exposure1)
    t2 = _finite_positive("exposure2", exposure2)
    z = _z(confidence)
    ratio = (e1 / t1) / (e2 / t2)
    se = math.sqrt(1.0 / e1 + 1.0 / e2)
    return (ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se))


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """95% interval for the expected value of a Poisson ``count`` (Byar's approximation).

    ``lower = x (1 - 1/(9x) - z/(3 sqrt x))^3`` and ``upper = (x+1) (1 - 1/(9(x+1)) +
    z/(3 sqrt(x+1)))^3`` (Breslow & Day 1987, vol. II, p. 69; the method of the Public Health
    England / OHID technical guide for counts and rates). Within 1% of the exact (Garwood)
    limits from about 10 events; lower is 0 for a count of 0. Divide by an exposure (e.g.
    population) for a rate's interval.
    """
    x = _count("count", count)
    z = _z(confidence)
    lo = 0.0 if x == 0 else x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return max(0.0, lo), hi


def _finite_array(name: str, values: Iterable[float]) -> np.ndarray:
    try:
        array = np.asarray(list(values) if not hasattr(values, "__array__") else values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain numbers only") from exc
    array = array.ravel()
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains missing or non-finite values; remove them first")
    return array


def mean_difference(
    values1: Iterable[float], values2: Iterable[float], confidence: float = 0.95
) -> Difference:
    """Difference in means (group 1 − group 2) with a Welch-type normal interval.

    Intended for per-person counts (e.g. number of further offences) or
    crime-harm days. The standard error is Welch's unequal-variance form
    ``sqrt(s1²/n1 + s2²/n2)`` (sample variances with ``n − 1``); the interval
    is ``d ± z·SE`` and the two-sided p-value is ``2 Φ(−|d/SE|)``.

    Assumptions: independent people in two independent groups; large samples.
    Such frequencies and harm scores are heavily right-skewed (most people
    score zero, a few score very high), so the normal approximation to the
    sampling distribution of the mean relies on the central limit theorem and
    needs large groups — at least several dozen per group, more when a few
    extreme values dominate. With small groups this interval is too narrow
    (it uses z rather than Welch's t) and should not be reported.

    Needs at least two values per group (``ValueError`` otherwise); values
    must be finite.
    """
    a = _finite_array("values1", values1)
    b = _finite_array("values2", values2)
    if a.size < 2 or b.size < 2:
        raise ValueError("mean_difference needs at least 2 values in each group")
    return mean_difference_from_summary(a.size, float(a.mean()), float(a.var(ddof=1)),
                                        b.size, float(b.mean()), float(b.var(ddof=1)), confidence)


def mean_difference_from_summary(
    n1: int, mean1: float, variance1: float, n2: int, mean2: float, variance2: float, confidence: float = 0.95
) -> Difference:
    """:func:`mean_difference` from each group's size, mean and sample variance (``n − 1``).

    The same Welch-type normal interval and p-value, for callers that hold counts and sums
    rather than the values (the reoffending page sums per-person figures in SQL). Same
    assumptions as :func:`mean_difference`; needs at least two people per group.
    """
    n1, n2 = _count("n1", n1), _count("n2", n2)
    if n1 < 2 or n2 < 2:
        raise ValueError("mean_difference needs at least 2 values in each group")
    z = _z(confidence)
    d = float(mean1 - mean2)
    se = math.sqrt(float(variance1) / n1 + float(variance2) / n2)
    if se == 0.0:
        p_value = 1.0 if d == 0.0 else 0.0
        low = high = d
    else:
        p_value = _two_sided_normal_p(d / se)
        low, high = d - z * se, d + z * se
    return Difference(
        estimate=d,
        low=low,
        high=high,
        p_value=p_value,
        method="difference in means, Welch standard error, normal approximation",
    )


# --------------------------------------------------------------------------- #
# Time to reoffending
# --------------------------------------------------------------------------- #
def _event_flags(events: Iterable[object], size: int) -> np.ndarray:
    raw = np.asarray(list(events) if not hasattr(events, "__array__") else events).ravel()
    if raw.size != size:
        raise ValueError(f"durations and events differ in length ({size} and {raw.size})")
    if raw.dtype == bool:
        return raw
    try:
        numeric = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError("events must be booleans (True = reoffended, False = censored)") from exc
    if not np.all((numeric == 0.0) | (numeric == 1.0)):
        raise ValueError("events must be booleans (True = reoffended, False = censored)")
    return numeric == 1.0


def kaplan_meier(
    durations: Iterable[float], events: Iterable[bool], confidence: float = 0.95
) -> pd.DataFrame:
    """Kaplan–Meier estimate of the proportion not yet reoffended.

    ``durations`` are days from the start of follow-up (the caution) to
    reoffending or to the end of follow-up; ``events`` are ``True`` for
    reoffended and ``False`` for censored (followed up without reoffending).

    Returns a DataFrame with columns ``time, at_risk, events, censored,
    survival, low, high``: a first row at time 0 with survival 1 (before
    anyone is observed), then one row per distinct observed duration,
    including times with only censoring. Any events at day 0 therefore appear
    in a second row at time 0. ``at_risk`` counts people with duration at or
    after the time (people censored at a time are counted as at risk at it,
    the usual convention).

    * Survival: ``S(t) = Π (1 − d_i / n_i)`` over times ``t_i ≤ t``
      (Kaplan & Meier 1958).
    * Variance: Greenwood's formula, ``Var(log S(t)) ≈ σ²(t) = Σ d_i / (n_i (n_i − d_i))``
      (Greenwood 1926).
    * Interval: symmetric on the log(−log S) scale,
      ``S(t) ^ exp(± z σ(t) / log S(t))`` (Kalbfleisch & Prentice 2002), the
      interval R's ``survival::survfit`` gives with ``conf.type = "log-log"``.
      It always lies within ``[0, 1]``; limits are clipped to ``[0, 1]``
      against rounding. Where ``S = 1`` the limits are 1; where ``S = 0``
      (everyone still at risk reoffended) the interval is undefined and is
      returned as NaN, as in R.

    Assumptions: censoring is non-informative (people whose follow-up ends
    early are as likely to reoffend as those still followed), and everyone is
    followed from a comparable starting point.
    """
    t = _finite_array("durations", durations)
    if t.size == 0:
        raise ValueError("kaplan_meier needs at least one person")
    if np.any(t < 0):
        raise ValueError("durations must not be negative")
    flags = _event_flags(events, t.size)
    z = _z(confidence)

    times, inverse = np.unique(t, return_inverse=True)
    deaths = np.bincount(inverse, weights=flags.astype(float), minlength=times.size).astype(np.int64)
    ties = np.bincount(inverse, minlength=times.size).astype(np.int64)
    return _product_limit(times, deaths, ties, z)


def kaplan_meier_from_counts(
    times: Iterable[float], events: Iterable[int], people: Iterable[int], confidence: float = 0.95
) -> pd.DataFrame:
    """:func:`kaplan_meier` from counts: for each distinct duration in ``times`` (ascending,
    no repeats), the number of ``people`` whose duration it is and how many of them had the
    event (``events``; the rest are censored at it).

    The same table, to the last bit, as :func:`kaplan_meier` of the durations the counts
    describe: both build it from the same three arrays with the same arithmetic. The
    reoffending page counts them in SQL so that it never fetches one row per person.
    """
    t = _finite_array("times", times)
    deaths = np.asarray(list(events) if not hasattr(events, "__array__") else events).ravel().astype(np.int64)
    ties = np.asarray(list(people) if not hasattr(people, "__array__") else people).ravel().astype(np.int64)
    if t.size == 0 or not (t.size == deaths.size == ties.size):
        raise ValueError("times, events and people must be non-empty and of the same length")
    if np.any(t < 0) or np.any(np.diff(t) <= 0):
        raise ValueError("times must be non-negative, ascending and distinct")
    if np.any(ties < 1) or np.any(deaths < 0) or np.any(deaths > ties):
        raise ValueError("each time needs at least one person, and 0 to that many events")
    return _product_limit(t, deaths, ties, _z(confidence))


def _product_limit(times: np.ndarray, deaths: np.ndarray, ties: np.ndarray, z: float) -> pd.DataFrame:
    """The Kaplan-Meier table from distinct ascending ``times`` with ``deaths`` events among
    ``ties`` people at each (see :func:`kaplan_meier`)."""
    censored = ties - deaths
    # number at risk just before each time: everyone whose duration is >= it
    total = int(ties.sum())
    at_risk = total - np.concatenate(([0], np.cumsum(ties)[:-1]))

    with np.errstate(divide="ignore", invalid="ignore"):
        factors = 1.0 - deaths / at_risk
        survival = np.cumprod(factors)
        survival[survival < 0.0] = 0.0
        terms = np.where(
            deaths == 0,
            0.0,
            np.where(at_risk > deaths, deaths / (at_risk * (at_risk - deaths)), np.inf),
        )
        greenwood = np.cumsum(terms)
        low = np.full(times.size, np.nan)
        high = np.full(times.size, np.nan)
        whole = survival >= 1.0
        low[whole] = 1.0
        high[whole] = 1.0
        inner = (survival > 0.0) & (survival < 1.0)
        log_s = np.log(survival[inner])
        shift = z * np.sqrt(greenwood[inner]) / log_s  # negative
        low[inner] = survival[inner] ** np.exp(-shift)
        high[inner] = survival[inner] ** np.exp(shift)
    low = np.clip(low, 0.0, 1.0)
    high = np.clip(high, 0.0, 1.0)

    frame = pd.DataFrame(
        {
            "time": np.concatenate(([0.0], times)),
            "at_risk": np.concatenate(([total], at_risk)).astype(np.int64),
            "events": np.concatenate(([0], deaths)).astype(np.int64),
            "censored": np.concatenate(([0], censored)).astype(np.int64),
            "survival": np.concatenate(([1.0], survival)),
            "low": np.concatenate(([1.0], low)),
            "high": np.concatenate(([1.0], high)),
        },
        columns=list(KM_COLUMNS),
    )
    return frame


def cumulative_incidence_at(km: pd.DataFrame, t: float) -> tuple[float, float, float]:
    """Proportion reoffended by day ``t``, ``1 − S(t)``, with its interval.

    ``km`` is a table from :func:`kaplan_meier` (times ascending). The Kaplan–Meier curve is a
    right-continuous step function, so the estimate is read from the last row
    with ``time ≤ t``; the interval is ``(1 − high, 1 − low)``. Returns
    ``(estimate, low, high)``.

    Caution: beyond the longest follow-up the curve is simply carried forward;
    callers should not report ``t`` later than the follow-up available for the
    cohort. With no competing events (e.g. death), ``1 − S(t)`` is the
    cumulative incidence; if competing events are treated as censoring it
    overstates it.

    Raises ``ValueError`` when ``t`` is negative or not finite, or when ``km``
    lacks the required columns.
    """
    missing = {"time", "survival", "low", "high"} - set(km.columns)
    if missing:
        raise ValueError(f"km is missing columns: {sorted(missing)}")
    if isinstance(t, bool) or not isinstance(t, numbers.Real) or not math.isfinite(float(t)):
        raise ValueError(f"t must be a finite number, got {t!r}")
    times = km["time"].to_numpy(dtype=float)
    # the last row with time <= t (times ascend; a binary search, not a filtered copy per call)
    i = int(np.searchsorted(times, float(t), side="right")) - 1
    if i < 0:
        raise ValueError(f"no Kaplan-Meier estimate at or before t = {t}")
    return (1.0 - float(km["survival"].iat[i]), 1.0 - float(km["high"].iat[i]), 1.0 - float(km["low"].iat[i]))


# --------------------------------------------------------------------------- #
# Presentation
# --------------------------------------------------------------------------- #
def format_p(p: float) -> str:
    """Format a p-value for display: ``"p = 0.011"``, or ``"p < 0.001"`` below 0.001.

    Three decimal places, as commonly recommended for reporting (values below
    0.001 are not reported exactly). Raises ``ValueError`` for values outside
    ``[0, 1]`` or NaN.
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0.0 <= float(p) <= 1.0):
        raise ValueError(f"p must be a probability in [0, 1], got {p!r}")
    p = float(p)
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"
