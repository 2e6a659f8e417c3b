"""Question 1: domestic abuse in recorded crime (share, count, rate per 1,000, offence mix)."""

from __future__ import annotations

import math

import pandas as pd

from ..ask import Ask
from ..result import frame
from ..rules import as_date, break_inside, break_starts, not_ended, period_end, share
from . import answers

_VALUE = {
    "da_share": lambda da, all_, pop: share(da, all_),
    "da_crimes": lambda da, all_, pop: {"value": da, "numerator": da},
    "da_rate_per_1000": lambda da, all_, pop: {"value": 1000 * da / pop if pop and not math.isnan(pop) else math.nan,
                                               "numerator": da, "denominator": pop},
}


def _breaks(a: Ask) -> pd.DataFrame:
    return a.query("series_breaks")


@answers("da_share", "total")
@answers("da_crimes", "total")
@answers("da_rate_per_1000", "total")
def total(a: Ask) -> pd.DataFrame:
    """The whole selection: summed over its months (population-years too)."""
    df = a.query("crime_by_period", grain="year")
    f = a.selection
    da, all_ = float(df["da_offences"].sum()), float(df["all_offences"].sum())
    pop = float(df["population_years"].sum()) if len(df) and df["population_years"].notna().all() else math.nan
    row = {"area_code": f.area_code, "period": f.label, "period_start": None,
           **_VALUE[a.metric.id](da, all_, pop),
           "provisional": f.date_to > a.as_at,
           "break_before": break_inside(_breaks(a), f.date_from, f.date_to)}
    return frame([row] if all_ else [])


@answers("da_share", "period")
@answers("da_crimes", "period")
@answers("da_rate_per_1000", "period")
def by_period(a: Ask) -> pd.DataFrame:
    df = a.query("crime_by_period")
    breaks = _breaks(a)
    rows = []
    for i, r in enumerate(df.to_dict("records")):
        start = as_date(r["period_start"])
        rows.append({"area_code": a.area, "period": a.label(start), "period_start": start,
                     **_VALUE[a.metric.id](float(r["da_offences"]), float(r["all_offences"]),
                                           float(r["population_years"]) if r["population_years"] is not None else math.nan),
                     "provisional": not_ended(start, a.grain, a.as_at),
                     "break_before": i > 0 and break_starts(breaks, start, period_end(start, a.grain))})
    return frame(rows)


@answers("da_share", "area")
@answers("da_crimes", "area")
@answers("da_rate_per_1000", "area")
def by_area(a: Ask) -> pd.DataFrame:
    """Every area of the force (the force, its partnerships and councils), over the selection."""
    df = a.query("crime_by_area")
    f = a.selection
    rows = [{"area_code": r["area_code"], "period": f.label, "period_start": None,
             **_VALUE[a.metric.id](float(r["da_offences"]), float(r["all_offences"]),
                                   float(r["population_years"]) if r["population_years"] is not None else math.nan),
             "area_name": r["area_name"], "area_type": r["area_type"],
             "provisional": f.date_to > a.as_at} for r in df.to_dict("records") if r["all_offences"]]
    return frame(rows)


@answers("da_offence_mix", "category")
def offence_mix(a: Ask) -> pd.DataFrame:
    df = a.query("crime_offence_mix")
    total_da = float(df["da_offences"].sum()) if len(df) else 0.0
    rows = [{"area_code": a.area, "period": a.selection.label, "period_start": None, "category": r["offence_group"],
             **share(float(r["da_offences"]), total_da)} for r in df.to_dict("records") if r["da_offences"] > 0]
    return frame(rows)


# --- all recorded crime, whichever source covers the period ----------------------------------

def _recorded(r: dict) -> dict:
    """Value and the columns that say where it came from (source; crimes with no location or
    located outside the force, in the force's figure; crimes held only by a shared council)."""
    def count(x) -> float | None:
        return None if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA else float(x)

    unsplit = count(r.get("unsplit")) or 0.0
    value = count(r.get("offences"))
    out = {"value": value if not unsplit else math.nan, "numerator": value if not unsplit else math.nan,
           "crime_source": r.get("source"), "not_located": count(r.get("not_located")),
           "outside_force": count(r.get("outside_force")), "unsplit": unsplit}
    if unsplit:
        out["symbol"] = "[x]"
    for c in ("first_month", "last_month"):  # the months the figure covers (a period may be covered in part)
        if r.get(c) is not None and not pd.isna(r.get(c)):
            out[c] = as_date(r[c])
    return out


@answers("recorded_crimes", "total")
def recorded_total(a: Ask) -> pd.DataFrame:
    """The whole selection: the periods' figures summed (sources listed once each)."""
    df = a.query("recorded_crimes_by_period", grain="year")
    f = a.selection
    if not len(df) or df["offences"].isna().all():
        return frame([])
    sources = sorted({s for v in df["source"].dropna() for s in str(v).split("; ")})
    row = {"offences": float(df["offences"].fillna(0).sum()), "source": "; ".join(sources),
           "unsplit": float(df["unsplit"].sum()), "first_month": df["first_month"].min(), "last_month": df["last_month"].max()}
    for c in ("not_located", "outside_force"):
        row[c] = None if df[c].isna().all() else float(df[c].fillna(0).sum())
    return frame([{"area_code": f.area_code, "period": f.label, "period_start": None, **_recorded(row),
                   "provisional": f.date_to > a.as_at}])


@answers("recorded_crimes", "period")
def recorded_by_period(a: Ask) -> pd.DataFrame:
    df = a.query("recorded_crimes_by_period")
    rows = []
    for r in df.to_dict("records"):
        if r["offences"] is None or r["offences"] is pd.NA:
            continue
        start = as_date(r["period_start"])
        rows.append({"area_code": a.area, "period": a.label(start), "period_start": start, **_recorded(r),
                     "provisional": not_ended(start, a.grain, a.as_at)})
    return frame(rows)


@answers("recorded_crimes", "area")
def recorded_by_area(a: Ask) -> pd.DataFrame:
    """Every area of the force (the force, its partnerships and councils), over the selection."""
    df = a.query("recorded_crimes_by_area")
    f = a.selection
    rows = [{"area_code": r["area_code"], "period": f.label, "period_start": None, **_recorded(r),
             "area_name": r["area_name"], "area_type": r["area_type"], "provisional": f.date_to > a.as_at}
            for r in df.to_dict("records")]
    return frame(rows)
