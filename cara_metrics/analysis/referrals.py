"""Question 2: how many people are referred to CARA?"""

from __future__ import annotations

from functools import partial

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import charts, contract, formatting as fmt, metrics, registry, stats
from ..metrics import lookups
from ..panels import NoData, Panel, Tile
from ..areas import area_name, area_names, display_names, data_as_at, fill_periods, force_of, cached_on_version as cached_panel
from ..periods import Filters, Grain, add_months, format_date, fy_end, fy_of
from .area_level import (chart_label, kind_column, level_for, level_words, one_level, partnerships_not_shown,
                         shared_council_reason, stands_out)
from .provisional import labels
from .tiles import year_tile


def tile(f: Filters, root: Path | None = None) -> Tile:
    return year_tile("referrals", f, "People referred to CARA",
                     lambda r: f"n = {fmt.count(r['value'])} cautions with a CARA condition", root=root)


# --- panels for the Referrals page ----------------------------------------------------------

#: The events that explain a referrals line (the April 2019 reorganisation is a break in the
#: crime series, not in referrals, so it is left out here).
EVENTS = charts.PROGRAMME_EVENTS

GRAIN_WORDS = {"month": "month", "quarter": "quarter", "year": "financial year"}

SEX_LABELS = {"male": "Male", "female": "Female", "other_or_not_stated": "Other or not stated"}
DASH_LABELS = {"standard": "Standard", "medium": "Medium"}
AGE_LABELS = {a: a for a in contract.AGE_BANDS}


@dataclass(frozen=True)
class Dimension:
    """A fixed referral characteristic: its column, heading, categories in order and labels."""

    column: str
    heading: str
    categories: tuple[str, ...]
    labels: dict[str, str]
    word: str


DIMENSIONS: dict[str, Dimension] = {
    "age_band": Dimension("age_band", "Age band", contract.AGE_BANDS, AGE_LABELS, "age band"),
    "sex": Dimension("sex", "Sex", contract.SEXES, SEX_LABELS, "sex"),
    "dash_risk": Dimension("dash_risk", "DASH risk level", contract.DASH_LEVELS, DASH_LABELS, "DASH risk level"),
    "index_offence": Dimension("index_offence", "Index offence", contract.INDEX_OFFENCES, contract.INDEX_OFFENCE_LABELS, "index offence"),
}


def people(n: int) -> str:
    """'1 person', '1,415 people'."""
    return f"{int(n):,} {'person' if int(n) == 1 else 'people'}"


def days_text(x: float) -> str:
    """Days as a whole number, or to one decimal place when a quartile falls between two days."""
    x = float(x)
    return fmt.number(x, 0) if x.is_integer() else fmt.number(x, 1)


def period_end(start: dt.date, grain: Grain) -> dt.date:
    if grain == "year":
        return fy_end(fy_of(start))
    return add_months(start, 1 if grain == "month" else 3) - dt.timedelta(days=1)


def incomplete_periods(df: pd.DataFrame, f: Filters, grain: Grain, root: Path | None = None) -> pd.Series:
    """True for periods only partly inside the selection or the data (which runs to data_as_at)."""
    last = min(f.date_to, data_as_at(root))
    starts = [pd.Timestamp(d).date() for d in df["period_start"]]
    return pd.Series([s < f.date_from or period_end(s, grain) > last for s in starts], index=df.index)


def during(f: Filters) -> str:
    """'in 2019/20 to 2024/25' or 'between 1 May 2016 and 30 June 2016'."""
    if f.is_whole_financial_years:
        return f"in {f.label}"
    if f.date_from == f.date_to:
        return f"on {format_date(f.date_from)}"
    return f"between {format_date(f.date_from)} and {format_date(f.date_to)}"


def no_referrals(f: Filters, root: Path | None = None) -> NoData:
    """A friendly explanation of why a selection has no referrals."""
    name = area_name(f.area_code, root)
    row = lookups.first_referral(f.area_code, root)
    if int(row["referrals"]) == 0:
        reason = shared_council_reason(f.area_code, root)
        return NoData(f"There are no CARA referrals recorded for {name}." + (f" {reason}" if reason else ""))
    first, last = pd.Timestamp(row["first_date"]).date(), pd.Timestamp(row["last_date"]).date()
    if f.date_to < first:
        when = f"on {format_date(first)}" if (first.year, first.month) == (f.date_to.year, f.date_to.month) else f"in {first:%B %Y}"
        return NoData(f"No one in {name} was referred to CARA {during(f)}: the first referral there was {when}.")
    if f.date_from > last:
        return NoData(f"No one in {name} was referred to CARA {during(f)}: the data runs to {format_date(last)}.")
    return NoData(f"No one in {name} was referred to CARA {during(f)}.")


