"""The board pack: a PowerPoint deck for one financial year, built from the dashboard's own figures.

``build("2024/25", area="E23000039")`` returns the bytes of a .pptx deck (and writes it when
``out`` is given). Every number in it comes from the same library functions the dashboard
pages call; this module only chooses which ones, and lays them out. It never imports
Streamlit, so the CLI (``python -m cara_metrics boardpack``) and the tests reuse it.

Assumptions (stated here once, and on the slides where they matter):

* The pack is about the financial year ``period``. Headline figures (the Overview tiles)
  compare that year with the year before, as the Overview page does.
* Trends cover the six financial years to ``period`` (fewer if the data starts later):
  the dashboard's default selection when "To" is ``period``. The summary slide is exactly
  ``overview.summary`` for that selection, so it reads the same as the Overview page.
* Reoffending is measured on the same six-year selection, so that cohorts whose 18-month
  follow-up has ended are counted (a single recent year has none).
* The survey slide and value for money cover ``period`` alone (cost in the year, people
  referred in the year; the effect is measured on every complete cohort, as the
  value-for-money page does).
* ``area`` defaults to the first force area in the warehouse (the dashboard's default).
* Text must fit its box: sizes are chosen by measuring the text with the Arial metrics
  (Liberation Sans, which has the same widths) where the font file is present, and a
  conservative average width otherwise. ``fit_problems`` re-measures a saved deck.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from . import formatting as fmt, metrics, registry, warehouse
from .disclosure import neutralise_formula
from .metrics import Result
from .analysis import completion, crime, overview, referrals, reoffending, survey, value
from .contract import financial_year_label, parse_financial_year
from .dataroot import DataRootError, data_root, live_version
from .panels import NoData, Panel, Tile
from .areas import area_names, areas_frame, data_as_at, force_of
from .periods import Filters, format_date, fy_end, fy_of, fy_start

MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#: Years of trend shown, ending with the pack's year (the dashboard's default selection).
WINDOW_YEARS = 6
#: Rows of a slide table at most (the full tables are on the dashboard).
MAX_TABLE_ROWS = 8

# --- look -----------------------------------------------------------------------------------

FONT = "Arial"
DARK_BLUE, TEAL, DARK_PINK, ORANGE = "12436D", "28A197", "801650", "F46A25"
TEXT, GREY, LIGHT_GREY, GRID = "0B0C0C", "3D3D3D", "F2F2F2", "D9D9D9"
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
CONTENT_W = SLIDE_W - 2 * MARGIN
FOOTER_TOP = 6.95
CONTENT_BOTTOM = 6.85
TITLE_PT, BODY_PT, MIN_PT = 28, 16, 14
LINE = 1.2  # line height as a multiple of the font size (single spacing, Arial)
INSET_X, INSET_Y = 0.08, 0.05  # text box insets (inches)
CELL_X, CELL_Y = 0.06, 0.04  # table cell margins (inches)

SYNTHETIC_MARK = "SYNTHETIC DEMONSTRATION DATA"
SYNTHETIC_TEXT = ("Every figure in this pack is made up: drawn at random and calibrated to published figures. "
                  "It is not about real people or real outcomes.")


class BoardPackError(NoData, ValueError):
    """The pack cannot be built for what was asked (bad period or area); the message says why.
    A NoData, so a page's ``ui.guard`` shows the message as it shows any empty selection."""


# --- what goes in the pack --------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """The pack's selection, resolved once: period, area, data root and data status."""

    period: str
    fy: int
    area: str
    area_name: str
    root: Path
    as_at: dt.date
    synthetic: bool
    year: Filters
    window: Filters


@dataclass(frozen=True)
class ChartSpec:
    """A native chart: categories, named series (values as in the Panel table), and style."""

    kind: str  # "line", "column" or "bar"
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    number_format: str = "#,##0"
    axis_format: str | None = None  # value-axis labels (default: number_format)
    axis_title: str = ""
    point_colours: list[str] | None = None  # one colour per category (single series only)
    alt_text: str = ""
    minimum: float | None = 0.0
    maximum: float | None = None
    #: 95% interval per series as (lower values, upper values), drawn as error bars; None for none.
    errors: list[tuple[list[float | None], list[float | None]] | None] | None = None


@dataclass
class SlideSpec:
    """One slide: its message title and what it carries."""

    kind: str  # title, summary, question, value, value_detail, notes
    title: str
    kicker: str = ""
    subtitle: str = ""
    lines: list[str] = field(default_factory=list)
    callout: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chart: ChartSpec | None = None
    table: pd.DataFrame | None = None
    tiles: list[Tile] = field(default_factory=list)
    speaker: str = ""
    metric_ids: list[str] = field(default_factory=list)
    table_width: float = 4.9
    items: list[tuple[str, str]] = field(default_factory=list)  # (bold heading, text) for the data notes


def _financial_year(period: str) -> int:
    try:
        return parse_financial_year(period)
    except (TypeError, ValueError) as exc:
        raise BoardPackError(f"The period must be a financial year like 2024/25: {exc}.") from None


def coverage(root: Path) -> tuple[int, int]:
    """First and last financial years with any data (as the dashboard's year pickers offer)."""
    df = warehouse.query("data_coverage", root=root)
    firsts = [pd.Timestamp(d).date() for d in df["first_date"].dropna()]
    lasts = [pd.Timestamp(d).date() for d in df["last_date"].dropna()]
    if not firsts:
        raise BoardPackError(f"The warehouse in {root} has no dated data.")
    return fy_of(min(firsts)), fy_of(max(lasts))


def default_area(root: Path) -> str:
    """The first force area in the warehouse (the dashboard's default area)."""
    df = areas_frame(root)
    forces = df.loc[df["area_type"] == "force", "area_code"]
    if forces.empty:
        raise BoardPackError(f"The warehouse in {root} has no force area.")
    return str(forces.iloc[0])


def check(period: str, area: str | None = None, root: Path | None = None) -> tuple[int, str]:
    """(financial year, area code) once both are known to be in the data; BoardPackError if not."""
    root = Path(root) if root is not None else data_root()
    fy = _financial_year(period)
    first, last = coverage(root)
    if not first <= fy <= last:
        raise BoardPackError(f"There is no data for {financial_year_label(fy)}: the data covers "
                             f"{financial_year_label(first)} to {financial_year_label(last)}.")
    area = area or default_area(root)
    names = area_names(root)
    if area not in names:
        raise BoardPackError(f"Unknown area code {area!r}. Known areas: {', '.join(sorted(names))}.")
    return fy, area


