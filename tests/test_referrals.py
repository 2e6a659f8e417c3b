"""Referrals page (question 2): library panels on a tiny hand-built data root, and the page.

The tiny root holds 11 referrals in two local authorities, April 2023 to March 2025, so
every count, share, median and quartile below was worked out by hand (see ``PEOPLE``).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pandas as pd
import pytest

from cara_metrics import contract, stats, warehouse
from cara_metrics.analysis import referrals
from cara_metrics.dataroot import write_version
from cara_metrics.panels import NoData
from cara_metrics.periods import Filters

from .conftest import ALL_AREAS, BCP, CSP_BOURNEMOUTH, CSP_DORSET, DORSET, FORCE, REPO

D = dt.date
AREAS = [
    # area_code, area_name, area_type, parent_code
    (FORCE, "Testshire police force area", "force", None),
    (CSP_BOURNEMOUTH, "North Safety Partnership", "community_safety_partnership", FORCE),
    (CSP_DORSET, "South Safety Partnership", "community_safety_partnership", FORCE),
    (BCP, "North Council", "local_authority", CSP_BOURNEMOUTH),
    (DORSET, "South Council", "local_authority", CSP_DORSET),
]

# person, caution, area, age band, sex, index offence, DASH, workshop 1, workshop 2, repeats, outcome, outcome date
PEOPLE = [
    ("P01", D(2023, 4, 10), BCP, "25-34", "male", "common_assault", "standard", D(2023, 5, 6), D(2023, 6, 10), 0, "completed", D(2023, 6, 10)),
    ("P02", D(2023, 5, 15), BCP, "18-24", "male", "harassment", "medium", D(2023, 6, 10), None, 1, "breached", D(2023, 7, 15)),
    ("P03", D(2023, 7, 1), BCP, "25-34", "male", "criminal_damage", "standard", D(2023, 7, 29), D(2023, 9, 2), 0, "completed", D(2023, 9, 2)),
    ("P04", D(2024, 4, 20), BCP, "35-44", "male", "common_assault", "standard", D(2024, 5, 18), D(2024, 6, 22), 1, "completed", D(2024, 6, 22)),
    ("P05", D(2024, 6, 3), BCP, "45-54", "male", "common_assault", "medium", None, None, 0, "withdrawn", D(2024, 6, 30)),
    ("P06", D(2025, 3, 1), BCP, "25-34", "male", "threatening_behaviour", "standard", None, None, 0, "in_progress", None),
    ("P07", D(2023, 4, 20), DORSET, "55+", "female", "common_assault", "standard", D(2023, 5, 20), D(2023, 6, 24), 0, "completed", D(2023, 6, 24)),
    ("P08", D(2023, 10, 2), DORSET, "35-44", "male", "domestic_theft", "medium", D(2023, 11, 4), D(2023, 12, 9), 0, "completed", D(2023, 12, 9)),
    ("P09", D(2024, 5, 10), DORSET, "18-24", "male", "harassment", "standard", D(2024, 6, 8), None, 0, "breached", D(2024, 7, 13)),
    ("P10", D(2024, 9, 15), DORSET, "25-34", "male", "common_assault", "standard", D(2024, 10, 12), D(2024, 11, 16), 1, "completed", D(2024, 11, 16)),
    ("P11", D(2025, 1, 10), DORSET, "25-34", "male", "common_assault", "standard", None, None, 0, "in_progress", None),
]
# By hand: days from caution to workshop 1 for the 8 who attended: 26, 26, 28, 28, 30, 33, 29, 27
#   -> sorted 26 26 27 28 28 29 30 33: median 28, q1 26.75, q3 29.25 (linear interpolation).
# Days from caution to completion for the 6 who completed: 61, 63, 63, 65, 68, 62
#   -> sorted 61 62 63 63 65 68: median 63, q1 62.25, q3 64.5.

YEARS = Filters.financial_years(2023, 2024, FORCE)  # 2023/24 to 2024/25


def _table(name: str, rows: list[dict]) -> pa.Table:
    schema = contract.arrow_schema(contract.TABLES[name])
    return pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()


def build_tiny_root(root):
    """Write the tiny warehouse under ``root`` and return ``root``."""
    tables = {name: _table(name, []) for name in contract.TABLES}
    tables["areas"] = _table("areas", [
        {"area_code": c, "area_name": n, "area_type": t, "parent_code": p, "successor_code": None, "valid_from": None, "valid_to": None}
        for c, n, t, p in AREAS
    ])
    tables["population"] = _table("population", [
        {"area_code": c, "year": y, "population": 100_000} for c in (BCP, DORSET) for y in (2023, 2024)
    ])
    cols = ["person_id", "caution_date", "area_code", "age_band", "sex", "index_offence", "dash_risk",
            "workshop1_date", "workshop2_date", "repeats", "outcome", "outcome_date"]
    tables["referrals"] = _table("referrals", [
        {**dict(zip(cols, p)), "area_code_original": p[2]} for p in PEOPLE
    ])
    write_version(root, "warehouse", tables, {"synthetic": True, "data_as_at": "2025-03-31", "contract_version": "1.0"})
    return root


@pytest.fixture
def tiny(tmp_path):
    root = build_tiny_root(tmp_path / "tiny")
    yield root
    warehouse.clear_cache()


# --- library: volumes ------------------------------------------------------------------------


def test_volume_by_year_counts_and_title(tiny):
    p = referrals.volume_panel(YEARS, "year", root=tiny)
    assert list(p.table.columns) == ["Period", "People referred"]
    assert p.table.to_dict("list") == {"Period": ["2023/24", "2024/25"], "People referred": [5, 6]}
    assert p.title == "6 people were referred to CARA in 2024/25, up 1 (20%) on 2023/24"
    assert p.subtitle == "Testshire police force area, 2023/24 to 2024/25, by financial year; n = 11 people referred"
    assert p.metric.id == "referrals"


def test_quarters_without_referrals_show_as_zero(tiny):
    p = referrals.volume_panel(YEARS, "quarter", root=tiny)
    assert list(p.table["Period"]) == [f"{fy} Q{q}" for fy in ("2023/24", "2024/25") for q in (1, 2, 3, 4)]
    assert list(p.table["People referred"]) == [3, 1, 1, 0, 3, 1, 0, 2]
    # the latest quarter is compared with the same quarter a year earlier (0), not the one before
    assert p.title == "2 people were referred to CARA in 2024/25 Q4, up 2 on 2023/24 Q4"


def test_volume_for_one_area(tiny):
    p = referrals.volume_panel(YEARS.with_area(DORSET), "year", root=tiny)
    assert list(p.table["People referred"]) == [2, 3]
    assert p.subtitle.startswith("South Council, ")


def test_part_periods_are_flagged_and_not_used_in_the_title(tiny):
    f = Filters(D(2023, 4, 1), D(2024, 11, 15), FORCE)
    p = referrals.volume_panel(f, "month", root=tiny)
    assert p.table["Period"].iloc[-1] == "Nov 2024"
    assert int(p.table["People referred"].sum()) == 9
    # Nov 2024 is cut short, so the title speaks of Oct 2024 (0) against Oct 2023 (1)
    assert p.title == "0 people were referred to CARA in Oct 2024, down 1 (100%) on Oct 2023"
    assert p.notes and "Nov 2024" in p.notes[0]


def test_rolling_12_months(tiny):
    p = referrals.rolling_panel(YEARS, root=tiny)
    t = p.table
    assert len(t) == 24 and t["12 months to the end of"].iloc[-1] == "Mar 2025"
    assert t.iloc[-1].tolist() == ["Mar 2025", 6, 5, 20.0]
    # 12 months to Mar 2024 = the whole of 2023/24; nothing before April 2023
    row = t[t["12 months to the end of"] == "Mar 2024"].iloc[0]
    assert (row["People referred in those 12 months"], row["People referred in the 12 months before"]) == (5, 0)
    assert pd.isna(row["Change (%)"])
    assert p.title == "6 people were referred in the 12 months to March 2025, up 1 (20%) on the 12 months before (5)"


def test_rolling_leaves_out_a_month_cut_short(tiny):
    p = referrals.rolling_panel(Filters(D(2024, 4, 1), D(2025, 2, 14), FORCE), root=tiny)
    assert p.table["12 months to the end of"].iloc[-1] == "Jan 2025"
    # Feb 2024 to Jan 2025: P04 P05 P09 P10 P11
    assert p.table["People referred in those 12 months"].iloc[-1] == 5


def test_by_area(tiny):
    """Issue 14 item 5: one level of area at a time, rates per 1,000 residents with intervals,
    and no "most" when the intervals overlap."""
    p = referrals.area_panel(YEARS.with_area(DORSET), root=tiny)
    t = p.table.set_index("Area")
    # A council is selected, so the force and its councils: never the partnerships as well.
    assert list(t.index) == ["Testshire police force area", "North Council", "South Council"]
    assert t.loc["Testshire police force area", "People referred"] == 11
    assert t.loc["North Council", "Share of the force's referrals (%)"] == round(600 / 11, 1) == 54.5
    assert t.loc["South Council", "People referred"] == 5
    # 100,000 residents in each council in each of the two years: 200,000 population-years.
    assert t.loc["North Council", "Residents (population-years)"] == 200_000
    lo, hi = stats.poisson_interval(6)
    assert (t.loc["North Council", "Per 1,000 residents a year"], t.loc["North Council", "Lower 95% limit"],
            t.loc["North Council", "Upper 95% limit"]) == (0.03, round(lo / 200, 2), round(hi / 200, 2))
    assert p.title == ("Referrals per 1,000 residents a year were 0.03 in South Council and 0.03 in North Council: "
                       "the 95% intervals overlap, so no area stands out")
    assert "most" not in p.title
    bar = p.figure.data[0]
    assert list(bar.x) == pytest.approx([1000 * 11 / 400_000, 1000 * 6 / 200_000, 1000 * 5 / 200_000])
    # The partnerships, when asked for (or when a partnership is selected).
    q = referrals.area_panel(YEARS.with_area(DORSET), root=tiny, level="community_safety_partnership")
    assert list(q.table["Area"]) == ["Testshire police force area", "North Safety Partnership", "South Safety Partnership"]


def test_an_area_stands_out_only_when_its_interval_clears_every_other():
    from cara_metrics.analysis.area_level import stands_out

    df = pd.DataFrame({"name": ["A", "B", "C"], "value": [0.5, 0.3, 0.2], "low": [0.41, 0.2, 0.1], "high": [0.6, 0.4, 0.3]})
    assert stands_out(df)["name"] == "A"
    assert stands_out(df.assign(high=[0.6, 0.42, 0.3])) is None   # B's interval reaches A's
    assert stands_out(df.iloc[:1]) is None


@pytest.mark.parametrize("dimension, expected, title", [
    ("age_band", {"18-24": 2, "25-34": 5, "35-44": 2, "45-54": 1, "55+": 1}, "People aged 25-34 were the largest group referred (45.5%)"),
    ("sex", {"Male": 10, "Female": 1, "Other or not stated": 0}, "90.9% of people referred were recorded as male"),
    ("dash_risk", {"Standard": 8, "Medium": 3}, "72.7% of referrals were assessed as standard risk (DASH)"),
    ("index_offence", {"Common assault": 6, "Criminal damage": 1, "Harassment": 2, "Threatening behaviour": 1, "Domestic theft": 1},
     "Common assault was the index offence for 54.5% of people referred"),
])
def test_by_category(tiny, dimension, expected, title):
    p = referrals.category_panel(YEARS, dimension, root=tiny)
    heading = referrals.DIMENSIONS[dimension].heading
    assert dict(zip(p.table[heading], p.table["People referred"])) == expected
    assert p.table["Share of people referred (%)"].sum() == pytest.approx(100, abs=0.2)
    assert p.title == title
    assert p.subtitle.endswith("n = 11 people referred")


def test_days_to_first_workshop_median_and_iqr(tiny):
    p = referrals.days_to_workshop_panel(YEARS, "year", root=tiny)
    total = p.table.iloc[-1]
    assert total["Period"] == "All of 2023/24 to 2024/25"
    assert total["People who attended workshop 1"] == 8
    assert (total["Median (days)"], total["Lower quartile (days)"], total["Upper quartile (days)"]) == (28.0, 26.8, 29.2)
    assert p.title == "Half of people attended their first workshop within 28 days of their caution"
    assert "median 28 days, interquartile range 26.8 to 29.2 days; n = 8 people who attended workshop 1" in p.subtitle
    # 2023/24: 26 26 28 30 33 -> median 28; 2024/25: 28 29 27 -> median 28, n 3
    by_year = p.table.set_index("Period")
    assert by_year.loc["2023/24", "People who attended workshop 1"] == 5
    assert by_year.loc["2024/25", "Lower quartile (days)"] == 27.5


def test_days_unrounded_values_come_from_the_library(tiny):
    df = warehouse.query("days_from_caution", YEARS.params(grain="year", step="workshop1"), root=tiny)
    row = df[df["overall"]].iloc[0]
    assert (row["n"], row["q1"], row["median"], row["q3"]) == (8, 26.75, 28.0, 29.25)


# --- library: empty selections -----------------------------------------------------------


BEFORE = Filters(D(2016, 5, 1), D(2016, 6, 30), FORCE)


@pytest.mark.parametrize("build", [
    lambda f, r: referrals.volume_panel(f, "month", root=r),
    lambda f, r: referrals.rolling_panel(f, root=r),
    lambda f, r: referrals.area_panel(f, root=r),
    lambda f, r: referrals.category_panel(f, "sex", root=r),
    lambda f, r: referrals.days_to_workshop_panel(f, "quarter", root=r),
    lambda f, r: referrals.require_referrals(f, root=r),
])
def test_selection_before_cara_raises_a_friendly_nodata(tiny, build):
    with pytest.raises(NoData) as exc:
        build(BEFORE, tiny)
    assert str(exc.value) == ("No one in Testshire police force area was referred to CARA between 1 May 2016 and "
                              "30 June 2016: the first referral there was in April 2023.")


def test_csv_holds_the_table(tiny):
    p = referrals.volume_panel(YEARS, "year", root=tiny)
    assert p.csv_bytes().decode("utf-8-sig").splitlines() == ["Period,People referred", "2023/24,5", "2024/25,6"]


# --- the page (AppTest on the demo data) ------------------------------------------------------


def _page(params: dict, page: str = "views/referrals.py", state: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params.update(params)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(page).run()
    return at


def _no_problem(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("area", ALL_AREAS)
def test_page_titles_and_tables_match_the_library(area):
    at = _page({"area": area, "from": "2019/20", "to": "2024/25"})
    _no_problem(at)
    if area == CSP_DORSET:  # shares BCP with two other CSPs: no council-held figure, and why
        assert len(at.info) == 1 and not at.subheader and not at.dataframe
        assert "Bournemouth, Christchurch and Poole sits in more than one community safety partnership" in at.info[0].value
        return
    f = Filters.financial_years(2019, 2024, area)
    panels = [
        referrals.volume_panel(f, "year"), referrals.rolling_panel(f), referrals.area_panel(f),
        referrals.days_to_workshop_panel(f, "year"),
        *(referrals.category_panel(f, d) for d in ("age_band", "sex", "dash_risk", "index_offence")),
    ]
    assert [s.value for s in at.subheader] == [p.title for p in panels]
    assert len(at.dataframe) == len(panels)
    for shown, p in zip(at.dataframe, panels):
        pd.testing.assert_frame_equal(shown.value.reset_index(drop=True), p.table.reset_index(drop=True), check_dtype=False)
    # the headline number itself, read off the page
    yearly = at.dataframe[0].value
    assert int(yearly["People referred"].sum()) == int(referrals.require_referrals(f))
    assert "Referrals to CARA" in at.title[0].value


def test_page_follows_the_grain_picker():
    at = _page({"area": FORCE, "from": "2019/20", "to": "2024/25"}, state={"grain": "Month"})
    _no_problem(at)
    f = Filters.financial_years(2019, 2024, FORCE)
    assert at.subheader[0].value == referrals.volume_panel(f, "month").title
    assert len(at.dataframe[0].value) == 72


@pytest.mark.parametrize("area", ALL_AREAS)
def test_page_before_cara_shows_a_friendly_message(area):
    at = _page({"area": area, "start": "2016-05-01", "end": "2016-06-30"})
    _no_problem(at)
    assert len(at.info) == 1
    if area == CSP_DORSET:
        assert "figures held by council count for the council and the force" in at.info[0].value
        return
    assert at.info[0].value.startswith("No data for this selection. No one in ")
    assert "the first referral there was in August 2019" in at.info[0].value
    assert not at.subheader


def test_page_has_no_sql_or_groupby():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "views" / "referrals.py").read_text()
    for banned in (".groupby(", "duckdb", ".execute(", "read_parquet", "round("):
        assert banned not in text
