"""The charts and tables of the Reoffending page (each a cached Panel).

Every builder reads the same counts of the selection (metrics.reoffending.counts: group sums,
Kaplan-Meier counts by day and counts by quarter, summed in SQL from the force's councils), so
the MoJ window is defined once, in _setup_reoffending.sql, and no row per person is fetched."""

from __future__ import annotations

from functools import partial

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ... import charts, formatting as fmt, registry, stats
from ...panels import NoData, Panel
from ...areas import areas_frame, display_names, force_of, cached_on_version as cached_panel
from ...periods import Filters, period_label, period_starts
from ...metrics.reoffending import (COMPARISON_LABEL, GROUP_LABEL, Counts, Group, MIN_GROUP, Measure, area_sums, comparison_of,
    cumulative, from_counts, km_groups, last_complete_index, mean_comparison_of)
from ..area_level import kind_column, level_for, level_words, one_level, partnerships_not_shown
from .wording import (MILESTONES, _RATE_METRIC, _area, _cohort, _mean_clause, _mean_notes, _rate_title, _subtitle, _verdict,
    _why_not, _wrap, comparison_text, completers_caveat, difference_text, during, period_text, persons)


def _columns(rows: list[dict]) -> dict[str, np.ndarray | list]:
    """A list of row dicts as columns: numbers as NumPy arrays (for rounding), text as lists."""
    out: dict[str, np.ndarray | list] = {}
    for k in rows[0]:
        v = [r[k] for r in rows]
        out[k] = v if isinstance(v[0], str) else np.asarray(v)
    return out


def _round(values: np.ndarray, decimals: int) -> np.ndarray:
    """NumPy's rounding, as ``Series.round`` gives (the tables were rounded that way before)."""
    return np.round(np.asarray(values, dtype=float), decimals)


def _bars(rows: list[dict], texts: list[str], x: str, y: str, **kw) -> go.Figure:
    """charts.bar_chart of the rows with their labels, the frame made only when the chart is drawn."""
    return charts.bar_chart(pd.DataFrame(rows).assign(text=texts), x, y, text="text", **kw)


@cached_panel
def rate_panel(f: Filters, measure: Measure = "any", group: Group = "itt", root: Path | None = None) -> Panel:
    """Proven (or domestic-abuse) reoffending rate of CARA against comparison, with Wilson intervals."""
    m = registry.get(_RATE_METRIC[measure] if group == "itt" else "reoffending_completers")
    counts = _cohort(f, root)
    c = comparison_of(counts, measure, group)
    if c.cara_n == 0:
        raise NoData(f"No one who completed CARA in {_area(f, root)} {during(f)} has a complete reoffending follow-up.")
    rows = []
    for label, x, n in ((GROUP_LABEL[group], c.cara_events, c.cara_n), (COMPARISON_LABEL, c.comparison_events, c.comparison_n)):
        if n:
            lo, hi = stats.wilson_interval(x, n)
            rows.append({"group": label, "n": n, "x": x, "rate": x / n, "low": lo, "high": hi})
    texts = [f"{fmt.pct(r['rate'], 0)} ({r['x']:,} of {r['n']:,})" for r in rows]
    fig = partial(_bars, rows, texts, "group", "rate", percent=True, error=("low", "high"), highlight=GROUP_LABEL[group], inside="middle",
                  value_title="Reoffended within a year (95% interval)" if measure == "any" else "Domestic-abuse reoffence within a year (95% interval)")
    title = _rate_title(c)
    notes = [c.sentence()]
    if c.enough:
        notes.append(difference_text(c.difference, "percentage points", scale=100))
    if group == "completers":
        notes.insert(0, completers_caveat())
    col = _columns(rows)
    table = pd.DataFrame({
        "Group": col["group"],
        "People": col["n"],
        ("Reoffended within a year" if measure == "any" else "Domestic-abuse reoffence within a year"): col["x"],
        "Rate (%)": _round(100 * col["rate"], 1),
        "Lower 95% limit (%)": _round(100 * col["low"], 1),
        "Upper 95% limit (%)": _round(100 * col["high"], 1),
    })
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, counts, root, group), table=table, figure=fig,
                 summary=f"{title}. {c.sentence()}", notes=tuple(notes))