def context(period: str, area: str | None = None, root: Path | None = None) -> Context:
    """Resolve the pack's selection (validating the period and area against the data)."""
    root = Path(root) if root is not None else data_root()
    fy, area = check(period, area, root)
    first, _ = coverage(root)
    v = live_version(root, "warehouse")
    return Context(
        period=financial_year_label(fy), fy=fy, area=area, area_name=area_names(root)[area], root=root,
        as_at=data_as_at(root), synthetic=v.synthetic,
        year=Filters.financial_years(fy, fy, area),
        window=Filters.financial_years(max(first, fy - WINDOW_YEARS + 1), fy, area),
    )


def period_of(f: Filters) -> str:
    """The pack's period for a dashboard selection: its last financial year."""
    return financial_year_label(fy_of(f.date_to))


def file_name(period: str, area: str) -> str:
    """'cara-board-pack-2024-25-E23000039.pptx'."""
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", f"{period}-{area}").strip("-")
    return f"cara-board-pack-{safe}.pptx"


# --- slide contents (all figures from the library) -------------------------------------------


def _question_kicker(n: int, key: str) -> str:
    return f"Question {n} of 5 · {registry.QUESTIONS[key]}"


def _no_data_slide(n: int, key: str, exc: Exception) -> SlideSpec:
    return SlideSpec("question", registry.QUESTIONS[key], kicker=_question_kicker(n, key),
                     lines=[f"No data for this selection. {exc}"])


def _panel_slide(n: int, key: str, p: Panel, chart: ChartSpec, table: pd.DataFrame, *,
                 callout: Sequence[str] = (), notes: Sequence[str] | None = None, table_width: float = 4.9) -> SlideSpec:
    notes = _chart_notes(p) if notes is None else list(notes)
    return SlideSpec(
        "question", p.title, kicker=_question_kicker(n, key), subtitle=p.subtitle, chart=chart, table=table,
        callout=list(callout), notes=notes, speaker="\n".join([p.summary, *p.notes, p.metric.footer]),
        metric_ids=[p.metric_id], table_width=table_width,
    )


NOT_A_TRIAL = ("A before-and-after comparison, not a trial: the comparison group was cautioned before CARA began, "
               "so the difference is associated with CARA, not proven to be caused by it.")
ERROR_BAR_NOTE = "Error bars show the 95% confidence interval (Wilson)."


def _chart_notes(p: Panel) -> list[str]:
    """The panel's notes, less those describing the dashboard's own chart (bands, lines)."""
    return [n for n in p.notes if not re.match(r"(The shaded band|The line is|Lines (on|show))", n)]


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
    return _panel_slide(3, "completion", p, chart, table, notes=[ERROR_BAR_NOTE, *_chart_notes(p)], table_width=5.6)


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
    notes = [ERROR_BAR_NOTE] + [f"{tl.label} {tl.period_text}: {tl.value_text} ({tl.n_text})." for tl in rate]
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
    callout = [c.sentence()]
    if c.enough and c.difference is not None:
        callout.append(reoffending.difference_text(c.difference, "percentage points", scale=100))
    callout.append(NOT_A_TRIAL)
    notes = [reoffending.follow_up_note(ctx.window, ctx.root)]  # the axis title explains the error bars
    return _panel_slide(5, "reoffending", p, chart, table, callout=callout, notes=notes, table_width=6.4)


def value_slide(ctx: Context, v: value.Value | None) -> SlideSpec:
    """Value for money in the year: cost per referral and completion, the benefit-cost ratio
    with its interval, the published ratios for context, and the assumptions in brief."""
    if v is None:
        return SlideSpec("value", registry.QUESTIONS["value"], kicker="Value for money",
                         lines=[f"No data for this selection. There are no programme costs recorded for {ctx.period}."])
    tiles = value.tiles(v)
    said = [s for s in value.sentences(v) if s]
    # The cost sentence repeats the tiles word for word: it goes to the speaker notes only.
    lines = [s for s in said if not (s.startswith("CARA cost ") and v.enough)] or said
    per_ref = fmt.gbp(v.cost_per_referral)
    chart = None
    if v.bcr is not None and v.enough:
        title = (f"CARA cost {per_ref} per person referred in {v.period}; the estimated benefit-cost ratio is "
                 f"{fmt.number(v.bcr.value, 2)} (95% CI {fmt.number(v.bcr.low, 2)} to {fmt.number(v.bcr.high, 2)})")
        pub = value.published_table()
        ratios = [float(x) for x in pub.iloc[:, 1]]
        chart = ChartSpec(
            "bar", [f"This estimate, {v.period}", *[f"Published, {s.rsplit(', ', 1)[-1].removesuffix(' estimate')}" for s in pub["Study"]]],
            [("Benefit-cost ratio", [float(v.bcr.value), *ratios])],
            number_format="0.00", axis_format="0", axis_title="Benefit-cost ratio (published: Karavias et al. 2023)",
            point_colours=[DARK_BLUE] + [GREY] * len(ratios),
            errors=[([float(v.bcr.low)] + [None] * len(ratios), [float(v.bcr.high)] + [None] * len(ratios))],
            alt_text=(f"Benefit-cost ratio: this estimate {fmt.number(v.bcr.value, 2)} (95% CI {fmt.number(v.bcr.low, 2)} to "
                      f"{fmt.number(v.bcr.high, 2)}); published ratios {' and '.join(format(r, 'g') for r in ratios)}."))
    else:
        title = f"CARA cost {per_ref} per person referred in {v.period}"
    a = v.assumptions
    brief = [f"Assumes the measured difference holds for everyone referred, and each domestic-abuse reoffence avoided spares one "
             f"victim {fmt.gbp(a.unit_cost_today)} (Home Office 2019); the comparison group is not randomised. "
             "All assumptions are on the next slide."]
    return SlideSpec("value", title, kicker=f"Value for money · {registry.QUESTIONS['value']}",
                     subtitle=f"Whole force, {v.period}; n = {v.referred:,} referred, {v.completed:,} completed",
                     tiles=tiles, lines=lines, chart=chart, notes=brief,
                     speaker="\n".join(said + value.assumption_lines(v)),
                     metric_ids=[t.metric_id for t in tiles])


