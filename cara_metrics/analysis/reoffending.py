"""Question 5: do people referred to CARA reoffend less?

Measured as the Ministry of Justice measures proven reoffending: an offence committed in
the 12 months after the caution (the index date) and proven by a conviction or caution in
those 12 months or a further 6-month waiting period. A cohort counts only once its
18 months have passed by the date the data runs to.

The headline is intention to treat: everyone referred, whether or not they completed,
against the comparison group. Completers against the comparison group flatters CARA
(selection bias) and is shown only with that caveat. No comparison is claimed when
either group has fewer than 60 people (Justice Data Lab guidance).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

import plotly.graph_objects as go

from .. import charts, formatting as fmt, registry, stats, warehouse
from ..panels import NoData, Panel, Tile, area_names, areas_frame, data_as_at, fill_periods, force_of, cached_panel
from ..periods import Filters, add_months, format_date, period_label

FOLLOW_UP_MONTHS = 12
WAITING_MONTHS = 6
MIN_GROUP = 60

Group = Literal["itt", "completers"]
Measure = Literal["any", "da"]


def last_complete_index(root: Path | None = None) -> dt.date:
    """Latest index date whose 12-month follow-up and 6-month waiting period have ended."""
    return add_months(data_as_at(root), -(FOLLOW_UP_MONTHS + WAITING_MONTHS))


def people(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """One row per person with complete follow-up (CARA in the period; all comparison)."""
    return warehouse.query("reoffending_people", f.params(last_complete_index=last_complete_index(root)), root=root)


@dataclass(frozen=True)
class Comparison:
    """One reoffending comparison between the CARA group and the comparison group."""

    measure: Measure
    group: Group
    cara_n: int
    cara_events: int
    comparison_n: int
    comparison_events: int
    difference: stats.Difference | None

    @property
    def enough(self) -> bool:
        return self.cara_n >= MIN_GROUP and self.comparison_n >= MIN_GROUP

    @property
    def cara_rate(self) -> float | None:
        return self.cara_events / self.cara_n if self.cara_n else None

    @property
    def comparison_rate(self) -> float | None:
        return self.comparison_events / self.comparison_n if self.comparison_n else None

    def sentence(self) -> str:
        """The Justice Data Lab style headline, or why no comparison is made."""
        who = "referred to CARA" if self.group == "itt" else "who completed CARA"
        what = "reoffended" if self.measure == "any" else "committed a domestic-abuse reoffence"
        if not self.enough:
            def people(n: int) -> str:
                return f"{n:,} {'person' if n == 1 else 'people'}"

            small = [f"the CARA group has {people(self.cara_n)}" if self.cara_n < MIN_GROUP else "",
                     f"the comparison group has {people(self.comparison_n)}" if self.comparison_n < MIN_GROUP else ""]
            return (f"No comparison is made: {' and '.join(s for s in small if s)} with a complete follow-up, "
                    f"and at least {MIN_GROUP} in each group are needed for a reliable comparison (Justice Data Lab guidance).")
        a, b = round(100 * self.cara_rate), round(100 * self.comparison_rate)
        d = self.difference
        lo, hi = -100 * d.high, -100 * d.low  # "fewer per 100" is the negative of CARA minus comparison
        head = (f"For every 100 people {who}, {a} {what} within a year, compared with {b} of every 100 "
                f"in the comparison group")
        if d.significant and d.estimate < 0:
            return f"{head}; the true difference is likely between {lo:.0f} and {hi:.0f} fewer per 100."
        if d.significant and d.estimate > 0:
            return f"{head}; the true difference is likely between {-hi:.0f} and {-lo:.0f} more per 100."
        return (f"{head}. The difference could be anywhere from {max(hi, 0):.0f} fewer to {max(-lo, 0):.0f} more per 100, "
                f"so more people are needed to tell whether CARA made a difference.")


def _flag(df: pd.DataFrame, measure: Measure) -> pd.Series:
    col = "reoffences" if measure == "any" else "da_reoffences"
    return df[col] > 0


def compare(f: Filters, measure: Measure = "any", group: Group = "itt", root: Path | None = None, frame: pd.DataFrame | None = None) -> Comparison:
    df = people(f, root) if frame is None else frame
    cara = df[df["cohort_group"] == "cara"]
    if group == "completers":
        cara = cara[cara["completed"]]
    comp = df[df["cohort_group"] == "comparison"]
    x1, n1 = int(_flag(cara, measure).sum()), len(cara)
    x2, n2 = int(_flag(comp, measure).sum()), len(comp)
    diff = stats.newcombe_difference(x1, n1, x2, n2) if n1 and n2 else None
    return Comparison(measure, group, n1, x1, n2, x2, diff)


def tile(f: Filters, root: Path | None = None) -> Tile:
    m = registry.get("reoffending_rate")
    c = compare(f, root=root)
    period = f"cautions to {format_date(min(f.date_to, last_complete_index(root)))}"
    if c.cara_n == 0:
        return Tile(m.id, "Reoffended within a year", None, "–", None,
                    "no one in the period has a complete 18-month follow-up yet", period, m.definition)
    delta = None
    if c.enough and c.difference is not None:
        d = c.difference
        delta = (f"{fmt.points(abs(d.estimate))} {'lower' if d.estimate < 0 else 'higher'} than comparison "
                 f"({fmt.pct(c.comparison_rate, 0)}); 95% CI {fmt.number(-100 * d.high, 0)} to {fmt.number(-100 * d.low, 0)} fewer per 100")
    return Tile(
        m.id, "Reoffended within a year", c.cara_rate, fmt.pct(c.cara_rate, 0), delta,
        f"{c.cara_events:,} of {c.cara_n:,} referred; comparison {c.comparison_events:,} of {c.comparison_n:,}",
        period, m.definition, delta_is_good=None,
        delta_arrow="off" if delta is None else ("down" if c.difference.estimate < 0 else "up"),
    )


# --- panels for the Reoffending page ---------------------------------------------------------
#
# Every builder reads the same people() frame (one row per person with a complete follow-up),
# so the MoJ window is defined once, in reoffending_people.sql.

GROUP_LABEL = {"itt": "Referred to CARA", "completers": "Completed CARA"}
COMPARISON_LABEL = "Comparison group"
_WHO = {"itt": "referred to CARA", "completers": "who completed CARA"}
_WHAT = {"any": ("reoffended", "reoffend"),
         "da": ("committed a domestic-abuse reoffence", "commit a domestic-abuse reoffence")}
_RATE_METRIC = {"any": "reoffending_rate", "da": "reoffending_rate_da"}
#: Points on the time-to-reoffence curve given in its table. The follow-up is 12 calendar
#: months, which is 366 days when it spans 29 February, so "12 months" is read at day 366.
MILESTONES = ((30, "1 month (day 30)"), (91, "3 months (day 91)"), (182, "6 months (day 182)"),
              (273, "9 months (day 273)"), (366, "12 months (end of follow-up)"))


def _area(f: Filters, root: Path | None) -> str:
    return area_names(root).get(f.area_code, f.area_code)


def _wrap(text: str, width: int = 24) -> str:
    return "<br>".join(textwrap.wrap(str(text), width))


def during(f: Filters) -> str:
    """'in 2019/20 to 2024/25' for whole financial years, else 'from 1 May 2016 to 30 June 2016'."""
    return f"in {f.label}" if f.is_whole_financial_years else f"from {f.label}"


def persons(n: int) -> str:
    """'1 person', '1,026 people'."""
    return f"{int(n):,} {'person' if int(n) == 1 else 'people'}"


def period_text(f: Filters, root: Path | None = None) -> str:
    """The cautions a figure covers: the selection, cut at the last date with a complete follow-up."""
    lci = last_complete_index(root)
    if f.date_to <= lci:
        return f"cautions {during(f)}"
    return f"cautions from {format_date(f.date_from)} to {format_date(lci)} (the latest with a complete follow-up)"


def _cohort(f: Filters, root: Path | None) -> pd.DataFrame:
    """people(), or NoData saying why no one referred to CARA in the selection can be counted."""
    df = people(f, root)
    if not (df["cohort_group"] == "cara").any():
        lci = last_complete_index(root)
        if f.date_from > lci:
            raise NoData(f"No one cautioned {during(f)} has had the full 18 months yet (12 months to reoffend and "
                         f"6 more for the offence to be proven): reoffending is counted for cautions up to {format_date(lci)}.")
        raise NoData(f"No one referred to CARA in {_area(f, root)} {during(f)} has a complete reoffending follow-up "
                     f"(cautions up to {format_date(lci)} count).")
    return df


def comparison_text(df: pd.DataFrame) -> str:
    """'cautioned April 2017 to July 2019': when the comparison group's cautions were."""
    comp = df.loc[df["cohort_group"] == "comparison", "index_date"]
    if comp.empty:
        return "no comparison group for this area"
    a, b = pd.Timestamp(comp.min()), pd.Timestamp(comp.max())
    return f"cautioned {a:%B %Y} to {b:%B %Y}"