@cached_panel
def frequency_panel(f: Filters, root: Path | None = None) -> Panel:
    """Proven reoffences per 100 people, CARA against comparison."""
    m = registry.get("reoffending_frequency")
    counts = _cohort(f, root)
    mc = mean_comparison_of(counts, "frequency")
    rows = []
    for label, part in counts.labelled():
        offences, reoffenders = part.reoffences, part.reoffended
        rows.append({"group": label, "n": part.n, "offences": offences, "per100": 100 * offences / part.n,
                     "reoffenders": reoffenders, "per_reoffender": offences / reoffenders if reoffenders else float("nan")})
    fig = partial(_bars, rows, [fmt.number(r["per100"], 1) for r in rows], "group", "per100", highlight=GROUP_LABEL["itt"],
                  inside="middle", value_title="Proven reoffences per 100 people")
    title = f"{fmt.number(mc.cara_mean, 0)} proven reoffences per 100 people referred to CARA"
    if mc.comparison_n:
        title += f", against {fmt.number(mc.comparison_mean, 0)} per 100 in the comparison group"
    title += f": {_mean_clause(mc)}"
    col = _columns(rows)
    table = pd.DataFrame({
        "Group": col["group"], "People": col["n"], "Proven reoffences": col["offences"],
        "Reoffences per 100 people": _round(col["per100"], 1), "People who reoffended": col["reoffenders"],
        "Reoffences per reoffender": _round(col["per_reoffender"], 2),
    })
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, counts, root), table=table, figure=fig,
                 summary=title + ".", notes=tuple(_mean_notes(mc, "reoffences per 100 people")))


@cached_panel
def harm_panel(f: Filters, root: Path | None = None) -> Panel:
    """Mean Cambridge Crime Harm Index days of proven reoffending per person."""
    m = registry.get("reoffending_harm")
    counts = _cohort(f, root)
    mc = mean_comparison_of(counts, "harm")
    rows = []
    for label, part in counts.labelled():
        rows.append({"group": label, "n": part.n, "total": part.harm_days, "mean": part.harm_days / part.n})
    fig = partial(_bars, rows, [f"{fmt.number(r['mean'], 1)} days" for r in rows], "group", "mean", highlight=GROUP_LABEL["itt"],
                  inside="middle", value_title="Crime-harm days per person")
    title = f"People referred to CARA averaged {fmt.number(mc.cara_mean, 1)} crime-harm days of proven reoffending each"
    if mc.comparison_n:
        title += f", against {fmt.number(mc.comparison_mean, 1)} in the comparison group"
    title += f": {_mean_clause(mc)}"
    notes = _mean_notes(mc, "crime-harm days per person") + [
        "For context: in the Hampshire randomised trial (Strang et al. 2017) the mean was 8.4 days per offender with the "
        "workshops and 11.6 without, counting all re-arrests rather than proven reoffences, so the figures are not directly comparable."]
    col = _columns(rows)
    table = pd.DataFrame({
        "Group": col["group"], "People": col["n"], "Crime-harm days in total": _round(col["total"], 1),
        "Crime-harm days per person": _round(col["mean"], 2),
    })
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, counts, root), table=table, figure=fig,
                 summary=title + ".", notes=tuple(notes))


def _time_figure(kms: dict[str, pd.DataFrame]) -> go.Figure:
    """The cumulative share reoffended by day, one step curve per group (built only when drawn)."""
    return charts.step_curves({label: cumulative(curve) for label, curve in kms.items()}, y_title="Reoffended (cumulative)",
                              xaxis=dict(range=[0, 370], tickvals=[0, 91, 182, 273, 365], title_text="Time since caution",
                                         ticktext=["0", "3 months", "6 months", "9 months", "12 months"]))