def value_detail_slide(ctx: Context, v: value.Value) -> SlideSpec:
    """The estimates with their intervals, and every assumption behind them."""
    t = value.avoided_table(v)
    table = None
    if len(t):
        def one(label: str, x: float) -> str:
            if label.startswith("Benefit (£)"):
                return fmt.gbp(x)
            return fmt.number(x, 2) if label == "Benefit-cost ratio" else fmt.count(x)
        table = pd.DataFrame({"Estimate": t["Estimate"]})
        for c in ("Central", "95% CI low", "95% CI high"):
            table[c] = [one(lbl, x) for lbl, x in zip(t["Estimate"], t[c])]
    return SlideSpec("value_detail", "The estimate assumes the measured difference holds for everyone referred",
                     kicker="Value for money · estimates and assumptions",
                     subtitle=f"Whole force, {v.period}; 95% confidence intervals carry only the uncertainty in the measured effect",
                     table=table, lines=value.assumption_lines(v), table_width=5.6,
                     metric_ids=["reoffences_avoided", "harm_avoided", "benefit_cost_ratio"])


def _sentences(text: str) -> list[str]:
    return [x for x in re.split(r"(?<=[.!?])\s+(?=[A-Z])", str(text).strip()) if x]


def notes_items(ctx: Context, metric_ids: Iterable[str]) -> list[tuple[str, str]]:
    """(heading, text) for the data-notes slides: the data status, each metric used
    (definition · source · caveats, from the registry; a caveat or source already given
    for an earlier metric is not repeated), breaks in series and the follow-up rule."""
    items: list[tuple[str, str]] = []
    if ctx.synthetic:
        items.append((SYNTHETIC_MARK, SYNTHETIC_TEXT))
    items.append(("The data", f"Warehouse data as at {format_date(ctx.as_at)}. Headline figures are for {ctx.period} against "
                              f"{financial_year_label(ctx.fy - 1)}; trends cover {ctx.window.label}."))
    first_said: dict[str, str] = {}  # a source or long caveat sentence -> the metric that first gave it
    for mid in dict.fromkeys(metric_ids):
        m = registry.get(mid)
        source = f"as for “{first_said[m.source]}”" if m.source in first_said else m.source.rstrip(".")
        first_said.setdefault(m.source, m.title)
        sentences = _sentences(m.caveats)
        repeated = [c for c in sentences if c in first_said and len(c) >= 60]  # short ones are just repeated
        new = [c for c in sentences if c not in repeated]
        for c in new:
            first_said.setdefault(c, m.title)
        refs = list(dict.fromkeys(f"“{first_said[c]}”" for c in repeated))
        caveats = " ".join(new + ([f"Also as for {' and '.join(refs)}."] if refs else []))
        items.append((m.title, f"{m.definition} · Source: {source} · Caveats: {caveats}"))
    b = crime.breaks(Filters(fy_start(coverage(ctx.root)[0]), fy_end(ctx.fy), ctx.area), ctx.root)
    for r in b.itertuples():
        items.append((f"Break in series, {pd.Timestamp(r.break_date):%B %Y}", str(r.description)))
    items.append(("Reoffending follow-up", reoffending.follow_up_note(ctx.window, ctx.root)))
    items.append(("Everyone referred, not only completers", reoffending.completers_caveat()))
    return items


def plan(period: str, area: str | None = None, root: Path | None = None) -> tuple[Context, list[SlideSpec]]:
    """Everything the deck shows, slide by slide, before any drawing."""
    ctx = context(period, area, root)
    summary = SlideSpec(
        "summary", f"{ctx.period} in brief: {ctx.area_name}", kicker="Summary",
        subtitle=f"Latest financial year against the one before; reoffending for cautions with a complete follow-up in {ctx.window.label}",
        lines=summary_lines(ctx.period, ctx.area, ctx.root),
        metric_ids=[t.metric_id for t in overview.tiles(ctx.window, ctx.root)],
    )
    questions = [crime_slide(ctx), referrals_slide(ctx), completion_slide(ctx), survey_slide(ctx), reoffending_slide(ctx)]
    try:
        v = value.compute(ctx.year, root=ctx.root)
    except NoData:
        v = None
    money = [value_slide(ctx, v)] + ([value_detail_slide(ctx, v)] if v is not None else [])
    used = [m for s in [summary, *questions, *money] for m in s.metric_ids]
    title = SlideSpec("title", "CARA board pack", subtitle=f"{ctx.area_name} · financial year {ctx.period}")
    notes = SlideSpec("notes", "Data notes and caveats", kicker="About the figures")
    notes.items = notes_items(ctx, used)
    notes.lines = [f"{h}: {t}" for h, t in notes.items]
    return ctx, [title, summary, *questions, *money, notes]


def summary_lines(period: str, area: str | None = None, root: Path | None = None) -> list[str]:
    """The summary slide's sentences: ``overview.summary`` for the pack's selection."""
    ctx = context(period, area, root)
    return overview.summary(ctx.window, ctx.root)


def slide_titles(period: str, area: str | None = None, root: Path | None = None) -> list[str]:
    """The message title of every slide, in order (data notes may run to several slides)."""
    return titles_of(build(period, area=area, root=root))


# --- measuring text -------------------------------------------------------------------------

_FONT_FILES = {
    False: ("/usr/share/fonts/truetype/msttcorefonts/Arial.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", "/Library/Fonts/Arial.ttf", "C:/Windows/Fonts/arial.ttf"),
    True: ("/usr/share/fonts/truetype/msttcorefonts/Arial_Bold.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
           "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf", "/Library/Fonts/Arial Bold.ttf", "C:/Windows/Fonts/arialbd.ttf"),
}


