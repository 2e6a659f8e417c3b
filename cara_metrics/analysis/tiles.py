"""Shared shape of a headline tile: the last financial year of the selection against the one before."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import warehouse
from ..periods import Filters, fy_end, fy_of, fy_start, period_label


def last_two_years(sql: str, f: Filters, root: Path | None = None, **extra) -> tuple[int, dict | None, dict | None]:
    """(last financial year, its row, the previous year's row) from a by-period query at year grain."""
    last = fy_of(f.date_to)
    sel = Filters(fy_start(last - 1), fy_end(last), f.area_code)
    df = warehouse.query(sql, sel.params(grain="year", **extra), root=root)
    rows = {fy_of(pd.Timestamp(r["period_start"]).date()): r for r in df.to_dict("records")}
    return last, rows.get(last), rows.get(last - 1)


def year_label(fy: int) -> str:
    return period_label(fy_start(fy), "year")
