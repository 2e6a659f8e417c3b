"""Metric results: ask a registered metric for a breakdown of a selection, get one ``Result``.

    from cara_metrics import metrics
    r = metrics.compute("completion_rate", Filters.financial_years(2024, 2024, "E23000039"), by="total")
    r.value()            # 0.844...
    r.table              # the standard columns (metrics.result.COLUMNS)

``compute`` runs exactly the SQL the registry declares for the metric and breakdown (an
answer that asks for anything else fails), and caches the result on the live data version.
``cara_metrics.release_results.compute_release`` reads the same figure from the published release.
Every output (staff pages, board pack, downloads, ``python -m cara_metrics figures``) draws
from these results.
"""

from __future__ import annotations

from pathlib import Path

from .. import registry, warehouse
from ..areas import NoData, cached_on_version
from ..periods import Filters, Grain, format_date
from ..registry import Breakdown
from . import lookups, value as vfm
from .answers import ANSWERS
from .ask import Ask, UndeclaredQuery
from .result import COLUMNS, Result

__all__ = ["COLUMNS", "Result", "UndeclaredQuery", "compute", "DEFAULT_GRAIN"]

DEFAULT_GRAIN: Grain = "year"

#: Questions whose figures are held by council (referrals, the survey, the cohort): a partnership
#: that shares its councils with another has none of its own. Crime answers for itself (police.uk
#: crime held by LSOA splits between partnerships); value and quality are force-level.
COUNCIL_HELD = ("referrals", "completion", "survey", "reoffending")


@cached_on_version
def compute(metric_id: str, selection: Filters, by: Breakdown = "total", grain: Grain = DEFAULT_GRAIN,
            root: Path | None = None) -> Result:
    """The metric's answer for ``selection`` split ``by`` total, period (at ``grain``), area or category."""
    m = registry.get(metric_id)
    m.sql_for(by)  # KeyError naming the breakdowns the metric has
    answer = ANSWERS[(metric_id, by)]
    version = warehouse.current_version(root, "warehouse")
    a = Ask(metric=m, selection=selection, by=by, grain=grain, root=root)
    flags: tuple[str, ...] = ()
    if m.question in COUNCIL_HELD and not lookups.holds_councils(selection.area_code, root):
        # A partnership sharing its councils with another: no figure, never a zero or a
        # council's figure picked silently (the pages say why: area_level.shared_council_reason).
        table = answer(a).iloc[0:0]
        flags = (f"{selection.area_code} holds no council's figures: its councils also sit in other community "
                 "safety partnerships, so figures held by council count for the council and the force only.",)
    else:
        table = answer(a)
    return Result(metric_id=metric_id, selection=selection, by=by, grain=grain if by == "period" else None,
                  source="warehouse", data_version=f"warehouse/{version.name}", data_as_at=warehouse.as_of(version),
                  synthetic=version.synthetic, table=table, flags=flags + _flags(a, table))


def _flags(a: Ask, table) -> tuple[str, ...]:
    out = []
    if len(table) and table["provisional"].any():
        out.append("Provisional figures ([p]) are not final: the period has not ended or cases are still open; "
                   "they are not compared with other periods.")
    if len(table) and table["break_before"].any():
        out.append("A break in series ([b]) falls in the period: figures either side of it are not compared.")
    if a.metric.question == "reoffending":
        out.append(f"Counts cautions with a complete 18-month follow-up only (up to {format_date(a.last_complete_index)}).")
    if a.metric.question == "value":
        out.append("Costs are held for the whole force, so the figure is for the force whatever area is chosen.")
        if a.metric.unit in ("gbp", "ratio"):
            try:
                out.append(vfm.priced_costs(a.selection.with_area(a.force), root=a.root).note)
            except NoData:
                pass
    return tuple(out)
