"""Value for money and data quality: figures checked against independent pandas answers."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from cara_metrics import cli, stats
from cara_metrics.analysis import quality, reoffending, value
from cara_metrics.dataroot import live_version
from cara_metrics.periods import Filters

from .conftest import FORCE, REPO


def _tables(root=None):
    from cara_metrics.dataroot import DEFAULT_DATA_DIR

    v = live_version(root or DEFAULT_DATA_DIR, "warehouse")
    return {t: pq.read_table(v.table_path(t)).to_pandas() for t in ("costs", "referrals", "cohort", "reoffences")}


def test_costs_per_referral_and_completion_match_pandas():
    t = _tables()
    f = Filters.financial_years(2020, 2022, FORCE)
    v = value.compute(f)
    cash = t["costs"].groupby("financial_year")["cost_gbp"].sum()
    # HM Treasury's GDP deflators as printed in the shipped June 2023 release (2022-23 = 100)
    printed = {"2020/21": 94.5067, "2021/22": 93.8523, "2022/23": 100.0}
    assert v.by_year["cash_cost_gbp"].sum() == pytest.approx(cash[list(printed)].sum())
    costs = sum(cash[y] * 100.0 / index for y, index in printed.items())  # in 2022/23 prices
    ref = t["referrals"]
    in_period = ref[(ref["caution_date"] >= dt.date(2020, 4, 1)) & (ref["caution_date"] <= dt.date(2023, 3, 31))]
    assert v.price_basis == "2022/23 prices" and v.cost_gbp == pytest.approx(costs)
    assert v.referred == len(in_period)
    assert v.completed == int((in_period["outcome"] == "completed").sum())
    assert v.cost_per_referral == pytest.approx(costs / len(in_period))
    assert v.cost_per_completion == pytest.approx(costs / (in_period["outcome"] == "completed").sum())


def test_effect_and_ratio_follow_the_stated_method():
    f = Filters.financial_years(2019, 2024, FORCE)
    v = value.compute(f)
    people = reoffending.people(f.with_dates(value.EARLIEST, f.date_to))
    comp = people.loc[people["cohort_group"] == "comparison", "da_reoffences"].to_numpy(float)
    cara = people.loc[people["cohort_group"] == "cara", "da_reoffences"].to_numpy(float)
    d = stats.mean_difference(comp, cara)
    assert v.da_effect.estimate == pytest.approx(comp.mean() - cara.mean())
    assert (v.da_effect.low, v.da_effect.high) == pytest.approx((d.low, d.high))
    # every pound in one price year (HM Treasury's shipped GDP deflators): the unit cost is converted too
    assert v.one_price_year and v.unit_cost > value.HOME_OFFICE_COST_PER_VICTIM
    expected = d.estimate * v.referred * v.unit_cost / v.cost_gbp
    assert v.bcr.value == pytest.approx(expected)
    assert v.bcr.low < v.bcr.value < v.bcr.high
    assert v.enough


def test_assumptions_move_the_ratio_as_stated():
    f = Filters.financial_years(2019, 2024, FORCE)
    base = value.compute(f)
    dearer = value.compute(f, value.Assumptions(unit_cost_gbp=1.5 * value.HOME_OFFICE_COST_PER_VICTIM))
    assert dearer.bcr.value == pytest.approx(1.5 * base.bcr.value)
    # without a deflator table the page offers a price index instead, and says so
    cash = value.compute(f, deflators=None)
    dearer = value.compute(f, value.Assumptions(price_index=1.5), deflators=None)
    assert dearer.bcr.value == pytest.approx(1.5 * cash.bcr.value)
    none = value.compute(f, value.Assumptions(effect_per_person=0.0))
    assert none.bcr.value == pytest.approx(0.0)
    assert any("price index 1.50" in line for line in value.assumption_lines(dearer))


def test_tornado_brackets_the_central_estimate():
    v = value.compute(Filters.financial_years(2019, 2024, FORCE))
    p = value.tornado(v)
    base = value.bcr_for(v)
    for _, row in p.table.iterrows():
        lo, hi = sorted((row["Ratio with the input at its low end"], row["Ratio with the input at its high end"]))
        assert lo <= round(base, 1) <= hi
    assert p.figure is not None and "most sensitive" in p.title


def test_freshness_and_completeness_match_pandas():
    t = _tables()
    q = quality.compute()
    fresh = q.freshness.set_index("Table")
    assert fresh.loc["referrals", "Rows"] == len(t["referrals"])
    last = max(t["referrals"]["caution_date"])
    assert fresh.loc["referrals", "Last date"] == f"{last.day} {last:%B %Y}"
    comp = q.completeness.set_index("Field")
    reo = t["reoffences"]
    assert comp.loc["proven_date", "Expected"] == len(reo)
    assert comp.loc["proven_date", "Present"] == int(reo["proven_date"].notna().sum())


def test_open_cohorts_are_those_after_the_last_complete_index():
    q = quality.compute()
    last = reoffending.last_complete_index()
    assert last == dt.date(2023, 9, 30)
    assert q.open_cohorts["Cohort quarter starting"].iloc[0] == "1 October 2023"
    assert quality.reoffending_end(dt.date(2023, 10, 1)) == dt.date(2025, 6, 30)


def test_last_ingest_reports_rejected_rows(demo_copy, tmp_path, capsys):
    assert quality.last_ingest(demo_copy) is None
    bad = tmp_path / "costs.csv"
    bad.write_text("financial_year,quarter,cost_gbp,description\n2030/31,1,100,x\n2024/25,9,100,y\n2024/25,1,-5,z\n", encoding="utf-8")
    assert cli.main(["ingest", "--data-dir", str(demo_copy), "--report", str(tmp_path / "r.csv"), str(bad)]) == 1
    li = quality.last_ingest(demo_copy)
    assert li["accepted"] is False and li["rejected_rows"] == 3 and li["files"] == ["costs.csv"]
    assert "Rows rejected: **3**" in quality.last_ingest_text(quality.compute(demo_copy))


def test_value_page_slider_changes_the_ratio():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params.update({"area": FORCE, "from": "2019/20", "to": "2024/25"})
    at.run()
    at.switch_page("views/value.py").run()
    assert not at.exception
    ratio = next(m for m in at.metric if m.label.startswith("Benefit-cost ratio"))
    v = value.compute(Filters.financial_years(2019, 2024, FORCE))
    assert ratio.value == f"{v.bcr.value:,.1f}"  # one decimal (issue 14 item 6)
    assert len(at.number_input) == 1  # no price-index guess: a GDP deflator table is shipped
    at.number_input[0].set_value(2 * value.HOME_OFFICE_COST_PER_VICTIM).run()  # the cost per victim
    ratio2 = next(m for m in at.metric if m.label.startswith("Benefit-cost ratio"))
    assert float(ratio2.value) == pytest.approx(2 * v.bcr.value, abs=0.05)
    # the price year changes the pounds, never the ratio
    prices = next(s for s in at.selectbox if s.label == "Show pounds in the prices of")
    assert prices.value == 2024  # the selection's last year, by default
    prices.set_value(2022).run()
    assert not at.exception
    ratio3 = next(m for m in at.metric if m.label.startswith("Benefit-cost ratio"))
    assert ratio3.value == ratio2.value
    assert any("All pounds are in 2022/23 prices" in c.value for c in at.caption)


def test_no_saving_is_shown_for_groups_under_60_true_counts():
    """Issue 14 item 2: the 'avoided' table, the tornado chart and the board pack detail slide
    give no ratio when a group has fewer than 60 people with a complete follow-up."""
    import datetime as dt

    from cara_metrics.panels import NoData
    from cara_metrics.periods import Filters

    from .conftest import FORCE

    v = value.compute(Filters(dt.date(2019, 4, 1), dt.date(2019, 10, 31), FORCE))
    assert v.cara_n < 60 and not v.enough
    with pytest.raises(NoData, match="at least 60 people"):
        value.avoided_table(v)
    with pytest.raises(NoData, match="at least 60 people"):
        value.tornado(v)
    assert not any(t.metric_id == "benefit_cost_ratio" for t in value.tiles(v))