@cached_panel
def time_panel(f: Filters, measure: Measure = "any", root: Path | None = None) -> Panel:
    """Cumulative share with a first proven reoffence by days since caution (Kaplan-Meier)."""
    m = registry.get("time_to_reoffence")
    counts = _cohort(f, root)
    kms = km_groups(counts, measure)
    fig = partial(_time_figure, kms)
    columns: dict[str, list] = {"Time since caution": [label for _, label in MILESTONES]}
    at = {}
    for name, curve in kms.items():
        vals = [stats.cumulative_incidence_at(curve, day) for day, _ in MILESTONES]
        at[name] = vals
        columns[f"{name}: reoffended (%)"] = [round(100 * v[0], 1) for v in vals]
        columns[f"{name}: lower 95% limit (%)"] = [round(100 * v[1], 1) for v in vals]
        columns[f"{name}: upper 95% limit (%)"] = [round(100 * v[2], 1) for v in vals]
    table = pd.DataFrame(columns)
    cara, comp = at.get(GROUP_LABEL["itt"]), at.get(COMPARISON_LABEL)
    six, year = 2, 4
    if comp:
        title = (f"By six months {fmt.pct(cara[six][0], 0)} of people referred to CARA had a first proven reoffence, against "
                 f"{fmt.pct(comp[six][0], 0)} of the comparison group; by a year, {fmt.pct(cara[year][0], 0)} against {fmt.pct(comp[year][0], 0)}")
    else:
        title = (f"By six months {fmt.pct(cara[six][0], 0)} of people referred to CARA had a first proven reoffence; "
                 f"by a year, {fmt.pct(cara[year][0], 0)}")
    n_cara, n_comp = counts.cara.n, counts.comparison.n
    notes = () if n_cara >= MIN_GROUP and n_comp >= MIN_GROUP else (_why_not(n_cara, n_comp),)
    if notes and comp:
        title += ": too few people to compare"
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, counts, root) + ". Shaded bands are 95% confidence intervals.",
                 table=table, figure=fig, summary=title + ".", notes=notes)


# --- the comparison table ------------------------------------------------------------------


def comparisons(f: Filters, root: Path | None = None, frame: Counts | None = None) -> pd.DataFrame:
    """Every intention-to-treat comparison: one row per measure, difference with 95% CI and p.

    Columns: measure, unit, cara, comparison, cara_n, comparison_n, enough, difference
    (a stats.Difference, CARA minus comparison, in the measure's unit; None when not enough).
    """
    return pd.DataFrame(_comparison_rows(_cohort(f, root) if frame is None else frame))


def _comparison_rows(counts: Counts) -> list[dict]:
    """:func:`comparisons` as a list of rows (the panel reads them without a DataFrame)."""
    rows = []
    for measure, label in (("any", "Proven reoffending within a year (%)"), ("da", "Domestic-abuse reoffending within a year (%)")):
        c = comparison_of(counts, measure)
        d = c.difference
        scaled = stats.Difference(100 * d.estimate, 100 * d.low, 100 * d.high, d.p_value, d.method) if d else None
        rows.append({"measure": label, "unit": "percentage points", "cara": 100 * c.cara_rate if c.cara_n else None,
                     "comparison": 100 * c.comparison_rate if c.comparison_n else None, "cara_n": c.cara_n,
                     "comparison_n": c.comparison_n, "enough": c.enough, "difference": scaled if c.enough else None})
    for measure, label, unit in (("frequency", "Proven reoffences per 100 people", "reoffences per 100 people"),
                                 ("harm", "Crime-harm days per person", "crime-harm days per person")):
        mc = mean_comparison_of(counts, measure)
        rows.append({"measure": label, "unit": unit, "cara": mc.cara_mean, "comparison": mc.comparison_mean, "cara_n": mc.cara_n,
                     "comparison_n": mc.comparison_n, "enough": mc.enough, "difference": mc.difference if mc.enough else None})
    return rows


#: Short unit words for the forest chart's labels.
_SHORT_UNIT = {"percentage points": "points", "reoffences per 100 people": "per 100", "crime-harm days per person": "days"}


