"""Streamlit helpers for the public pages (a UI module: it may import Streamlit).

Public pages read the public release only (:mod:`cara_metrics.public`,
:mod:`cara_metrics.export`). Layout rules kept here so every public page follows them:

* one h1 (the page title), then h2 sections, then h3 panel titles: headings in order;
* the synthetic-data banner when the release is synthetic, and the release status (data
  as at, published, next update, period, revisions, breaks in series) on every page;
* tables are real HTML tables (``st.table``) with an accessible name, symbols kept;
  every chart is followed by its one-sentence summary and its table;
* choices are the release's fixed breakdowns (area, financial year), kept in the URL.
"""

from __future__ import annotations

import logging
import re
from typing import Callable

import pandas as pd
import streamlit as st

from . import export, public
from .dataroot import DataRootError
from .panels import NoData, Panel, Tile
from .warehouse import QueryError, pin as warehouse_pin

log = logging.getLogger("cara_metrics")


def start(title: str, lead: str | None = None) -> public.ReleaseInfo:
    """Page title (the only h1), synthetic banner, release status. Stops the page when
    there is no readable release, with a message saying so."""
    st.title(title)
    try:
        # One page run reads one release, even if a publish switches CURRENT meanwhile.
        warehouse_pin(None, "release")
        info = public.release_info()
    except (DataRootError, QueryError) as exc:
        log.error("public page without a readable release: %s", exc)
        st.info("The public figures are not available at the moment. Please try again later.")
        st.stop()
    if info.synthetic:
        st.warning("**Synthetic demonstration data.** Every figure on this page is made up: drawn at random and "
                   "calibrated to published Dorset figures. It is not about real people or real outcomes.", icon="⚠️")
    if lead:
        st.markdown(lead)
    release_status(info)
    return info


def release_status(info: public.ReleaseInfo) -> None:
    with st.container(border=True):
        lines = [f"**{label}:** {text}" for label, text in info.status()]
        st.markdown("  \n".join(lines))


def _choose(label: str, options: list[str], param: str, format_func=str) -> str:
    """A selectbox over fixed options whose choice is kept in the URL (``?param=value``),
    so a view can be shared; an unknown value in the URL is ignored."""
    key = f"public_{param}"
    if key not in st.session_state or st.session_state[key] not in options:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else options[0]
    value = st.selectbox(label, options, format_func=format_func, key=key)
    if st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


def choose_area(label: str = "Area") -> str:
    """The area choice (from the release: force, partnerships, local authorities), ``?area=``."""
    options = public.area_options()
    return _choose(label, list(options), "area", options.get)


def choose_year(label: str = "Financial year (April to March)") -> str:
    """The financial-year choice (from the release, latest first), ``?year=``."""
    return _choose(label, public.year_options(), "year")


def choose_area_and_year() -> tuple[str, str]:
    c1, c2 = st.columns(2)
    with c1:
        area = choose_area()
    with c2:
        year = choose_year()
    return area, year


def tiles(items: list[Tile], columns: int = 3) -> None:
    """Headline numbers. Changes are shown in grey with an arrow for their direction: the
    public pages do not colour a change as good or bad."""
    for start_ in range(0, len(items), columns):
        cols = st.columns(columns)
        for col, t in zip(cols, items[start_:start_ + columns]):
            with col, st.container(border=True, height="stretch"):
                st.metric(label=t.label, value=t.value_text, delta=t.delta_text, delta_color="off", help=t.help,
                          delta_arrow=t.delta_arrow if t.delta_text else "off")
                st.caption(f"**{t.period_text}** · {t.n_text}")


def table(df: pd.DataFrame, alt: str) -> None:
    """An accessible HTML table (not a canvas grid), no index column."""
    st.table(df, hide_index=True, alt=alt)


def panel(p: Panel, key: str, heading: Callable[[str], object] = st.subheader) -> None:
    """Title (a heading), subtitle, chart, summary sentence, table, notes, footer."""
    heading(p.title)
    st.caption(p.subtitle)
    if p.figure is not None:
        st.plotly_chart(p.figure, width="stretch", theme=None, key=f"chart-{key}",
                        config={"displaylogo": False, "displayModeBar": False})
    st.markdown(f"**In words:** {p.summary}")
    table(p.table, alt=f"Table: {p.title}")
    for note in p.notes:
        st.markdown(f"*{note}*")
    footer(p.metric)


def footer(metric) -> None:
    st.caption(f"**Definition:** {metric.definition} · **Source:** {metric.source} · **Caveats:** {metric.caveats} · "
               f"**Disclosure:** {metric.disclosure_rule}")


def show(build: Callable[[], Panel], key: str, what: str) -> None:
    """Build and lay out a panel; a panel that cannot be built says so without a traceback."""
    try:
        panel(build(), key)
    except NoData as exc:
        st.info(f"{exc}")
    except Exception:  # noqa: BLE001 - the public never sees a traceback
        log.exception("public panel %s failed", key)
        st.info(f"We could not show {what} just now.")


def downloads(name: str) -> None:
    """CSV and ODS of the whole release table, and its metadata."""
    try:
        files = export.downloads(name)
    except Exception:  # noqa: BLE001
        log.exception("public downloads for %s failed", name)
        st.info("The downloads for this table are not available just now.")
        return
    with st.container(horizontal=True):
        for f in files:
            st.download_button(f.label, f.data, file_name=f.file_name, mime=f.mime, key=f"dl-{name}-{_slug(f.file_name)}",
                               on_click="ignore")


def bullets(lines: list[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))


def symbols_key() -> None:
    table(public.symbols_table(), alt="Symbols used in the tables and their meanings")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
