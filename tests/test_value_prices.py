"""Value for money in one stated price year (issue 14 item 6): HM Treasury's GDP deflator table
read as published, every pound converted to one year's prices, and the ratio, sensitivity
chart and costs chart as a reader takes them.

Two tables are used: HM Treasury's June 2023 release as shipped (cara_metrics/data/, the
spreadsheet as published, checked by its SHA-256), and a TEST FIXTURE (tests/data/deflators/):
made-up numbers in the layout of HM Treasury's older CSV releases, never published values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cara_metrics.analysis import value
from cara_metrics.metrics import deflators
from cara_metrics.periods import Filters

from .conftest import FORCE

FIXTURE = Path(__file__).parent / "data" / "deflators" / "fixture_gdp_deflators.csv"
WINDOW = Filters.financial_years(2019, 2024, FORCE)


@pytest.fixture(scope="module")
def table() -> deflators.Deflators:
    return deflators.load(FIXTURE)


def test_the_table_is_read_as_published(table):
    assert table.base_fy == 2016 and table.index[2016] == 100.0
    assert table.index[2021] == 110.0 and table.index[2024] == 125.0 and min(table.index) == 2015 and max(table.index) == 2025
    assert table.published == dt.date(2026, 3, 31) and table.forecast_from == 2025
    assert table.source().endswith("published 31 March 2026")
    assert table.factor(2016, 2024) == pytest.approx(1.25)
    assert table.factor(2024, 2024) == 1.0
    with pytest.raises(deflators.DeflatorError, match="no figure for 2030/31"):
        table.factor(2016, 2030)


def test_the_shipped_table_is_hm_treasurys_june_2023_release_as_published():
    """The values below are copied from the release by eye, to check the reader (not the other way round)."""
    t = deflators.shipped()
    assert t is not None and deflators.SHIPPED.suffix == ".xlsx"
    assert t.title == "GDP deflators at market prices, and money GDP June 2023 (Quarterly National Accounts)"
    assert t.published == dt.date(2023, 6, 30) and t.source().endswith("published 30 June 2023")
    assert t.base_fy == 2022 and t.index[2022] == 100.0
    assert (t.index[1955], t.index[2016], t.index[2019], t.index[2021]) == (3.2821, 83.7617, 88.934, 93.8523)
    # 2023-24 onwards are OBR forecasts printed as percentage changes only ('-' for the index)
    assert t.forecast_from == 2023 and not t.is_forecast(2022) and t.is_forecast(2027)
    assert t.index[2023] == pytest.approx(100 * (1 + 2.5246453029121874 / 100))
    assert t.index[2024] == pytest.approx(t.index[2023] * (1 + 1.5695080374966475 / 100))
    assert max(t.index) == 2027


def test_an_edited_copy_of_the_release_is_refused(tmp_path):
    data = bytearray(deflators.SHIPPED.read_bytes())
    data[-100] ^= 1
    (tmp_path / "d.xlsx").write_bytes(bytes(data))
    (tmp_path / "d.toml").write_text(deflators.SHIPPED.with_suffix(".toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(deflators.DeflatorError, match="not the release as published"):
        deflators.load(tmp_path / "d.xlsx")


@pytest.mark.parametrize("rows,message", [
    ([("", "2022-23 = 100"), ("2023-24 (1)", "-", "")], r"row 2, column 3: 2023-24 \(1\) has no index and its percentage change"),
    ([("", "2022-23 = 100"), ("2022-23", 100), ("2024-25 (1)", "-", 1.5)], "the year before it is not in the table"),
])
def test_a_forecast_row_that_cannot_be_chained_is_refused(rows, message):
    with pytest.raises(deflators.DeflatorError, match=message):
        deflators.parse_hmt_rows(rows, title="t", published=dt.date(2026, 1, 1), url="u")


def test_the_page_names_the_forecast_years_of_the_shipped_release():
    v = value.compute(WINDOW)
    assert v.one_price_year and v.price_basis == "2024/25 prices" and v.price_fy == 2024
    assert "June 2023" in v.price_note and "published 30 June 2023" in v.price_note
    assert "The deflators for 2023/24 and 2024/25 are OBR forecasts" in v.price_note
    assert v.price_year_choices == tuple(range(2016, 2025))


@pytest.mark.parametrize("text,message", [
    ("x,2016-17 = 100\n2016-17,100\n2017-18,n/a\n", r"row 3, column 2: the deflator for 2017-18 is 'n/a'"),
    ("2016-17,100\n", "no header like '2016-17 = 100'"),
    ("x,2016-17 = 100\n2016-17,99\n", "should have an index of 100"),
    ("x,2016-17 = 100\n2016-17,100\n2016-17,100\n", "row 3: 2016-17 appears twice"),
    ("x,2016-17 = 100\n2016-18,100\n", "not a financial year"),
])
def test_a_malformed_table_is_refused_with_the_row(text, message):
    with pytest.raises(deflators.DeflatorError, match=message):
        deflators.parse_hmt_csv(text, title="t", published=dt.date(2026, 1, 1), url="u")


def test_a_table_without_its_dated_sidecar_is_refused(tmp_path):
    (tmp_path / "d.csv").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(deflators.DeflatorError, match="d.toml is missing"):
        deflators.load(tmp_path / "d.csv")


def test_every_pound_is_in_the_stated_price_year(table):
    cash = value.compute(WINDOW, deflators=None)
    v = value.compute(WINDOW, deflators=table)
    years = cash.by_year
    expected = sum(c * 125.0 / table.index[int(y)] for c, y in zip(years["cost_gbp"], years["fy"]))
    assert v.cost_gbp == pytest.approx(expected) and v.cost_gbp > cash.cost_gbp
    assert v.unit_cost == pytest.approx(value.HOME_OFFICE_COST_PER_VICTIM * 1.25)
    assert v.one_price_year and v.price_basis == "2024/25 prices"
    assert v.bcr.value == pytest.approx(v.da_effect.estimate * v.referred * v.unit_cost / v.cost_gbp)
    assert v.cost_per_referral == pytest.approx(v.cost_gbp / v.referred)
    assert table.title in v.price_note and "31 March 2026" in v.price_note
    assert v.price_note in value.assumption_lines(v)
    # another stated year: the same pounds in 2020/21 prices
    v20 = value.compute(WINDOW, value.Assumptions(price_fy=2020), deflators=table)
    assert v20.price_basis == "2020/21 prices" and v20.unit_cost == pytest.approx(value.HOME_OFFICE_COST_PER_VICTIM * 1.10)
    # the ratio does not depend on the price year chosen
    assert v20.bcr.value == pytest.approx(v.bcr.value)


def test_a_forecast_deflator_is_said(table):
    v = value.compute(WINDOW, value.Assumptions(price_fy=2025), deflators=table)
    assert "The deflator for 2025/26 is an OBR forecast" in v.price_note


def test_without_a_table_the_page_says_the_pounds_are_not_in_one_price_year(monkeypatch, tmp_path):
    monkeypatch.setattr(deflators, "SHIPPED", tmp_path / "none.csv")
    assert deflators.shipped() is None
    v = value.compute(WINDOW)
    assert not v.one_price_year
    assert v.price_note.startswith("Not in one price year") and "price index 1.00" in v.price_note
    assert "cash costs" in value.tiles(v)[0].n_text


def test_ratio_to_one_decimal_and_in_pounds_back():
    v = value.compute(WINDOW, deflators=None)
    t = next(t for t in value.tiles(v) if t.metric_id == "benefit_cost_ratio")
    assert t.value_text == f"{v.bcr.value:.1f}"
    assert f"about £{round(v.bcr.value)} back for every £1 spent" in t.n_text
    assert value.per_pound(0.46) == "about 46p back for every £1 spent"
    assert value.money(806_315) == "£0.8 million" and value.money(99_999) == "£99,999"


def test_sensitivity_bars_run_from_each_input_at_its_low_end():
    """The legend says 'Input at its low end': for the programme cost that is the CHEAPER
    programme, whose ratio is higher (the old chart drew the dearer one under that name)."""
    v = value.compute(WINDOW, deflators=None)
    p = value.tornado(v)
    row = p.table.set_index("Input").loc["Programme cost (20% lower to 20% higher)"]
    assert row["Ratio with the input at its low end"] == pytest.approx(round(value.bcr_for(v, cost_factor=0.8), 1))
    assert row["Ratio with the input at its low end"] > row["Ratio with the input at its high end"]
    fig = p.figure
    low, high = fig.data
    assert low.name == "Input at its low end" and high.name == "Input at its high end"
    i = list(low.y).index("Programme cost")
    assert low.x[i] > 0 > high.x[i]  # the cheaper programme's bar points to a higher ratio


def test_costs_chart_shows_what_its_title_says():
    """The title gives the cost per person referred; the bars are that, not the yearly totals."""
    v = value.compute(WINDOW, deflators=None)
    p = value.costs_panel(v)
    assert p.title == f"CARA cost {value.money(v.cost_per_referral)} per person referred in {v.period}"
    bars = p.figure.data[0]
    assert list(bars.y) == pytest.approx(list(v.by_year["cost_per_referral"]))


def test_the_figures_command_gives_the_pages_pounds():
    """One number, one definition: programme cost and cost per referral over several years are
    in the same price year in `figures` (metrics.compute) as on the page and in the pack; the
    yearly and quarterly breakdowns add up to the total (they were cash while the tiles were not)."""
    from cara_metrics import metrics

    v = value.compute(WINDOW)
    total = metrics.compute("programme_cost", WINDOW).table
    assert total["value"].iloc[0] == pytest.approx(v.cost_gbp)
    per = metrics.compute("cost_per_referral", WINDOW)
    assert per.table["value"].iloc[0] == pytest.approx(v.cost_per_referral)
    assert any("All pounds are in 2024/25 prices" in flag for flag in per.flags)
    for grain in ("year", "quarter"):
        assert metrics.compute("programme_cost", WINDOW, by="period", grain=grain).table["value"].sum() == pytest.approx(v.cost_gbp)
    years = metrics.compute("cost_per_referral", WINDOW, by="period").table
    assert list(years["numerator"]) == pytest.approx(list(v.by_year["cost_gbp"]))
