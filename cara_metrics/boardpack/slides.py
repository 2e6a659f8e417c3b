"""What each content slide says: one builder per question, and two for value for money.

Every figure comes from the same library functions the dashboard pages call (the panels of
:mod:`cara_metrics.analysis` and the metric results of :mod:`cara_metrics.metrics`); a
builder only chooses them and returns a :class:`~.specs.SlideSpec`. Charts and tables are
bound to the results' machine columns (value, numerator, denominator, ci_low, ci_high),
never to the words shown on the dashboard.

Assumptions: reoffending is measured on the pack's trend window, so that cohorts whose
18-month follow-up has ended are counted (a single recent year has none). The survey slide
and value for money cover the pack's year alone (cost in the year, people referred in the
year; the effect is measured on every complete cohort, as the value-for-money page does).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

import pandas as pd

from .. import formatting as fmt, metrics, registry
from ..analysis import completion, crime, referrals, reoffending, survey, value
from ..areas import area_names, force_of
from ..metrics import Result
from ..panels import NoData, Panel
from .specs import ChartSpec, Context, SlideSpec
from .theme import DARK_BLUE, GREY, TEAL

#: Rows of a slide table at most (the full tables are on the dashboard).
MAX_TABLE_ROWS = 8


def _question_kicker(n: int, key: str) -> str:
    return f"Question {n} of 5 · {registry.QUESTIONS[key]}"


def _no_data_slide(n: int, key: str, exc: Exception) -> SlideSpec:
    return SlideSpec("question", registry.QUESTIONS[key], kicker=_question_kicker(n, key),
                     lines=[f"No data for this selection. {exc}"])


def _panel_slide(n: int, key: str, p: Panel, chart: ChartSpec, table: pd.DataFrame, *,
                 callout: Sequence[str] = (), notes: Sequence[str] = (), caveats: Sequence[str] | None = None,
                 table_width: float = 4.9) -> SlideSpec:
    """A question slide. ``notes`` are facts shown under the table; the panel's caveats (its
    chart notes, unless ``caveats`` is given) go to the one caveats slide, not onto this one."""
    caveats = _chart_notes(p) if caveats is None else list(caveats)
    if not chart.source:
        chart = replace(chart, source=source_line(p.metric.source, bool(chart.errors)))
    return SlideSpec(
        "question", p.title, kicker=_question_kicker(n, key), subtitle=p.subtitle, chart=chart, table=table,
        callout=list(callout), notes=list(notes), caveats=caveats,
        speaker="\n".join([p.summary, *p.notes, p.metric.footer]), metric_ids=[p.metric_id], table_width=table_width,
    )




def source_line(source: str, error_bars: bool = False, interval: str = "the 95% confidence interval") -> str:
    """The line under a chart: where its figures come from, and what its error bars show."""
    return f"Source: {source.strip().rstrip('.')}." + (f" Error bars: {interval}." if error_bars else "")


def _chart_notes(p: Panel) -> list[str]:
    """The panel's caveats: its notes, less those describing the dashboard's own chart (bands,
    lines) and those that restate a figure (a change or a difference: they are on the slide)."""
    return [n for n in p.notes
            if not re.match(r"(The shaded band|The line is|Lines (on|show)|Change from|Difference|For every)", n)]


def _points(r: Result, scale: float = 1.0, dp: int = 1, **keys) -> tuple[list[str], list[float | None], list[float | None], list[float | None]]:
    """(categories, values, lower, upper) from a result's machine columns; a provisional or
    break period is labelled with its mark ('2024/25 [p]') so a reader never takes it as final."""
    t = r.table
    for k, v in keys.items():
        t = t[t[k] == v]
    cats = [f"{p} {s}".strip() for p, s in zip(t["period"], t["symbol"])]

    def vals(col: str) -> list[float | None]:
        return [None if pd.isna(x) else round(scale * float(x), dp) for x in t[col]]

    return cats, vals("value"), vals("ci_low"), vals("ci_high")


def _result_table(r: Result, columns: dict[str, tuple[str, float, int]], **keys) -> pd.DataFrame:
    """A slide table from a result: heading -> (machine column, scale, decimal places)."""
    t = r.table
    for k, v in keys.items():
        t = t[t[k] == v]
    out = pd.DataFrame({"Period": [f"{p} {s}".strip() for p, s in zip(t["period"], t["symbol"])]})
    for heading, (col, scale, dp) in columns.items():
        out[heading] = ["–" if pd.isna(x) else (fmt.count(scale * x) if dp == 0 else fmt.number(scale * x, dp)) for x in t[col]]
    return out.tail(MAX_TABLE_ROWS).reset_index(drop=True)


def crime_slide(ctx: Context) -> SlideSpec:
    """Question 1: the domestic-abuse share of recorded crime, by financial year."""
    try:
        p = crime.share_panel(ctx.window, "year", ctx.root)
    except NoData as exc:
        return _no_data_slide(1, "crime", exc)
    r = metrics.compute("da_share", ctx.window, "period", "year", root=ctx.root)
    cats, vals, _, _ = _points(r, 100)
    series = [(ctx.area_name, vals)]
    columns = {"Domestic-abuse crimes": ("numerator", 1, 0), "All recorded crimes": ("denominator", 1, 0),
               "Share (%)": ("value", 100, 1)}
    table = _result_table(r, columns)
    force = force_of(ctx.area, ctx.root)
    if force != ctx.area:
        fr = metrics.compute("da_share", ctx.window.with_area(force), "period", "year", root=ctx.root)
        series.append((f"{area_names(ctx.root).get(force, force)} (comparator)", _points(fr, 100)[1]))
        table["Force share (%)"] = _result_table(fr, {"s": ("value", 100, 1)})["s"].to_numpy()
    chart = ChartSpec("line", cats, series, number_format='0.0"%"', axis_format='0"%"',
                      axis_title="Share of recorded crime (%)", alt_text=p.summary)
    return _panel_slide(1, "crime", p, chart, table, table_width=5.4 + 0.6 * (len(series) - 1))


def referrals_slide(ctx: Context) -> SlideSpec:
    """Question 2: people referred to CARA, by financial year."""
    try:
        p = referrals.volume_panel(ctx.window, "year", ctx.root)
    except NoData as exc:
        return _no_data_slide(2, "referrals", exc)
    r = metrics.compute("referrals", ctx.window, "period", "year", root=ctx.root)
    cats, vals, _, _ = _points(r, 1, 0)
    chart = ChartSpec("column", cats, [("People referred", vals)], axis_title="People referred", alt_text=p.summary)
    return _panel_slide(2, "referrals", p, chart, _result_table(r, {"People referred": ("value", 1, 0)}), table_width=3.6)


def completion_slide(ctx: Context) -> SlideSpec:
    """Question 3: the completion rate among closed cases, by financial year of caution
    (provisional years marked [p])."""
    try:
        p = completion.rate_period_panel(ctx.window, "year", ctx.root)
    except NoData as exc:
        return _no_data_slide(3, "completion", exc)
    r = metrics.compute("completion_rate", ctx.window, "period", "year", root=ctx.root)
    cats, vals, lo, hi = _points(r, 100)
    chart = ChartSpec("line", cats, [("Completion rate (%)", vals)],
                      number_format='0.0"%"', axis_format='0"%"', axis_title="Completed, % of closed cases", alt_text=p.summary,
                      maximum=100.0, errors=[(lo, hi)])
    table = _result_table(r, {"Closed cases": ("denominator", 1, 0), "Completed": ("numerator", 1, 0),
                              "Completion rate (%)": ("value", 100, 1), "Lower (%)": ("ci_low", 100, 1),
                              "Upper (%)": ("ci_high", 100, 1)})
    table["95% CI (%)"] = [f"{a} to {b}" if a != "–" else "–" for a, b in zip(table.pop("Lower (%)"), table.pop("Upper (%)"))]
    return _panel_slide(3, "completion", p, chart, table, table_width=5.6)


def survey_slide(ctx: Context) -> SlideSpec:
    """Question 4: share agreeing with each survey statement in the pack's year."""
    try:
        p = survey.agree_panel(ctx.year, ctx.root)
    except NoData as exc:
        return _no_data_slide(4, "survey", exc)
    r = metrics.compute("survey_agree", ctx.year, "total", root=ctx.root)
    texts = survey.question_choices(ctx.root)
    t = r.table
    cats = [str(texts.get(q, q)).rstrip(".") for q in t["category"]]
    vals, lo, hi = ([None if pd.isna(x) else round(100 * float(x), 1) for x in t[c]] for c in ("value", "ci_low", "ci_high"))
    chart = ChartSpec("bar", cats, [("Agreeing (%)", vals)], number_format='0.0"%"', axis_format='0"%"',
                      axis_title="Respondents agreeing (%)", alt_text=p.summary, maximum=100.0, errors=[(lo, hi)])
    table = pd.DataFrame({"Statement": cats, "Respondents": [fmt.count(n) for n in t["denominator"]],
                          "Agreeing (%)": [fmt.number(v, 1) for v in vals],
                          "95% CI (%)": [f"{fmt.number(a, 1)} to {fmt.number(b, 1)}" for a, b in zip(lo, hi)]})
    rate = [tl for tl in survey.headline_tiles(ctx.year, ctx.root) if tl.metric_id == "survey_response_rate"]
    # The tile's n text has brackets of its own ("(likely between ...)"): a semicolon, not a second pair.
    notes = [f"{tl.label} {tl.period_text}: {tl.value_text}; {tl.n_text}." for tl in rate]
    s = _panel_slide(4, "survey", p, chart, table, notes=notes, table_width=6.4)
    s.metric_ids += [tl.metric_id for tl in rate]
    return s