def _subtitle(f: Filters, df: pd.DataFrame, root: Path | None, group: Group = "itt") -> str:
    cara = df[df["cohort_group"] == "cara"]
    if group == "completers":
        cara = cara[cara["completed"]]
    n_comp = int((df["cohort_group"] == "comparison").sum())
    return (f"{_area(f, root)}; {period_text(f, root)}; n = {persons(len(cara))} {_WHO[group]} and "
            f"{n_comp:,} in the comparison group ({comparison_text(df)})")


def _ci_words(d: stats.Difference, unit: str, scale: float = 1.0, dp: int = 1) -> str:
    """A difference's 95% interval in words: '2.4 to 11.8 points lower'."""
    lo, hi = scale * d.low, scale * d.high
    n = lambda v: fmt.number(abs(v), dp)  # noqa: E731
    if hi < 0:
        return f"{n(hi)} to {n(lo)} {unit} lower"
    if lo > 0:
        return f"{n(lo)} to {n(hi)} {unit} higher"
    return f"{n(lo)} {unit} lower to {n(hi)} {unit} higher"


def difference_text(d: stats.Difference, unit: str, scale: float = 1.0, dp: int = 1) -> str:
    """'CARA minus comparison: 7.0 points lower (95% CI 2.4 to 11.8 points lower); p = 0.002.'"""
    est = scale * d.estimate
    way = "lower" if est < 0 else "higher" if est > 0 else "different"
    verdict = "statistically significant" if d.significant else "not statistically significant: the interval includes no difference"
    return (f"Difference, CARA minus comparison: {fmt.number(abs(est), dp)} {unit} {way} "
            f"(95% CI {_ci_words(d, unit, scale, dp)}); {stats.format_p(d.p_value)}; {verdict}.")


