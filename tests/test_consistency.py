"""The same figure is the same number: a grid of metrics x areas x financial years on the
demo data, comparing the staff tiles, the staff panels' tables, the board pack (summary
text and chart data), ``python -m cara_metrics figures`` and the public release at force
level. Where a view differs by design (public: rounded to one decimal place, people
suppressed below force level; reoffending: pooled whole years), the difference is the
declared one and the view says so."""

from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stdout

import pytest

from cara_metrics import boardpack, metrics
from cara_metrics.analysis import completion, crime, overview
from cara_metrics.cli import main as cli_main
from cara_metrics.panels import NoData
from cara_metrics.periods import Filters
from cara_metrics.release_results import DIFFERS, compute_release

from .conftest import ALL_AREAS, CSP_DORSET, FORCE

YEARS = range(2019, 2025)
#: (metric, the Overview tile that shows it, the row of the result the tile shows)
TILED = [("da_share", 0, {}), ("referrals", 1, {}), ("completion_rate", 2, {}), ("survey_agree", 3, {"category": "attitude"})]
GRID = [(m, i, keys, area, fy) for m, i, keys in TILED for area in ALL_AREAS for fy in YEARS]


def _year(fy: int, area: str) -> Filters:
    return Filters.financial_years(fy, fy, area)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or a != a) and (b is None or b != b)
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def _figures_value(metric_id: str, area: str, fy: int, **keys) -> float | None:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert cli_main(["figures", metric_id, "--area", area, "--period", f"{fy}/{(fy + 1) % 100:02d}", "--format", "json"]) == 0
    rows = [r for r in json.loads(buf.getvalue())["rows"] if all(r[k] == v for k, v in keys.items())]
    return rows[0]["value"] if rows else None


def test_grid_size():
    assert len(GRID) == 4 * 4 * 6  # 96 cells, each compared four ways below


@pytest.mark.parametrize("metric_id,tile_index,keys,area,fy", GRID)
def test_staff_tile_figures_and_result_agree(metric_id, tile_index, keys, area, fy):
    result = metrics.compute(metric_id, _year(fy, area), "total")
    want = result.value(**keys)
    tile = overview.tiles(_year(fy, area))[tile_index]
    assert tile.metric_id == metric_id
    assert _same(tile.value, want), (tile.value, want)
    assert _same(_figures_value(metric_id, area, fy, **keys), want)
    row = result.row(**keys)
    if row is not None and row["provisional"]:
        assert "[p]" in tile.value_text and "not compared" in (tile.delta_text or "")  # shown as such, never compared


@pytest.mark.parametrize("metric_id,keys", [("da_share", {}), ("referrals", {}), ("completion_rate", {}),
                                            ("survey_agree", {"category": "attitude"})])
@pytest.mark.parametrize("fy", YEARS)
def test_public_release_at_force_level_equals_the_staff_figure_as_published(release_only, metric_id, keys, fy):
    staff = metrics.compute(metric_id, _year(fy, FORCE), "total").row(**keys)
    public = compute_release(metric_id, _year(fy, FORCE), "total", root=release_only)
    assert public.flags == (DIFFERS,)  # the declared difference travels with the figure
    prow = public.row(**keys)
    if prow is None or prow["symbol"] in ("[c]", "[x]"):
        pytest.fail(f"{metric_id} {fy}: not published at force level ({prow})")
    percent = metric_id != "referrals"
    expected = round(100 * staff["value"], 1) / 100 if percent else staff["value"]
    assert prow["value"] == pytest.approx(expected, abs=1e-9)
    assert ("[p]" in prow["symbol"]) == bool(staff["provisional"])


def test_public_reoffending_equals_the_staff_figure_for_the_same_pooled_years(release_only):
    public = compute_release("reoffending_rate", _year(2019, FORCE), "total", root=release_only)
    pooled = public.row(category="cara")
    first, last = pooled["period"].split(" to ")
    staff = metrics.compute("reoffending_rate", Filters.financial_years(int(first[:4]), int(last[:4]), FORCE), "total")
    assert pooled["denominator"] == staff.row(category="cara")["denominator"]
    assert pooled["value"] == pytest.approx(round(100 * staff.value(category="cara"), 1) / 100)
    assert public.row(category="difference")["value"] == pytest.approx(round(100 * staff.value(category="difference"), 1) / 100)


@pytest.mark.parametrize("area", ALL_AREAS)
def test_staff_panels_show_the_result(area):
    window = Filters.financial_years(2019, 2024, area)
    if area == CSP_DORSET:  # shares BCP with two other CSPs: no council-held figure, no panel
        with pytest.raises(NoData, match="more than one community safety partnership"):
            completion.rate_period_panel(window, "year")
        assert metrics.compute("completion_rate", window, "period").table["value"].isna().all()
        assert metrics.compute("da_share", window, "period").table.empty
        return
    panel = completion.rate_period_panel(window, "year")
    result = metrics.compute("completion_rate", window, "period")
    assert list(panel.table["Completion rate (%)"]) == [round(100 * v, 1) for v in result.table["value"]]
    share = crime.share_panel(window, "year")
    r = metrics.compute("da_share", window, "period")
    assert list(share.table["Domestic-abuse share (%)"]) == [round(100 * v, 1) for v in r.table["value"]]


@pytest.mark.parametrize("area", ALL_AREAS)
@pytest.mark.parametrize("period", ["2022/23", "2024/25"])
def test_board_pack_text_and_charts_show_the_result(area, period):
    if area == CSP_DORSET:  # shares BCP: no council-held figure, so no pack, and the reason is given
        with pytest.raises(boardpack.BoardPackError, match="more than one community safety partnership"):
            boardpack.plan(period, area)
        return
    ctx, slides = boardpack.plan(period, area)
    summary = next(s for s in slides if s.kind == "summary")
    tiles = overview.tiles(ctx.window)
    for t in tiles:  # the pack's summary states each tile's figure exactly as the tile does
        if t.value is not None:
            assert any(t.value_text in line for line in summary.lines), (t.label, t.value_text)
    charts = {s.metric_ids[0]: s.chart for s in slides if s.kind == "question" and s.chart is not None}
    for metric_id, scale in (("da_share", 100), ("referrals", 1), ("completion_rate", 100)):
        r = metrics.compute(metric_id, ctx.window, "period")
        dp = 0 if metric_id == "referrals" else 1
        assert charts[metric_id].series[0][1] == [None if math.isnan(v) else round(scale * v, dp) for v in r.table["value"]]