def require_referrals(f: Filters, root: Path | None = None) -> int:
    """The number of referrals in the selection; raises NoData (with the reason) when there are none."""
    n = int(metrics.compute("referrals", f, "total", root=root).value() or 0)
    if n == 0:
        raise no_referrals(f, root)
    return n


def series(f: Filters, grain: Grain = "year", root: Path | None = None) -> pd.DataFrame:
    """People referred in every period of the selection (0 where nobody was), and whether each
    period is complete (wholly inside the selection and the data)."""
    r = metrics.compute("referrals", f, "period", grain, root=root).table
    out = pd.DataFrame({"period_start": pd.to_datetime(r["period_start"]), "period": r["period"],
                        "referrals": r["value"].astype("int64"), "provisional": r["provisional"].astype(bool)})
    if int(out["referrals"].sum()) == 0:
        raise no_referrals(f, root)
    out["complete"] = ~incomplete_periods(out, f, grain, root)
    return out


def _comparison(df: pd.DataFrame, grain: Grain) -> tuple[dict, dict] | None:
    """(latest complete period, the period to compare it with): a year earlier for months and
    quarters (same season), else the period before."""
    full = df[df["complete"]]
    if len(full) < 2:
        return None
    last = full.iloc[-1]
    if grain != "year":
        year_before = pd.Timestamp(last["period_start"]) - pd.DateOffset(years=1)
        match = full[full["period_start"] == year_before]
        if len(match):
            return last.to_dict(), match.iloc[0].to_dict()
    return last.to_dict(), full.iloc[-2].to_dict()


@cached_panel
def volume_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    m = registry.get("referrals")
    name = area_name(f.area_code, root)
    df = series(f, grain, root)
    total = int(df["referrals"].sum())
    pair = _comparison(df, grain)
    if pair:
        last, comp = pair
        change = fmt.change(m, int(last["referrals"]), int(comp["referrals"]))
        change = f"the same as in {comp['period']}" if change == "no change" else f"{change} on {comp['period']}"
        title = f"{people(last['referrals'])} were referred to CARA in {last['period']}, {change}"
    else:
        title = f"{people(total)} were referred to CARA {during(f)}"
    fig = partial(charts.line_chart, df, "period_start", ["referrals"], names=[name], y_title="People referred", events=EVENTS,
                            xaxis=charts.fy_axis(df["period_start"], grain), provisional="provisional")
    part = list(df.loc[~df["complete"], "period"])
    notes = (f"Only part of {fmt.and_list(part)} {'is' if len(part) == 1 else 'are'} in your selection or in the data (to {format_date(data_as_at(root))}), "
             f"so {'its count is' if len(part) == 1 else 'their counts are'} not comparable with full periods.",) if part else ()
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{name}, {f.label}, by {GRAIN_WORDS[grain]}; n = {people(total)} referred",
        table=pd.DataFrame({"Period": labels(df["period"], df["provisional"]), "People referred": df["referrals"]}),
        figure=fig,
        summary=f"{title}. {people(total)} were referred {during(f)} in all.",
        notes=notes,
    )