def _forest(rows: list[dict]) -> go.Figure:
    """One small dot-and-whisker chart per measure (each in its own unit), zero marked."""
    estimates = []
    for r in (r for r in rows if r["enough"]):
        d, unit = r["difference"], r["unit"]
        way = "lower" if d.estimate < 0 else "higher"
        estimates.append(charts.Estimate(
            title=f"{r['measure'].replace(' (%)', '')}: CARA minus comparison", estimate=d.estimate, low=d.low, high=d.high,
            label=f"{fmt.number(abs(d.estimate), 1)} {_SHORT_UNIT.get(unit, unit)} {way} ({stats.format_p(d.p_value)})",
            hover=f"%{{x:.1f}} {unit} (95% CI {d.low:.1f} to {d.high:.1f})",
            axis_title=f"{unit} (below zero: lower for CARA)"))
    return charts.forest(estimates, empty_text=f"No comparison is made: fewer than {MIN_GROUP} people in a group.")


@cached_panel
def comparison_panel(f: Filters, root: Path | None = None) -> Panel:
    """The comparison table: each measure, CARA against comparison, difference, 95% CI and p-value."""
    m = registry.get("reoffending_rate")
    counts = _cohort(f, root)
    rows = _comparison_rows(counts)
    enough = [r for r in rows if r["enough"]]
    if not enough:
        c = comparison_of(counts)
        title = "No comparison is made: " + ("there is no comparison group for this area" if c.comparison_n == 0
                                             else f"fewer than {MIN_GROUP} people in a group")
    else:
        lower = [r for r in enough if r["difference"].significant and r["difference"].estimate < 0]
        higher = [r for r in enough if r["difference"].significant and r["difference"].estimate > 0]
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
    col = {k: [r[k] for r in rows] for k in rows[0]}
    diffs = col["difference"]
    table = pd.DataFrame({
        "Measure": col["measure"],
        "Referred to CARA": [num(v) for v in col["cara"]],
        "Comparison group": [num(v) for v in col["comparison"]],
        "Difference (CARA minus comparison)": [num(d.estimate) if d else None for d in diffs],
        "Lower 95% limit": [num(d.low) if d else None for d in diffs],
        "Upper 95% limit": [num(d.high) if d else None for d in diffs],
        "Difference in": col["unit"],
        "p-value": [stats.format_p(d.p_value) if d else "" for d in diffs],
        "What it shows": [_verdict(d, e) for d, e in zip(diffs, col["enough"])],
        "People referred to CARA": col["cara_n"],
        "People in comparison group": col["comparison_n"],
    })
    notes = (
        "Intention to treat: everyone referred to CARA counts, whether or not they completed the workshops. "
        "A difference is statistically significant when its 95% confidence interval excludes zero.",
    )
    if not enough:
        notes = notes + (comparison_of(counts).sentence(),)
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, counts, root) + ". Whiskers are 95% confidence intervals.",
                 table=table, figure=partial(_forest, rows), summary=title + ".", notes=notes)


# --- trends by cohort quarter and by area --------------------------------------------------


