"""Data quality: how up to date each table is, and how complete its key fields are."""

from __future__ import annotations

import pandas as pd

from ..ask import Ask
from ..result import frame
from ..rules import as_date
from . import answers


@answers("table_freshness", "category")
def freshness(a: Ask) -> pd.DataFrame:
    """One row per dated table: rows held (value), first and last date covered."""
    df = a.query("quality_freshness")
    return frame([{"area_code": a.area, "period": a.selection.label, "category": r["table_name"], "value": r["rows"],
                   "numerator": r["rows"], "records": r["records"],
                   "first_date": as_date(r["first_date"]) if pd.notna(r["first_date"]) else None,
                   "last_date": as_date(r["last_date"]) if pd.notna(r["last_date"]) else None}
                  for r in df.to_dict("records")])


@answers("field_completeness", "category")
def completeness(a: Ask) -> pd.DataFrame:
    """One row per key field ('referrals.workshop2_date'): share present where expected."""
    df = a.query("quality_completeness")
    return frame([{"area_code": a.area, "period": a.selection.label, "category": f"{r['table_name']}.{r['column_name']}",
                   "value": r["present"] / r["expected"] if r["expected"] else None, "numerator": r["present"],
                   "denominator": r["expected"], "expected_when": r["expected_when"]} for r in df.to_dict("records")])