def rolling(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """For each whole month of the selection: referrals in the 12 months to its end and in the
    12 months before those. A month cut short by the selection or the data is left out."""
    r = metrics.compute("referrals_rolling_12", f, "period", "month", root=root).table
    df = pd.DataFrame({"month": pd.to_datetime(r["period_start"]), "last_12_months": r["value"].astype("int64"),
                       "previous_12_months": r["previous_12_months"].astype("int64") if len(r) else []})
    last = min(f.date_to, data_as_at(root))
    ends = [period_end(pd.Timestamp(d).date(), "month") for d in df["month"]]
    df = df[[e <= last for e in ends]].reset_index(drop=True)
    if df.empty or int(df["last_12_months"].sum()) == 0:
        if df.empty and f.date_from <= last:
            raise NoData(f"Your selection ({f.label}) does not include a whole month, so there is no 12-month total to show.")
        raise no_referrals(f, root)
    return df


@cached_panel
def rolling_panel(f: Filters, root: Path | None = None) -> Panel:
    m = registry.get("referrals_rolling_12")
    name = area_name(f.area_code, root)
    df = rolling(f, root)
    df["month_label"] = [f"{pd.Timestamp(d):%b %Y}" for d in df["month"]]
    prev = df["previous_12_months"].where(df["previous_12_months"] > 0)
    df["change"] = (df["last_12_months"] - prev) / prev
    last = df.iloc[-1]
    cur, before = int(last["last_12_months"]), int(last["previous_12_months"])
    month = f"{pd.Timestamp(last['month']):%B %Y}"
    if before == 0:
        title = f"{people(cur)} were referred in the 12 months to {month}, and none in the 12 months before"
    else:
        change = fmt.change(m, cur, before)
        title = (f"{people(cur)} were referred in the 12 months to {month}, "
                 + ("the same as in the 12 months before" if change == "no change" else f"{change} on the 12 months before ({before:,})"))
    fig = partial(charts.line_chart, df, "month", ["last_12_months", "previous_12_months"],
                            names=["12 months to the month shown", "The 12 months before that"],
                            y_title="People referred in 12 months", events=EVENTS)
    row = lookups.first_referral(f.area_code, root)
    notes = ()
    if pd.notna(row["first_date"]):
        full_from = add_months(pd.Timestamp(row["first_date"]).date().replace(day=1), 11)
        if pd.Timestamp(df["month"].min()).date() < full_from:
            notes = (f"CARA's first referral in {name} was in {pd.Timestamp(row['first_date']):%B %Y}: "
                     f"12-month totals up to {full_from:%B %Y} include months before CARA started.",)
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{name}, 12-month totals for each month of {f.label}; n = {people(cur)} in the latest 12 months",
        table=pd.DataFrame({
            "12 months to the end of": df["month_label"],
            "People referred in those 12 months": df["last_12_months"],
            "People referred in the 12 months before": df["previous_12_months"],
            "Change (%)": (100 * df["change"]).round(1),
        }),
        figure=fig, summary=title + ".", notes=notes,
    )


def _per_1000(n: float, pop_years: float) -> float:
    return 1000 * n / pop_years if pop_years and pop_years > 0 else float("nan")


