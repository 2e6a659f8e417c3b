"""Question 4: what do participants say?"""

from __future__ import annotations

from pathlib import Path

from .. import formatting as fmt, registry, stats
from ..panels import Tile
from ..periods import Filters, fy_end, fy_of, fy_start
from .. import warehouse
from ._tiles import year_label

HEADLINE_QUESTION = "attitude"


def tile(f: Filters, root: Path | None = None, question_id: str = HEADLINE_QUESTION) -> Tile:
    m = registry.get("survey_agree")
    last = fy_of(f.date_to)
    sel = Filters(fy_start(last - 1), fy_end(last), f.area_code)
    df = warehouse.query("survey_by_period", sel.params(grain="year"), root=root)
    df = df[df["question_id"] == question_id]
    rows = {fy_of(r["period_start"].date() if hasattr(r["period_start"], "date") else r["period_start"]): r for r in df.to_dict("records")}
    cur, prev = rows.get(last), rows.get(last - 1)
    label = "Said CARA changed their attitude to their partner"
    if not cur or int(cur["n"]) == 0:
        return Tile(m.id, label, None, "–", None, "no survey responses", year_label(last), m.definition)
    r = int(cur["agree"]) / int(cur["n"])
    p = int(prev["agree"]) / int(prev["n"]) if prev and int(prev["n"]) else None
    delta = fmt.change(m, r, p)
    lo, hi = stats.wilson_interval(int(cur["agree"]), int(cur["n"]))
    return Tile(m.id, label, r, fmt.pct(r, 0), f"{delta} on {year_label(last - 1)}" if delta else None,
                f"{int(cur['agree']):,} of {int(cur['n']):,} respondents (95% CI {fmt.pct(lo, 0)} to {fmt.pct(hi, 0)})",
                year_label(last), m.definition, delta_is_good=True)