@cached_panel
def trend_panel(f: Filters, root: Path | None = None) -> Panel:
    """CARA reoffending rate by quarter of caution (Wilson band), with the comparison group's overall rate."""
    m = registry.get("reoffending_rate")
    counts = _cohort(f, root)
    lci = last_complete_index(root)
    # every quarter from the first to the last with anyone referred, zero in between (as fill_periods)
    starts = period_starts(f.date_from, min(f.date_to, lci), "quarter")
    ns = [counts.quarters.get(d, (0, 0))[0] for d in starts]
    nz = [i for i, n in enumerate(ns) if n > 0]
    starts = starts[nz[0]:nz[-1] + 1]
    ns, xs = [counts.quarters.get(d, (0, 0))[0] for d in starts], [counts.quarters.get(d, (0, 0))[1] for d in starts]
    rates, lows, highs = [], [], []
    for x, n in zip(xs, ns):
        lo, hi = stats.wilson_interval(x, n) if n else (float("nan"), float("nan"))
        rates.append(x / n if n else float("nan")), lows.append(lo), highs.append(hi)
    c = comparison_of(counts)
    comparison = c.comparison_rate if c.comparison_n else float("nan")
    shown = [i for i, n in enumerate(ns) if n > 0]
    series, names = ["rate"], ["Referred to CARA (band: 95% interval)"]
    if c.comparison_n:
        series.append("comparison")
        names.append(f"Comparison group overall ({comparison_text(counts)})")
    chart = {"period_start": pd.to_datetime([starts[i] for i in shown]), "n": [ns[i] for i in shown], "x": [xs[i] for i in shown],
             "rate": [rates[i] for i in shown], "low": [lows[i] for i in shown], "high": [highs[i] for i in shown],
             "comparison": [comparison] * len(shown)}
    fig = partial(_trend_figure, chart, series, names)
    # A quarter is compared only when it, like the comparison group, has at least MIN_GROUP
    # people (true counts): a quarter of 20 people says little about CARA either way.
    big = [rates[i] for i in shown if ns[i] >= MIN_GROUP]
    small = len(shown) - len(big)
    few = (f"{small} {'quarter has' if small == 1 else 'quarters have'} fewer than {MIN_GROUP} people referred "
           f"and {'is' if small == 1 else 'are'} not compared") if small else ""
    if c.enough and len(big):
        below = sum(r < c.comparison_rate for r in big)
        title = (f"In {below} of {len(big)} {'quarter' if len(big) == 1 else 'quarters'} with at least {MIN_GROUP} people "
                 f"referred, people referred to CARA reoffended less often than the comparison group's "
                 f"{fmt.pct(c.comparison_rate, 0)}" + (f"; {few}" if few else ""))
    else:
        title = (f"Reoffending of people referred to CARA ranged from {fmt.pct(min(chart['rate']), 0)} to "
                 f"{fmt.pct(max(chart['rate']), 0)} a quarter")
        if c.enough:
            title += f"; no quarter has {MIN_GROUP} people referred, so none is compared with the comparison group"
    pct = lambda v: np.round(100 * np.asarray(v, dtype=float), 1)  # noqa: E731  (as Series.round: NumPy's rounding)
    table = pd.DataFrame({
        "Quarter of caution": [period_label(d, "quarter") for d in starts], "People referred": np.asarray(ns, dtype=np.int64),
        "Reoffended within a year": np.asarray(xs, dtype=np.int64), "Rate (%)": pct(rates), "Lower 95% limit (%)": pct(lows),
        "Upper 95% limit (%)": pct(highs), "Comparison group rate (%)": pct([comparison] * len(starts)),
    })
    notes = ("A single quarter has few people, so its interval is wide: look at the overall comparison, not one quarter.",)
    if not c.enough:
        notes += (c.sentence(),)
    return Panel(metric_id=m.id, title=title, subtitle=_subtitle(f, counts, root), table=table, figure=fig,
                 summary=title + ".", notes=notes)


def _trend_figure(chart: dict, series: list[str], names: list[str]) -> go.Figure:
    """The quarterly rate with its band and the comparison group's overall rate (built only when drawn)."""
    return charts.line_chart(pd.DataFrame(chart), "period_start", series, names=names, percent=True, bands={"rate": ("low", "high")},
                             y_title="Proven reoffence within a year", events=charts.PROGRAMME_EVENTS,
                             xaxis=dict(title_text="Quarter of caution"),
                             # the comparison is a reference level, not quarterly data: a plain dashed line
                             reference=("comparison",))


def _area_figure(rows: list[dict], selected: str | None) -> go.Figure:
    """The area bar chart: each area's rate with its interval, the comparison rate in the label."""
    t = pd.DataFrame(rows)
    t["text"] = [f"{fmt.pct(r, 0)} (comparison {fmt.pct(cr, 0)})" if cn else fmt.pct(r, 0)
                 for r, cr, cn in zip(t["rate"], t["crate"], t["cn"])]
    t["label"] = [_wrap(n) for n in t["name"]]
    return charts.bar_chart(t, "label", "rate", percent=True, text="text", error=("low", "high"), inside="middle",
                            highlight=selected, height=max(300, 90 + 62 * len(t)),
                            value_title="Referred to CARA: reoffended within a year (95% interval)")


