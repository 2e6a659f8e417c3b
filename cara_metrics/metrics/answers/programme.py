"""Questions 2 and 3: referrals to CARA, and who completes the workshops.

Completion is counted by date of caution, among closed cases (completed, breached or
withdrawn). A period's completion rate is provisional while under 90% of its cases have
closed or while the period has not ended: such a rate is marked [p] and never compared.
"""

from __future__ import annotations

import pandas as pd

from ...areas import fill_periods
from ..ask import Ask
from ..result import frame
from ..rules import MOSTLY_CLOSED, as_date, not_ended, rate
from . import answers

COUNTS = ["referred", "attended_workshop1", "completed", "breached", "withdrawn", "in_progress", "repeated"]
OUTCOMES = ("completed", "breached", "withdrawn", "in_progress")


def _closed(r: dict) -> float:
    return float(r["completed"]) + float(r["breached"]) + float(r["withdrawn"])


def _still_open(r: dict) -> bool:
    """Fewer than 90% of the cases have an outcome yet."""
    return float(r["referred"]) > 0 and _closed(r) / float(r["referred"]) < MOSTLY_CLOSED


# --- referrals --------------------------------------------------------------------------------


@answers("referrals", "period")
def referrals_by_period(a: Ask) -> pd.DataFrame:
    df = fill_periods(a.query("referrals_by_period"), a.selection, a.grain, ["referrals"])
    return frame([{"area_code": a.area, "period": r["period"], "period_start": as_date(r["period_start"]),
                   "value": r["referrals"], "numerator": r["referrals"],
                   "provisional": not_ended(as_date(r["period_start"]), a.grain, a.as_at)} for r in df.to_dict("records")])


@answers("referrals", "total")
def referrals_total(a: Ask) -> pd.DataFrame:
    df = a.query("referrals_by_period", grain="year")
    n = float(df["referrals"].sum()) if len(df) else 0.0
    f = a.selection
    return frame([{"area_code": f.area_code, "period": f.label, "value": n, "numerator": n, "provisional": f.date_to > a.as_at}])


@answers("referrals", "area")
def referrals_by_area(a: Ask) -> pd.DataFrame:
    df = a.query("referrals_by_area")
    f = a.selection
    return frame([{"area_code": r["area_code"], "period": f.label, "value": r["referrals"], "numerator": r["referrals"],
                   "area_name": r["area_name"], "area_type": r["area_type"], "provisional": f.date_to > a.as_at}
                  for r in df.to_dict("records")])


@answers("referrals_rolling_12", "period")
def rolling(a: Ask) -> pd.DataFrame:
    """Monthly: referrals in the 12 months to each month's end, and in the 12 months before."""
    df = a.query("referrals_rolling")
    rows = []
    for r in df.to_dict("records"):
        start = as_date(r["month"])
        rows.append({"area_code": a.area, "period": start.strftime("%b %Y"), "period_start": start,
                     "value": r["last_12_months"], "numerator": r["last_12_months"],
                     "previous_12_months": r["previous_12_months"],
                     "provisional": not_ended(start, "month", a.as_at)})
    return frame(rows)


@answers("referrals_by_category", "category")
def referral_categories(a: Ask) -> pd.DataFrame:
    """One row per characteristic and category ('age_band:25-34'); value = people, with the share."""
    df = a.query("referrals_by_category")
    totals = df.groupby("dimension")["referrals"].sum().to_dict() if len(df) else {}
    return frame([{"area_code": a.area, "period": a.selection.label,
                   "category": f"{r['dimension']}:{'not_recorded' if pd.isna(r['category']) else r['category']}",
                   "value": r["referrals"], "numerator": r["referrals"], "denominator": totals[r["dimension"]],
                   "dimension": r["dimension"], "share": r["referrals"] / totals[r["dimension"]] if totals[r["dimension"]] else None}
                  for r in df.to_dict("records")])


@answers("days_to_workshop", "period", "total")
@answers("days_to_completion", "period", "total")
def days(a: Ask) -> pd.DataFrame:
    """Median days (with the quartiles q1, q3 as extra columns: not a confidence interval)."""
    df = a.query("days_from_caution")
    f = a.selection
    rows = []
    for r in df.to_dict("records"):
        if bool(r["overall"]) != (a.by == "total"):
            continue
        start = None if r["overall"] else as_date(r["period_start"])
        rows.append({"area_code": a.area, "period": f.label if start is None else a.label(start), "period_start": start,
                     "value": r["median"], "denominator": r["n"], "q1": r["q1"], "q3": r["q3"],
                     "provisional": (f.date_to > a.as_at) if start is None else not_ended(start, a.grain, a.as_at)})
    return frame(rows)