def _why_not(cara_n: int, comparison_n: int, group: Group = "itt") -> str:
    """The sentence saying why no comparison is made (the Justice Data Lab minimum of 60)."""
    return Comparison("any", group, cara_n, 0, comparison_n, 0, None).sentence()


def _verdict(d: stats.Difference | None, enough: bool) -> str:
    if not enough or d is None:
        return f"Not compared: fewer than {MIN_GROUP} people in a group"
    if d.significant:
        return f"{'Lower' if d.estimate < 0 else 'Higher'} for CARA (statistically significant)"
    return "No clear difference: more people are needed to tell"


# --- binary rates ---------------------------------------------------------------------------


def _rate_title(c: Comparison) -> str:
    who, (did, do) = _WHO[c.group], _WHAT[c.measure]
    a = fmt.pct(c.cara_rate, 0)
    if c.comparison_n == 0:
        return f"{a} of people {who} {did} within a year; there is no comparison group for this area"
    b = fmt.pct(c.comparison_rate, 0)
    if not c.enough:
        return f"{a} of people {who} {did} within a year, against {b} of the comparison group: too few people to compare"
    d = c.difference
    if d.significant:
        return f"People {who} were {'less' if d.estimate < 0 else 'more'} likely to {do} within a year: {a} against {b} in the comparison group"
    return f"{a} of people {who} {did} within a year, against {b} in the comparison group: not a clear difference"


@cached_panel
def rate_panel(f: Filters, measure: Measure = "any", group: Group = "itt", root: Path | None = None) -> Panel:
    """Proven (or domestic-abuse) reoffending rate of CARA against comparison, with Wilson intervals."""
    m = registry.get(_RATE_METRIC[measure] if group == "itt" else "reoffending_completers")
    df = _cohort(f, root)
    c = compare(f, measure, group, root, frame=df)
    if c.cara_n == 0:
        raise NoData(f"No one who completed CARA in {_area(f, root)} {during(f)} has a complete reoffending follow-up.")
    rows = []
    for label, x, n in ((GROUP_LABEL[group], c.cara_events, c.cara_n), (COMPARISON_LABEL, c.comparison_events, c.comparison_n)):
        if n:
            lo, hi = stats.wilson_interval(x, n)
            rows.append({"group": label, "n": n, "x": x, "rate": x / n, "low": lo, "high": hi})
    t = pd.DataFrame(rows)
    t["text"] = [f"{fmt.pct(r, 0)} ({x:,} of {n:,})" for r, x, n in zip(t["rate"], t["x"], t["n"])]
    fig = charts.bar_chart(t, "group", "rate", percent=True, text="text", error=("low", "high"), highlight=GROUP_LABEL[group], inside="middle",
                           value_title="Reoffended within a year (95% interval)" if measure == "any" else "Domestic-abuse reoffence within a year (95% interval)")
    title = _rate_title(c)
    notes = [c.sentence()]
    if c.enough:
        notes.append(difference_text(c.difference, "percentage points", scale=100))
    if group == "completers":
        notes.insert(0, completers_caveat())
    table = pd.DataFrame({
        "Group": t["group"],
        "People": t["n"],
        ("Reoffended within a year" if measure == "any" else "Domestic-abuse reoffence within a year"): t["x"],
        "Rate (%)": (100 * t["rate"]).round(1),
        "Lower 95% limit (%)": (100 * t["low"]).round(1),
        "Upper 95% limit (%)": (100 * t["high"]).round(1),
    })
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, df, root, group), table=table, figure=fig,
                 summary=f"{title}. {c.sentence()}", notes=tuple(notes))


# --- frequency and crime harm (means per person) ------------------------------------------


@dataclass(frozen=True)
class MeanComparison:
    """A per-person mean (reoffences per 100 people, or crime-harm days) for CARA and comparison."""

    measure: Literal["frequency", "harm"]
    group: Group
    cara_n: int
    cara_mean: float | None
    comparison_n: int
    comparison_mean: float | None
    difference: stats.Difference | None

    @property
    def enough(self) -> bool:
        return self.cara_n >= MIN_GROUP and self.comparison_n >= MIN_GROUP


def compare_means(f: Filters, measure: Literal["frequency", "harm"], group: Group = "itt", root: Path | None = None,
                  frame: pd.DataFrame | None = None) -> MeanComparison:
    """Frequency is proven reoffences per 100 people; harm is crime-harm days per person.

    The difference uses stats.mean_difference (Welch standard error, normal approximation),
    which needs large groups: it is only reported when both have at least 60 people.
    """
    df = people(f, root) if frame is None else frame
    cara = df[df["cohort_group"] == "cara"]
    if group == "completers":
        cara = cara[cara["completed"]]
    comp = df[df["cohort_group"] == "comparison"]
    value = (lambda d: 100.0 * d["reoffences"].astype(float)) if measure == "frequency" else (lambda d: d["harm_days"].astype(float))
    a, b = value(cara), value(comp)
    diff = stats.mean_difference(a, b) if len(a) >= 2 and len(b) >= 2 else None
    return MeanComparison(measure, group, len(a), float(a.mean()) if len(a) else None,
                          len(b), float(b.mean()) if len(b) else None, diff)