@cached_panel
def area_panel(f: Filters, root: Path | None = None, level: str | None = None) -> Panel:
    """People referred per 1,000 residents a year in the force and the areas of one level
    (councils or partnerships, never both), with 95% intervals (Poisson, Byar's method).

    Areas differ in size, so counts are compared as rates: the residents are population-years
    over the selection (ONS mid-year estimates, as for crime per 1,000 residents).
    An area is called the highest only when its interval lies above every other's."""
    m = registry.get("referrals")
    names = area_names(root)
    force = force_of(f.area_code, root)
    lvl = level_for(f, level, root)
    r = metrics.compute("referrals", f.with_area(force), "area", root=root).table
    if r.empty:
        raise no_referrals(f.with_area(force), root)
    pop = lookups.population_years(f.with_area(force), root)
    pop_years = dict(zip(pop["area_code"], pop["population_years"]))
    df = pd.DataFrame({"area_code": r["area_code"], "area_name": display_names(r, root), "area_type": r["area_type"],
                       "referrals": r["value"].astype("int64")})
    is_force = df["area_code"] == force
    total = int(df.loc[is_force, "referrals"].sum()) if is_force.any() else int(df.loc[df["area_type"] == "local_authority", "referrals"].sum())
    if total == 0:
        raise no_referrals(f.with_area(force), root)
    df["share"] = df["referrals"] / total
    df["pop_years"] = [float(pop_years.get(c, float("nan"))) for c in df["area_code"]]
    df["rate"] = [_per_1000(n, p) for n, p in zip(df["referrals"], df["pop_years"])]
    ci = [stats.poisson_interval(int(n)) for n in df["referrals"]]
    df["low"] = [_per_1000(lo, p) for (lo, _), p in zip(ci, df["pop_years"])]
    df["high"] = [_per_1000(hi, p) for (_, hi), p in zip(ci, df["pop_years"])]
    df = one_level(df, force, lvl)
    rated = df[df["rate"].notna()]
    chosen = df.loc[df["area_code"] == f.area_code, "area_name"]
    parts = rated[rated["area_code"] != force]
    force_name = names.get(force, force)
    pick = chart_label(chosen.iloc[0]) if len(chosen) and f.area_code != force else None
    if len(rated):
        rated = rated.assign(label=[f"{fmt.number(v, 2)} ({fmt.count(n)} people)" for v, n in zip(rated["rate"], rated["referrals"])],
                             axis=[chart_label(n) for n in rated["area_name"]])
        fig = partial(charts.bar_chart, rated, "axis", "rate", text="label", error=("low", "high"), inside="start",
                      highlight=pick, value_title="People referred per 1,000 residents a year (95% interval)")
    else:  # no population figures: the counts, said as such
        fig = partial(charts.bar_chart, df.assign(label=[fmt.count(n) for n in df["referrals"]],
                                                  axis=[chart_label(n) for n in df["area_name"]]), "axis", "referrals",
                      text="label", highlight=pick, value_title="People referred")
    top = stands_out(parts, "rate", "low", "high")
    if len(parts) < len(df[df["area_code"] != force]):
        title = f"{people(total)} were referred to CARA in {force_name}: areas are not compared without their population"
    elif top is not None:
        title = (f"{top['area_name']} referred the most people for its population: {fmt.number(top['rate'], 2)} per 1,000 "
                 f"residents a year")
    elif len(parts) >= 2:
        lo, hi = parts.loc[parts["rate"].idxmin()], parts.loc[parts["rate"].idxmax()]
        title = (f"Referrals per 1,000 residents a year were {fmt.number(lo['rate'], 2)} in {lo['area_name']} and "
                 f"{fmt.number(hi['rate'], 2)} in {hi['area_name']}" if len(parts) == 2 else
                 f"Referrals per 1,000 residents a year ranged from {fmt.number(lo['rate'], 2)} in {lo['area_name']} to "
                 f"{fmt.number(hi['rate'], 2)} in {hi['area_name']}") + ": the 95% intervals overlap, so no area stands out"
    else:
        title = f"{people(total)} were referred to CARA in {force_name}"
    num = lambda v: round(float(v), 2) if pd.notna(v) else None  # noqa: E731
    table = pd.DataFrame({
        "Area": df["area_name"],
        "Area type": kind_column(df["area_type"]),
        "People referred": df["referrals"],
        "Residents (population-years)": df["pop_years"].round(0),
        "Per 1,000 residents a year": [num(v) for v in df["rate"]],
        "Lower 95% limit": [num(v) for v in df["low"]],
        "Upper 95% limit": [num(v) for v in df["high"]],
        "Share of the force's referrals (%)": (100 * df["share"]).round(1),
    })
    # Rates per 1,000 are given to two places, as in the chart ("0.30", not "0.3").
    table.attrs["decimals"] = {"Per 1,000 residents a year": 2, "Lower 95% limit": 2, "Upper 95% limit": 2}
    return Panel(
        metric_id=m.id, title=title,
        subtitle=(f"{force_name} and its {level_words(lvl)}, {f.label}; n = {people(total)} referred in the force. "
                  "Rates use ONS mid-year population estimates; lines show 95% intervals."),
        table=table,
        figure=fig, summary=title + f", {during(f)}.",
        # Under the chart: the partnerships it leaves out, and why (partnerships sharing a council).
        notes=tuple(n for n in (partnerships_not_shown(m.id, force, lvl, root),) if n),
    )


def by_category(f: Filters, dimension: str, root: Path | None = None) -> pd.DataFrame:
    """People referred in each category of ``dimension`` (every category listed, 0 where none)."""
    dim = DIMENSIONS[dimension]
    r = metrics.compute("referrals_by_category", f, "category", root=root).table
    r = r[r["dimension"] == dimension] if len(r) else r
    counts = {str(c).split(":", 1)[1]: int(n) for c, n in zip(r["category"], r["value"])}
    order = list(dim.categories) + sorted(k for k in counts if k not in dim.categories)
    labels = {**dim.labels, "not_recorded": "Not recorded"}
    out = pd.DataFrame({
        "category": order,
        "label": [labels.get(c, c.replace("_", " ").capitalize()) for c in order],
        "referrals": [counts.get(c, 0) for c in order],
    })
    total = int(out["referrals"].sum())
    if total == 0:
        raise no_referrals(f, root)
    out["share"] = out["referrals"] / total
    return out


