"""Question 3: how many complete the workshops?"""

from __future__ import annotations

from pathlib import Path

from .. import formatting as fmt, registry, stats
from ..panels import Tile
from ..periods import Filters
from ._tiles import last_two_years, year_label


def closed(row: dict) -> int:
    """Cases with a known outcome: completed, breached or withdrawn (not in progress)."""
    return int(row["completed"]) + int(row["breached"]) + int(row["withdrawn"])


def rate(row: dict | None) -> float | None:
    if not row or closed(row) == 0:
        return None
    return int(row["completed"]) / closed(row)


def tile(f: Filters, root: Path | None = None) -> Tile:
    m = registry.get("completion_rate")
    last, cur, prev = last_two_years("completion_by_period", f, root)
    r, p = rate(cur), rate(prev)
    delta = fmt.change(m, r, p)
    if r is None:
        return Tile(m.id, m.title, None, "–", None, "no closed cases", year_label(last), m.definition)
    lo, hi = stats.wilson_interval(int(cur["completed"]), closed(cur))
    return Tile(m.id, m.title, r, fmt.pct(r, 0), f"{delta} on {year_label(last - 1)}" if delta else None,
                f"{int(cur['completed']):,} of {closed(cur):,} closed cases (95% CI {fmt.pct(lo, 0)} to {fmt.pct(hi, 0)})",
                year_label(last), m.definition, delta_is_good=True)
