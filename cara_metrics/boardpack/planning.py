"""The plan of the deck: every slide, in order, before any drawing.

What a board reads in five minutes, in this order:

1. the headline (:func:`headline_slide`): one plain statement and five big numbers, each a
   tile of the Overview page or the Value for money page (the same results, not recomputed);
2. the summary: exactly ``overview.summary`` for the pack's trend window (:func:`summary_lines`);
3. one slide per question, then value for money and how its estimate is made;
4. ONE caveats slide (:func:`caveat_items`): every caveat the figures carry, said once;
5. an appendix of definitions and sources (:func:`notes_items`), on as many slides as needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from .. import registry
from ..analysis import crime, overview, reoffending, value
from ..areas import force_of
from ..panels import Tile
from ..contract import financial_year_label
from ..panels import NoData
from ..periods import Filters, format_date, fy_end, fy_start
from .selection import context, coverage
from .slides import (completion_slide, crime_slide, referrals_slide, reoffending_slide, survey_slide, value_detail_slide,
                     value_slide)
from .specs import Context, SlideSpec
from .theme import SYNTHETIC_MARK, SYNTHETIC_TEXT


def _sentences(text: str) -> list[str]:
    return [x for x in re.split(r"(?<=[.!?])\s+(?=[A-Z])", str(text).strip()) if x]


#: Overview tiles on the headline slide, in order (the domestic-abuse share is context, on its own slide).
HEADLINE_TILES = ("referrals", "completion_rate", "survey_agree", "reoffending_rate")


def _short(t: Tile) -> str:
    """A tile's n, without the interval (the interval is on the question slide)."""
    n = re.split(r";| \(likely", t.n_text)[0].strip()
    return n.removeprefix("n = ")


def headline_tiles(ctx: Context, v: value.Value | None) -> list[Tile]:
    """Four or five big numbers: the Overview page's tiles for the pack's window, and the value
    for money ratio when it can be estimated (else the programme cost). Each tile's figure is the
    page's own; only the line under it is shortened (its n and its change)."""
    by_id = {t.metric_id: t for t in overview.tiles(ctx.window, ctx.root)}
    out = []
    for mid in HEADLINE_TILES:
        t = by_id[mid]
        if t.value is None:
            continue
        line = "; ".join(x for x in (_short(t), t.delta_text) if x)
        out.append(Tile(t.metric_id, f"{t.label}, {t.period_text}", t.value, t.value_text, t.delta_text, line, t.period_text,
                        t.help))
    if v is not None:
        whole = "" if force_of(ctx.area, ctx.root) == ctx.area else ", whole force"  # costs are not split by area
        tiles = {t.metric_id: t for t in value.tiles(v)}
        t = tiles.get("benefit_cost_ratio") or tiles["programme_cost"]
        if t.metric_id == "benefit_cost_ratio":
            line = f"{value.per_pound(v.bcr.value)}, if the difference is due to CARA"
            out.append(Tile(t.metric_id, f"Benefit-cost ratio, {v.period}{whole}", t.value, t.value_text, None, line, v.period, t.help))
        else:
            out.append(Tile(t.metric_id, f"Programme cost, {v.period}{whole}", t.value, t.value_text, None, v.price_basis, v.period,
                            t.help))
    return out


def headline_statement(ctx: Context) -> str:
    """The one plain statement: the reoffending comparison in the Justice Data Lab's words, and
    what kind of comparison it is (issue 14 item 1)."""
    c = reoffending.compare(ctx.window, root=ctx.root)
    if not c.enough:
        return c.sentence()
    return f"{c.sentence()} {reoffending.NOT_A_TRIAL.split(':')[0]}."


def headline_slide(ctx: Context, v: value.Value | None) -> SlideSpec:
    return SlideSpec("headline", f"CARA board pack: {ctx.area_name}, {ctx.period}", kicker="The headlines",
                     subtitle=f"Financial year {ctx.period} (1 April {ctx.fy} to 31 March {ctx.fy + 1}); data as at "
                              f"{format_date(ctx.as_at)}; trends cover {ctx.window.label}",
                     statement=headline_statement(ctx), tiles=headline_tiles(ctx, v))


def caveat_items(ctx: Context, slides: Iterable[SlideSpec], v: value.Value | None) -> list[tuple[str, str]]:
    """(heading, text) for the one caveats slide: what kind of comparison this is, what savings
    assume, the prices, what each slide's figures carry (provisional periods, breaks in series,
    follow-up) and who is counted; each said once."""
    items: list[tuple[str, str]] = []
    if ctx.synthetic:
        items.append((SYNTHETIC_MARK, SYNTHETIC_TEXT))
    items.append(("Not a trial", reoffending.NOT_A_TRIAL))
    if v is not None:
        items.append(("Savings", reoffending.SAVINGS_ASSUME.split(". ")[0] + "."))
    said: set[str] = set()
    for s in slides:
        for c in s.caveats:
            if c and c not in said:
                said.add(c)
                head = "Prices" if s.kind == "value" else (registry.get(s.metric_ids[0]).title if s.metric_ids else "Note")
                items.append((head, c))
    b = crime.breaks(Filters(fy_start(coverage(ctx.root)[0]), fy_end(ctx.fy), ctx.area), ctx.root)
    for r in b.itertuples():
        text = str(r.description)
        if not any(text in c for c in said):
            items.append((f"Break in series, {pd.Timestamp(r.break_date):%B %Y}", text))
    items.append(("Everyone referred", reoffending.completers_caveat()))
    return items


def notes_items(ctx: Context, metric_ids: Iterable[str]) -> list[tuple[str, str]]:
    """(heading, text) for the appendix: the data, then each metric used (definition and source
    from the registry; a source given for an earlier metric is not repeated). Caveats are not
    repeated here: they are on the caveats slide, and in full in its speaker notes."""
    items: list[tuple[str, str]] = [
        ("The data", f"Warehouse data as at {format_date(ctx.as_at)}. Headline figures are for {ctx.period} against "
                     f"{financial_year_label(ctx.fy - 1)}; trends cover {ctx.window.label}.")]
    first_said: dict[str, str] = {}  # a source -> the metric that first gave it
    for mid in dict.fromkeys(metric_ids):
        m = registry.get(mid)
        source = f"as for “{first_said[m.source]}”" if m.source in first_said else m.source.rstrip(".")
        first_said.setdefault(m.source, m.title)
        items.append((m.title, f"{m.definition} · Source: {source}."))
    return items


def metric_caveats(metric_ids: Iterable[str]) -> list[str]:
    """Every metric's caveats from the registry, in full (the caveats slide's speaker notes)."""
    return [f"{registry.get(m).title}: {registry.get(m).caveats}" for m in dict.fromkeys(metric_ids)]


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
    headline = headline_slide(ctx, v)
    caveats = SlideSpec("caveats", "What these figures can and cannot show", kicker="Caveats")
    caveats.items = caveat_items(ctx, [*questions, *money], v)
    caveats.lines = [f"{h}: {t}" for h, t in caveats.items]
    caveats.speaker = "\n".join(caveats.lines + metric_caveats(used))
    notes = SlideSpec("notes", "Definitions and sources", kicker="Appendix")
    notes.items = notes_items(ctx, used)
    notes.lines = [f"{h}: {t}" for h, t in notes.items]
    return ctx, [headline, summary, *questions, *money, caveats, notes]


def summary_lines(period: str, area: str | None = None, root: Path | None = None) -> list[str]:
    """The summary slide's sentences: ``overview.summary`` for the pack's selection."""
    ctx = context(period, area, root)
    return overview.summary(ctx.window, ctx.root)
