"""The official public domestic-abuse series (ONS, by police force area): reconciled with the
force's own extract, and the force set against every force in the published table.

Both read only the tables the ONS publishes and the force's ``crime`` extract; neither is
affected by the area chosen below force level, because the ONS series is by force.
"""

from __future__ import annotations

import math

import pandas as pd

from ..ask import Ask
from ..result import frame
from ..rules import period_end
from . import answers

#: A gap between the extract and the ONS count larger than this share of the ONS count is flagged.
RECONCILE_THRESHOLD = 0.02
#: ONS codes of the England and Wales total (and the two countries) in the published tables.
NATIONAL_CODES = ("K04000001", "E92000001", "W92000004")


def _fy_start(fy: int):
    import datetime as dt

    return dt.date(fy, 4, 1)


@answers("da_reconciliation", "period")
def reconciliation(a: Ask) -> pd.DataFrame:
    """One row per financial year both sources cover: both counts, the gap in crimes and percent."""
    df = a.query("da_reconciliation")
    rows = []
    for r in df.to_dict("records"):
        start = _fy_start(int(r["fy"]))
        force_n, ons_n, months = int(r["force_da"]), r["ons_da"], int(r["months"])
        whole = months == 12 and period_end(start, "year") <= a.as_at
        comparable = whole and ons_n is not None and not pd.isna(ons_n) and ons_n > 0
        diff = force_n - int(ons_n) if comparable else None
        pct = diff / int(ons_n) if comparable else math.nan
        if not whole:
            status = f"not compared: the extract covers {months} of the 12 months"
        elif not comparable:
            status = "not compared: the ONS figure is not available"
        elif abs(pct) > RECONCILE_THRESHOLD:
            status = "gap over 2%: check the extract's flagging and dates against the ONS return"
        else:
            status = "within 2%"
        rows.append({"area_code": a.force, "period": r["financial_year"], "period_start": start,
                     "value": pct, "numerator": diff, "denominator": ons_n if comparable else None,
                     "symbol": "" if comparable else "[x]",
                     "extract_crimes": force_n, "ons_crimes": None if pd.isna(ons_n) else int(ons_n),
                     "difference": diff, "gap_over_2pct": bool(comparable and abs(pct) > RECONCILE_THRESHOLD),
                     "months_in_extract": months, "status": status, "ons_note": r["note"] or ""})
    return frame(rows)


@answers("da_share_ons", "area")
def every_force(a: Ask) -> pd.DataFrame:
    """Every force in the ONS table for the latest year in the selection the force appears in."""
    df = a.query("da_ons_forces")
    rows = []
    for r in df.to_dict("records"):
        pct = r["share_of_crime_pct"]
        value = float(pct) / 100 if pct is not None and not pd.isna(pct) else math.nan
        n = r["da_crimes"]
        rows.append({"area_code": r["area_code"], "period": r["financial_year"],
                     "period_start": _fy_start(int(str(r["financial_year"])[:4])),
                     "category": r["area_name"], "value": value,
                     "numerator": None if n is None or pd.isna(n) else int(n),
                     "symbol": "[x]" if math.isnan(value) else "",
                     "da_crimes": None if n is None or pd.isna(n) else int(n),
                     "rate_per_1000": None if r["rate_per_1000"] is None or pd.isna(r["rate_per_1000"]) else float(r["rate_per_1000"]),
                     "is_selected_force": r["area_code"] == a.force,
                     "is_national": r["area_code"] in NATIONAL_CODES,
                     "ons_note": r["note"] or ""})
    return frame(rows)
