"""Drawing with python-pptx: text boxes, native editable charts and tables in the pack's style.

Each function draws one shape at a position in inches and returns (or takes) its size, so
the slide layouts in :mod:`.layout` can stack shapes without overlap. Charts are native
PowerPoint charts (their data sit in an embedded workbook a reader can edit), in the
Analysis Function style: light gridlines, direct labels, 95% intervals as error bars.
"""

from __future__ import annotations

import re
from typing import Sequence

import pandas as pd
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ..disclosure import neutralise_formula
from .fitting import Para, box_height, table_layout
from .specs import ChartSpec
from .theme import CELL_X, CELL_Y, DARK_BLUE, DARK_PINK, FONT, GREY, GRID, INSET_X, INSET_Y, LIGHT_GREY, MIN_PT, ORANGE, TEAL, TEXT


def rgb(hex6: str) -> RGBColor:
    return RGBColor.from_string(hex6)


def style_run(run, size: float, bold: bool = False, colour: str = TEXT) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = rgb(colour)


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
        box.fill.fore_color.rgb = rgb(fill)
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
            style_run(run, p.size, bold, colour)
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
    kind = {"line": XL_CHART_TYPE.LINE_MARKERS, "column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
            "range": XL_CHART_TYPE.BAR_STACKED}[spec.kind]
    frame = slide.shapes.add_chart(kind, Inches(left), Inches(top), Inches(width), Inches(height), data)
    frame.name = "chart"
    _alt_text(frame, spec.alt_text)
    chart = frame.chart
    chart.font.name = FONT
    chart.font.size = Pt(MIN_PT)
    chart.font.color.rgb = rgb(TEXT)
    chart.has_title = False
    chart.has_legend = len(spec.series) > 1 and spec.kind != "range"
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(MIN_PT)
    va, ca = chart.value_axis, chart.category_axis
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = rgb(GRID)
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
            style_run(r, MIN_PT, False, GREY)
    ca.tick_labels.font.size = Pt(MIN_PT)
    ca.format.line.color.rgb = rgb(GREY)
    ca.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _horizontal_labels(ca)
    if spec.kind in ("bar", "range"):
        ca.reverse_order = True  # first row of the table at the top ...
        va._element.find(qn("c:crosses")).set("val", "max")  # ... and the value axis still at the bottom
    plot = chart.plots[0]
    if spec.kind in ("column", "bar", "range"):
        plot.gap_width = 60
    if spec.kind == "range":
        _range_bars(plot, spec)
        return
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
        dl.font.color.rgb = rgb("FFFFFF")
        dl.font.bold = True
    else:
        dl.position = XL_LABEL_POSITION.ABOVE if spec.kind == "line" else XL_LABEL_POSITION.OUTSIDE_END
    palette = [DARK_BLUE, ORANGE, TEAL, DARK_PINK]
    for i, s in enumerate(plot.series):
        colour = rgb(palette[i % len(palette)])
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
                    pt.format.fill.fore_color.rgb = rgb(c)
        if spec.errors and i < len(spec.errors) and spec.errors[i]:
            lows, highs = spec.errors[i]
            vals = spec.series[i][1]
            _error_bars(s, [None if v is None or lo is None else v - lo for v, lo in zip(vals, lows)],
                        [None if v is None or hi is None else hi - v for v, hi in zip(vals, highs)])


def _range_bars(plot, spec: ChartSpec) -> None:
    """Floating bars: series 0 is the invisible start, series 1 the visible length, so each bar
    runs from its low to its high value (a point estimate is a bar from 0). Each bar carries the
    label given in ``spec.labels`` and its colour from ``spec.point_colours``."""
    start, length = plot.series[0], plot.series[1]
    start.format.fill.background()
    start.format.line.fill.background()
    length.format.fill.solid()
    length.format.fill.fore_color.rgb = rgb(DARK_BLUE)
    for j, c in enumerate(spec.point_colours or []):
        pt = length.points[j]
        pt.format.fill.solid()
        pt.format.fill.fore_color.rgb = rgb(c)
    for j, text in enumerate(spec.labels or []):
        dl = length.points[j].data_label
        dl.has_text_frame = True
        dl.text_frame.text = text
        dl.text_frame.word_wrap = False  # a range label stays on one line
        dl.position = XL_LABEL_POSITION.INSIDE_BASE
        for r in dl.text_frame.paragraphs[0].runs:
            style_run(r, MIN_PT, True, "FFFFFF")
    if spec.errors and len(spec.errors) > 1 and spec.errors[1]:
        lows, highs = spec.errors[1]
        ends = [None if a is None or b is None else a + b for a, b in zip(spec.series[0][1], spec.series[1][1])]
        _error_bars(length, [None if e is None or lo is None else e - lo for e, lo in zip(ends, lows)],
                    [None if e is None or hi is None else hi - e for e, hi in zip(ends, highs)])


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
            cell.fill.fore_color.rgb = rgb(DARK_BLUE if i == 0 else (LIGHT_GREY if i % 2 == 0 else "FFFFFF"))
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if (j > 0 and i > 0 and _numeric(text)) else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = text
            style_run(run, size, i == 0, "FFFFFF" if i == 0 else TEXT)
    return top + sum(heights)
