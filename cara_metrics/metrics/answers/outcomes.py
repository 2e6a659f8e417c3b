"""Question 5 and value for money: proven reoffending against the comparison group, and
what CARA costs and may save.

Reoffending rows are one per group (``category``: ``cara`` = everyone referred, or
``completers``; ``comparison``) plus a ``difference`` row (CARA minus comparison, with its
95% interval). The difference is left empty ([x]) when either group has fewer than 60
people with a complete follow-up, counted on true (unrounded) counts.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ... import stats
from ...contract import financial_year_label, parse_financial_year
from ...areas import NoData
from ...periods import format_date, fy_start
from .. import reoffending as reo
from .. import value as vfm
from ..ask import Ask
from ..result import frame
from ..rules import not_ended, rate
from . import answers

_MEASURE = {"reoffending_rate": ("any", "itt"), "reoffending_rate_da": ("da", "itt"), "reoffending_completers": ("any", "completers")}
_MEANS = {"reoffending_frequency": "frequency", "reoffending_harm": "harm"}
MILESTONE_DAYS = (91, 182, 273, 365)


def _window(a: Ask) -> str:
    f = a.selection
    return f"cautions {format_date(f.date_from)} to {format_date(min(f.date_to, a.last_complete_index))}"


def _people(a: Ask) -> pd.DataFrame:
    return a.query("reoffending_people")


def _difference_row(a: Ask, area: str, period: str, d: stats.Difference | None, enough: bool, scale: float = 1.0) -> dict:
    if d is None or not enough:
        return {"area_code": area, "period": period, "category": "difference", "value": math.nan, "symbol": "[x]"}
    return {"area_code": area, "period": period, "category": "difference", "value": scale * d.estimate,
            "ci_low": scale * d.low, "ci_high": scale * d.high, "p_value": d.p_value, "significant": d.significant}


@answers("reoffending_rate", "total")
@answers("reoffending_rate_da", "total")
@answers("reoffending_completers", "total")
def rates(a: Ask) -> pd.DataFrame:
    measure, group = _MEASURE[a.metric.id]
    c = reo.compare(a.selection, measure, group, root=a.root, frame=_people(a))
    period, area = _window(a), a.area
    rows = [{"area_code": area, "period": period, "category": "cara" if group == "itt" else "completers",
             **rate(c.cara_events, c.cara_n)},
            {"area_code": area, "period": period, "category": "comparison", **rate(c.comparison_events, c.comparison_n)},
            _difference_row(a, area, period, c.difference, c.enough)]
    return frame(rows if c.cara_n or c.comparison_n else [])


@answers("reoffending_rate", "area")
def rates_by_area(a: Ask) -> pd.DataFrame:
    df = a.query("reoffending_by_area")
    period, rows = _window(a), []
    for r in df.to_dict("records"):
        c = reo.from_counts("any", "itt", int(r["cara_n"]), int(r["cara_x"]), int(r["comparison_n"]), int(r["comparison_x"]))
        rows += [{"area_code": r["area_code"], "period": period, "category": "cara", **rate(c.cara_events, c.cara_n)},
                 {"area_code": r["area_code"], "period": period, "category": "comparison", **rate(c.comparison_events, c.comparison_n)},
                 _difference_row(a, r["area_code"], period, c.difference, c.enough)]
    return frame(rows)


@answers("reoffending_frequency", "total")
@answers("reoffending_harm", "total")
def means(a: Ask) -> pd.DataFrame:
    mc = reo.compare_means(a.selection, _MEANS[a.metric.id], root=a.root, frame=_people(a))
    period, area = _window(a), a.area
    rows = [{"area_code": area, "period": period, "category": "cara", "value": mc.cara_mean, "denominator": mc.cara_n},
            {"area_code": area, "period": period, "category": "comparison", "value": mc.comparison_mean, "denominator": mc.comparison_n},
            _difference_row(a, area, period, mc.difference, mc.enough)]
    return frame(rows if mc.cara_n or mc.comparison_n else [])


@answers("time_to_reoffence", "category")
def time_to_reoffence(a: Ask) -> pd.DataFrame:
    """Kaplan-Meier share reoffended by 3, 6, 9 and 12 months, per group ('cara:365')."""
    c = reo.counts_of_people(_people(a))
    period, rows = _window(a), []
    for label, part in c.labelled():
        key = "cara" if label == reo.GROUP_LABEL["itt"] else "comparison"
        curve = part.survival["any"].km()
        for day in MILESTONE_DAYS:
            est, lo, hi = stats.cumulative_incidence_at(curve, day)
            rows.append({"area_code": a.area, "period": period, "category": f"{key}:{day}", "value": est,
                         "ci_low": lo, "ci_high": hi, "denominator": part.n, "group": key, "day": day})
    return frame(rows)


# --- value for money ---------------------------------------------------------------------------


def _costs_note(a: Ask) -> dict:
    return {"area_code": a.force}  # costs are held for the whole contract, not by area


@answers("programme_cost", "total")
@answers("cost_per_referral", "total")
@answers("cost_per_completion", "total")
def cost_total(a: Ask) -> pd.DataFrame:
    try:
        years = vfm.priced_costs(a.selection.with_area(a.force), root=a.root).years
    except NoData:
        return frame([])
    f = a.selection
    cost, referred, completed = float(years["cost_gbp"].sum()), float(years["referred"].sum()), float(years["completed"].sum())
    figure = {"programme_cost": {"value": cost, "numerator": cost},
              "cost_per_referral": {"value": cost / referred if referred else math.nan, "numerator": cost, "denominator": referred},
              "cost_per_completion": {"value": cost / completed if completed else math.nan, "numerator": cost, "denominator": completed},
              }[a.metric.id]
    return frame([{**_costs_note(a), "period": f.label, **figure, "provisional": f.date_to > a.as_at}] if cost else [])


@answers("cost_per_referral", "period")
@answers("cost_per_completion", "period")
def cost_per_year(a: Ask) -> pd.DataFrame:
    """By financial year only: costs are recorded by quarter but referrals are counted by year here.
    Every year's cost is in the selection's price year, as on the page."""
    try:
        years = vfm.priced_costs(a.selection.with_area(a.force), root=a.root).years
    except NoData:
        return frame([])
    col = "referred" if a.metric.id == "cost_per_referral" else "completed"
    rows = []
    for r in years.to_dict("records"):
        start = fy_start(int(r["fy"]))
        rows.append({**_costs_note(a), "period": financial_year_label(int(r["fy"])), "period_start": start,
                     "value": r["cost_gbp"] / r[col] if r[col] else math.nan, "numerator": r["cost_gbp"], "denominator": r[col],
                     "provisional": not_ended(start, "year", a.as_at)})
    return frame(rows)


@answers("programme_cost", "period")
def cost_by_quarter(a: Ask) -> pd.DataFrame:
    """Payments by financial quarter (or summed by year at the year grain), inside the selection,
    each converted to the selection's price year with its financial year's deflator (as the page)."""
    df = a.query("costs_by_quarter")
    f, rows = a.selection, {}
    try:
        factor = vfm.priced_costs(f.with_area(a.force), root=a.root).factor
    except NoData:
        factor = {}
    for r in df.to_dict("records"):
        fy = parse_financial_year(r["financial_year"])
        q = int(r["quarter"])
        start = dt.date(fy + (q == 4), (q * 3 + 1) % 12 or 12, 1) if a.grain != "year" else fy_start(fy)
        if a.grain == "month":
            continue  # payments are recorded by quarter: no monthly figure exists
        if not (f.date_from <= start <= f.date_to):
            continue
        label = financial_year_label(fy) + ("" if a.grain == "year" else f" Q{q}")
        row = rows.setdefault(label, {**_costs_note(a), "period": label, "period_start": start, "value": 0.0,
                                      "provisional": not_ended(start, "year" if a.grain == "year" else "quarter", a.as_at)})
        row["value"] += float(r["cost_gbp"]) * factor.get(fy, 1.0)
    return frame(sorted(rows.values(), key=lambda r: r["period_start"]))


@answers("reoffences_avoided", "total")
@answers("harm_avoided", "total")
@answers("benefit_cost_ratio", "total")
def avoided(a: Ask) -> pd.DataFrame:
    """Central estimate and 95% interval, for the force; empty ([x]) with fewer than 60 people in a group."""
    try:
        v = vfm.compute(a.selection, root=a.root)
    except LookupError:
        return frame([])
    est = {"reoffences_avoided": v.reoffences_avoided, "harm_avoided": v.harm_days_avoided, "benefit_cost_ratio": v.bcr}[a.metric.id]
    row = {**_costs_note(a), "period": a.selection.label, "numerator": v.benefit_gbp.value if (v.benefit_gbp and a.metric.id == "benefit_cost_ratio") else None,
           "denominator": v.cost_gbp if a.metric.id == "benefit_cost_ratio" else v.referred,
           "cara_n": v.cara_n, "comparison_n": v.comparison_n}
    if est is None or not v.enough:
        return frame([{**row, "value": math.nan, "symbol": "[x]"}])
    return frame([{**row, "value": est.value, "ci_low": est.low, "ci_high": est.high}])
