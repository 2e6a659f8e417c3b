"""The plan of the deck: every slide, in order, before any drawing.

:func:`plan` resolves the selection, asks :mod:`.slides` for the content slides, and ends
with the data notes (:func:`notes_items`): the data status, each metric used (definition,
source and caveats from the registry), breaks in series and the follow-up rule.

The summary slide is exactly ``overview.summary`` for the pack's trend window
(:func:`summary_lines`), so it reads the same as the Overview page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from .. import registry
from ..analysis import crime, overview, reoffending, value
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
