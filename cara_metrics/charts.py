"""Plotly figures in the Analysis Function style.

White background, light gridlines, the Analysis Function palette (at most four colours),
direct labels where possible, and dashed vertical markers with a text label for the
events that explain a line. Colour never carries meaning alone: series also differ in
line dash or marker, and every series is named in text.

Speed: every figure is built in one ``go.Figure(data=..., layout=...)`` call from plain
dicts. Plotly validates each ``update_layout`` / ``update_xaxes`` / ``add_vline`` call
separately (about 1-3 ms each; the old three-call base layout cost 8 ms a figure), so
builders take every option up front (``xaxis``, ``yaxis``, ``layout``, ``events``, tick
helpers) instead of callers patching the figure afterwards. Measured in
docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd
import plotly.graph_objects as go

from .periods import period_label

#: Analysis Function categorical palette (https://analysisfunction.civilservice.gov.uk).
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TWO_SERIES = ("#12436D", "#F46A25")
FOCUS = ("#12436D", "#BFBFBF")
DASHES = ("solid", "dash", "dot", "dashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up")
FONT = "Arial, Helvetica, sans-serif"
GRID = "#E6E6E6"
INK = "#3D3D3D"


@dataclass(frozen=True)
class Event:
    """A dated event drawn as a labelled vertical line.

    ``breaks_series`` marks events that break a data series (shown on crime charts) rather
    than explain a change in CARA's own figures.
    """

    date: dt.date
    label: str
    breaks_series: bool = False


#: Events that explain Dorset's lines (shown when inside the chart's range).
EVENTS = (
    Event(dt.date(2019, 4, 1), "Break in series [b]: reorganisation (Apr 2019)", breaks_series=True),
    Event(dt.date(2019, 8, 1), "CARA launched (Aug 2019)"),
    Event(dt.date(2020, 3, 23), "First COVID-19 lockdown"),
)

#: The events that explain CARA's own series (referrals, completion, reoffending): the April
#: 2019 reorganisation breaks the crime series, not these.
PROGRAMME_EVENTS = tuple(e for e in EVENTS if not e.breaks_series)

Dict = dict[str, Any]


def merge(base: Dict, extra: Dict | None) -> Dict:
    """``base`` updated by ``extra``, nested dicts merged key by key (neither is changed)."""
    out = dict(base)
    for k, v in (extra or {}).items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def layout(*, y_title: str = "", x_title: str = "", percent: bool = False, height: int = 380,
           hovermode: str = "x unified", showlegend: bool | None = None) -> Dict:
    """The house layout as a plain dict (axis titles, grid, palette, room for long labels)."""
    out: Dict = dict(
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(family=FONT, size=14, color="#0b0c0c"),
        margin=dict(l=60, r=30, t=40, b=50),
        height=height,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hovermode=hovermode,
        colorway=list(PALETTE),
        # automargin: long category names (areas, offence groups) are never clipped.
        xaxis=dict(title_text=x_title, showgrid=False, linecolor=INK, ticks="outside", automargin=True),
        yaxis=dict(title_text=y_title, gridcolor=GRID, zeroline=True, zerolinecolor="#BFBFBF", rangemode="tozero", automargin=True),
    )
    if percent:
        out["yaxis"]["tickformat"] = ".0%"
    if showlegend is not None:
        out["showlegend"] = showlegend
    return out


def _nest(axis: Dict) -> Dict:
    """``title_text`` / ``title_font`` as a nested ``title`` dict: Plotly parses each "magic
    underscore" key the slow way (about 0.4 ms a key), nested dicts it takes directly."""
    out = {k: v for k, v in axis.items() if not k.startswith("title_")}
    title = dict(axis.get("title") or {})
    for k, v in axis.items():
        if k.startswith("title_"):
            title[k[len("title_"):]] = v
    if title:
        out["title"] = title
    return out


