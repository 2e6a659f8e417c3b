"""Headline tiles, built only from metric results: the last financial year of the selection
against the one before.

The rule for a change is written once, here: a change is shown only between two final
years of the same series. A provisional year ([p]: cases still open, or the year not over)
is shown with its mark and not compared; nor are two years either side of a break in series
([b]). Percentages have one decimal place everywhere (staff pages, board pack, public).
"""

from __future__ import annotations

from pathlib import Path

from .. import formatting as fmt, metrics, registry, stats
from ..metrics import Result
from ..panels import Tile
from ..contract import financial_year_label
from ..periods import Filters, fy_end, fy_of, fy_start


def year_results(metric_id: str, f: Filters, root: Path | None = None) -> tuple[int, Result]:
    """(last financial year, the result by financial year for it and the year before): one
    question, whose rows equal the metric's ``total`` for each single year and carry the
    [p]/[b] flags (``break_before`` on the last year means a break lies between the two)."""
    last = fy_of(f.date_to)
    both = Filters(fy_start(last - 1), fy_end(last), f.area_code)
    return last, metrics.compute(metric_id, both, "period", "year", root=root)


def value_text(m: registry.Metric, row: dict | None) -> str:
    """The figure in the metric's unit, with its [p]/[b] mark."""
    if row is None:
        return "–"
    mark = " ".join(s for s in str(row.get("symbol") or "").split() if s in ("[p]", "[b]"))
    return fmt.value(m, row["value"]) + (f" {mark}" if mark else "")


def _clear(m: registry.Metric, cur: dict, prev: dict) -> bool:
    """Whether a change is clear enough to colour as good or bad: for a rate of people, the 95%
    interval of the difference (Newcombe) excludes zero; other figures are taken as they are."""
    if m.unit != "percent":
        return True
    try:
        d = stats.newcombe_difference(int(cur["numerator"]), int(cur["denominator"]),
                                      int(prev["numerator"]), int(prev["denominator"]))
    except (TypeError, ValueError):
        return True  # no counts to test (a share of crimes, say): judged as before
    return not (d.low <= 0 <= d.high)


def change_text(m: registry.Metric, last: int, cur: dict | None, prev: dict | None) -> tuple[str | None, bool | None]:
    """('up 4.1 points on 2023/24', good?) or a reason no change is given, or (None, None)."""
    if cur is None or prev is None:
        return None, None
    if cur["provisional"]:
        return f"provisional: not compared with {financial_year_label(last - 1)}", None
    if prev["provisional"]:
        return f"{financial_year_label(last - 1)} is provisional: not compared", None
    if cur["break_before"]:
        return f"break in series: not compared with {financial_year_label(last - 1)}", None
    delta = fmt.change(m, cur["value"], prev["value"])
    if not delta:
        return None, None
    good = None
    if m.higher_is_better is not None and delta != "no change" and _clear(m, cur, prev):
        good = (cur["value"] > prev["value"]) == m.higher_is_better
    return f"{delta} on {financial_year_label(last - 1)}", good


def year_tile(metric_id: str, f: Filters, label: str, n_text, *, category: str | None = None,
              root: Path | None = None) -> Tile:
    """A tile for ``metric_id`` in the selection's last financial year; ``n_text(row)`` says what the n is."""
    m = registry.get(metric_id)
    last, r = year_results(metric_id, f, root)
    cur = r.row(period=financial_year_label(last), category=category)
    prev = r.row(period=financial_year_label(last - 1), category=category)
    if cur is None or (m.unit == "percent" and not cur["denominator"]):
        return Tile(m.id, label, None, "–", None, "no data", financial_year_label(last), m.definition)
    delta, good = change_text(m, last, cur, prev)
    return Tile(m.id, label, cur["value"], value_text(m, cur), delta, n_text(cur), financial_year_label(last), m.definition,
                delta_is_good=good, delta_arrow="off" if good is None else "auto")


def ci_text(row: dict) -> str:
    return f"likely between {fmt.pct(row['ci_low'])} and {fmt.pct(row['ci_high'])}"