def _category_title(dimension: str, label: str, share: float) -> str:
    p = fmt.pct(share)
    if dimension == "age_band":
        return f"People aged {label} were the largest group referred ({p})"
    if dimension == "sex":
        return f"{p} of people referred were recorded as {label.lower()}"
    if dimension == "dash_risk":
        return f"{p} of referrals were assessed as {label.lower()} risk (DASH)"
    if dimension == "index_offence":
        return f"{label} was the index offence for {p} of people referred"
    return f"{label}: {p} of people referred"


@cached_panel
def category_panel(f: Filters, dimension: str, root: Path | None = None) -> Panel:
    m = registry.get("referrals_by_category")
    dim = DIMENSIONS[dimension]
    name = area_name(f.area_code, root)
    df = by_category(f, dimension, root)
    total = int(df["referrals"].sum())
    top = df.sort_values("referrals", ascending=False, kind="stable").iloc[0]
    df["text"] = [f"{fmt.pct(s)} ({fmt.count(n)})" for s, n in zip(df["share"], df["referrals"])]
    fig = partial(charts.bar_chart, df, "label", "share", percent=True, text="text", highlight=top["label"])
    title = _category_title(dimension, top["label"], top["share"])
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{name}, {f.label}, by {dim.word}; n = {people(total)} referred",
        table=pd.DataFrame({
            dim.heading: df["label"],
            "People referred": df["referrals"],
            "Share of people referred (%)": (100 * df["share"]).round(1),
        }),
        figure=fig, summary=f"{title}, {during(f)}.",
    )


@cached_panel
def days_panel(f: Filters, grain: Grain, root: Path | None, *, metric_id: str,
               who: str, title: str, y_title: str, none: str) -> Panel:
    """Median and interquartile range of a number of days, over the selection and per period.

    From the metric's ``period`` and ``total`` results (median in ``value``, n in
    ``denominator``, quartiles in ``q1``/``q3``); ``title`` is formatted with ``days``
    (the median); ``who`` names the people counted.
    """
    m = registry.get(metric_id)
    name = area_name(f.area_code, root)
    period = metrics.compute(metric_id, f, "period", grain, root=root).table
    if period.empty:
        require_referrals(f, root)
        raise NoData(none.format(during=during(f)))
    whole = metrics.compute(metric_id, f, "total", root=root).table.rename(columns={"denominator": "n", "value": "median"})
    df = period.rename(columns={"denominator": "n", "value": "median"})
    n = int(whole["n"].iloc[0]) if len(whole) else 0
    if n == 0:
        require_referrals(f, root)
        raise NoData(none.format(during=during(f)))
    overall = whole.iloc[0]
    per = fill_periods(df[["period_start", "n", "q1", "median", "q3"]], f, grain, ["n"])
    med, q1, q3 = float(overall["median"]), float(overall["q1"]), float(overall["q3"])
    shown = per[per["n"] > 0]
    fig = partial(charts.line_chart, shown, "period_start", ["median"], names=[f"Median, {name}"], bands={"median": ("q1", "q3")},
                            y_title=y_title, hover_format=".1f", events=EVENTS, xaxis=charts.fy_axis(shown["period_start"], grain))
    table = pd.DataFrame({
        "Period": list(per["period"]) + [f"All of {f.label}"],
        who: list(per["n"]) + [n],
        "Median (days)": list(per["median"].round(1)) + [round(med, 1)],
        "Lower quartile (days)": list(per["q1"].round(1)) + [round(q1, 1)],
        "Upper quartile (days)": list(per["q3"].round(1)) + [round(q3, 1)],
    })
    text = title.format(days=days_text(med))
    return Panel(
        metric_id=m.id, title=text,
        subtitle=(f"{name}, {f.label}, by {GRAIN_WORDS[grain]}; median {days_text(med)} days, "
                  f"interquartile range {days_text(q1)} to {days_text(q3)} days; n = {n:,} {who[0].lower() + who[1:]}"),
        table=table, figure=fig,
        summary=f"{text}. The middle half took between {days_text(q1)} and {days_text(q3)} days ({people(n)}).",
        notes=("The line is the median; the shaded band is the interquartile range (the middle half of people).",),
    )


@cached_panel
def days_to_workshop_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    return days_panel(
        f, grain, root, metric_id="days_to_workshop", who="People who attended workshop 1",
        title="Half of people attended their first workshop within {days} days of their caution",
        y_title="Days from caution to first workshop",
        none="No one cautioned {during} has attended a first workshop yet.",
    )