def _mean_clause(mc: MeanComparison) -> str:
    if mc.comparison_n == 0:
        return "there is no comparison group for this area"
    if not mc.enough:
        return "too few people to compare"
    if mc.difference.significant:
        return f"{'lower' if mc.difference.estimate < 0 else 'higher'} for CARA, a clear difference"
    return "not a clear difference"


def _mean_notes(mc: MeanComparison, unit: str) -> list[str]:
    if mc.enough and mc.difference is not None:
        return [difference_text(mc.difference, unit)]
    return [_why_not(mc.cara_n, mc.comparison_n, mc.group)]


@cached_panel
def frequency_panel(f: Filters, root: Path | None = None) -> Panel:
    """Proven reoffences per 100 people, CARA against comparison."""
    m = registry.get("reoffending_frequency")
    df = _cohort(f, root)
    mc = compare_means(f, "frequency", root=root, frame=df)
    rows = []
    for label, part in ((GROUP_LABEL["itt"], df[df["cohort_group"] == "cara"]), (COMPARISON_LABEL, df[df["cohort_group"] == "comparison"])):
        if len(part):
            offences, reoffenders = int(part["reoffences"].sum()), int((part["reoffences"] > 0).sum())
            rows.append({"group": label, "n": len(part), "offences": offences, "per100": 100 * offences / len(part),
                         "reoffenders": reoffenders, "per_reoffender": offences / reoffenders if reoffenders else float("nan")})
    t = pd.DataFrame(rows)
    t["text"] = [fmt.number(v, 1) for v in t["per100"]]
    fig = charts.bar_chart(t, "group", "per100", text="text", highlight=GROUP_LABEL["itt"], inside="middle",
                           value_title="Proven reoffences per 100 people")
    title = f"{fmt.number(mc.cara_mean, 0)} proven reoffences per 100 people referred to CARA"
    if mc.comparison_n:
        title += f", against {fmt.number(mc.comparison_mean, 0)} per 100 in the comparison group"
    title += f": {_mean_clause(mc)}"
    table = pd.DataFrame({
        "Group": t["group"], "People": t["n"], "Proven reoffences": t["offences"],
        "Reoffences per 100 people": t["per100"].round(1), "People who reoffended": t["reoffenders"],
        "Reoffences per reoffender": t["per_reoffender"].round(2),
    })
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, df, root), table=table, figure=fig,
                 summary=title + ".", notes=tuple(_mean_notes(mc, "reoffences per 100 people")))


@cached_panel
def harm_panel(f: Filters, root: Path | None = None) -> Panel:
    """Mean Cambridge Crime Harm Index days of proven reoffending per person."""
    m = registry.get("reoffending_harm")
    df = _cohort(f, root)
    mc = compare_means(f, "harm", root=root, frame=df)
    rows = []
    for label, part in ((GROUP_LABEL["itt"], df[df["cohort_group"] == "cara"]), (COMPARISON_LABEL, df[df["cohort_group"] == "comparison"])):
        if len(part):
            rows.append({"group": label, "n": len(part), "total": float(part["harm_days"].sum()), "mean": float(part["harm_days"].mean())})
    t = pd.DataFrame(rows)
    t["text"] = [f"{fmt.number(v, 1)} days" for v in t["mean"]]
    fig = charts.bar_chart(t, "group", "mean", text="text", highlight=GROUP_LABEL["itt"], inside="middle",
                           value_title="Crime-harm days per person")
    title = f"People referred to CARA averaged {fmt.number(mc.cara_mean, 1)} crime-harm days of proven reoffending each"
    if mc.comparison_n:
        title += f", against {fmt.number(mc.comparison_mean, 1)} in the comparison group"
    title += f": {_mean_clause(mc)}"
    notes = _mean_notes(mc, "crime-harm days per person") + [
        "For context: in the Hampshire randomised trial (Strang et al. 2017) the mean was 8.4 days per offender with the "
        "workshops and 11.6 without, counting all re-arrests rather than proven reoffences, so the figures are not directly comparable."]
    table = pd.DataFrame({
        "Group": t["group"], "People": t["n"], "Crime-harm days in total": t["total"].round(1),
        "Crime-harm days per person": t["mean"].round(2),
    })
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, df, root), table=table, figure=fig,
                 summary=title + ".", notes=tuple(notes))


# --- time to first reoffence ----------------------------------------------------------------


def _durations(part: pd.DataFrame, measure: Measure) -> tuple[pd.Series, pd.Series]:
    """Days to the first proven reoffence, or the length of the 12-month follow-up if none."""
    col = "days_to_first" if measure == "any" else "days_to_first_da"
    idx = pd.to_datetime(part["index_date"])
    follow = (idx + pd.DateOffset(months=FOLLOW_UP_MONTHS) - idx).dt.days
    first = part[col].astype("Float64")
    events = first.notna().to_numpy(dtype=bool)
    durations = first.fillna(follow.astype("Float64")).to_numpy(dtype=float)
    return durations, events


