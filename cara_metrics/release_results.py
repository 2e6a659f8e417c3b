"""The same ``Result`` shape, read from the published, disclosure-controlled release only.

Used by ``figures --release`` (and the consistency tests) to put the public figure beside
the staff one. It reads ``DATA_ROOT/release`` through the ``sql/release_*.sql`` files and
never opens the warehouse, so it works on a public instance with the warehouse absent.

The release differs from the staff view by design, and each Result says so in its flags:
whole financial years (and quarters) only; counts of people below force level rounded to
the nearest 5, 1 to 4 shown as [c]; percentages to one decimal place; reoffending pooled over
the financial years whose follow-up is complete for every caution.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from . import warehouse
from .contract import financial_year_label, parse_financial_year
from .dataroot import data_root
from .metrics.result import Breakdown, Result, frame
from .periods import Filters, Grain, fy_of, fy_start

#: Metric -> (release table, measure holding the value, measure holding the denominator, percent?)
PUBLISHED: dict[str, tuple[str, str, str | None, bool]] = {
    "da_share": ("crime", "da_share", "all_crimes", True),
    "da_crimes": ("crime", "da_crimes", None, False),
    "da_rate_per_1000": ("crime", "da_per_1000", None, False),
    "referrals": ("referrals", "referrals", None, False),
    "completion_rate": ("outcomes", "completion_rate", "closed_cases", True),
    "outcome_mix": ("outcomes", "people", None, False),
    "survey_agree": ("survey", "agree_pct", "respondents", True),
    "reoffending_rate": ("reoffending", "reoffending_rate", "people", True),
}

DIFFERS = ("Public release: whole financial years, counts of people below force level rounded to the nearest 5 "
           "(1 to 4 shown as [c]), percentages to one decimal place.")


class NotPublished(LookupError):
    """The metric, area or period is not in the public release."""


def _num(x) -> float:
    return math.nan if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x) else float(x)


def _pct(x: float) -> float:
    """A published percentage (one decimal place) as a fraction, without float noise (20.8 -> 0.208)."""
    return round(x / 100, 6)


def compute_release(metric_id: str, selection: Filters, by: Breakdown = "total", grain: Grain = "year",
                    root: Path | None = None) -> Result:
    """The published figure(s) for a whole-financial-year selection."""
    if metric_id not in PUBLISHED:
        raise NotPublished(f"{metric_id} is not in the public release; published: {', '.join(PUBLISHED)}")
    table, measure, denominator, percent = PUBLISHED[metric_id]
    root = root or data_root()
    version = warehouse.current_version(root, "release")
    df = warehouse.query(f"release_{table}", root=root, kind="release")
    df = df[df["metric_id"] == metric_id]
    labels = {financial_year_label(y) for y in range(fy_of(selection.date_from), fy_of(selection.date_to) + 1)
              if selection.date_from <= fy_start(y) <= selection.date_to}
    pooled = metric_id == "reoffending_rate"  # published once, pooled over the years with complete follow-up
    if pooled:
        df = df[df["period_type"].isin(["financial years", "comparison group"])]
    elif by == "period" and grain == "quarter":
        df = df[(df["period_type"] == "quarter") & df["financial_year"].isin(labels)]
    else:
        df = df[(df["period_type"] == "financial year") & df["period"].isin(labels)]
    if by != "area":
        df = df[df["area_code"] == selection.area_code]
    if by == "total" and not pooled and len(labels) != 1:
        raise NotPublished("the release publishes one financial year at a time: choose one year (e.g. --period 2024/25)")
    rows: list[dict] = []
    keys = ["area_code", "period", "category"]
    df = df.assign(category=df["category"].fillna(""))
    for key, part in df.groupby(keys, sort=False, dropna=False):
        by_measure = {m: r for m, r in zip(part["measure"], part.to_dict("records"))}
        main = by_measure.get(measure) or by_measure.get("difference")
        if main is None:
            continue
        value = _num(main["shown"])
        row = {"area_code": key[0], "period": key[1], "category": key[2],
               "value": _pct(value) if percent and main["measure"] != "difference" else value,
               "symbol": str(main["symbol"] or "").strip(), "provisional": "[p]" in str(main["symbol"] or "")}
        if main["measure"] == "difference":
            row["value"] = _pct(value)
            lo, hi = by_measure.get("difference_low"), by_measure.get("difference_high")
            row["ci_low"] = _pct(_num(lo["shown"])) if lo is not None else math.nan
            row["ci_high"] = _pct(_num(hi["shown"])) if hi is not None else math.nan
        if denominator and denominator in by_measure:
            row["denominator"] = _num(by_measure[denominator]["shown"])
        if row["period"] and row["period"][:4].isdigit() and "to" not in row["period"] and "Q" not in row["period"]:
            row["period_start"] = fy_start(parse_financial_year(row["period"]))
        rows.append(row)
    return Result(metric_id=metric_id, selection=selection, by=by, grain=grain if by == "period" else None, source="release",
                  data_version=f"release/{version.name}", data_as_at=warehouse.as_of(version), synthetic=version.synthetic,
                  table=frame(rows), flags=(DIFFERS,))
