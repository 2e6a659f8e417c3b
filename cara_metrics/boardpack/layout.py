"""Laying out each kind of slide, and rendering a planned deck (:func:`render`).

One ``draw_*`` function per :attr:`SlideSpec.kind <.specs.SlideSpec.kind>` places the
header, chart, table, tiles and notes so that nothing overlaps and all text fits (sizes
from :mod:`.fitting`); the footers go on last, when the number of slides is known. Notes
that do not fit beside a chart go to the speaker notes rather than squeezing it.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Sequence

from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches, Pt

from ..panels import Tile
from ..periods import format_date
from .drawing import add_chart, add_table, add_text, rgb, style_run
from .fitting import Para, box_height, largest_fitting, table_layout, text_height, text_width, wrap
from .specs import Context, SlideSpec
from .theme import (BODY_PT, CONTENT_BOTTOM, CONTENT_W, DARK_BLUE, DARK_PINK, FOOTER_TOP, GREY, INSET_X, INSET_Y, LIGHT_GREY, LINE,
                    MARGIN, MIN_PT, ORANGE, SLIDE_H, SLIDE_W, SYNTHETIC_MARK, SYNTHETIC_TEXT, TEAL, TEXT, TITLE_PT)


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


def _grey_box(s, name: str, left: float, top: float, width: float, height: float, inset_y: float):
    """A light grey rectangle with no outline or shadow; its text frame, top-anchored and
    wrapping, for the caller to fill (a tile or a big number)."""
    box = s.shapes.add_shape(1, Inches(left), Inches(top), Inches(width), Inches(height))  # 1 = rectangle
    box.name = name
    box.fill.solid()
    box.fill.fore_color.rgb = rgb(LIGHT_GREY)
    box.line.fill.background()
    box.shadow.inherit = False
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = Inches(0.12)
    tf.margin_top = tf.margin_bottom = Inches(inset_y)
    return tf


def _big_number(s, t: Tile, left: float, top: float, width: float, height: float, big: float, label_lines: int) -> None:
    """A headline figure: its label, the number large, and one short line (its n and change)."""
    tf = _grey_box(s, f"big:{t.metric_id}", left, top, width, height, inset_y=0.1)
    # Labels run to different numbers of lines: the number is pushed down by the difference, so
    # the big numbers of all the tiles stand on one line.
    pad = (label_lines - len(wrap(t.label, width - 0.24, MIN_PT, True))) * LINE * MIN_PT
    for i, (text, size, bold, colour) in enumerate(_big_parts(t, big)):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.line_spacing = 1.0
        p.space_after = Pt(4)
        if i == 1 and pad > 0:
            p.space_before = Pt(pad)
        run = p.add_run()
        run.text = text
        style_run(run, size, bold, colour)


BIG_PT = (44, 40, 36, 32, 28)


def _big_parts(t: Tile, big: float) -> list[tuple[str, float, bool, str]]:
    return [(t.label, MIN_PT, True, GREY), (t.value_text, big, True, DARK_BLUE), (t.n_text, MIN_PT, False, TEXT)]


def _big_size(tiles: Sequence[Tile], width: float) -> float:
    """The largest size at which every big number stands on one line (one size for all)."""
    return next((sz for sz in BIG_PT if all(text_width(t.value_text, sz, True) <= width for t in tiles)), BIG_PT[-1])


def draw_headline(prs, ctx: Context, spec: SlideSpec) -> None:
    """The first slide: what the pack is, one plain statement, and four or five big numbers.
    The statement's size steps down (20 to 14 pt) so that the numbers and the synthetic-data
    banner always fit above the footer."""
    s = _blank(prs)
    top = _header(s, spec)
    banner = [Para(SYNTHETIC_TEXT, BODY_PT, head=f"{SYNTHETIC_MARK}. ")] if ctx.synthetic else []
    banner_h = box_height(banner, CONTENT_W) + 0.2 if banner else 0.0
    n = len(spec.tiles)
    gap = 0.2
    w = (CONTENT_W - gap * (max(n, 4) - 1)) / max(n, 4)  # never wider than a quarter: a lone number stays a tile
    big = _big_size(spec.tiles, w - 0.3)
    label_lines = max((len(wrap(t.label, w - 0.24, MIN_PT, True)) for t in spec.tiles), default=0)
    h = max((text_height([Para(a, b, c, after=4) for a, b, c, _ in _big_parts(t, big)], w - 0.24)
             + (label_lines - len(wrap(t.label, w - 0.24, MIN_PT, True))) * LINE * MIN_PT / 72 for t in spec.tiles),
            default=-0.4) + 0.2
    room = CONTENT_BOTTOM - top - (h + 0.2) - banner_h
    _, statement = largest_fitting(lambda sz: [Para(spec.statement, sz, True)], CONTENT_W, room, (20, 18, 16, MIN_PT))
    y = add_text(s, MARGIN, top, CONTENT_W, statement, name="statement", colour=TEXT)
    for i, t in enumerate(spec.tiles):
        _big_number(s, t, MARGIN + i * (w + gap), y + 0.2, w, h, big, label_lines)
    if banner:
        add_text(s, MARGIN, CONTENT_BOTTOM - banner_h + 0.2, CONTENT_W, banner, name="synthetic-banner", colour=TEXT, fill=ORANGE)
    _speaker(s, "\n".join([spec.statement, *(f"{t.label}: {t.value_text}; {t.n_text}" for t in spec.tiles),
                           f"Produced by the CARA dashboard on {format_date(dt.date.today())}."]))


def draw_summary(prs, ctx: Context, spec: SlideSpec) -> None:
    s = _blank(prs)
    top = _header(s, spec)
    room = CONTENT_BOTTOM - top
    _, paras = largest_fitting(lambda sz: [Para(line, sz, indent=0.3, after=sz * 0.6) for line in spec.lines],
                               CONTENT_W, room, (22, 20, 18, BODY_PT, MIN_PT))
    add_text(s, MARGIN, top, CONTENT_W, paras, name="summary", bullets=True)
    _speaker(s, "\n".join(spec.lines))


def _chart_with_source(s, chart, left: float, top: float, width: float, bottom: float) -> None:
    """A chart with its source line directly under it, both within ``top``..``bottom``."""
    if chart.source:
        paras = [Para(chart.source, MIN_PT)]
        sh = box_height(paras, width)
        add_text(s, left, bottom - sh, width, paras, name="source", colour=GREY)
        bottom -= sh + 0.05
    add_chart(s, chart, left, top, width, bottom - top)


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
    if spec.chart.source:  # the source line right under the chart, across the slide (it serves the table too)
        paras = [Para(spec.chart.source, MIN_PT)]
        sh = box_height(paras, CONTENT_W)
        add_text(s, MARGIN, bottom - sh, CONTENT_W, paras, name="source", colour=GREY)
        bottom -= sh + 0.05
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
            return y - top < 3.6 or y < table_bottom + 0.1
        while notes and squeezed(notes):
            notes.pop()
        if notes:
            nh = box_height(_notes_paras(notes), CONTENT_W)
            add_text(s, MARGIN, bottom - nh, CONTENT_W, _notes_paras(notes), name="notes", colour=GREY)
            bottom -= nh + 0.1
    add_chart(s, spec.chart, MARGIN, top, cw, bottom - top)
    _speaker(s, "\n".join([spec.speaker, *spec.callout, *spec.notes, *spec.caveats]))


def _tile_box(s, t: Tile, left: float, top: float, width: float, height: float) -> None:
    tf = _grey_box(s, f"tile:{t.metric_id}", left, top, width, height, inset_y=INSET_Y)
    for i, (text, size, bold, colour) in enumerate(((t.label, MIN_PT, True, GREY), (t.value_text, 30, True, DARK_BLUE),
                                                    (t.n_text, MIN_PT, False, TEXT))):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.line_spacing = 1.0
        run = p.add_run()
        run.text = text
        style_run(run, size, bold, colour)


def _tile_paras(t: Tile) -> list[Para]:
    return [Para(t.label, MIN_PT, True), Para(t.value_text, 30, True), Para(t.n_text, MIN_PT)]


def draw_value(prs, ctx: Context, spec: SlideSpec) -> None:
    """Value for money: the ratio against the published range on the left (with its source line),
    the cost and ratio tiles two by two on the right, then the sentences that fit under them
    (all are in the speaker notes); what the savings assume runs across the foot."""
    s = _blank(prs)
    top = _header(s, spec)
    if not spec.tiles:
        add_text(s, MARGIN, top, CONTENT_W, [Para(t, BODY_PT) for t in spec.lines], name="no-data")
        return
    bottom = CONTENT_BOTTOM
    callout = _notes_paras(spec.callout, MIN_PT, True)
    if callout:  # what the savings assume, beside them (issue 14 item 1)
        ch = box_height(callout, CONTENT_W)
        add_text(s, MARGIN, bottom - ch, CONTENT_W, callout, name="callout", colour=DARK_BLUE)
        bottom -= ch + 0.1
    left_w = 6.0 if spec.chart else 0.0
    if spec.chart:
        _chart_with_source(s, spec.chart, MARGIN, top, left_w, bottom)
    x0 = MARGIN + (left_w + 0.3 if left_w else 0.0)
    right_w = CONTENT_W - (left_w + 0.3 if left_w else 0.0)
    per_row = 2 if spec.chart else len(spec.tiles)
    gap = 0.2
    w = (right_w - gap * (per_row - 1)) / per_row
    h = max(text_height(_tile_paras(t), w - 0.24) for t in spec.tiles) + 2 * INSET_Y + 0.06
    for i, t in enumerate(spec.tiles):
        _tile_box(s, t, x0 + (i % per_row) * (w + gap), top + (i // per_row) * (h + gap), w, h)
    y = top + ((len(spec.tiles) + per_row - 1) // per_row) * (h + gap)
    lines = list(spec.lines)
    while lines and box_height([Para(t, MIN_PT, indent=0.25, after=6) for t in lines], right_w) > bottom - y:
        lines.pop()
    if lines:
        _, paras = largest_fitting(lambda sz: [Para(t, sz, indent=0.25, after=6) for t in lines], right_w, bottom - y,
                                   (BODY_PT, 15, MIN_PT))
        add_text(s, x0, y, right_w, paras, name="value-sentences", bullets=True)
    _speaker(s, "\n".join([spec.speaker, *spec.callout, *spec.caveats]))


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
    _speaker(s, spec.speaker or "\n".join(spec.lines))


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


def draw_caveats(prs, ctx: Context, spec: SlideSpec) -> None:
    """Every caveat on ONE slide: the text size steps down until it fits; anything that still
    would not fit goes to the speaker notes, which always hold every caveat in full."""
    s = _blank(prs)
    top = _header(s, spec)
    room = CONTENT_BOTTOM - top
    items = list(spec.items)

    def paras(sz: float, its) -> list[Para]:
        return [Para(t, sz, indent=0.25, after=3, head=f"{h}: ") for h, t in its]

    sizes = (BODY_PT, 15, MIN_PT)
    while items and box_height(paras(MIN_PT, items), CONTENT_W) > room:
        items.pop()
    _, fitted = largest_fitting(lambda sz: paras(sz, items), CONTENT_W, room, sizes)
    add_text(s, MARGIN, top, CONTENT_W, fitted, name="caveats", bullets=True)
    _speaker(s, spec.speaker or "\n".join(spec.lines))


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


DRAW = {"headline": draw_headline, "summary": draw_summary, "question": draw_question, "value": draw_value,
        "value_detail": draw_value_detail, "caveats": draw_caveats, "notes": draw_notes}


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