@lru_cache(maxsize=None)
def _font(bold: bool):
    """Arial (or the metric-compatible Liberation Sans) at 100 px, or None when neither is installed."""
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow comes with python-pptx
        return None
    for path in _FONT_FILES[bold]:
        if os.path.exists(path):
            return ImageFont.truetype(path, 100)
    return None


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of one line of text in inches (a conservative estimate without the font file)."""
    f = _font(bold)
    if f is None:
        return len(text) * size_pt * (0.58 if bold else 0.55) / 72
    return f.getlength(text) / 100 * size_pt / 72


def _tokens(runs: Sequence[tuple[str, bool]]) -> list[list[tuple[str, bool, bool]]]:
    """Paragraph lines (split at hard breaks) as pieces a line may break after: words, and
    the parts of hyphenated words (PowerPoint breaks after a hyphen). Each piece carries its
    boldness and whether a space comes before it."""
    lines: list[list[tuple[str, bool, bool]]] = [[]]
    for text, bold in runs:
        for k, part in enumerate(str(text).split("\n")):
            if k:
                lines.append([])
            for word in part.split(" "):
                for j, piece in enumerate(re.findall(r"[^-]+-?|-", word)):
                    lines[-1].append((piece, bold, j == 0))
    return lines


def wrap_runs(runs: Sequence[tuple[str, bool]], width_in: float, size_pt: float) -> list[str]:
    """Greedy word wrap, as PowerPoint does it, into lines no wider than ``width_in``;
    ``runs`` are (text, bold) pieces of one paragraph."""
    out: list[str] = []
    for pieces in _tokens(runs):
        line, used = "", 0.0
        for piece, bold, spaced in pieces:
            w = text_width(piece, size_pt, bold)
            space = text_width(" ", size_pt, bold) if (line and spaced) else 0.0
            if line and used + space + w > width_in:
                out.append(line)
                line, used, space = "", 0.0, 0.0
            while w > width_in and len(piece) > 1:  # a word longer than the line is broken
                cut = len(piece)
                while cut > 1 and text_width(piece[:cut], size_pt, bold) > width_in:
                    cut -= 1
                out.append(piece[:cut])  # the line is empty here: it was flushed above
                piece = piece[cut:]
                w = text_width(piece, size_pt, bold)
            line = f"{line}{' ' if space else ''}{piece}" if line else piece
            used += space + w
        out.append(line)
    return out


def longest_piece(text: str, size: float, bold: bool = False) -> float:
    """Width of the widest piece of ``text`` a line cannot break inside."""
    return max([text_width(p, size, bold) for line in _tokens([(text, bold)]) for p, _, _ in line] or [0.0])


def wrap(text: str, width_in: float, size_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of plain text (one font weight)."""
    return wrap_runs([(text, bold)], width_in, size_pt)


@dataclass(frozen=True)
class Para:
    """A paragraph: text (after an optional bold ``head``), size, weight, bullet indent, space after."""

    text: str
    size: float
    bold: bool = False
    indent: float = 0.0  # inches taken by a bullet
    after: float = 0.0  # points of space after
    head: str = ""

    @property
    def runs(self) -> list[tuple[str, bool]]:
        return ([(self.head, True)] if self.head else []) + [(self.text, self.bold)]


def text_height(paras: Sequence[Para], width_in: float) -> float:
    """Height in inches the paragraphs need in a box ``width_in`` wide (insets excluded)."""
    h = 0.0
    for p in paras:
        n = len(wrap_runs(p.runs, width_in - p.indent, p.size)) if (p.text or p.head) else 1
        h += n * p.size * LINE / 72 + p.after / 72
    return h


def box_height(paras: Sequence[Para], width_in: float) -> float:
    """Height of a text box holding ``paras`` (with its insets)."""
    return text_height(paras, width_in - 2 * INSET_X) + 2 * INSET_Y + 0.02


def largest_fitting(make: Callable[[float], list[Para]], width_in: float, height_in: float,
                    sizes: Sequence[float]) -> tuple[float, list[Para]]:
    """The largest font size (of ``sizes``, largest first) at which the text fits the box;
    the smallest if none does (the caller checks)."""
    for s in sizes:
        paras = make(s)
        if box_height(paras, width_in) <= height_in:
            return s, paras
    return sizes[-1], make(sizes[-1])


# --- drawing --------------------------------------------------------------------------------


def _rgb(hex6: str) -> RGBColor:
    return RGBColor.from_string(hex6)


def _style_run(run, size: float, bold: bool = False, colour: str = TEXT) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)


def _bullet(paragraph, indent_in: float) -> None:
    """A real bullet (so the paragraph's text stays the sentence itself)."""
    pPr = paragraph._p.get_or_add_pPr()
    pPr.set("marL", str(Emu(Inches(indent_in))))
    pPr.set("indent", str(-Emu(Inches(indent_in))))
    for tag in ("a:buFont", "a:buChar", "a:buNone"):
        for el in pPr.findall(qn(tag)):
            pPr.remove(el)
    font = pPr.makeelement(qn("a:buFont"), {"typeface": FONT})
    char = pPr.makeelement(qn("a:buChar"), {"char": "•"})
    pPr.append(font)
    pPr.append(char)


def add_text(slide, left: float, top: float, width: float, paras: Sequence[Para], *, name: str, colour: str = TEXT,
             fill: str | None = None, height: float | None = None, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP,
             bullets: bool = False) -> float:
    """A text box sized to its text (or to ``height``); returns its bottom edge in inches."""
    h = height if height is not None else box_height(paras, width)
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(h))
    box.name = name
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(INSET_X)
    tf.margin_top = tf.margin_bottom = Inches(INSET_Y)
    if fill:
        box.fill.solid()
        box.fill.fore_color.rgb = _rgb(fill)
    for i, p in enumerate(paras):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.alignment = align
        para.space_after = Pt(p.after)
        para.line_spacing = 1.0
        if bullets or p.indent:
            _bullet(para, p.indent or 0.25)
        for text, bold in p.runs:
            run = para.add_run()
            run.text = text
            _style_run(run, p.size, bold, colour)
    return top + h