# --- completion -------------------------------------------------------------------------------


def _completion_rows(a: Ask, records: list[dict], *, period_of, area_of) -> list[dict]:
    mid = a.metric.id
    rows = []
    for r in records:
        if mid == "completion_rate":
            figure = rate(float(r["completed"]), _closed(r))
            provisional = _still_open(r)
        else:  # repeat_rate: among everyone referred, so final once the cases are
            figure = rate(float(r["repeated"]), float(r["referred"]))
            provisional = _still_open(r)
        rows.append({"area_code": area_of(r), **period_of(r), **figure, "provisional": provisional,
                     **{c: float(r[c]) for c in COUNTS},
                     **({"area_name": r["area_name"], "area_type": r["area_type"]} if "area_name" in r else {})})
    return rows


@answers("completion_rate", "period")
@answers("repeat_rate", "period")
def completion_by_period(a: Ask) -> pd.DataFrame:
    df = fill_periods(a.query("completion_by_period"), a.selection, a.grain, COUNTS)
    def period_of(r):
        start = as_date(r["period_start"])
        return {"period": r["period"], "period_start": start}
    rows = _completion_rows(a, df.to_dict("records"), period_of=period_of, area_of=lambda r: a.area)
    for row in rows:
        row["provisional"] = row["provisional"] or not_ended(row["period_start"], a.grain, a.as_at)
    return frame(rows)


def _summed(a: Ask) -> dict:
    df = a.query("completion_by_period", grain="year")
    return {c: float(df[c].sum()) if len(df) else 0.0 for c in COUNTS}


@answers("completion_rate", "total")
@answers("repeat_rate", "total")
def completion_total(a: Ask) -> pd.DataFrame:
    r = _summed(a)
    if not r["referred"]:
        return frame([])
    f = a.selection
    rows = _completion_rows(a, [r], period_of=lambda _r: {"period": f.label}, area_of=lambda _r: f.area_code)
    return frame(rows)


@answers("completion_rate", "area")
@answers("repeat_rate", "area")
def completion_by_area(a: Ask) -> pd.DataFrame:
    df = a.query("completion_by_area")
    f = a.selection
    return frame(_completion_rows(a, df.to_dict("records"), period_of=lambda _r: {"period": f.label},
                                  area_of=lambda r: r["area_code"]))


@answers("completion_funnel", "category")
def funnel(a: Ask) -> pd.DataFrame:
    r = _summed(a)
    f = a.selection
    stages = (("referred", r["referred"]), ("attended_workshop1", r["attended_workshop1"]), ("completed", r["completed"]))
    return frame([{"area_code": f.area_code, "period": f.label, "category": k, "value": v, "numerator": v,
                   "denominator": r["referred"]} for k, v in stages] if r["referred"] else [])


@answers("outcome_mix", "category")
def outcome_mix(a: Ask) -> pd.DataFrame:
    r = _summed(a)
    f = a.selection
    return frame([{"area_code": f.area_code, "period": f.label, "category": k, "value": r[k], "numerator": r[k],
                   "denominator": r["referred"]} for k in OUTCOMES] if r["referred"] else [])


@answers("outcome_mix", "period")
def outcome_mix_by_period(a: Ask) -> pd.DataFrame:
    df = fill_periods(a.query("completion_by_period"), a.selection, a.grain, COUNTS)
    return frame([{"area_code": a.area, "period": r["period"], "period_start": as_date(r["period_start"]), "category": k,
                   "value": r[k], "numerator": r[k], "denominator": r["referred"], "provisional": _still_open(r)}
                  for r in df.to_dict("records") for k in OUTCOMES])


@answers("outcome_mix", "area")
def outcome_mix_by_area(a: Ask) -> pd.DataFrame:
    df = a.query("completion_by_area")
    f = a.selection
    return frame([{"area_code": r["area_code"], "period": f.label, "category": k, "value": r[k], "numerator": r[k],
                   "denominator": r["referred"], "area_name": r["area_name"], "area_type": r["area_type"]}
                  for r in df.to_dict("records") for k in OUTCOMES])
