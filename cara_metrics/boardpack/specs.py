"""What passes from planning the pack to drawing it: the resolved selection (:class:`Context`),
and what each slide carries (:class:`SlideSpec`, with a :class:`ChartSpec` for its chart).

These are plain values: a slide is planned in full (title, figures, table, notes) before
anything is drawn, so tests can read what a deck will say without opening PowerPoint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..panels import NoData, Tile
from ..periods import Filters


class BoardPackError(NoData, ValueError):
    """The pack cannot be built for what was asked (bad period or area); the message says why.
    A NoData, so a page's ``ui.guard`` shows the message as it shows any empty selection."""


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

    kind: str  # "line", "column", "bar", or "range" (floating bars from series 0 to series 0 + series 1)
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
    #: The source line drawn under the chart: where the figures come from, and what any error bars show.
    source: str = ""
    #: Data labels written out per point (a "range" chart labels a range as "2.75 to 11.1").
    labels: list[str] | None = None


@dataclass
class SlideSpec:
    """One slide: its message title and what it carries."""

    kind: str  # headline, summary, question, value, value_detail, caveats, notes
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
    items: list[tuple[str, str]] = field(default_factory=list)  # (bold heading, text) for caveats and definitions
    #: Caveats this slide's figures carry: said once, on the caveats slide (and in this slide's speaker notes).
    caveats: list[str] = field(default_factory=list)
    #: The headline slide's one plain statement.
    statement: str = ""