def _alt_text(shape, text: str) -> None:
    """Alternative text for screen readers (PowerPoint's 'Alt Text')."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text[:1000])


def add_chart(slide, spec: ChartSpec, left: float, top: float, width: float, height: float) -> None:
    """A native, editable chart in the Analysis Function style: light gridlines, direct labels."""
    data = CategoryChartData(number_format=spec.number_format)
    # python-pptx writes chart data through xlsxwriter, which turns a string starting with "="
    # into a live formula in the embedded workbook: every name is neutralised, as downloads are.
    data.categories = [neutralise_formula(c) for c in spec.categories]
    for name, vals in spec.series:
        data.add_series(neutralise_formula(name), vals, number_format=spec.number_format)
    kind = {"line": XL_CHART_TYPE.LINE_MARKERS, "column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED}[spec.kind]
    frame = slide.shapes.add_chart(kind, Inches(left), Inches(top), Inches(width), Inches(height), data)
    frame.name = "chart"
    _alt_text(frame, spec.alt_text)
    chart = frame.chart
    chart.font.name = FONT
    chart.font.size = Pt(MIN_PT)
    chart.font.color.rgb = _rgb(TEXT)
    chart.has_title = False
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(MIN_PT)
    va, ca = chart.value_axis, chart.category_axis
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb(GRID)
    va.major_gridlines.format.line.width = Pt(0.75)
    va.format.line.fill.background()
    va.tick_labels.font.size = Pt(MIN_PT)
    va.tick_labels.number_format = spec.axis_format or spec.number_format
    va.tick_labels.number_format_is_linked = False
    if spec.minimum is not None:
        va.minimum_scale = spec.minimum
    if spec.maximum is not None:
        va.maximum_scale = spec.maximum
    if spec.axis_title:
        va.has_title = True
        va.axis_title.text_frame.text = spec.axis_title
        for r in va.axis_title.text_frame.paragraphs[0].runs:
            _style_run(r, MIN_PT, False, GREY)
    ca.tick_labels.font.size = Pt(MIN_PT)
    ca.format.line.color.rgb = _rgb(GREY)
    ca.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _horizontal_labels(ca)
    if spec.kind == "bar":
        ca.reverse_order = True  # first row of the table at the top ...
        va._element.find(qn("c:crosses")).set("val", "max")  # ... and the value axis still at the bottom
    plot = chart.plots[0]
    if spec.kind in ("column", "bar"):
        plot.gap_width = 60
    # Values are labelled on the chart, except on a line with error bars, where labels would
    # collide with the bars (the table beside the chart gives every value).
    # With several series only the first (the chosen area) is labelled, so labels never collide.
    labelled = not (spec.errors and spec.kind == "line")
    plot.has_data_labels = labelled and len(spec.series) == 1
    dl = plot.data_labels if plot.has_data_labels else (plot.series[0].data_labels if labelled else None)
    if dl is not None and len(spec.series) > 1:
        dl.show_value = True
    if dl is not None:
        dl.number_format = spec.number_format
        dl.number_format_is_linked = False
        dl.font.size = Pt(MIN_PT)
    if dl is None:
        pass
    elif spec.errors:
        dl.position = XL_LABEL_POSITION.INSIDE_BASE  # clear of the error bar, white on the bar
        dl.font.color.rgb = _rgb("FFFFFF")
        dl.font.bold = True
    else:
        dl.position = XL_LABEL_POSITION.ABOVE if spec.kind == "line" else XL_LABEL_POSITION.OUTSIDE_END
    palette = [DARK_BLUE, ORANGE, TEAL, DARK_PINK]
    for i, s in enumerate(plot.series):
        colour = _rgb(palette[i % len(palette)])
        if spec.kind == "line":
            s.format.line.color.rgb = colour
            s.format.line.width = Pt(3)
            s.smooth = False
            s.marker.format.fill.solid()
            s.marker.format.fill.fore_color.rgb = colour
            s.marker.format.line.color.rgb = colour
        else:
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = colour
            if spec.point_colours and len(spec.series) == 1:
                for j, c in enumerate(spec.point_colours):
                    pt = s.points[j]
                    pt.format.fill.solid()
                    pt.format.fill.fore_color.rgb = _rgb(c)
        if spec.errors and i < len(spec.errors) and spec.errors[i]:
            lows, highs = spec.errors[i]
            vals = spec.series[i][1]
            _error_bars(s, [None if v is None or lo is None else v - lo for v, lo in zip(vals, lows)],
                        [None if v is None or hi is None else hi - v for v, hi in zip(vals, highs)])


def _horizontal_labels(axis) -> None:
    """Category labels level, never turned on their side."""
    axis.tick_labels.font.size = Pt(MIN_PT)
    body = axis._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
    body.set("rot", "0")
    body.set("vert", "horz")


def _num_lit(parent, values: Sequence[float | None]):
    lit = parent.makeelement(qn("c:numLit"), {})
    fc = lit.makeelement(qn("c:formatCode"), {})
    fc.text = "General"
    lit.append(fc)
    lit.append(lit.makeelement(qn("c:ptCount"), {"val": str(len(values))}))
    for k, v in enumerate(values):
        if v is None:
            continue
        pt = lit.makeelement(qn("c:pt"), {"idx": str(k)})
        val = pt.makeelement(qn("c:v"), {})
        val.text = repr(float(v))
        pt.append(val)
        lit.append(pt)
    return lit


def _error_bars(series, minus: Sequence[float | None], plus: Sequence[float | None]) -> None:
    """Custom error bars (the 95% interval) on a series: python-pptx has no API for them."""
    ser = series._element
    eb = ser.makeelement(qn("c:errBars"), {})
    for tag, val in (("c:errBarType", "both"), ("c:errValType", "cust"), ("c:noEndCap", "0")):
        eb.append(eb.makeelement(qn(tag), {"val": val}))
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        el = eb.makeelement(qn(tag), {})
        el.append(_num_lit(el, values))
        eb.append(el)
    sp = eb.makeelement(qn("c:spPr"), {})
    ln = sp.makeelement(qn("a:ln"), {"w": str(Pt(1.5))})
    fill = ln.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": TEXT}))
    ln.append(fill)
    sp.append(ln)
    eb.append(sp)
    ser.find(qn("c:cat")).addprevious(eb)


_NUMBER = r"[-−]?£?[\d,]+(\.\d+)?%?"


def _numeric(text: str) -> bool:
    """A cell to right-align: a number, an interval 'a to b', or the missing-value dash."""
    return text == "–" or bool(re.fullmatch(rf"{_NUMBER}( to {_NUMBER})?", text))


def table_layout(df: pd.DataFrame, width: float, size: float = MIN_PT) -> tuple[list[float], list[float]]:
    """Column widths and row heights for a table ``width`` wide.

    Each column first gets what its longest value needs on one line (never less than its
    longest word); spare width then goes, a little at a time, to the column whose heading
    wraps onto the most lines, and what is left is shared in proportion. When the table
    is too narrow for that, columns shrink in proportion, but never below their longest word.
    """
    inner = lambda c, w: len(wrap(str(c), w - 2 * CELL_X, size, True))  # noqa: E731 - heading lines at width w
    need, floor = [], []
    for c in df.columns:
        cells = [str(x) for x in df[c]]
        longest_word = max([longest_piece(str(c), size, True)] + [longest_piece(x, size) for x in cells])
        floor.append(longest_word + 2 * CELL_X + 0.02)
        need.append(max([text_width(x, size) for x in cells] + [longest_word]) + 2 * CELL_X + 0.02)
    if sum(need) >= width:
        widths = [n * width / sum(need) for n in need]
        for i in [k for k, (w, f) in enumerate(zip(widths, floor)) if w < f]:
            widest = max(range(len(widths)), key=lambda k: widths[k])
            widths[widest] -= floor[i] - widths[i]
            widths[i] = floor[i]
    else:
        widths, spare, step = list(need), width - sum(need), 0.05
        while spare >= step:
            lines = [inner(c, w) for c, w in zip(df.columns, widths)]
            if max(lines) <= 1:
                break
            k = max(range(len(widths)), key=lambda j: lines[j])
            widths[k] += step
            spare -= step
        widths = [w + spare * w / sum(widths) for w in widths]
    heights = [max(text_height([Para(str(c), size, True)], w - 2 * CELL_X) for c, w in zip(df.columns, widths)) + 2 * CELL_Y + 0.02]
    for row in df.itertuples(index=False):
        heights.append(max(text_height([Para(str(x), size)], w - 2 * CELL_X) for x, w in zip(row, widths)) + 2 * CELL_Y + 0.02)
    return widths, heights


def add_table(slide, df: pd.DataFrame, left: float, top: float, width: float, size: float = MIN_PT) -> float:
    """A plain table: dark-blue header, light banding, numbers right-aligned. Returns its bottom."""
    widths, heights = table_layout(df, width, size)
    frame = slide.shapes.add_table(len(df) + 1, len(df.columns), Inches(left), Inches(top), Inches(width), Inches(sum(heights)))
    frame.name = "table"
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for i, h in enumerate(heights):
        table.rows[i].height = Inches(h)
    rows = [list(df.columns)] + [[str(x) for x in r] for r in df.itertuples(index=False)]
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = Inches(CELL_X)
            cell.margin_top = cell.margin_bottom = Inches(CELL_Y)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE if i == 0 else MSO_ANCHOR.TOP
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(DARK_BLUE if i == 0 else (LIGHT_GREY if i % 2 == 0 else "FFFFFF"))
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if (j > 0 and i > 0 and _numeric(text)) else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = text
            _style_run(run, size, i == 0, "FFFFFF" if i == 0 else TEXT)
    return top + sum(heights)


# --- slides -----------------------------------------------------------------------------------


def _blank(prs):
    return prs.slides.add_slide(prs.slide_layouts[6])


def _header(slide, spec: SlideSpec) -> float:
    """Kicker, message title and subtitle (drawn when ``slide`` is given); returns where the content may start."""
    y = 0.3
    parts = []
    if spec.kicker:
        parts.append(("kicker", [Para(spec.kicker, MIN_PT, True)], TEAL))
    _, title = largest_fitting(lambda s: [Para(spec.title, s, True)], CONTENT_W, 1.45, (32, 30, TITLE_PT))
    parts.append(("title", title, DARK_BLUE))
    if spec.subtitle:
        parts.append(("subtitle", [Para(spec.subtitle, MIN_PT)], GREY))
    for name, paras, colour in parts:
        y = add_text(slide, MARGIN, y, CONTENT_W, paras, name=name, colour=colour) if slide is not None else y + box_height(paras, CONTENT_W)
    return y + 0.1


def _speaker(slide, text: str) -> None:
    if text:
        slide.notes_slide.notes_text_frame.text = text


def draw_title(prs, ctx: Context, spec: SlideSpec) -> None:
    s = _blank(prs)
    y = add_text(s, MARGIN, 1.1, CONTENT_W, [Para(spec.title, 44, True)], name="title", colour=DARK_BLUE)
    y = add_text(s, MARGIN, y + 0.1, CONTENT_W, [
        Para("Cautioning and Relationship Abuse (CARA) workshops", 24, after=6),
        Para(f"{ctx.area_name}: financial year {ctx.period} (1 April {ctx.fy} to 31 March {ctx.fy + 1})", 24, True, after=6),
        Para(f"Data as at {format_date(ctx.as_at)}", 20, after=6),
        Para(f"Trends cover {ctx.window.label}. Produced by the CARA dashboard on {format_date(dt.date.today())}.", BODY_PT),
    ], name="subtitle", colour=TEXT)
    if ctx.synthetic:
        add_text(s, MARGIN, y + 0.35, CONTENT_W, [Para(SYNTHETIC_MARK, 32, True, after=4), Para(SYNTHETIC_TEXT, 18)],
                 name="synthetic-banner", colour=TEXT, fill=ORANGE)


def draw_summary(prs, ctx: Context, spec: SlideSpec) -> None:
    s = _blank(prs)
    top = _header(s, spec)
    room = CONTENT_BOTTOM - top
    _, paras = largest_fitting(lambda sz: [Para(line, sz, indent=0.3, after=sz * 0.6) for line in spec.lines],
                               CONTENT_W, room, (22, 20, 18, BODY_PT, MIN_PT))
    add_text(s, MARGIN, top, CONTENT_W, paras, name="summary", bullets=True)
    _speaker(s, "\n".join(spec.lines))


def _notes_paras(lines: Sequence[str], size: float = MIN_PT, bold: bool = False) -> list[Para]:
    return [Para(t, size, bold, after=4) for t in lines]


def draw_question(prs, ctx: Context, spec: SlideSpec) -> None:
    s = _blank(prs)
    top = _header(s, spec)
    if spec.chart is None:
        add_text(s, MARGIN, top, CONTENT_W, [Para(t, BODY_PT, after=8) for t in spec.lines], name="no-data")
        _speaker(s, "\n".join(spec.lines))
        return
    bottom = CONTENT_BOTTOM
    callout = _notes_paras(spec.callout, BODY_PT, True)
    if callout:
        ch = box_height(callout, CONTENT_W)
        add_text(s, MARGIN, bottom - ch, CONTENT_W, callout, name="callout", colour=DARK_BLUE)
        bottom -= ch + 0.1
    gap = 0.3
    tw = min(spec.table_width, CONTENT_W * 0.55)
    cw = CONTENT_W - tw - gap
    table = spec.table
    while table is not None and len(table) > 1 and top + sum(table_layout(table, tw)[1]) > bottom:
        table = table.iloc[1:].reset_index(drop=True)  # keep the latest rows
    table_bottom = add_table(s, table, MARGIN + cw + gap, top, tw) if table is not None else top
    notes = list(spec.notes)
    if notes and box_height(_notes_paras(notes), tw) <= bottom - table_bottom - 0.12:
        # Under the table when they fit there: the chart keeps the full height.
        add_text(s, MARGIN + cw + gap, table_bottom + 0.12, tw, _notes_paras(notes), name="notes", colour=GREY)
    elif notes:
        # Otherwise across the foot of the slide; notes that would squeeze the chart below a
        # readable height stay in the speaker notes only.
        def squeezed(ns: list[str]) -> bool:
            y = bottom - box_height(_notes_paras(ns), CONTENT_W)
            return y - top < 3.2 or y < table_bottom + 0.1
        while notes and squeezed(notes):
            notes.pop()
        if notes:
            nh = box_height(_notes_paras(notes), CONTENT_W)
            add_text(s, MARGIN, bottom - nh, CONTENT_W, _notes_paras(notes), name="notes", colour=GREY)
            bottom -= nh + 0.1
    add_chart(s, spec.chart, MARGIN, top, cw, bottom - top)
    _speaker(s, "\n".join([spec.speaker, *spec.callout, *spec.notes]))


def _tile_box(s, t: Tile, left: float, top: float, width: float, height: float) -> None:
    box = s.shapes.add_shape(1, Inches(left), Inches(top), Inches(width), Inches(height))  # 1 = rectangle
    box.name = f"tile:{t.metric_id}"
    box.fill.solid()
    box.fill.fore_color.rgb = _rgb(LIGHT_GREY)
    box.line.fill.background()
    box.shadow.inherit = False
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = Inches(0.12)
    tf.margin_top = tf.margin_bottom = Inches(INSET_Y)
    for i, (text, size, bold, colour) in enumerate(((t.label, MIN_PT, True, GREY), (t.value_text, 30, True, DARK_BLUE),
                                                    (t.n_text, MIN_PT, False, TEXT))):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.line_spacing = 1.0
        run = p.add_run()
        run.text = text
        _style_run(run, size, bold, colour)


def _tile_paras(t: Tile) -> list[Para]:
    return [Para(t.label, MIN_PT, True), Para(t.value_text, 30, True), Para(t.n_text, MIN_PT)]


def draw_value(prs, ctx: Context, spec: SlideSpec) -> None:
    s = _blank(prs)
    top = _header(s, spec)
    if not spec.tiles:
        add_text(s, MARGIN, top, CONTENT_W, [Para(t, BODY_PT) for t in spec.lines], name="no-data")
        return
    n = len(spec.tiles)
    gap = 0.2
    w = (CONTENT_W - gap * (n - 1)) / n
    h = max(text_height(_tile_paras(t), w - 0.24) for t in spec.tiles) + 2 * INSET_Y + 0.06
    for i, t in enumerate(spec.tiles):
        _tile_box(s, t, MARGIN + i * (w + gap), top, w, h)
    top += h + 0.2
    left_w = 5.0 if spec.chart else 0.0
    if spec.chart:  # left: the chart; right: the sentences over the assumptions in brief
        add_chart(s, spec.chart, MARGIN, top, left_w, CONTENT_BOTTOM - top)
    text_left, text_w = MARGIN + (left_w + 0.3 if left_w else 0.0), CONTENT_W - (left_w + 0.3 if left_w else 0.0)
    size, paras = largest_fitting(
        lambda sz: [Para(t, sz, indent=0.25, after=6) for t in spec.lines] + [Para(t, MIN_PT, after=4) for t in spec.notes],
        text_w, CONTENT_BOTTOM - top, (BODY_PT, 15, MIN_PT))
    y = add_text(s, text_left, top, text_w, paras[: len(spec.lines)], name="value-sentences", bullets=True)
    add_text(s, text_left, y, text_w, paras[len(spec.lines):], name="notes", colour=GREY)
    _speaker(s, spec.speaker)


def draw_value_detail(prs, ctx: Context, spec: SlideSpec) -> None:
    s = _blank(prs)
    top = _header(s, spec)
    tw = spec.table_width if spec.table is not None else 0.0
    if spec.table is not None:
        add_table(s, spec.table, MARGIN, top, tw)
    left = MARGIN + (tw + 0.3 if tw else 0)
    width = CONTENT_W - (tw + 0.3 if tw else 0)
    _, paras = largest_fitting(lambda sz: [Para(t, sz, indent=0.25, after=5) for t in spec.lines], width, CONTENT_BOTTOM - top,
                               (BODY_PT, 15, MIN_PT))
    add_text(s, left, top, width, paras, name="assumptions", bullets=True)
    _speaker(s, "\n".join(spec.lines))


def _note_para(item: tuple[str, str]) -> Para:
    return Para(item[1], MIN_PT, indent=0.25, after=4, head=f"{item[0]}: ")


def paginate(items: Sequence[tuple[str, str]], width: float, height: float) -> list[list[tuple[str, str]]]:
    """Split the (heading, text) notes into pages that each fit a box of ``width`` x ``height``."""
    pages: list[list[tuple[str, str]]] = [[]]
    for item in items:
        trial = pages[-1] + [item]
        if pages[-1] and box_height([_note_para(x) for x in trial], width) > height:
            pages.append([item])
        else:
            pages[-1] = trial
    return pages


def draw_notes(prs, ctx: Context, spec: SlideSpec) -> None:
    """Data notes, on as many slides as they need ('(1 of 2)' in the title when more than one)."""
    height = CONTENT_BOTTOM - _header(None, SlideSpec("notes", spec.title + " (1 of 9)", kicker=spec.kicker))
    pages = paginate(spec.items, CONTENT_W, height)
    for i, page in enumerate(pages):
        title = spec.title if len(pages) == 1 else f"{spec.title} ({i + 1} of {len(pages)})"
        s = _blank(prs)
        top = _header(s, SlideSpec("notes", title, kicker=spec.kicker))
        add_text(s, MARGIN, top, CONTENT_W, [_note_para(x) for x in page], name="data-notes", bullets=True)
        _speaker(s, "\n".join(f"{a}: {b}" for a, b in page))


def _one_line(text: str, bold: bool = False) -> float:
    """Width of a one-line footer box holding ``text``."""
    return text_width(text, MIN_PT, bold) + 2 * INSET_X + 0.1


def add_footers(prs, ctx: Context) -> None:
    """On every slide: the synthetic-data marker (when synthetic), area, period and page number.
    Long area names give way first, then the marker's explanation; the marker itself always stays."""
    n = len(prs.slides)
    for i, s in enumerate(prs.slides, start=1):
        lefts = [f"{SYNTHETIC_MARK}: not real people or outcomes", SYNTHETIC_MARK] if ctx.synthetic else [""]
        rights = [f"{ctx.area_name} · {ctx.period} · {i} of {n}", f"{ctx.period} · {i} of {n}"]
        left, right = next(((l, r) for r in rights for l in lefts
                            if (_one_line(l, True) if l else 0) + 0.2 + _one_line(r) <= CONTENT_W), (lefts[-1], rights[-1]))
        rw = _one_line(right)
        add_text(s, SLIDE_W - MARGIN - rw, FOOTER_TOP, rw, [Para(right, MIN_PT)], name="footer", colour=GREY, align=PP_ALIGN.RIGHT)
        if left:
            add_text(s, MARGIN, FOOTER_TOP, CONTENT_W - rw - 0.2, [Para(left, MIN_PT, True)], name="footer-synthetic", colour=DARK_PINK)