def figure(data: Sequence[Any], base: Dict, *, xaxis: Dict | None = None, yaxis: Dict | None = None,
           extra: Dict | None = None) -> go.Figure:
    """One validated figure from traces and a layout dict with the caller's overrides, its
    numbers and labels set the house way (:func:`british`)."""
    lay = merge(base, extra)
    for name in [k for k in lay if k.startswith(("xaxis", "yaxis"))]:
        lay[name] = merge(lay[name], xaxis if name == "xaxis" else yaxis if name == "yaxis" else None)
    british(lay, data)
    for name in [k for k in lay if k.startswith(("xaxis", "yaxis"))]:
        lay[name] = _nest(lay[name])
    return go.Figure(data=list(data), layout=lay)


# --- numbers the British way, and labels that fit a phone --------------------------------------

#: Plotly's ``separators``: the decimal point, then the thousands separator (1,200.5).
SEPARATORS = ".,"
#: Category labels (areas, survey statements) are wrapped at this many characters: at 390 px
#: a longer label takes the plot's width, squeezing bars to a sliver or cutting the label off.
LABEL_WIDTH = 22
#: Axis titles are wrapped at this many characters, so a centred title never runs off the edge.
TITLE_WIDTH = 24
_LINE_PX = 20  # one line of a 14 px tick label, with leading


