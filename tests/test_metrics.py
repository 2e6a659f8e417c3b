"""One number, one definition: the registry binds each metric to its SQL, every result has
the standard columns, and the ``figures`` command prints what the pages show."""

from __future__ import annotations

import dataclasses
import io
import json
from contextlib import redirect_stdout

import pytest

from cara_metrics import metrics, registry
from cara_metrics.cli import main as cli_main
from cara_metrics.metrics import validate
from cara_metrics.metrics.answers import ANSWERS
from cara_metrics.metrics.ask import UndeclaredQuery
from cara_metrics.periods import Filters

from .conftest import BCP, FORCE


def test_registry_declarations_are_valid():
    assert [str(p) for p in validate.declarations()] == []


def test_every_declared_breakdown_runs_on_the_demo_data():
    assert [str(p) for p in validate.on_data()] == []


def test_validator_reports_metric_field_and_fix(monkeypatch):
    good = registry.get("da_share")
    broken = dataclasses.replace(good, id="broken", caveats=" ", queries=registry.q(total="no_such_file", area="crime_by_area"),
                                 sql_params=(("step", "x"),))
    monkeypatch.setattr(registry, "_METRICS", registry._METRICS + (broken,))
    monkeypatch.setitem(registry.METRICS, "broken", broken)
    problems = [str(p) for p in validate.declarations() if p.metric == "broken"]
    assert "metric 'broken', field 'caveats': is empty: say what it is." in problems
    assert any("field 'queries': sql/no_such_file.sql does not exist" in p for p in problems)
    assert any("field 'queries': declares a 'total' breakdown but no answer function" in p for p in problems)
    assert any("field 'sql_params': names 'step'" in p for p in problems)


def test_an_answer_cannot_run_sql_its_metric_does_not_declare(monkeypatch):
    m = registry.get("referrals")
    narrowed = dataclasses.replace(m, queries=registry.q(total="referrals_by_area"))  # total really runs referrals_by_period
    monkeypatch.setitem(registry.METRICS, "referrals", narrowed)
    with pytest.raises(UndeclaredQuery, match="does not declare"):
        metrics.compute.__wrapped__("referrals", Filters.financial_years(2023, 2023, FORCE), by="total")


def test_every_answer_is_declared_and_every_declaration_answered():
    declared = {(m.id, by) for m in registry.METRICS.values() for by in m.breakdowns}
    assert declared == set(ANSWERS)


def test_result_columns_are_stable():
    r = metrics.compute("completion_rate", Filters.financial_years(2024, 2024, FORCE), by="total")
    assert tuple(r.table.columns[:12]) == metrics.COLUMNS
    row = r.row()
    assert row["numerator"] == 162 and row["denominator"] == 192
    assert row["provisional"] and row["symbol"] == "[p]"  # 21% of 2024/25's cases are still open
    assert r.data_version == "warehouse/v0001" and r.synthetic


def _figures(*argv: str) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = cli_main(["figures", *argv])
    return code, buf.getvalue()


def test_figures_lists_every_metric():
    code, out = _figures("--list")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == list(registry.METRICS)


