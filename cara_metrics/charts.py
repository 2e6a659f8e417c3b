"""Plotly figures in the Analysis Function style.

White background, light gridlines, the Analysis Function palette (at most four colours),
direct labels where possible, and dashed vertical markers with a text label for the
events that explain a line. Colour never carries meaning alone: series also differ in
line dash or marker, and every series is named in text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

import pandas as pd
import plotly.graph_objects as go

#: Analysis Function categorical palette (https://analysisfunction.civilservice.gov.uk).
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TWO_SERIES = ("#12436D", "#F46A25")
FOCUS = ("#12436D", "#BFBFBF")
DASHES = ("solid", "dash", "dot", "dashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up")
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Event:
    """A dated event drawn as a labelled vertical line."""

    date: dt.date
    label: str


#: Events that explain Dorset's lines (shown when inside the chart's range).
EVENTS = (
    Event(dt.date(2019, 4, 1), "Reorganisation and break in series (Apr 2019)"),
    Event(dt.date(2019, 8, 1), "CARA launched (Aug 2019)"),
    Event(dt.date(2020, 3, 23), "First COVID-19 lockdown"),
)


def base_layout(fig: go.Figure, *, y_title: str = "", x_title: str = "", percent: bool = False, height: int = 380) -> go.Figure:
    fig.update_layout(
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(family=FONT, size=14, color="#0b0c0c"),
        margin=dict(l=60, r=30, t=40, b=50),
        height=height,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hovermode="x unified",
        colorway=list(PALETTE),
    )
    # automargin: long category names (areas, offence groups) are never clipped.
    fig.update_xaxes(title_text=x_title, showgrid=False, linecolor="#3D3D3D", ticks="outside", automargin=True)
    fig.update_yaxes(title_text=y_title, gridcolor="#E6E6E6", zeroline=True, zerolinecolor="#BFBFBF", rangemode="tozero", automargin=True)
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def add_events(fig: go.Figure, x_min: dt.date, x_max: dt.date, events: Sequence[Event] = EVENTS) -> None:
    """Mark events that fall inside the x range, labels staggered so they do not collide."""
    shown = [e for e in events if x_min <= e.date <= x_max]
    for i, e in enumerate(shown):
        fig.add_vline(x=e.date, line=dict(color="#3D3D3D", width=1, dash="dot"))
        fig.add_annotation(
            x=e.date, y=1 + 0.07 * (len(shown) - 1 - i), yref="paper", text=e.label, showarrow=False,
            xanchor="left", yanchor="bottom", font=dict(size=11, color="#3D3D3D"), bgcolor="rgba(255,255,255,0.85)",
        )
    if shown:
        # Room above the plot for the event labels, so they never sit on the data.
        fig.update_layout(margin=dict(t=40 + 26 * len(shown)), legend=dict(y=1.02 + 0.07 * len(shown)))


def line_chart(
    df: pd.DataFrame,
    x: str,
    series: Sequence[str],
    *,
    names: Sequence[str] | None = None,
    y_title: str = "",
    percent: bool = False,
    events: bool = True,
    bands: dict[str, tuple[str, str]] | None = None,
    hover_format: str | None = None,
    tick_text: Sequence[str] | None = None,
) -> go.Figure:
    """Lines over time; ``bands`` maps a series to (low, high) columns for a shaded interval.

    ``tick_text`` labels each x value (e.g. '2019/20' for a financial year that starts on
    1 April 2019), so a financial-year axis never reads as calendar years.
    """
    fig = go.Figure()
    names = list(names or series)
    fmt = hover_format or (".1%" if percent else ",.0f")
    for i, (col, name) in enumerate(zip(series, names)):
        colour = PALETTE[i % len(PALETTE)] if len(series) > 2 else TWO_SERIES[i]
        if bands and col in bands:
            lo, hi = bands[col]
            fig.add_trace(go.Scatter(x=list(df[x]) + list(df[x])[::-1], y=list(df[hi]) + list(df[lo])[::-1],
                                     fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0),
                                     hoverinfo="skip", showlegend=False, name=f"{name} 95% interval"))
        fig.add_trace(go.Scatter(
            x=df[x], y=df[col], name=name, mode="lines+markers",
            line=dict(color=colour, width=2.5, dash=DASHES[i % len(DASHES)]),
            marker=dict(symbol=MARKERS[i % len(MARKERS)], size=6),
            hovertemplate=f"%{{y:{fmt}}}<extra>{name}</extra>",
        ))
    base_layout(fig, y_title=y_title, percent=percent)
    if tick_text is not None and len(df):
        step = max(1, len(df) // 12)
        fig.update_xaxes(tickvals=list(df[x])[::step], ticktext=list(tick_text)[::step])
    if events and len(df):
        add_events(fig, pd.Timestamp(df[x].min()).date(), pd.Timestamp(df[x].max()).date())
    return fig


def bar_chart(
    df: pd.DataFrame,
    category: str,
    value: str,
    *,
    horizontal: bool = True,
    percent: bool = False,
    y_title: str = "",
    text: str | None = None,
    error: tuple[str, str] | None = None,
    highlight: str | None = None,
) -> go.Figure:
    """Bars with direct value labels; ``error`` gives (low, high) columns for interval whiskers."""
    colours = [FOCUS[0] if highlight is None or c == highlight else FOCUS[1] for c in df[category]]
    labels = df[text] if text else None
    kwargs: dict = {}
    if error:
        lo, hi = error
        err = dict(type="data", symmetric=False, array=(df[hi] - df[value]).tolist(), arrayminus=(df[value] - df[lo]).tolist(), color="#3D3D3D", thickness=1.5)
        kwargs["error_x" if horizontal else "error_y"] = err
    if horizontal:
        trace = go.Bar(y=df[category], x=df[value], orientation="h", marker_color=colours, text=labels, textposition="auto", **kwargs)
    else:
        trace = go.Bar(x=df[category], y=df[value], marker_color=colours, text=labels, textposition="auto", **kwargs)
    fig = go.Figure(trace)
    base_layout(fig, y_title=y_title, height=max(300, 60 + 42 * len(df)) if horizontal else 380)
    fig.update_layout(showlegend=False, hovermode="closest")
    if horizontal:
        fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)", rangemode="normal")
        fig.update_xaxes(showgrid=True, gridcolor="#E6E6E6", rangemode="tozero", tickformat=".0%" if percent else None)
    elif percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def stacked_bars(df: pd.DataFrame, x: str, parts: Sequence[str], names: Sequence[str], *, y_title: str = "") -> go.Figure:
    """Stacked columns (e.g. outcomes per quarter), each part with its own pattern too."""
    fig = go.Figure()
    patterns = ("", "/", ".", "x", "-", "+")
    for i, (col, name) in enumerate(zip(parts, names)):
        fig.add_trace(go.Bar(x=df[x], y=df[col], name=name, marker=dict(color=PALETTE[i % len(PALETTE)], pattern_shape=patterns[i % len(patterns)])))
    base_layout(fig, y_title=y_title)
    fig.update_layout(barmode="stack")
    return fig


def diverging_bars(df: pd.DataFrame, question: str, levels: Sequence[str], *, neutral: str | None = None) -> go.Figure:
    """Diverging 100% bars for Likert answers: disagreement left of zero, agreement right.

    ``df`` has one row per question and a column per level holding the share (fractions).
    The neutral level is split half each side, as is usual for diverging Likert charts.
    """
    n = len(levels)
    colours = ["#801650", "#C08AA6", "#BFBFBF", "#7FB8D6", "#12436D"][:n] if n == 5 else PALETTE[:n]
    fig = go.Figure()
    mid = n // 2
    for i, lvl in enumerate(levels):
        share = df[lvl].astype(float)
        if lvl == neutral:
            for side in (-1, 1):
                fig.add_trace(go.Bar(y=df[question], x=side * share / 2, orientation="h", name=lvl, marker_color=colours[i],
                                     showlegend=side == 1, legendgroup=lvl, customdata=share, hovertemplate="%{customdata:.0%}<extra>" + lvl + "</extra>"))
            continue
        sign = -1 if i < mid else 1
        fig.add_trace(go.Bar(y=df[question], x=sign * share, orientation="h", name=lvl, marker_color=colours[i], legendgroup=lvl,
                             customdata=share, hovertemplate="%{customdata:.0%}<extra>" + lvl + "</extra>",
                             text=[f"{v:.0%}" if v >= 0.06 else "" for v in share], textposition="inside", insidetextanchor="middle"))
    base_layout(fig, height=120 + 70 * len(df))
    fig.update_layout(barmode="relative", hovermode="closest", legend=dict(traceorder="normal"))
    fig.update_xaxes(tickformat=".0%", showgrid=True, gridcolor="#E6E6E6", zeroline=True, zerolinecolor="#3D3D3D", zerolinewidth=2, range=[-0.5, 1.0])
    fig.update_yaxes(autorange="reversed", rangemode="normal", gridcolor="rgba(0,0,0,0)")
    return fig


def step_curves(curves: dict[str, pd.DataFrame], *, y_title: str = "") -> go.Figure:
    """Kaplan-Meier style step curves of cumulative incidence with shaded 95% bands."""
    fig = go.Figure()
    for i, (name, km) in enumerate(curves.items()):
        colour = TWO_SERIES[i % 2] if len(curves) <= 2 else PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(x=list(km["time"]) + list(km["time"])[::-1], y=list(km["high"]) + list(km["low"])[::-1],
                                 fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0, shape="hv"), hoverinfo="skip",
                                 showlegend=False, name=f"{name} 95% band"))
        fig.add_trace(go.Scatter(x=km["time"], y=km["estimate"], name=name, mode="lines", line=dict(color=colour, width=2.5, shape="hv", dash=DASHES[i % 4]),
                                 hovertemplate="day %{x}: %{y:.1%}<extra>" + name + "</extra>"))
    base_layout(fig, y_title=y_title, x_title="Days since caution", percent=True)
    fig.update_layout(hovermode="closest")
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
