"""Streamlit helpers for the public pages (a UI module: it may import Streamlit).

Public pages read the public release only (:mod:`cara_metrics.public`,
:mod:`cara_metrics.export`). Layout rules kept here so every public page follows them:

* one h1 (the page title), then h2 sections, then h3 panel titles: headings in order;
* the synthetic-data banner when the release is synthetic, and the release status (data
  as at, published, next update, period, revisions, breaks in series) on every page;
* tables are real HTML tables (``st.table``) with an accessible name, symbols kept;
  every chart is followed by its one-sentence summary and its table;
* choices are the release's fixed breakdowns (area, financial year), kept in the URL;
* no reader ever sees a traceback: each independent part of a page is built inside
  :func:`guard`, which shows a plain message instead (naming the published file when one is
  missing or damaged), and the rest of the page and the other pages carry on.
"""

from __future__ import annotations

import logging
from typing import Callable

import pandas as pd
import streamlit as st

from . import public, ui_common as common
from .dataroot import DataRootError
from .panels import Panel, Tile
from .errors import QueryError
from .page_run import pin as page_pin

log = logging.getLogger("cara_metrics")


def start(title: str, lead: str | None = None, status: bool = True) -> public.ReleaseInfo:
    """Page title (the only h1), synthetic banner, release status. Stops the page when
    there is no readable release, with a message saying so.

    ``status=False``: the page shows the release status itself, further down (the overview
    puts the figures first, so a phone reader sees them on the first screen)."""
    common.phone_styles()
    st.title(title)
    try:
        # One page run reads one release, even if a publish switches CURRENT meanwhile.
        page_pin("release")
        info = public.release_info()
    except public.ReleaseFileError as exc:
        st.error(f"We could not show this page. {exc} {_LATER}")
        st.stop()
    except (DataRootError, QueryError) as exc:
        log.error("public page without a readable release: %s", exc)
        st.info("The public figures are not available at the moment. Please try again later.")
        st.stop()
    if info.synthetic:
        st.warning("**Synthetic demonstration data.** Every figure on this page is made up: drawn at random and "
                   "calibrated to published Dorset figures. It is not about real people or real outcomes.", icon="⚠️")
    if lead:
        st.markdown(lead)
    if status:
        release_status(info)
    return info


def release_status(info: public.ReleaseInfo) -> None:
    with st.container(border=True):
        lines = [f"**{label}:** {text}" for label, text in info.status()]
        st.markdown("  \n".join(lines))


def _choose(label: str, options: list[str], param: str, format_func=str) -> str:
    """A selectbox over fixed options whose choice is kept in the URL (``?param=value``),
    so a view can be shared; an unknown value in the URL is ignored.

    The URL only seeds the widget, through its default (``index``), while the widget has no
    value yet in this session; after that the widget's value wins and is written back to
    the URL. Assigning ``st.session_state[key]`` instead would override a value the browser
    has just sent: after a server restart the new session is empty, and the reader's first
    change would be replaced by the (older) value in the URL.
    """
    key = f"public_{param}"
    index = 0
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        index = options.index(wanted) if wanted in options else 0
    value = st.selectbox(label, options, index=index, format_func=format_func, key=key)
    if st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


def choose_area_and_year() -> tuple[str, str]:
    """The area (from the release: force, partnerships, local authorities; ``?area=``) and
    the financial year (from the release, latest first; ``?year=``), side by side.

    When the choices cannot be read from the release, says why and stops the page: nothing
    below them can be shown without them."""
    try:
        areas, years = public.area_options(), public.year_options()
    except Exception as exc:  # noqa: BLE001 - the public never sees a traceback
        _show_failure("the choice of area and year, so this page cannot show its figures", exc)
        st.stop()
    c1, c2 = st.columns(2)
    with c1:
        area = _choose("Area", list(areas), "area", areas.get)
    with c2:
        year = _choose("Financial year (April to March)", years, "year")
    return area, year


_LATER = "Please try again later."


