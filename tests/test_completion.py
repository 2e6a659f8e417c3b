"""Completion page (question 3): library panels on the tiny hand-built data root, and the page.

The people are listed in ``tests/test_referrals.py`` (``PEOPLE``). By hand, for 2023/24 to
2024/25 in the force: 11 referred, 8 attended workshop 1, 6 completed, 2 breached,
1 withdrew, 2 still in progress, so 9 closed cases and a completion rate of 6/9; 3 people
repeated the workshops.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from cara_metrics import contract, stats, warehouse
from cara_metrics.areas import area_name
from cara_metrics.analysis import completion
from cara_metrics.dataroot import write_version
from cara_metrics.panels import NoData
from cara_metrics.periods import Filters

from .conftest import ALL_AREAS, BCP, CSP_DORSET, FORCE
from .test_referrals import AREAS, BEFORE, YEARS, _no_problem, _page, build_tiny_root

D = dt.date


@pytest.fixture
def tiny(tmp_path):
    root = build_tiny_root(tmp_path / "tiny")
    yield root
    warehouse.clear_cache()


def _pct(x: float) -> float:
    return round(100 * x, 1)


# --- funnel and outcomes -------------------------------------------------------------------------


def test_funnel(tiny):
    p = completion.funnel_panel(YEARS, root=tiny)
    assert p.table.to_dict("list") == {
        "Stage": ["Referred", "Attended workshop 1", "Completed both workshops"],
        "People": [11, 8, 6],
        "Share of people referred (%)": [100.0, 72.7, 54.5],
    }
    assert p.title == "Of 11 people referred, 8 (72.7%) attended workshop 1 and 6 (54.5%) completed"
    assert p.notes == ("2 people are still in progress and may yet attend or complete.",)
    assert p.metric.id == "completion_funnel"


def test_outcome_mix_by_cohort_quarter(tiny):
    p = completion.outcome_mix_panel(YEARS, "quarter", root=tiny)
    t = p.table.set_index("Period of caution")
    # 2024/25 Q4's cases are all still open: provisional, marked [p] (issue 14 item 3)
    assert list(t.index) == [f"{fy} Q{q}" for fy in ("2023/24", "2024/25") for q in (1, 2, 3, 4)][:-1] + ["2024/25 Q4 [p]"]
    assert t.loc["2023/24 Q1"].tolist() == [3, 2, 1, 0, 0]
    assert t.loc["2023/24 Q4"].tolist() == [0, 0, 0, 0, 0]  # a quarter with nobody referred shows as 0
    assert t.loc["2024/25 Q1"].tolist() == [3, 1, 1, 1, 0]
    assert t.loc["2024/25 Q4 [p]"].tolist() == [2, 0, 0, 0, 2]
    assert t[["Completed", "Breached", "Withdrawn", "In progress"]].sum().tolist() == [6, 2, 1, 2]
    assert p.title == "54.5% of people referred completed the workshops; 18.2% breached their caution"
    # outcomes are told apart by pattern as well as colour
    assert len({bar.marker.pattern.shape for bar in p.figure.data}) == 4


# --- completion rate -----------------------------------------------------------------------------


def test_rate_by_area_with_wilson_interval(tiny):
    p = completion.rate_area_panel(YEARS.with_area(BCP), root=tiny)
    t = p.table.set_index("Area")
    force = t.loc["Testshire police force area"]
    assert (force["Closed cases"], force["Completed"], force["Completion rate (%)"]) == (9, 6, 66.7)
    lo, hi = stats.wilson_interval(6, 9)
    assert (force["95% CI lower (%)"], force["95% CI upper (%)"]) == (_pct(lo), _pct(hi)) == (35.4, 87.9)  # hand: 0.3542, 0.8794
    north = t.loc["North Council"]
    assert (north["People referred"], north["Closed cases"], north["Completed"], north["Completion rate (%)"]) == (6, 5, 3, 60.0)
    assert (north["95% CI lower (%)"], north["95% CI upper (%)"]) == (23.1, 88.2)
    south = t.loc["South Council"]
    assert (south["Closed cases"], south["Completion rate (%)"], south["95% CI upper (%)"]) == (4, 75.0, 95.4)
    assert p.title == "No clear difference in completion between areas: 60.0% in North Council, 75.0% in South Council"
    assert p.subtitle.endswith("n = 9 closed cases in the force")
    # one level of area: the force and its councils (a council is selected), never the partnerships too
    assert list(t.index) == ["Testshire police force area", "North Council", "South Council"]
    # the chart draws the interval as error bars
    bar = p.figure.data[0]
    n_hi, s_hi = 0.8823792 - 0.6, 0.9544127 - 0.75  # force, then the two councils
    assert list(bar.error_x.array) == pytest.approx([hi - 6 / 9, n_hi, s_hi], abs=1e-6)
    assert list(bar.error_x.arrayminus) == pytest.approx([6 / 9 - lo, 0.6 - 0.2307243, 0.75 - 0.3006418], abs=1e-6)


def test_rate_by_cohort_year(tiny):
    p = completion.rate_period_panel(YEARS, "year", root=tiny)
    t = p.table.set_index("Period of caution")
    assert t.loc["2023/24"].tolist() == [5, 5, 4, 80.0, 37.6, 96.4]
    assert t.loc["2024/25 [p]"].tolist() == [6, 4, 2, 50.0, 15.0, 85.0]
    assert stats.wilson_interval(2, 4) == pytest.approx((0.1500, 0.8500), abs=5e-5)
    # 2024/25 still has 2 of 6 cases open, so the headline uses 2023/24 alone
    assert p.title == "Completion was 80.0% in 2023/24 (likely between 37.6% and 96.4%)"
    # ... and the chart draws 2024/25 apart: an open marker on a trace of its own, never on the solid line
    solid, prov = [tr for tr in p.figure.data if tr.mode == "lines+markers"]
    assert solid.y[-1] is None and list(prov.y) == [0.5]
    assert prov.marker.symbol.endswith("-open") and prov.line.dash == "dot" and prov.name.endswith("[p]")
    assert "[p]" in prov.hovertemplate
    assert any("2024/25" in n and "can still change" in n for n in p.notes)
    assert p.subtitle.endswith("n = 9 closed cases of 11 people referred")


def test_rate_by_cohort_quarter_leaves_gaps_where_nothing_closed(tiny):
    p = completion.rate_period_panel(YEARS, "quarter", root=tiny)
    t = p.table.set_index("Period of caution")
    assert t.loc["2023/24 Q4", "People referred"] == 0 and pd.isna(t.loc["2023/24 Q4", "Completion rate (%)"])
    assert pd.isna(t.loc["2024/25 Q4 [p]", "Completion rate (%)"])  # 2 referred, none closed
    assert t.loc["2023/24 Q1", "Completion rate (%)"] == 66.7
    line = [tr for tr in p.figure.data if tr.mode == "lines+markers"][0]
    assert len(line.y) == 5  # only the quarters with closed cases are plotted


def _people(year: int, n: int, completed: int, start: int = 0) -> list[dict]:
    rows = []
    for i in range(n):
        caution = D(year, 5, 1) + dt.timedelta(days=i)
        done = i < completed
        rows.append({
            "person_id": f"Q{start + i:04d}", "caution_date": caution, "area_code": BCP, "area_code_original": BCP,
            "age_band": "25-34", "sex": "male", "index_offence": "common_assault", "dash_risk": "standard",
            "workshop1_date": caution + dt.timedelta(days=30), "workshop2_date": caution + dt.timedelta(days=65) if done else None,
            "repeats": 0, "outcome": "completed" if done else "breached", "outcome_date": caution + dt.timedelta(days=65),
        })
    return rows


@pytest.fixture
def two_cohorts(tmp_path):
    """2022/23: 20 closed, 8 completed (40%); 2023/24: 20 closed, 18 completed (90%); 2024/25: 20, 17 (85%)."""
    def schema(name):
        return contract.arrow_schema(contract.TABLES[name])
    tables = {name: schema(name).empty_table() for name in contract.TABLES}
    tables["areas"] = pa.Table.from_pylist([
        {"area_code": c, "area_name": n, "area_type": t, "parent_code": p, "successor_code": None, "valid_from": None, "valid_to": None}
        for c, n, t, p in AREAS
    ], schema=schema("areas"))
    rows = _people(2022, 20, 8) + _people(2023, 20, 18, 100) + _people(2024, 20, 17, 200)
    tables["referrals"] = pa.Table.from_pylist(rows, schema=schema("referrals"))
    root = tmp_path / "cohorts"
    write_version(root, "warehouse", tables, {"synthetic": True, "data_as_at": "2025-03-31", "contract_version": "1.0"})
    yield root
    warehouse.clear_cache()


def test_rate_title_says_rose_only_when_the_interval_excludes_no_change(two_cohorts):
    rose = completion.rate_period_panel(Filters.financial_years(2022, 2023, FORCE), "year", root=two_cohorts)
    assert stats.newcombe_difference(18, 20, 8, 20).significant
    assert rose.title == "Completion rose from 40.0% in 2022/23 to 90.0% in 2023/24"
    same = completion.rate_period_panel(Filters.financial_years(2023, 2024, FORCE), "year", root=two_cohorts)
    assert not stats.newcombe_difference(17, 20, 18, 20).significant
    assert same.title == "Completion was 85.0% in 2024/25 against 90.0% in 2023/24: not a clear change"
    # a true minus sign, and the interval in words (issue 14 items 8 and 9)
    assert any(n.startswith("Change from 2023/24 to 2024/25: \u22125.0 points; the true change is likely between ")
               and "points higher (95% confidence interval)." in n
               for n in same.notes), same.notes


# --- time to completion and repeats ------------------------------------------------------------


def test_days_to_completion_median_and_iqr(tiny):
    p = completion.days_to_completion_panel(YEARS, "year", root=tiny)
    total = p.table.iloc[-1]
    assert total.tolist() == ["All of 2023/24 to 2024/25", 6, 63.0, 62.2, 64.5]  # exact q1 is 62.25
    df = warehouse.query("days_from_caution", YEARS.params(grain="year", step="completion"), root=tiny)
    row = df[df["overall"]].iloc[0]
    assert (row["n"], row["q1"], row["median"], row["q3"]) == (6, 62.25, 63.0, 64.5)
    assert p.title == "Half of those who completed did so within 63 days of their caution"
    assert "median 63 days, interquartile range 62.2 to 64.5 days; n = 6 people who completed" in p.subtitle
    # 2023/24 completers: 61, 63, 65, 68 -> median 64
    assert p.table.set_index("Period").loc["2023/24", "Median (days)"] == 64.0


def test_repeats(tiny):
    p = completion.repeats_panel(YEARS, "year", root=tiny)
    t = p.table.set_index("Period of caution")
    assert t.loc["2023/24"].tolist()[:3] == [5, 1, 20.0]
    assert t.loc["2024/25"].tolist()[:3] == [6, 2, 33.3]
    lo, hi = stats.wilson_interval(3, 11)
    assert t.loc["All of 2023/24 to 2024/25"].tolist() == [11, 3, 27.3, _pct(lo), _pct(hi)] == [11, 3, 27.3, 9.7, 56.6]
    assert p.title == "3 people (27.3% of those referred) had to repeat the workshops after missing one"


# --- empty selections -------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [
    lambda f, r: completion.funnel_panel(f, root=r),
    lambda f, r: completion.outcome_mix_panel(f, "month", root=r),
    lambda f, r: completion.rate_period_panel(f, "quarter", root=r),
    lambda f, r: completion.rate_area_panel(f, root=r),
    lambda f, r: completion.days_to_completion_panel(f, "year", root=r),
    lambda f, r: completion.repeats_panel(f, "year", root=r),
])
def test_selection_before_cara_raises_a_friendly_nodata(tiny, build):
    with pytest.raises(NoData, match="^No one in Testshire police force area was referred to CARA between 1 May 2016 "
                                     "and 30 June 2016: the first referral there was in April 2023.$"):
        build(BEFORE, tiny)


def test_cases_all_in_progress_have_no_rate_yet(tiny):
    f = Filters(D(2025, 1, 1), D(2025, 3, 31), FORCE)
    assert completion.funnel_panel(f, root=tiny).table["People"].tolist() == [2, 0, 0]
    with pytest.raises(NoData, match="None of the 2 people referred between 1 January 2025 and 31 March 2025 has finished yet"):
        completion.rate_period_panel(f, "month", root=tiny)
    with pytest.raises(NoData, match="has finished yet"):
        completion.rate_area_panel(f, root=tiny)
    with pytest.raises(NoData, match="No one cautioned between 1 January 2025 and 31 March 2025 has completed the workshops yet"):
        completion.days_to_completion_panel(f, "month", root=tiny)


# --- the page (AppTest on the demo data) ------------------------------------------------------------


@pytest.mark.parametrize("area", ALL_AREAS)
def test_page_titles_and_tables_match_the_library(area):
    at = _page({"area": area, "from": "2019/20", "to": "2024/25"}, "views/completion.py")
    _no_problem(at)
    if area == CSP_DORSET:  # shares BCP with two other CSPs: no council-held figure, and why
        assert len(at.info) == 1 and not at.subheader and not at.dataframe
        assert "Bournemouth, Christchurch and Poole sits in more than one community safety partnership" in at.info[0].value
        return
    f = Filters.financial_years(2019, 2024, area)
    panels = [
        completion.funnel_panel(f), completion.outcome_mix_panel(f, "quarter"), completion.rate_period_panel(f, "quarter"),
        completion.rate_area_panel(f), completion.days_to_completion_panel(f, "quarter"),
        completion.repeats_panel(f, "quarter"),
    ]
    assert [s.value for s in at.subheader] == [p.title for p in panels]
    assert len(at.dataframe) == len(panels)
    for shown, p in zip(at.dataframe, panels):
        pd.testing.assert_frame_equal(shown.value.reset_index(drop=True), p.table.reset_index(drop=True), check_dtype=False)
    # the completion rate and its interval, read off the page's area table
    areas = at.dataframe[3].value.set_index("Area")
    row = completion.with_rates(warehouse.query("completion_by_area", f.params(force=FORCE))).set_index("area_code").loc[area]
    lo, hi = stats.wilson_interval(int(row["completed"]), int(row["closed"]))
    shown = areas.loc[area_name(area)]  # "Dorset (council)": the force and the council share "Dorset"
    assert (shown["Completion rate (%)"], shown["95% CI lower (%)"], shown["95% CI upper (%)"]) == (
        _pct(row["completed"] / row["closed"]), _pct(lo), _pct(hi))
    assert "Workshop completion" in at.title[0].value


@pytest.mark.parametrize("area", ALL_AREAS)
def test_page_before_cara_shows_a_friendly_message(area):
    at = _page({"area": area, "start": "2016-05-01", "end": "2016-06-30"}, "views/completion.py")
    _no_problem(at)
    assert len(at.info) == 1
    if area == CSP_DORSET:
        assert "figures held by council count for the council and the force" in at.info[0].value
        return
    assert at.info[0].value.startswith("No data for this selection. No one in ")
    assert not at.subheader


def test_page_has_no_sql_or_groupby():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "views" / "completion.py").read_text()
    for banned in (".groupby(", "duckdb", ".execute(", "read_parquet", "round("):
        assert banned not in text


def test_partnerships_left_out_of_the_area_chart_are_named_under_it(tiny):
    """Issue 14 item 5: at partnership level the council-held completion chart leaves out the
    partnerships that share a council (in the demo every Dorset CSP shares BCP); the note under
    the chart names them and the council, from the lookup, and says why."""
    from cara_metrics.analysis.area_level import partnerships_not_shown
    from cara_metrics.areas import areas_frame
    from cara_metrics.metrics import COUNCIL_HELD, lookups

    window = Filters.financial_years(2019, 2024, FORCE)
    p = completion.rate_area_panel(window, level="community_safety_partnership")
    a = areas_frame()
    left = sorted(a.loc[[t == "community_safety_partnership" and not lookups.holds_councils(c)
                         for c, t in zip(a["area_code"], a["area_type"])], "area_name"])
    shared = list(lookups.shared_councils()["council_name"])
    assert left == ["Bournemouth", "Dorset", "Poole"] and shared == ["Bournemouth, Christchurch and Poole"]
    assert "completion" in COUNCIL_HELD
    note = ("The Bournemouth, Dorset and Poole community safety partnerships are not shown: they share "
            "Bournemouth, Christchurch and Poole (council), and these figures are held by council.")
    assert note in p.notes
    assert list(p.table["Area"]) == ["Dorset (police force area)"]  # the chart leaves them out
    # Councils level, or partnerships that hold their councils whole: nothing left out, no note.
    assert not any("not shown" in n for n in completion.rate_area_panel(window, level="local_authority").notes)
    tiny_csp = completion.rate_area_panel(YEARS.with_area(CSP_DORSET), root=tiny, level="community_safety_partnership")
    assert not any("not shown" in n for n in tiny_csp.notes)
    assert partnerships_not_shown("completion_rate", FORCE, "community_safety_partnership", root=tiny) == ""
    # A metric that is not held by council (recorded crime) gets no such sentence.
    assert partnerships_not_shown("da_share", FORCE, "community_safety_partnership") == ""