def _km(part: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """stats.kaplan_meier for one group: survival with its 95% limits (low, high)."""
    return stats.kaplan_meier(*_durations(part, measure))


def _groups(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    parts = ((GROUP_LABEL["itt"], df[df["cohort_group"] == "cara"]), (COMPARISON_LABEL, df[df["cohort_group"] == "comparison"]))
    return [(label, part) for label, part in parts if len(part)]


def _cumulative(km: pd.DataFrame) -> pd.DataFrame:
    """Survival table -> cumulative share reoffended: estimate = 1 - S, band (1 - high, 1 - low)."""
    return pd.DataFrame({"time": km["time"], "at_risk": km["at_risk"], "events": km["events"],
                         "estimate": 1.0 - km["survival"], "low": 1.0 - km["high"], "high": 1.0 - km["low"]})


def km_curves(f: Filters, measure: Measure = "any", root: Path | None = None, frame: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Kaplan-Meier curves of the cumulative share reoffended, for CARA (everyone referred) and comparison.

    Columns: time (days since caution), at_risk, events, estimate (= 1 - survival) and its
    95% band low/high (= 1 - the survival limits, Greenwood variance on the log-log scale).
    Everyone here has a complete follow-up, so no one is censored before the end of their
    year and each curve ends at the group's binary rate.
    """
    df = people(f, root) if frame is None else frame
    return {label: _cumulative(_km(part, measure)) for label, part in _groups(df)}


@cached_panel
def time_panel(f: Filters, measure: Measure = "any", root: Path | None = None) -> Panel:
    """Cumulative share with a first proven reoffence by days since caution (Kaplan-Meier)."""
    m = registry.get("time_to_reoffence")
    df = _cohort(f, root)
    kms = {label: _km(part, measure) for label, part in _groups(df)}
    fig = charts.step_curves({label: _cumulative(km) for label, km in kms.items()}, y_title="Reoffended (cumulative)",
                             xaxis=dict(range=[0, 370], tickvals=[0, 91, 182, 273, 365], title_text="Time since caution",
                                        ticktext=["0", "3 months", "6 months", "9 months", "12 months"]))
    table = pd.DataFrame({"Time since caution": [label for _, label in MILESTONES]})
    at = {}
    for name, km in kms.items():
        vals = [stats.cumulative_incidence_at(km, day) for day, _ in MILESTONES]
        at[name] = vals
        table[f"{name}: reoffended (%)"] = [round(100 * v[0], 1) for v in vals]
        table[f"{name}: lower 95% limit (%)"] = [round(100 * v[1], 1) for v in vals]
        table[f"{name}: upper 95% limit (%)"] = [round(100 * v[2], 1) for v in vals]
    cara, comp = at.get(GROUP_LABEL["itt"]), at.get(COMPARISON_LABEL)
    six, year = 2, 4
    if comp:
        title = (f"By six months {fmt.pct(cara[six][0], 0)} of people referred to CARA had a first proven reoffence, against "
                 f"{fmt.pct(comp[six][0], 0)} of the comparison group; by a year, {fmt.pct(cara[year][0], 0)} against {fmt.pct(comp[year][0], 0)}")
    else:
        title = (f"By six months {fmt.pct(cara[six][0], 0)} of people referred to CARA had a first proven reoffence; "
                 f"by a year, {fmt.pct(cara[year][0], 0)}")
    n_cara = int((df["cohort_group"] == "cara").sum())
    n_comp = len(df) - n_cara
    notes = () if n_cara >= MIN_GROUP and n_comp >= MIN_GROUP else (_why_not(n_cara, n_comp),)
    if notes and comp:
        title += ": too few people to compare"
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, df, root) + ". Shaded bands are 95% confidence intervals.",
                 table=table, figure=fig, summary=title + ".", notes=notes)


# --- the comparison table ------------------------------------------------------------------


def comparisons(f: Filters, root: Path | None = None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every intention-to-treat comparison: one row per measure, difference with 95% CI and p.

    Columns: measure, unit, cara, comparison, cara_n, comparison_n, enough, difference
    (a stats.Difference, CARA minus comparison, in the measure's unit; None when not enough).
    """
    df = _cohort(f, root) if frame is None else frame
    rows = []
    for measure, label in (("any", "Proven reoffending within a year (%)"), ("da", "Domestic-abuse reoffending within a year (%)")):
        c = compare(f, measure, root=root, frame=df)
        d = c.difference
        scaled = stats.Difference(100 * d.estimate, 100 * d.low, 100 * d.high, d.p_value, d.method) if d else None
        rows.append({"measure": label, "unit": "percentage points", "cara": 100 * c.cara_rate if c.cara_n else None,
                     "comparison": 100 * c.comparison_rate if c.comparison_n else None, "cara_n": c.cara_n,
                     "comparison_n": c.comparison_n, "enough": c.enough, "difference": scaled if c.enough else None})
    for measure, label, unit in (("frequency", "Proven reoffences per 100 people", "reoffences per 100 people"),
                                 ("harm", "Crime-harm days per person", "crime-harm days per person")):
        mc = compare_means(f, measure, root=root, frame=df)
        rows.append({"measure": label, "unit": unit, "cara": mc.cara_mean, "comparison": mc.comparison_mean, "cara_n": mc.cara_n,
                     "comparison_n": mc.comparison_n, "enough": mc.enough, "difference": mc.difference if mc.enough else None})
    return pd.DataFrame(rows)


#: Short unit words for the forest chart's labels.
_SHORT_UNIT = {"percentage points": "points", "reoffences per 100 people": "per 100", "crime-harm days per person": "days"}


def _forest(rows: pd.DataFrame) -> go.Figure:
    """One small dot-and-whisker chart per measure (each in its own unit), zero marked."""
    shown = rows[rows["enough"]]
    estimates = []
    for r in shown.itertuples():
        d = r.difference
        way = "lower" if d.estimate < 0 else "higher"
        estimates.append(charts.Estimate(
            title=f"{r.measure.replace(' (%)', '')}: CARA minus comparison", estimate=d.estimate, low=d.low, high=d.high,
            label=f"{fmt.number(abs(d.estimate), 1)} {_SHORT_UNIT.get(r.unit, r.unit)} {way} ({stats.format_p(d.p_value)})",
            hover=f"%{{x:.1f}} {r.unit} (95% CI {d.low:.1f} to {d.high:.1f})",
            axis_title=f"{r.unit} (below zero: lower for CARA)"))
    return charts.forest(estimates, empty_text=f"No comparison is made: fewer than {MIN_GROUP} people in a group.")


@cached_panel
def comparison_panel(f: Filters, root: Path | None = None) -> Panel:
    """The comparison table: each measure, CARA against comparison, difference, 95% CI and p-value."""
    m = registry.get("reoffending_rate")
    df = _cohort(f, root)
    rows = comparisons(f, root, frame=df)
    enough = rows[rows["enough"]]
    if enough.empty:
        c = compare(f, root=root, frame=df)
        title = "No comparison is made: " + ("there is no comparison group for this area" if c.comparison_n == 0
                                             else f"fewer than {MIN_GROUP} people in a group")
    else:
        lower = [r for r in enough.itertuples() if r.difference.significant and r.difference.estimate < 0]
        higher = [r for r in enough.itertuples() if r.difference.significant and r.difference.estimate > 0]
        k = len(enough)
        if len(lower) == k:
            title = f"People referred to CARA did better than the comparison group on all {k} measures"
        elif lower and not higher:
            title = (f"People referred to CARA did clearly better on {len(lower)} of {k} measures; "
                     "the other differences could be chance")
        elif not lower and not higher:
            title = "None of the measures shows a clear difference between people referred to CARA and the comparison group"
        else:
            title = f"People referred to CARA did clearly better on {len(lower)} and clearly worse on {len(higher)} of {k} measures"
    num = lambda v: None if v is None or pd.isna(v) else round(float(v), 1)  # noqa: E731
    table = pd.DataFrame({
        "Measure": rows["measure"],
        "Referred to CARA": [num(v) for v in rows["cara"]],
        "Comparison group": [num(v) for v in rows["comparison"]],
        "Difference (CARA minus comparison)": [num(d.estimate) if d else None for d in rows["difference"]],
        "Lower 95% limit": [num(d.low) if d else None for d in rows["difference"]],
        "Upper 95% limit": [num(d.high) if d else None for d in rows["difference"]],
        "Difference in": rows["unit"],
        "p-value": [stats.format_p(d.p_value) if d else "" for d in rows["difference"]],
        "What it shows": [_verdict(d, e) for d, e in zip(rows["difference"], rows["enough"])],
        "People referred to CARA": rows["cara_n"],
        "People in comparison group": rows["comparison_n"],
    })
    notes = (
        "Intention to treat: everyone referred to CARA counts, whether or not they completed the workshops. "
        "A difference is statistically significant when its 95% confidence interval excludes zero.",
    )
    if enough.empty:
        notes = notes + (compare(f, root=root, frame=df).sentence(),)
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, df, root) + ". Whiskers are 95% confidence intervals.",
                 table=table, figure=_forest(rows), summary=title + ".", notes=notes)


# --- trends by cohort quarter and by area --------------------------------------------------


@cached_panel
def trend_panel(f: Filters, root: Path | None = None) -> Panel:
    """CARA reoffending rate by quarter of caution (Wilson band), with the comparison group's overall rate."""
    m = registry.get("reoffending_rate")
    df = _cohort(f, root)
    lci = last_complete_index(root)
    cara = df[df["cohort_group"] == "cara"].copy()
    cara["period_start"] = pd.to_datetime(cara["index_date"]).dt.to_period("Q").dt.start_time
    cara["reoffended"] = (cara["reoffences"] > 0).astype("int64")
    g = cara.groupby("period_start", as_index=False).agg(n=("person_id", "size"), x=("reoffended", "sum"))
    sel = Filters(f.date_from, min(f.date_to, lci), f.area_code)
    q = fill_periods(g, sel, "quarter", ["n", "x"])
    nz = (q["n"] > 0).to_numpy().nonzero()[0]
    q = q.iloc[nz[0]:nz[-1] + 1].reset_index(drop=True)
    rates, lows, highs = [], [], []
    for x, n in zip(q["x"], q["n"]):
        lo, hi = stats.wilson_interval(int(x), int(n)) if n else (float("nan"), float("nan"))
        rates.append(x / n if n else float("nan")), lows.append(lo), highs.append(hi)
    q["rate"], q["low"], q["high"] = rates, lows, highs
    c = compare(f, root=root, frame=df)
    q["comparison"] = c.comparison_rate if c.comparison_n else float("nan")
    shown = q[q["n"] > 0]
    series, names = ["rate"], ["Referred to CARA (band: 95% interval)"]
    if c.comparison_n:
        series.append("comparison")
        names.append(f"Comparison group overall ({comparison_text(df)})")
    fig = charts.line_chart(shown, "period_start", series, names=names, percent=True, bands={"rate": ("low", "high")},
                            y_title="Proven reoffence within a year", events=charts.PROGRAMME_EVENTS,
                            xaxis=dict(title_text="Quarter of caution"),
                            # the comparison is a reference level, not quarterly data: a plain dashed line
                            reference=("comparison",))
    if c.enough:
        below = int((shown["rate"] < c.comparison_rate).sum())
        title = (f"In {below} of {len(shown)} quarters people referred to CARA reoffended less often than the comparison "
                 f"group's {fmt.pct(c.comparison_rate, 0)}")
    else:
        title = (f"Reoffending of people referred to CARA ranged from {fmt.pct(shown['rate'].min(), 0)} to "
                 f"{fmt.pct(shown['rate'].max(), 0)} a quarter")
    table = pd.DataFrame({
        "Quarter of caution": q["period"], "People referred": q["n"], "Reoffended within a year": q["x"],
        "Rate (%)": (100 * q["rate"]).round(1), "Lower 95% limit (%)": (100 * q["low"]).round(1),
        "Upper 95% limit (%)": (100 * q["high"]).round(1), "Comparison group rate (%)": (100 * q["comparison"]).round(1),
    })
    notes = ("A single quarter has few people, so its interval is wide: look at the overall comparison, not one quarter.",)
    if not c.enough:
        notes += (c.sentence(),)
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, df, root), table=table, figure=fig,
                 summary=title + ".", notes=notes)


