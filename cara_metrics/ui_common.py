"""What the staff and public UI modules draw the same way: a guarded section, headline
tiles, a chart, the definition footer. One place, so the two audiences' pages cannot drift
apart in how a figure, its change or a failure is shown."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Callable, Iterator

import streamlit as st

from .errors import NoData
from .panels import Panel, Tile


#: Styles for narrow screens (tables that fit a phone), the app's only CSS.
PHONE_CSS = Path(__file__).with_name("static") / "phone.css"


def phone_styles() -> None:
    """Add :data:`PHONE_CSS` to the page (a style-only ``st.html`` takes no space on the page)."""
    st.html(PHONE_CSS)


@contextlib.contextmanager
def guard(on_no_data: Callable[[NoData], None], on_failure: Callable[[BaseException], None]) -> Iterator[None]:
    """Run one independent part of a page: "no data" and failures are shown in its place
    (never a traceback) and the rest of the page goes on."""
    try:
        yield
    except NoData as exc:
        on_no_data(exc)
    except Exception as exc:  # noqa: BLE001 - users must never see a traceback
        on_failure(exc)


def arrow(t: Tile) -> str:
    """The arrow follows the words ('down 0.1 points' points down), never a sign Streamlit guesses."""
    if t.delta_arrow != "auto" or not t.delta_text:
        return t.delta_arrow if t.delta_text else "off"
    text = t.delta_text.lower()
    if text.startswith(("up", "rose", "higher")):
        return "up"
    if text.startswith(("down", "fell", "lower")):
        return "down"
    return "off"


def colour(t: Tile, judged: bool) -> str:
    """Green only for a clear change for the better, red for the worse, grey when nothing is
    judged. Named colours, not "normal"/"inverse": those follow the sign Streamlit reads from
    the text, and "down 0.1 points" has no minus sign, so a fall read as a rise (green)."""
    if not judged or t.delta_is_good is None or arrow(t) not in ("up", "down"):
        return "off"
    return "green" if t.delta_is_good else "red"


def tiles(items: list[Tile], columns: int = 3, *, judged: bool = True) -> None:
    """Headline numbers with their period and n. ``judged=False`` (public pages) keeps every
    change grey: the public pages do not colour a change as good or bad."""
    for start in range(0, len(items), columns):
        row = items[start:start + columns]
        cols = st.columns(len(row) if judged else columns)
        for col, t in zip(cols, row):
            with col, st.container(border=True, height="stretch"):
                st.metric(label=t.label, value=t.value_text, delta=t.delta_text, delta_color=colour(t, judged),
                          help=t.help, delta_arrow=arrow(t))
                st.caption(f"**{t.period_text}** · {t.n_text}")


def chart(p: Panel, key: str) -> None:
    """The panel's Plotly figure (built now, if not before), without Plotly's toolbar: on a
    phone it covers the chart, and the table view and downloads do its job."""
    if p.has_figure:
        st.plotly_chart(p.figure, width="stretch", theme=None, key=f"chart-{key}",
                        config={"displaylogo": False, "displayModeBar": False})


def footer(metric, *, disclosure: bool = False) -> None:
    st.caption(f"**Definition:** {metric.definition} · **Source:** {metric.source} · **Caveats:** {metric.caveats}"
               + (f" · **Disclosure:** {metric.disclosure_rule}" if disclosure else ""))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