@cached_panel
def area_panel(f: Filters, root: Path | None = None, level: str | None = None) -> Panel:
    """Reoffending of people referred to CARA in the force and the areas of one level (councils
    or partnerships, never both), each with its own comparison group."""
    m = registry.get("reoffending_rate")
    force = force_of(f.area_code, root)
    lvl = level_for(f, level, root)
    ff = f.with_area(force)
    counts = area_sums(ff, root)
    if sum(v[0] for v in counts.values()) == 0:
        _cohort(ff, root)  # raises NoData saying why no one can be counted
    every = areas_frame(root)
    # only areas inside the force have counts: naming the rest (every council in the country) is wasted work
    areas = one_level(every[every["area_code"].isin(list(counts))], force, lvl)
    rows = []
    for code, name, kind in zip(areas["area_code"], display_names(areas, root), areas["area_type"]):
        if code not in counts or counts[code][0] == 0:
            continue
        c = from_counts("any", "itt", *counts[code])
        lo, hi = stats.wilson_interval(c.cara_events, c.cara_n)
        d = c.difference if c.enough else None
        rows.append({"code": code, "name": name, "kind": kind, "n": c.cara_n, "x": c.cara_events, "rate": c.cara_rate, "low": lo,
                     "high": hi, "cn": c.comparison_n, "crate": c.comparison_rate if c.comparison_n else float("nan"),
                     "enough": c.enough, "d": d})
    if not rows:
        raise NoData(f"No one referred to CARA in the force area {during(f)} has a complete reoffending follow-up.")
    # Plain lists, one DataFrame for the table: the chart's frame is made only when it is drawn.
    col = {k: [r[k] for r in rows] for k in rows[0]}
    selected = next((_wrap(r["name"]) for r in rows if r["code"] == f.area_code), None)
    fig = partial(_area_figure, rows, selected)
    sub = [r for r in rows if r["kind"] != "force"]
    compared = [r for r in sub if r["enough"]]
    if compared and all(r["d"].estimate < 0 for r in compared):
        clear = sum(r["d"].significant for r in compared)
        title = (f"People referred to CARA reoffended less than their area's comparison group in every area compared; "
                 f"the difference is clear in {clear} of {len(compared)}")
    elif sub:
        # the first area with the highest and with the lowest rate (as idxmax and idxmin pick)
        hi_row, lo_row = max(sub, key=lambda r: r["rate"]), min(sub, key=lambda r: r["rate"])
        title = (f"Reoffending after referral to CARA ranged from {fmt.pct(lo_row['rate'], 0)} in {lo_row['name']} "
                 f"to {fmt.pct(hi_row['rate'], 0)} in {hi_row['name']}")
    else:
        title = f"{fmt.pct(rows[0]['rate'], 0)} of people referred to CARA reoffended within a year"
    num = lambda v: None if v is None or pd.isna(v) else round(float(v), 1)  # noqa: E731
    pct = lambda k: np.round(100 * np.asarray(col[k], dtype=float), 1)  # noqa: E731  (as Series.round: NumPy's rounding)
    ds = col["d"]
    table = pd.DataFrame({
        "Area": col["name"], "Area type": kind_column(col["kind"]),
        "People referred": col["n"], "Reoffended within a year": col["x"], "Rate (%)": pct("rate"),
        "Lower 95% limit (%)": pct("low"), "Upper 95% limit (%)": pct("high"),
        "People in comparison group": col["cn"], "Comparison group rate (%)": pct("crate"),
        "Difference (points)": [num(100 * d.estimate) if d else None for d in ds],
        "Lower 95% limit (points)": [num(100 * d.low) if d else None for d in ds],
        "Upper 95% limit (points)": [num(100 * d.high) if d else None for d in ds],
        "p-value": [stats.format_p(d.p_value) if d else "" for d in ds],
        "What it shows": [_verdict(d, e) for d, e in zip(ds, col["enough"])],
    })
    return Panel(metric_id=m.id, title=title,
                 subtitle=f"The force and its {level_words(lvl)}; {period_text(f, root)}; n = {persons(rows[0]['n'])} referred in the force. "
                          "Each area is compared with the comparison group from the same area. Lines show 95% confidence intervals.",
                 table=table, figure=fig, summary=title + ".",
                 notes=tuple(n for n in (partnerships_not_shown(m.id, force, lvl, root),) if n))