def _members(root: Path | None) -> dict[str, set[str]]:
    """Current area code -> the current local authorities inside it (itself for an LA)."""
    areas = areas_frame(root)
    parents = dict(zip(areas["area_code"], areas["parent_code"]))
    out: dict[str, set[str]] = {c: set() for c in areas["area_code"]}
    for code, kind in zip(areas["area_code"], areas["area_type"]):
        if kind != "local_authority":
            continue
        node = code
        for _ in range(10):
            out.setdefault(node, set()).add(code)
            node = parents.get(node)
            if node is None or pd.isna(node):
                break
    return out


@cached_panel
def area_panel(f: Filters, root: Path | None = None) -> Panel:
    """Reoffending of people referred to CARA in each area of the force, with its comparison group."""
    m = registry.get("reoffending_rate")
    force = force_of(f.area_code, root)
    ff = f.with_area(force)
    df = _cohort(ff, root)
    areas = areas_frame(root)
    members = _members(root)
    rows = []
    inside = members.get(force, set())
    for code, name, kind in zip(areas["area_code"], areas["area_name"], areas["area_type"]):
        if not members.get(code) or not members[code] <= inside:
            continue
        part = df[df["area_code"].isin(members[code])]
        c = compare(ff, "any", root=root, frame=part)
        if c.cara_n == 0:
            continue
        lo, hi = stats.wilson_interval(c.cara_events, c.cara_n)
        d = c.difference if c.enough else None
        rows.append({"code": code, "name": name, "kind": kind, "n": c.cara_n, "x": c.cara_events, "rate": c.cara_rate, "low": lo,
                     "high": hi, "cn": c.comparison_n, "crate": c.comparison_rate if c.comparison_n else float("nan"),
                     "enough": c.enough, "d": d})
    if not rows:
        raise NoData(f"No one referred to CARA in the force area {during(f)} has a complete reoffending follow-up.")
    t = pd.DataFrame(rows)
    t["text"] = [f"{fmt.pct(r, 0)} (comparison {fmt.pct(cr, 0)})" if cn else fmt.pct(r, 0)
                 for r, cr, cn in zip(t["rate"], t["crate"], t["cn"])]
    t["label"] = [_wrap(n) for n in t["name"]]
    selected = t.loc[t["code"] == f.area_code, "label"]
    fig = charts.bar_chart(t, "label", "rate", percent=True, text="text", error=("low", "high"), inside="middle",
                           highlight=selected.iloc[0] if len(selected) else None, height=max(300, 90 + 62 * len(t)),
                           value_title="Referred to CARA: reoffended within a year (95% interval)")
    sub = t[t["kind"] != "force"]
    compared = sub[sub["enough"]]
    if len(compared) and all(d.estimate < 0 for d in compared["d"]):
        clear = sum(d.significant for d in compared["d"])
        title = (f"People referred to CARA reoffended less than their area's comparison group in every area compared; "
                 f"the difference is clear in {clear} of {len(compared)}")
    elif len(sub):
        hi_row, lo_row = sub.loc[sub["rate"].idxmax()], sub.loc[sub["rate"].idxmin()]
        title = (f"Reoffending after referral to CARA ranged from {fmt.pct(lo_row['rate'], 0)} in {lo_row['name']} "
                 f"to {fmt.pct(hi_row['rate'], 0)} in {hi_row['name']}")
    else:
        title = f"{fmt.pct(t.iloc[0]['rate'], 0)} of people referred to CARA reoffended within a year"
    num = lambda v: None if v is None or pd.isna(v) else round(float(v), 1)  # noqa: E731
    table = pd.DataFrame({
        "Area": t["name"], "Area type": t["kind"].str.replace("_", " ").str.capitalize(),
        "People referred": t["n"], "Reoffended within a year": t["x"], "Rate (%)": (100 * t["rate"]).round(1),
        "Lower 95% limit (%)": (100 * t["low"]).round(1), "Upper 95% limit (%)": (100 * t["high"]).round(1),
        "People in comparison group": t["cn"], "Comparison group rate (%)": (100 * t["crate"]).round(1),
        "Difference (points)": [num(100 * d.estimate) if d else None for d in t["d"]],
        "Lower 95% limit (points)": [num(100 * d.low) if d else None for d in t["d"]],
        "Upper 95% limit (points)": [num(100 * d.high) if d else None for d in t["d"]],
        "p-value": [stats.format_p(d.p_value) if d else "" for d in t["d"]],
        "What it shows": [_verdict(d, e) for d, e in zip(t["d"], t["enough"])],
    })
    return Panel(metric_id=m.id, title=title,
                 subtitle=f"Areas in the force; {period_text(f, root)}; n = {persons(t.iloc[0]['n'])} referred in the force. "
                          "Each area is compared with the comparison group from the same area. Lines show 95% confidence intervals.",
                 table=table, figure=fig, summary=title + ".")