def reoffending_slide(ctx: Context) -> SlideSpec:
    """Question 5: proven reoffending of everyone referred against the comparison group,
    with the Justice Data Lab sentence and the 95% interval of the difference."""
    try:
        p = reoffending.rate_panel(ctx.window, root=ctx.root)
    except NoData as exc:
        s = _no_data_slide(5, "reoffending", exc)
        s.lines.append(reoffending.compare(ctx.window, root=ctx.root).sentence())
        return s
    c = reoffending.compare(ctx.window, root=ctx.root)
    r = metrics.compute("reoffending_rate", ctx.window, "total", root=ctx.root)
    groups = r.table[r.table["category"].isin(["cara", "comparison"])]
    names = {"cara": reoffending.GROUP_LABEL["itt"], "comparison": reoffending.COMPARISON_LABEL}
    cats = [names[g] for g in groups["category"]]
    vals, lo, hi = ([round(100 * float(x), 1) for x in groups[col]] for col in ("value", "ci_low", "ci_high"))
    chart = ChartSpec("bar", cats, [("Rate (%)", vals)], number_format='0.0"%"',
                      axis_format='0"%"', axis_title="Reoffended within a year (%), with 95% interval", alt_text=p.summary,
                      point_colours=[DARK_BLUE, TEAL][: len(cats)], errors=[(lo, hi)])
    table = pd.DataFrame({"Group": cats, "People": [fmt.count(n) for n in groups["denominator"]],
                          "Reoffended within a year": [fmt.count(x) for x in groups["numerator"]],
                          "Rate (%)": [fmt.number(v, 1) for v in vals],
                          "95% CI (%)": [f"{fmt.number(a, 1)} to {fmt.number(b, 1)}" for a, b in zip(lo, hi)]})
    # The sentence (the difference with its likely range, in words) and what kind of comparison
    # it is stand under the chart (issue 14 item 1); the test statistics are in the speaker notes.
    callout = [c.sentence(), reoffending.NOT_A_TRIAL]
    return _panel_slide(5, "reoffending", p, chart, table, callout=callout, table_width=6.4,
                        caveats=[*_chart_notes(p), reoffending.follow_up_note(ctx.window, ctx.root)])


