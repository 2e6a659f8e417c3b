"""Question 2: how many people are referred to CARA?"""

from __future__ import annotations

from pathlib import Path

from .. import formatting as fmt, registry
from ..panels import Tile
from ..periods import Filters
from ._tiles import last_two_years, year_label


def tile(f: Filters, root: Path | None = None) -> Tile:
    m = registry.get("referrals")
    last, cur, prev = last_two_years("referrals_by_period", f, root)
    n = int(cur["referrals"]) if cur else 0
    p = int(prev["referrals"]) if prev else None
    delta = fmt.change(m, n, p) if p is not None else None
    return Tile(m.id, m.title, float(n), fmt.count(n), f"{delta} on {year_label(last - 1)}" if delta else None,
                f"n = {n:,} cautions with a CARA condition", year_label(last), m.definition)
