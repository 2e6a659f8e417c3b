"""The Reoffending page's counts (issue 15 item 5): summed in SQL per council, they give the
same figures as the person-level frame, Kaplan-Meier to the last bit.

* ``stats.kaplan_meier_from_counts`` against ``stats.kaplan_meier`` on small cohorts made
  by hypothesis, with tied days and people censored at the end of a 365- or 366-day year;
* ``metrics.reoffending.counts`` (reoffending_counts.sql) against ``counts_of_people`` of
  ``people()`` (reoffending_people.sql) on the demo data and the hand-built roots, and the
  area breakdown from the force's councils against reoffending_by_area.sql.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cara_metrics import stats
from cara_metrics.metrics import reoffending as reo
from cara_metrics.periods import Filters

from .conftest import ALL_AREAS, FORCE
from .test_reoffending import ALL_YEARS, big, edges  # noqa: F401  (fixtures)

#: One person: days to a first reoffence (an event), or censored at the end of a year of
#: 365 or 366 days (no event). Few distinct days, so ties are common.
PERSON = st.one_of(st.tuples(st.integers(0, 12), st.just(True)), st.tuples(st.sampled_from([365, 366]), st.just(False)),
                   st.tuples(st.integers(0, 12), st.just(False)))


def _counts(people: list[tuple[int, bool]]) -> tuple[list[float], list[int], list[int]]:
    days = sorted({d for d, _ in people})
    return ([float(d) for d in days], [sum(e for d, e in people if d == day) for day in days],
            [sum(1 for d, _ in people if d == day) for day in days])


@settings(max_examples=120, deadline=None)
@given(people=st.lists(PERSON, min_size=1, max_size=40), confidence=st.sampled_from([0.9, 0.95]))
def test_kaplan_meier_from_counts_equals_the_person_level_table(people, confidence):
    from_people = stats.kaplan_meier([d for d, _ in people], [e for _, e in people], confidence)
    from_counts = stats.kaplan_meier_from_counts(*_counts(people), confidence=confidence)
    pd.testing.assert_frame_equal(from_counts, from_people, check_exact=True)


@settings(max_examples=80, deadline=None)
@given(people=st.lists(PERSON, min_size=1, max_size=40), cells=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_counts_split_over_councils_and_rows_add_up_to_the_same_curve(people, cells, seed):
    """As the page sums them: rows by council, in any order, several rows for one day."""
    rng = np.random.default_rng(seed)
    rows = [(d, e, 1.0) for d, e in people]
    rows = [rows[i] for i in rng.permutation(len(rows))]
    split = np.array_split(np.arange(len(rows)), cells)
    days = np.concatenate([[rows[i][0] for i in part] for part in split if len(part)])
    events = np.concatenate([[rows[i][1] for i in part] for part in split if len(part)]).astype(bool)
    s = reo._survival(days.astype(np.int64), events, np.ones(len(days)))
    want = stats.kaplan_meier([d for d, _ in people], [e for _, e in people])
    pd.testing.assert_frame_equal(s.km(), want, check_exact=True)


@pytest.mark.parametrize(("times", "events", "people"), [([], [], []), ([1, 1], [0, 0], [1, 1]), ([2, 1], [0, 0], [1, 1]),
                                                          ([1], [2], [1]), ([1], [0], [0]), ([-1], [0], [1])])
def test_kaplan_meier_from_counts_rejects_bad_counts(times, events, people):
    with pytest.raises(ValueError):
        stats.kaplan_meier_from_counts(times, events, people)


@settings(max_examples=100, deadline=None)
@given(a=st.lists(st.integers(0, 6), min_size=2, max_size=60), b=st.lists(st.integers(0, 6), min_size=2, max_size=60))
def test_means_from_sums_equal_means_from_values(a, b):
    """Whole-number values: the sums are exact, so the difference matches to rounding."""
    def group(v):
        v = np.asarray(v)
        return reo.GroupCounts(n=len(v), reoffences=int(v.sum()), reoffences_squared=int((v * v).sum()),
                               harm_days=float(v.sum()), harm_days_squared=float((v * v).sum()))

    want = stats.mean_difference(100.0 * np.asarray(a, dtype=float), 100.0 * np.asarray(b, dtype=float))
    (ma, va), (mb, vb) = group(a).summary("frequency"), group(b).summary("frequency")
    got = stats.mean_difference_from_summary(len(a), ma, va, len(b), mb, vb)
    assert got.estimate == want.estimate  # exact: whole numbers sum exactly
    for x, y in ((got.low, want.low), (got.high, want.high), (got.p_value, want.p_value)):
        assert x == pytest.approx(y, rel=1e-9, abs=1e-12)


# --- the SQL counts against the person-level frame -------------------------------------------


def _assert_same(f: Filters, root=None) -> reo.Counts:
    from_sql = reo.counts(f, root)
    from_people = reo.counts_of_people(reo.people(f, root))
    for name in ("cara", "completers", "comparison"):
        a, b = getattr(from_sql, name), getattr(from_people, name)
        assert a == b, name  # every count and sum, the first and last index date
        assert set(a.survival) == set(b.survival)
        for measure in a.survival:
            pd.testing.assert_frame_equal(a.survival[measure].km(), b.survival[measure].km(), check_exact=True)
    assert from_sql.quarters == from_people.quarters
    return from_sql


@pytest.mark.parametrize("area", ALL_AREAS)
def test_demo_counts_equal_the_person_level_figures(area):
    for f in (Filters.financial_years(2019, 2024, area), Filters(dt.date(2020, 5, 1), dt.date(2021, 2, 28), area)):
        c = _assert_same(f)
        if c.cara.n:
            assert reo.km_curves(f)["Referred to CARA"].equals(reo.km_curves(f, frame=reo.people(f))["Referred to CARA"])
    by_force = reo.by_area(Filters.financial_years(2019, 2024, FORCE).with_area(reo.force_of(area)))
    pd.testing.assert_frame_equal(reo.by_area_counts(Filters.financial_years(2019, 2024, area)), by_force)


def test_hand_built_roots_counts_equal_the_person_level_figures(edges, big):  # noqa: F811
    c = _assert_same(ALL_YEARS, edges)
    # C1 day 365 and C4 day 100 reoffend; C6 is followed 366 days (29 February 2024), four others 365
    assert list(c.cara.survival["any"].times) == [100.0, 365.0, 366.0]
    assert (list(c.cara.survival["any"].events), list(c.cara.survival["any"].people)) == ([1, 1, 0], [1, 4, 1])
    c = _assert_same(ALL_YEARS, big)
    assert (c.cara.n, c.cara.reoffended, c.completers.n, c.comparison.n) == (80, 16, 60, 100)
    assert c.comparison.first_index == c.comparison.last_index == dt.date(2018, 5, 10)
    mean, variance = c.cara.summary("harm")
    values = np.array([i + 1 + (i < 4) for i in range(16)] + [0] * 64, dtype=float)
    assert mean == values.mean() and variance == pytest.approx(values.var(ddof=1), rel=1e-12)
    assert not math.isnan(variance)