# --- what the page says about follow-up, and its headline tiles ----------------------------------


def follow_up_note(f: Filters, root: Path | None = None) -> str:
    """Which cohorts are left out because their 18-month follow-up has not ended, in a sentence."""
    lci = last_complete_index(root)
    as_at = data_as_at(root)
    df = warehouse.query("reoffending_cohorts", f.params(last_complete_index=lci), root=root)
    df = df[df["cohort_group"] == "cara"].copy()
    q_from = pd.Timestamp(f.date_from).to_period("Q").start_time
    starts = pd.to_datetime(df["cohort_quarter"])
    df = df[(starts >= q_from) & (starts <= pd.Timestamp(f.date_to))]
    rule = (f"Reoffending is counted as the Ministry of Justice counts it: an offence within 12 months of the caution, "
            f"proven within a further 6 months. The data runs to {format_date(as_at)}, so only cautions up to "
            f"{format_date(lci)} have a complete follow-up.")
    if df.empty:
        return f"No one was referred to CARA in {_area(f, root)} {during(f)}. {rule}"
    left = df[~df["follow_up_complete"].astype(bool)]
    if left.empty:
        return f"Every caution {during(f)} has a complete follow-up and is counted. {rule}"
    first, last = pd.Timestamp(left["cohort_quarter"].min()).date(), pd.Timestamp(left["cohort_quarter"].max()).date()
    quarters = period_label(first, "quarter") if first == last else f"{period_label(first, 'quarter')} to {period_label(last, 'quarter')}"
    partly = " (partly)" if first <= lci else ""
    return (f"Not yet counted: {persons(left['people'].sum())} referred in {quarters}{partly}, whose follow-up has not ended yet. "
            f"{rule}")