def wrap_label(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` (any ``<br>`` in it ignored) broken into lines of at most ``width`` characters with ``<br>``."""
    import textwrap

    plain = " ".join(str(text).replace("<br>", " ").split())
    return "<br>".join(textwrap.wrap(plain, width)) or plain


def _axis_values(data: Sequence[Any], axis: str) -> tuple[list[Any], bool]:
    """The values the traces put on layout axis ``axis`` ('xaxis', 'yaxis2' ...), and
    whether they are categories (text) drawn by bars."""
    letter, suffix = axis[0], axis[5:]
    values: list[Any] = []
    bars = False
    for t in data:
        if (getattr(t, f"{letter}axis", None) or letter) != f"{letter}{suffix}":
            continue
        v = getattr(t, letter, None)
        if v is not None:
            values.extend(list(v))
            bars = bars or getattr(t, "type", "") == "bar"
    return values, bars


def british(lay: Dict, data: Sequence[Any]) -> None:
    """The one place numbers and labels on a chart are set the house way (changes ``lay``):

    * thousands separators on every numeric axis (1,200, not 1200) and in hover text
      (``separators``); Plotly draws negative ticks with a true minus sign itself;
    * bar categories longer than :data:`LABEL_WIDTH` characters wrapped onto lines (the data
      and hover text keep the full label), with room for the extra lines;
    * axis titles wrapped at :data:`TITLE_WIDTH` characters.
    """
    lay["separators"] = SEPARATORS
    for name in [k for k in lay if k.startswith(("xaxis", "yaxis"))]:
        axis = lay[name]
        title = axis.get("title_text")
        if isinstance(title, str) and len(title.replace("<br>", " ")) > TITLE_WIDTH:
            axis["title_text"] = wrap_label(title, TITLE_WIDTH)
        values, bars = _axis_values(data, name)
        if not values or axis.get("type") == "date":
            continue
        if all(isinstance(v, str) for v in values if v is not None):
            if not bars or "tickvals" in axis:
                continue
            cats = list(dict.fromkeys(v for v in values if v is not None))
            wrapped = [wrap_label(c) for c in cats]
            if wrapped != cats:
                axis.update(tickvals=cats, ticktext=wrapped)
                lines = max(w.count("<br>") + 1 for w in wrapped)
                if name.startswith("yaxis") and lines > 2:  # horizontal bars: room for every line
                    lay["height"] = max(int(lay.get("height") or 0), 100 + len(cats) * (_LINE_PX * lines + 16))
        elif "tickformat" not in axis and all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                              for v in values if v is not None):
            axis["tickformat"] = ","


def event_marks(x_min: dt.date, x_max: dt.date, events: Sequence[Event] = EVENTS) -> Dict:
    """Layout additions marking the events inside the x range, labels staggered so they do not collide."""
    shown = [e for e in events if x_min <= e.date <= x_max]
    if not shown:
        return {}
    return dict(
        shapes=[dict(type="line", xref="x", yref="paper", x0=e.date, x1=e.date, y0=0, y1=1,
                     line=dict(color=INK, width=1, dash="dot")) for e in shown],
        annotations=[dict(x=e.date, y=1 + 0.07 * (len(shown) - 1 - i), xref="x", yref="paper", text=e.label, showarrow=False,
                          xanchor="left", yanchor="bottom", font=dict(size=11, color=INK), bgcolor="rgba(255,255,255,0.85)")
                     for i, e in enumerate(shown)],
        # Room above the plot for the event labels, so they never sit on the data.
        margin=dict(t=40 + 26 * len(shown)),
        legend=dict(y=1.02 + 0.07 * len(shown)),
    )


def _dates(values) -> list[pd.Timestamp]:
    return [pd.Timestamp(d) for d in values]


def fy_axis(dates: Sequence[Any], grain: str) -> Dict:
    """A date axis labelled with financial years (a tick at each April), not calendar years."""
    if grain == "month" or len(dates) == 0:
        return {}
    starts = _dates(dates)
    ticks = [d for d in starts if d.month == 4] or starts
    ticks = ticks[::max(1, len(ticks) // 8)]
    return dict(tickvals=ticks, ticktext=[period_label(d.date(), "year") for d in ticks],
                title_text="Financial year" if grain == "year" else "Financial year (quarters)")


def category_axis(labels: Sequence[str], dates: Sequence[Any], grain: str) -> Dict:
    """Columns per month or quarter: label only the first period of each financial year
    instead of every long period name (hovering still names each period). The labels are
    flat where they fit; Plotly turns them only on a narrow screen, where flat ones overlap."""
    out: Dict = dict(type="category")
    if grain == "year" or len(dates) == 0:
        return out
    starts = _dates(dates)
    firsts = [i for i, d in enumerate(starts) if d.month == 4] or [0]
    firsts = firsts[::max(1, len(firsts) // 8)]
    return dict(out, tickvals=[list(labels)[i] for i in firsts], ticktext=[period_label(starts[i].date(), "year") for i in firsts],
                title_text=f"Financial year ({'quarters' if grain == 'quarter' else 'months'})")


def line_chart(
    df: pd.DataFrame,
    x: str,
    series: Sequence[str],
    *,
    names: Sequence[str] | None = None,
    y_title: str = "",
    percent: bool = False,
    events: bool | Sequence[Event] = True,
    bands: dict[str, tuple[str, str]] | None = None,
    hover_format: str | None = None,
    tick_text: Sequence[str] | None = None,
    reference: Sequence[str] = (),
    provisional: str | None = None,
    xaxis: Dict | None = None,
    yaxis: Dict | None = None,
    extra: Dict | None = None,
) -> go.Figure:
    """Lines over time; ``bands`` maps a series to (low, high) columns for a shaded interval.

    ``tick_text`` labels each x value (e.g. '2019/20' for a financial year that starts on
    1 April 2019), so a financial-year axis never reads as calendar years. ``events`` is
    True for every event, or the events to mark. Series named in ``reference`` are a level,
    not data points: a plain line with no markers.

    ``provisional`` names a column of booleans: those periods' figures can still change, so
    each series draws them as open markers (on a dotted line), in a trace of their own named
    "... (provisional) [p]" with [p] in the hover, never as part of the solid line.
    """
    names = list(names or series)
    fmt = hover_format or (".1%" if percent else ",.0f")
    xs = list(df[x])
    prov = [bool(v) for v in df[provisional]] if provisional and len(df) else [False] * len(xs)
    traces = []
    for i, (col, name) in enumerate(zip(series, names)):
        colour = PALETTE[i % len(PALETTE)] if len(series) > 2 else TWO_SERIES[i]
        if bands and col in bands:
            lo, hi = bands[col]
            # An area, so no markers at its corners.
            traces.append(go.Scatter(x=xs + xs[::-1], y=list(df[hi]) + list(df[lo])[::-1], mode="lines",
                                     fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0),
                                     hoverinfo="skip", showlegend=False, name=f"{name} 95% interval"))
        ys = df[col].tolist()
        line = dict(color=colour, width=2.5, dash=DASHES[i % len(DASHES)])
        marker = dict(symbol=MARKERS[i % len(MARKERS)], size=6)
        if col in reference or not any(prov):
            traces.append(go.Scatter(x=xs, y=ys, name=name, mode="lines" if col in reference else "lines+markers",
                                     line=line, marker=marker, hovertemplate=f"%{{y:{fmt}}}<extra>{name}</extra>"))
            continue
        traces.append(go.Scatter(x=xs, y=[None if p else y for y, p in zip(ys, prov)], name=name, mode="lines+markers",
                                 line=line, marker=marker, hovertemplate=f"%{{y:{fmt}}}<extra>{name}</extra>"))
        # The provisional points on their own: open markers, joined by a dotted line when
        # several follow one another, and not joined to the solid line of final figures.
        keep = [j for j, p in enumerate(prov) if p]
        traces.append(go.Scatter(
            x=[xs[j] for j in keep], y=[ys[j] for j in keep], name=f"{name} (provisional) [p]", mode="lines+markers",
            line=dict(color=colour, width=2, dash="dot"),
            marker=dict(symbol=f"{MARKERS[i % len(MARKERS)]}-open", size=9, line=dict(width=2, color=colour)),
            hovertemplate=f"%{{y:{fmt}}} [p] provisional<extra>{name}</extra>",
        ))
    lay = layout(y_title=y_title, percent=percent)
    if tick_text is not None and len(df):
        step = max(1, len(df) // 12)
        lay["xaxis"].update(tickvals=xs[::step], ticktext=list(tick_text)[::step])
    if events and len(df):
        chosen = EVENTS if events is True else tuple(events)
        lay = merge(lay, event_marks(pd.Timestamp(min(xs)).date(), pd.Timestamp(max(xs)).date(), chosen))
    return figure(traces, lay, xaxis=xaxis, yaxis=yaxis, extra=extra)


def bar_chart(
    df: pd.DataFrame,
    category: str,
    value: str,
    *,
    horizontal: bool = True,
    percent: bool = False,
    y_title: str = "",
    value_title: str | None = None,
    text: str | None = None,
    error: tuple[str, str] | None = None,
    highlight: str | None = None,
    inside: str | None = None,
    hovertemplate: str | None = None,
    height: int | None = None,
    xaxis: Dict | None = None,
    yaxis: Dict | None = None,
    extra: Dict | None = None,
) -> go.Figure:
    """Bars with direct value labels; ``error`` gives (low, high) columns for interval whiskers.

    ``inside`` puts the labels inside the bars ("middle" clears the interval whisker, "start"
    sits at the base); ``value_title`` names the value axis.
    """
    colours = [FOCUS[0] if highlight is None or c == highlight else FOCUS[1] for c in df[category]]
    # Plain lists, not Series: Plotly converts a Series through narwhals (about 0.7 ms a trace).
    kwargs: Dict = dict(marker=dict(color=colours), text=df[text].tolist() if text else None, textposition="auto")
    if inside:
        kwargs.update(textposition="inside", insidetextanchor=inside)
    if hovertemplate:
        kwargs["hovertemplate"] = hovertemplate
    if error:
        lo, hi = error
        err = dict(type="data", symmetric=False, array=(df[hi] - df[value]).tolist(), arrayminus=(df[value] - df[lo]).tolist(),
                   color=INK, thickness=1.5)
        kwargs["error_x" if horizontal else "error_y"] = err
    if horizontal:
        trace = go.Bar(y=df[category].tolist(), x=df[value].tolist(), orientation="h", **kwargs)
        lay = layout(y_title=y_title, height=height or max(300, 60 + 42 * len(df)), hovermode="closest", showlegend=False)
        lay["yaxis"].update(autorange="reversed", gridcolor="rgba(0,0,0,0)", rangemode="normal")
        lay["xaxis"].update(showgrid=True, gridcolor=GRID, rangemode="tozero", automargin=True)
        if percent:
            lay["xaxis"]["tickformat"] = ".0%"
        if value_title is not None:
            lay["xaxis"]["title_text"] = value_title
    else:
        trace = go.Bar(x=df[category].tolist(), y=df[value].tolist(), **kwargs)
        lay = layout(y_title=value_title if value_title is not None else y_title, percent=percent, height=height or 380,
                     hovermode="closest", showlegend=False)
    return figure([trace], lay, xaxis=xaxis, yaxis=yaxis, extra=extra)


def stacked_bars(df: pd.DataFrame, x: str, parts: Sequence[str], names: Sequence[str], *, y_title: str = "",
                 xaxis: Dict | None = None) -> go.Figure:
    """Stacked columns (e.g. outcomes per quarter), each part with its own pattern too; legend in stack order."""
    patterns = ("", "/", ".", "x", "-", "+")
    traces = [go.Bar(x=df[x].tolist(), y=df[col].tolist(), name=name,
                     marker=dict(color=PALETTE[i % len(PALETTE)], pattern=dict(shape=patterns[i % len(patterns)])))
              for i, (col, name) in enumerate(zip(parts, names))]
    return figure(traces, layout(y_title=y_title), xaxis=xaxis, extra=dict(barmode="stack", legend=dict(traceorder="normal")))


def diverging_bars(df: pd.DataFrame, question: str, levels: Sequence[str], *, neutral: str | None = None) -> go.Figure:
    """Diverging 100% bars for Likert answers: disagreement left of zero, agreement right.

    ``df`` has one row per question and a column per level holding the share (fractions).
    The neutral level is split half each side, as is usual for diverging Likert charts.
    """
    n = len(levels)
    colours = ["#801650", "#C08AA6", "#BFBFBF", "#7FB8D6", "#12436D"][:n] if n == 5 else PALETTE[:n]
    traces = []
    mid = n // 2
    for i, lvl in enumerate(levels):
        share = df[lvl].astype(float)
        labels = df[question].tolist()
        if lvl == neutral:
            for side in (-1, 1):
                traces.append(go.Bar(y=labels, x=(side * share / 2).tolist(), orientation="h", name=lvl, marker=dict(color=colours[i]),
                                     showlegend=side == 1, legendgroup=lvl, customdata=share.tolist(), hovertemplate="%{customdata:.0%}<extra>" + lvl + "</extra>"))
            continue
        sign = -1 if i < mid else 1
        traces.append(go.Bar(y=labels, x=(sign * share).tolist(), orientation="h", name=lvl, marker=dict(color=colours[i]), legendgroup=lvl,
                             customdata=share.tolist(), hovertemplate="%{customdata:.0%}<extra>" + lvl + "</extra>",
                             text=[f"{v:.0%}" if v >= 0.06 else "" for v in share], textposition="inside", insidetextanchor="middle"))
    lay = layout(height=120 + 70 * len(df), hovermode="closest")
    return figure(traces, lay,
                  xaxis=dict(tickformat=".0%", showgrid=True, gridcolor=GRID, zeroline=True, zerolinecolor=INK, zerolinewidth=2, range=[-0.5, 1.0]),
                  yaxis=dict(autorange="reversed", rangemode="normal", gridcolor="rgba(0,0,0,0)"),
                  extra=dict(barmode="relative", legend=dict(traceorder="normal")))


def step_curves(curves: dict[str, pd.DataFrame], *, y_title: str = "", xaxis: Dict | None = None) -> go.Figure:
    """Kaplan-Meier style step curves of cumulative incidence with shaded 95% bands."""
    traces = []
    for i, (name, km) in enumerate(curves.items()):
        colour = TWO_SERIES[i % 2] if len(curves) <= 2 else PALETTE[i % len(PALETTE)]
        times = list(km["time"])
        traces.append(go.Scatter(x=times + times[::-1], y=list(km["high"]) + list(km["low"])[::-1], mode="lines",
                                 fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0, shape="hv"), hoverinfo="skip",
                                 showlegend=False, name=f"{name} 95% band"))
        traces.append(go.Scatter(x=times, y=km["estimate"].tolist(), name=name, mode="lines", line=dict(color=colour, width=2.5, shape="hv", dash=DASHES[i % 4]),
                                 hovertemplate="day %{x}: %{y:.1%}<extra>" + name + "</extra>"))
    lay = layout(y_title=y_title, x_title="Days since caution", percent=True, hovermode="closest")
    return figure(traces, lay, xaxis=xaxis)


def message(text: str, *, height: int = 160) -> go.Figure:
    """An empty chart carrying one sentence (e.g. why no comparison is drawn)."""
    lay = layout(height=height)
    return figure([], lay, xaxis=dict(visible=False), yaxis=dict(visible=False),
                  extra=dict(annotations=[dict(x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=16), text=text)]))


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


@dataclass(frozen=True)
class Estimate:
    """One difference with its 95% interval, for a forest chart row (in its own unit)."""

    title: str
    estimate: float
    low: float
    high: float
    label: str
    hover: str
    axis_title: str


def forest(rows: Sequence[Estimate], *, empty_text: str = "") -> go.Figure:
    """One small dot-and-whisker chart per estimate, stacked, each on its own scale with zero marked.

    Built as one figure with an x and y axis per row (what ``make_subplots`` would lay out,
    without its per-axis update calls).
    """
    if not rows:
        return message(empty_text)
    n = len(rows)
    height = 60 + 180 * n
    gap = 100 / height if n > 1 else 0.0
    size = (1 - gap * (n - 1)) / n
    traces, titles = [], []
    lay = layout(height=height, hovermode="closest", showlegend=False)
    lay["margin"] = dict(l=30, r=30, t=40, b=50)
    base_x, base_y = lay.pop("xaxis"), lay.pop("yaxis")
    for i, r in enumerate(rows):
        top = 1 - i * (size + gap)
        suffix = "" if i == 0 else str(i + 1)
        traces.append(go.Scatter(
            x=[r.estimate], y=[0], xaxis=f"x{suffix}", yaxis=f"y{suffix}", mode="markers+text",
            marker=dict(size=12, color=FOCUS[0], symbol="diamond"),
            error_x=dict(type="data", symmetric=False, array=[r.high - r.estimate], arrayminus=[r.estimate - r.low],
                         color=INK, thickness=2, width=8),
            text=[r.label], textposition="top center", showlegend=False, hovertemplate=r.hover + "<extra></extra>"))
        span = max(abs(r.low), abs(r.high)) * 1.3 or 1.0
        lay[f"xaxis{suffix}"] = merge(base_x, dict(
            anchor=f"y{suffix}", domain=[0, 1], range=[-span, span], title_text=r.axis_title, title_font=dict(size=12),
            zeroline=True, zerolinecolor=INK, zerolinewidth=2, showgrid=True, gridcolor=GRID))
        lay[f"yaxis{suffix}"] = merge(base_y, dict(
            anchor=f"x{suffix}", domain=[max(0.0, top - size), top], showticklabels=False, showgrid=False, zeroline=False,
            range=[-1, 1.4]))
        titles.append(dict(text=r.title, x=0.5, xref="paper", xanchor="center", y=top, yref="paper", yanchor="bottom",
                           showarrow=False, font=dict(size=13)))
    lay["annotations"] = titles
    british(lay, traces)
    for name in [k for k in lay if k.startswith(("xaxis", "yaxis"))]:
        lay[name] = _nest(lay[name])
    return go.Figure(data=traces, layout=lay)