def _show_failure(what: str, exc: BaseException) -> None:
    """The message a reader sees when ``what`` cannot be shown: the published file that is
    missing or damaged when that is the reason, never a traceback (the log has the detail)."""
    if isinstance(exc, public.ReleaseFileError):
        st.error(f"We could not show {what}. {exc} {_LATER}")
    elif isinstance(exc, (QueryError, DataRootError)):
        log.error("public page: %s: %s", what, exc)
        st.error(f"We could not show {what}: the published figures could not be read just now. {_LATER}")
    else:
        log.error("public page: %s failed", what, exc_info=exc)
        st.error(f"We could not show {what} because of an unexpected problem. {_LATER}")


def guard(what: str):
    """Run one independent part of a page; if it fails, say so in place of ``what`` (e.g.
    "the headline figures") and let the rest of the page go on.

    Only what is drawn before the failure stays, so build first and draw after."""
    return common.guard(lambda exc: st.info(f"{exc}"), lambda exc: _show_failure(what, exc))


def tiles(items: list[Tile], columns: int = 3) -> None:
    """Headline numbers; changes in grey with an arrow for their direction."""
    common.tiles(items, columns, judged=False)


def table(df: pd.DataFrame, alt: str) -> None:
    """An accessible HTML table (not a canvas grid), no index column."""
    st.table(df, hide_index=True, alt=alt)


def tables_by_column(df: pd.DataFrame, keys: tuple[str, ...], alt: str, columns: int = 3) -> None:
    """A wide table (one row per area, a column per figure) as one small table per figure:
    the row's name (``keys`` joined, e.g. "Dorset Council (local authority)") and that figure.

    Why: at phone width a table of seven columns does not fit, and Streamlit hides the
    columns that do not fit behind a sideways scroll with no cue (and no keyboard focus).
    Two columns always fit; side by side on a wide screen, one under another on a phone."""
    keys = tuple(k for k in keys if k in df.columns)
    if not keys:
        table(df, alt)
        return
    names = df[keys[0]].astype(str)
    for k in keys[1:]:
        names = names + " (" + df[k].astype(str).str.lower() + ")"
    figures = [c for c in df.columns if c not in keys]
    for start in range(0, len(figures), columns):
        cols = st.columns(columns)
        for col, name in zip(cols, figures[start:start + columns]):
            with col:
                st.subheader(name)
                table(pd.DataFrame({keys[0]: names.tolist(), name: df[name].tolist()}), alt=f"{alt}: {name.lower()}")


def panel(p: Panel, key: str, heading: Callable[[str], object] = st.subheader) -> None:
    """Title (a heading), subtitle, chart, summary sentence, table, notes, footer."""
    heading(p.title)
    st.caption(p.subtitle)
    common.chart(p, key)
    st.markdown(f"**In words:** {p.summary}")
    table(p.table, alt=f"Table: {p.title}")
    for note in p.notes:
        st.markdown(f"*{note}*")
    footer(p.metric)


def footer(metric) -> None:
    common.footer(metric, disclosure=True)


def show(build: Callable[[], Panel], key: str, what: str) -> None:
    """Build and lay out a panel; a panel that cannot be built says so without a traceback."""
    with guard(what):
        p = build()  # built before anything is drawn, so a failure leaves no half a panel
        panel(p, key)


def downloads(name: str) -> None:
    """CSV and ODS of the whole release table, and its metadata (built once per release)."""
    with guard("the downloads for this table"):
        files = public.downloads(name)
        with st.container(horizontal=True):
            for i, f in enumerate(files):  # keyed by position: long file names share their first characters
                st.download_button(f.label, f.data, file_name=f.file_name, mime=f.mime,
                                   key=f"dl-{name}-{i}", on_click="ignore")


def table_section(name: str, builds: list[Callable[[], Panel]], what: str) -> None:
    """One release table on the tables page (``what``: its title, e.g. "people referred to
    CARA"): its downloads, then each of its panels. When the table's published file cannot
    be read, one message for the section, not one per part."""
    with guard(f"the figures on {what}"):
        public.table(name)  # read once (cached): a missing file fails here, before anything is drawn
        downloads(name)
        for i, build in enumerate(builds):
            show(build, f"{name}-{i}", what)


def bullets(lines: list[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))


def glossary() -> None:
    """The glossary (:mod:`cara_metrics.glossary`): the same words the staff pages explain."""
    from . import glossary as words

    st.markdown(words.markdown())


def symbols_key() -> None:
    table(public.symbols_table(), alt="Symbols used in the tables and their meanings")