@pytest.mark.parametrize("metric_id", list(registry.METRICS))
def test_figures_prints_every_metric_on_the_demo(metric_id):
    code, out = _figures(metric_id, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    if validate._reads_unloaded_optional(registry.get(metric_id), None):  # e.g. the ONS series, not in the demo
        assert doc["metric_id"] == metric_id and doc["rows"] == [], doc
        return
    assert doc["metric_id"] == metric_id and doc["rows"], doc
    assert set(metrics.COLUMNS) <= set(doc["rows"][0])


def test_figures_equals_the_result_the_pages_use():
    code, out = _figures("da_share", "--area", BCP, "--from", "2019-07-01", "--to", "2019-07-31", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    r = metrics.compute("da_share", Filters.financial_years(2019, 2019, BCP).with_dates(*_july()), by="total")
    assert doc["rows"][0]["value"] == pytest.approx(r.value())
    assert doc["selection"] == "1 July 2019 to 31 July 2019"


def _july():
    import datetime as dt

    return dt.date(2019, 7, 1), dt.date(2019, 7, 31)


def test_figures_release_reads_the_public_release(release_only):
    code, out = _figures("completion_rate", "--data-dir", str(release_only), "--release", "--period", "2024/25", "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["source"] == "release" and doc["rows"][0]["symbol"] == "[p]"
    assert doc["rows"][0]["value"] == pytest.approx(0.844)


def test_figures_usage_errors_say_what_to_do(capsys):
    assert cli_main(["figures", "no_such_metric"]) == 2
    assert "known:" in capsys.readouterr().err
    assert cli_main(["figures", "referrals_by_category", "--by", "area"]) == 2
    assert "it has: category" in capsys.readouterr().err
    assert cli_main(["figures", "da_share", "--from", "2019-07-01"]) == 2


def test_crime_headline_never_compares_across_the_break_in_series():
    """Issue 14 item 4: 2016/17 to 2024/25 crosses the April 2019 break; the headline compares
    2024/25 with the first year after it, and says so."""
    from cara_metrics.analysis import crime

    title = crime.share_panel(Filters.financial_years(2016, 2024, FORCE)).title
    assert "2016/17" not in title and "2019/20 (the first period after the break in series)" in title
    r = metrics.compute("da_share", Filters.financial_years(2016, 2024, FORCE), "period")
    assert list(r.table.loc[r.table["break_before"], "period"]) == ["2019/20"]
    assert r.row(period="2019/20")["symbol"] == "[b]"


def test_crime_charts_mark_the_break_and_areas_come_one_level_at_a_time():
    """Issue 14 items 4 and 5 on the staff crime page: the share chart marks 1 April 2019; the
    area comparison shows the force and one level of area, and never says "highest"."""
    from cara_metrics.analysis import crime

    window = Filters.financial_years(2016, 2024, FORCE)
    fig = crime.share_panel(window).figure
    fig = fig() if callable(fig) else fig
    assert [str(s.x0)[:10] for s in fig.layout.shapes if "[b]" in next(
        a.text for a in fig.layout.annotations if str(a.x)[:10] == str(s.x0)[:10])] == ["2019-04-01"]
    p = crime.area_panel(Filters.financial_years(2024, 2024, FORCE))
    assert set(p.table["Area type"]) == {"Police force area", "Council"}
    assert "highest" not in p.title and "in the force as a whole" in p.title
    csp = crime.area_panel(Filters.financial_years(2024, 2024, FORCE), level="community_safety_partnership")
    # Every Dorset CSP shares BCP (ONS lookup): crime held by council counts for no CSP, and the chart says why.
    assert set(csp.table["Area type"]) == {"Police force area"}
    assert "a partnership that shares it is not shown" in csp.subtitle


@pytest.mark.parametrize("metric_id", [m.id for m in registry.METRICS.values() if m.question in metrics.COUNCIL_HELD])
def test_a_partnership_sharing_a_council_has_no_figure_never_zero(metric_id):
    """The Dorset CSP (E22000367) shares BCP with two other CSPs in the ONS lookup: figures
    held by council have no answer for it (they returned 0 people referred before), and the
    result says why; the council itself still has its figure."""
    from cara_metrics.periods import Filters

    from .conftest import BCP, CSP_DORSET

    m = registry.get(metric_id)
    for by in m.breakdowns:
        if by == "area":
            continue  # asked of the force: every area the force holds
        r = metrics.compute(metric_id, Filters.financial_year(2023, CSP_DORSET), by)
        assert r.table.empty, (metric_id, by, r.table.head())
        assert any("holds no council's figures" in f for f in r.flags), r.flags
    if metric_id == "referrals":
        assert metrics.compute(metric_id, Filters.financial_year(2023, BCP)).value() > 0