def value_slide(ctx: Context, v: value.Value | None) -> SlideSpec:
    """Value for money in the year: cost per referral and completion, the benefit-cost ratio
    (interval in the subtitle, not the title), and the published ratios as one range."""
    if v is None:
        return SlideSpec("value", registry.QUESTIONS["value"], kicker="Value for money",
                         lines=[f"No data for this selection. There are no programme costs recorded for {ctx.period}."])
    tiles = value.tiles(v)
    said = [s for s in value.sentences(v) if s]
    # The cost sentence repeats the tiles word for word: it goes to the speaker notes only.
    lines = [s for s in said if not (s.startswith("CARA cost ") and v.enough)] or said
    per_ref = value.money(v.cost_per_referral)
    chart = None
    subtitle = f"Whole force, {v.period}; n = {v.referred:,} referred, {v.completed:,} completed; {v.price_basis}"
    callout: list[str] = []
    if v.bcr is not None and v.enough:
        title = f"CARA cost {per_ref} per person referred in {v.period}; {value.per_pound(v.bcr.value)}, if the difference is due to CARA"
        subtitle = (f"Benefit-cost ratio {value.ratio(v.bcr.value)}, likely between {value.ratio(v.bcr.low)} and "
                    f"{value.ratio(v.bcr.high)}. {subtitle}")
        lo, hi = min(value.PUBLISHED_BCR.values()), max(value.PUBLISHED_BCR.values())
        est = float(v.bcr.value)
        chart = ChartSpec(
            "range", [f"This estimate, {v.period}", "Published range (Karavias et al. 2023)"],
            [("start", [0.0, lo]), ("Benefit-cost ratio", [est, hi - lo])],
            number_format="0.0", axis_format="0", axis_title="£ back for every £1 spent (benefit-cost ratio)",
            point_colours=[DARK_BLUE, GREY], labels=[value.ratio(est), value.published_range()],
            errors=[None, ([float(v.bcr.low), None], [float(v.bcr.high), None])],
            source=(source_line(registry.get("benefit_cost_ratio").source).rstrip(".")
                    + "; published range: Karavias et al. 2023. Error bar: the 95% confidence interval of this estimate."),
            alt_text=(f"Benefit-cost ratio: this estimate {value.ratio(est)} (likely between {value.ratio(v.bcr.low)} and "
                      f"{value.ratio(v.bcr.high)}); published ratios for CARA run from {value.published_range()}."))
        callout = [reoffending.SAVINGS_ASSUME]
    else:
        title = f"CARA cost {per_ref} per person referred in {v.period}"
    return SlideSpec("value", title, kicker=f"Value for money · {registry.QUESTIONS['value']}", subtitle=subtitle,
                     tiles=tiles, lines=lines, chart=chart, callout=callout, caveats=[v.price_note],
                     speaker="\n".join(said + value.assumption_lines(v)),
                     metric_ids=[t.metric_id for t in tiles])