def headline_tiles(f: Filters, root: Path | None = None) -> list[Tile]:
    """Intention to treat against comparison: CARA rate, comparison rate, and the difference."""
    m = registry.get("reoffending_rate")
    df = _cohort(f, root)
    c = compare(f, root=root, frame=df)
    period = period_text(f, root).removeprefix("cautions ").split(" (")[0]
    tiles = [Tile(m.id, "Referred to CARA", c.cara_rate, fmt.pct(c.cara_rate), None,
                  f"reoffended within a year: {c.cara_events:,} of {c.cara_n:,} people referred", f"cautions {period}", m.definition)]
    if c.comparison_n:
        tiles.append(Tile(m.id, "Comparison group", c.comparison_rate, fmt.pct(c.comparison_rate), None,
                          f"reoffended within a year: {c.comparison_events:,} of {c.comparison_n:,} people", comparison_text(df), m.definition))
    if c.enough:
        d = c.difference
        way = "lower" if d.estimate < 0 else "higher"
        tiles.append(Tile(m.id, "Difference (points)", d.estimate, f"{100 * d.estimate:+.1f}".replace("-", "−"), None,
                          f"{way} for CARA; 95% CI {_ci_words(d, 'points', 100)}; {stats.format_p(d.p_value)}",
                          "statistically significant" if d.significant else "not statistically significant", m.definition))
    else:
        tiles.append(Tile(m.id, "Difference (points)", None, "Not compared", None,
                          _why_not(c.cara_n, c.comparison_n), f"at least {MIN_GROUP} people needed in each group", m.definition))
    return tiles


def no_data_reason(f: Filters, root: Path | None = None) -> str | None:
    """One friendly sentence when nothing on the page can be shown for the selection, else None."""
    try:
        _cohort(f, root)
    except NoData as exc:
        return f"No data for this selection. {exc} Try a wider period or another area."
    return None


def completers_caveat() -> str:
    """The selection-bias warning shown next to any completers-only figure (from the registry)."""
    return f"Read with care. {registry.get('reoffending_completers').caveats.split(' Measured as')[0]}"