DRAW = {"title": draw_title, "summary": draw_summary, "question": draw_question, "value": draw_value,
        "value_detail": draw_value_detail, "notes": draw_notes}


def render(ctx: Context, slides: Sequence[SlideSpec]) -> bytes:
    """Draw the planned slides into a 16:9 deck and return its bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    for spec in slides:
        DRAW[spec.kind](prs, ctx, spec)
    add_footers(prs, ctx)
    prs.core_properties.title = f"CARA board pack: {ctx.area_name}, {ctx.period}"
    prs.core_properties.subject = "Cautioning and Relationship Abuse (CARA) workshops"
    prs.core_properties.author = "CARA dashboard"
    prs.core_properties.keywords = "synthetic demonstration data" if ctx.synthetic else ""
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def build(period: str, out: Path | None = None, *, area: str | None = None, root: Path | None = None) -> bytes:
    """The board pack for financial year ``period`` (e.g. '2024/25') and ``area`` (default the
    force), from the data root ``root`` (default ``$CARA_DATA_DIR`` or the demo). Writes ``out``
    atomically when given. Raises BoardPackError for a period or area not in the data."""
    ctx, slides = plan(period, area, root)
    data = render(ctx, slides)
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    return data


# --- reading a deck back (tests, checks) ------------------------------------------------------


def _named(slide, name: str):
    return next((sh for sh in slide.shapes if sh.name == name), None)


def titles_of(data: bytes) -> list[str]:
    """The title of each slide of a deck built here."""
    prs = Presentation(io.BytesIO(data))
    return [(_named(s, "title").text_frame.text if _named(s, "title") is not None else "") for s in prs.slides]


def _para_of(p) -> Para:
    """A saved paragraph as a Para (its first run bold and the rest not = a bold head)."""
    runs = p.runs
    size = runs[0].font.size.pt if runs and runs[0].font.size else 18
    marl = p._p.pPr.get("marL") if p._p.pPr is not None else None
    after = p.space_after.pt if p.space_after is not None else 0.0
    indent = int(marl) / 914400 if marl else 0.0
    if len(runs) == 2 and runs[0].font.bold and not runs[1].font.bold:
        return Para(runs[1].text, size, False, indent, after, head=runs[0].text)
    return Para(p.text, size, bool(runs and runs[0].font.bold), indent, after)


def _table_height(tbl) -> float:
    """Rendered height of a table: each row as tall as its fullest cell needs (or its set height)."""
    total = 0.0
    for row in tbl.rows:
        need = 0.0
        for c, cell in enumerate(row.cells):
            cw = (tbl.columns[c].width - cell.margin_left - cell.margin_right) / 914400
            need = max(need, text_height([_para_of(cell.text_frame.paragraphs[0])], cw)
                       + (cell.margin_top + cell.margin_bottom) / 914400)
        total += max(need, row.height / 914400)
    return total


def fit_problems(data: bytes) -> list[str]:
    """Re-measure a saved deck: text that would not fit its box, a table taller than its room,
    a shape off the slide, or two shapes overlapping. Empty when all is well."""
    prs = Presentation(io.BytesIO(data))
    w, h = prs.slide_width / 914400, prs.slide_height / 914400
    problems = []
    for i, s in enumerate(prs.slides, start=1):
        boxes = []
        for sh in s.shapes:
            left, top, sw, shh = (x / 914400 for x in (sh.left, sh.top, sh.width, sh.height))
            if sh.has_table:
                shh = _table_height(sh.table)
            if left < -0.01 or top < -0.01 or left + sw > w + 0.01 or top + shh > h + 0.01:
                problems.append(f"slide {i}: {sh.name} runs off the slide")
            boxes.append((sh.name, left, top, left + sw, top + shh))
            if sh.has_text_frame and sh.text_frame.text:
                tf = sh.text_frame
                inner_w = sw - (tf.margin_left + tf.margin_right) / 914400
                need = text_height([_para_of(p) for p in tf.paragraphs], inner_w) + (tf.margin_top + tf.margin_bottom) / 914400
                if need > shh + 0.02:
                    problems.append(f"slide {i}: text in {sh.name} needs {need:.2f} in but has {shh:.2f} in")
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                n1, l1, t1, r1, b1 = boxes[a]
                n2, l2, t2, r2, b2 = boxes[b]
                if min(r1, r2) - max(l1, l2) > 0.02 and min(b1, b2) - max(t1, t2) > 0.02:
                    problems.append(f"slide {i}: {n1} overlaps {n2}")
    return problems


# --- command line -----------------------------------------------------------------------------


def _period_arg(text: str) -> str:
    try:
        return financial_year_label(parse_financial_year(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (for example --period 2024/25)") from None


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``boardpack`` to the CLI: ``python -m cara_metrics boardpack --data-dir DIR --period 2024/25 --out pack.pptx``."""
    p = subparsers.add_parser(
        "boardpack", help="write the board pack (PowerPoint) for a financial year",
        description="Write a PowerPoint board pack for one financial year and area, with native charts, from the same "
                    "figures the dashboard shows. Exit 0 written; 1 rejected (no data for the period or area); 2 usage error.")
    p.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help="data root (default: $CARA_DATA_DIR, else the embedded demo data)")
    p.add_argument("--period", type=_period_arg, required=True, metavar="YYYY/YY", help="financial year, e.g. 2024/25")
    p.add_argument("--area", default=None, metavar="CODE", help="area code (default: the force area)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the .pptx file to write")
    p.set_defaults(run=run_cli)
    return p


def run_cli(args) -> int:
    """Build and write the pack; a clear one-line error (exit 1) for anything the user can fix."""
    root = Path(args.data_dir).expanduser().resolve() if args.data_dir else data_root()
    if not root.is_dir():
        print(f"error: the data folder {root} does not exist", file=sys.stderr)
        return 1
    os.environ["CARA_DATA_DIR"] = str(root)
    try:
        data = build(args.period, args.out, area=args.area, root=root)
    except (BoardPackError, NoData, DataRootError, warehouse.QueryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: could not write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    n = len(Presentation(io.BytesIO(data)).slides)
    print(f"wrote {args.out} ({n} slides, {len(data) / 1024:.0f} KB): {args.period}, area {args.area or default_area(root)}")
    return 0