def value_detail_slide(ctx: Context, v: value.Value) -> SlideSpec:
    """The estimates with their intervals, and every assumption behind them."""
    try:
        t = value.avoided_table(v)
    except NoData:
        t = pd.DataFrame()
    table = None
    if len(t):
        def one(label: str, x: float) -> str:
            if label.startswith("Benefit (£"):
                return value.money(x)
            return value.ratio(x) if label == "Benefit-cost ratio" else fmt.count(x)
        table = pd.DataFrame({"Estimate": [e.split(" (£")[0] for e in t["Estimate"]]})
        for c, heading in (("Central", "Central"), ("Likely between (low)", "Likely from"), ("Likely between (high)", "Likely to")):
            table[heading] = [one(lbl, x) for lbl, x in zip(t["Estimate"], t[c])]
    # The assumptions that are caveats (not randomised; prices) are said on the caveats slide.
    lines = [x for x in value.assumption_lines(v) if "not randomised" not in x and x != v.price_note]
    return SlideSpec("value_detail", "The estimate assumes the measured difference holds for everyone referred",
                     kicker="Value for money · estimates and assumptions",
                     subtitle=f"Whole force, {v.period}; {v.price_basis}; the likely ranges (95% confidence intervals) carry "
                              "only the uncertainty in the measured effect",
                     table=table, lines=lines, table_width=6.4, speaker="\n".join(value.assumption_lines(v)),
                     metric_ids=["reoffences_avoided", "harm_avoided", "benefit_cost_ratio"])
