"""Streamlit helpers: the only module of the library that imports Streamlit.

Pages call these to lay out what ``cara_metrics.analysis`` returns: the shared sidebar
filters (kept in the URL so a view can be shared), the synthetic-data banner, headline
tiles, and a panel (message title, subtitle, chart, table view, CSV download, footer).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

import pandas as pd
import streamlit as st

from . import export, page_run, ui_common as common
from .analysis import checks, choices
from .contract import area_label, distinct_area_names, financial_year_label, parse_financial_year
from .dataroot import DataRootError
from .errors import QueryError
from .panels import NoData, Panel, Tile
from .periods import Filters, Grain, format_date, fy_end, fy_start, range_words

GRAIN_LABELS: dict[str, Grain] = {"Financial year": "year", "Quarter": "quarter", "Month": "month"}


# --- errors -------------------------------------------------------------------------------


def _no_data(exc: NoData) -> None:
    st.info(f"No data for this selection. {exc} Try a wider period or another area.")


def guard(what: str = "this section"):
    """Show a clear message instead of a traceback when data is missing or damaged.

    Used around each independent part of a page, so one broken table does not take the
    rest of the page down.
    """
    def failed(exc: BaseException) -> None:
        if isinstance(exc, (QueryError, DataRootError)):
            st.error(f"We could not show {what}. {exc}")
            return
        st.error(f"We could not show {what} because of an unexpected problem ({type(exc).__name__}). "
                 "The data team has the details in the server log.")
        logging.getLogger("cara_metrics").error("error while rendering %s", what, exc_info=exc)

    return common.guard(_no_data, failed)


# --- data status --------------------------------------------------------------------------


def synthetic_banner() -> None:
    """A banner on every page fed by synthetic data (one banner, not a stack of them)."""
    from . import ui_auth

    try:
        synthetic = page_run.is_synthetic()
    except DataRootError:
        return
    if synthetic:
        viewer = ui_auth.viewer()
        open_note = (" Staff pages are open without sign-in only because this is the demo data shipped with the "
                     "dashboard; with any other data, staff must sign in."
                     if viewer.method == "demo-open" and not viewer.signed_in else "")
        st.warning(
            "**Synthetic demonstration data.** Every figure on this page is made up: drawn at random "
            "and calibrated to published Dorset figures. It is not about real people or real outcomes." + open_note,
            icon="⚠️",
        )


def data_as_at_text() -> str:
    return format_date(page_run.data_as_at())


# --- filters --------------------------------------------------------------------------------


def _qp(name: str) -> str | None:
    value = st.query_params.get(name)
    return str(value) if value not in (None, "") else None


_FILTER_KEYS = ("f_area", "f_from", "f_to", "f_custom", "f_dates")
#: Session key: (area name, period) of this page run's filters, which every download names.
#: Cleared by page_header, so a page without filters never names another page's selection.
_SELECTION = "_cara_download_selection"


def _save(key: str) -> None:
    """Widget callback: remember the new value (callbacks run before the page reruns)."""
    st.session_state[f"_saved_{key}"] = st.session_state[key]


def filters(*, allow_custom_dates: bool = True, default_years: int = 6) -> Filters:
    """The sidebar filters shared by every page; state lives in the URL and the session.

    URL parameters: ``area`` (area code), ``from`` and ``to`` (financial years like
    2019/20), or ``start`` and ``end`` (ISO dates) for a custom range.
    """
    first_fy, last_fy = page_run.coverage_years()
    years = list(range(first_fy, last_fy + 1))
    labels = [financial_year_label(y) for y in years]
    areas = choices.areas()
    codes = list(areas["area_code"])
    names = dict(zip(areas["area_code"], areas["area_name"]))
    types = dict(zip(areas["area_code"], areas["area_type"]))

    ss = st.session_state
    # A widget on another page is a new widget to Streamlit, which would reset it; writing
    # the value back before the widget is drawn carries the choice across pages.
    for k in _FILTER_KEYS:
        if f"_saved_{k}" in ss:
            ss[k] = ss[f"_saved_{k}"]
    # The URL seeds each widget only through its default, and only while the widget has no
    # value in this session. Assigning st.session_state instead would override a value the
    # browser has just sent: after a server restart the session is new and empty, and the
    # user's first change would be replaced by the older value in the URL.
    seed: dict[str, dict] = {k: {} for k in _FILTER_KEYS}
    if any(k not in ss for k in _FILTER_KEYS):
        area = _qp("area") if _qp("area") in codes else codes[0]
        try:
            fy_a = parse_financial_year(_qp("from")) if _qp("from") else max(first_fy, last_fy - default_years + 1)
            fy_b = parse_financial_year(_qp("to")) if _qp("to") else last_fy
        except ValueError:
            fy_a, fy_b = max(first_fy, last_fy - default_years + 1), last_fy
        fy_a, fy_b = min(max(fy_a, first_fy), last_fy), min(max(fy_b, first_fy), last_fy)
        fy_a, fy_b = min(fy_a, fy_b), max(fy_a, fy_b)
        start, end = _qp("start"), _qp("end")
        custom = bool(allow_custom_dates and start and end)
        try:
            dates = (dt.date.fromisoformat(start), dt.date.fromisoformat(end)) if custom else (fy_start(fy_a), fy_end(fy_b))
        except ValueError:
            custom, dates = False, (fy_start(fy_a), fy_end(fy_b))
        wanted = {"f_area": dict(index=codes.index(area)), "f_from": dict(index=years.index(fy_a)),
                  "f_to": dict(index=years.index(fy_b)), "f_custom": dict(value=custom), "f_dates": dict(value=dates)}
        seed = {k: (wanted[k] if k not in ss else {}) for k in _FILTER_KEYS}

    with st.sidebar:
        st.header("Filters")
        st.selectbox("Area", codes, key="f_area", on_change=_save, args=("f_area",), **seed["f_area"],
                     # The kind in the titles' words ("Dorset (council)"), so a choice reads as its heading.
                     format_func=lambda c: area_label(names[c], types[c]))
        custom = allow_custom_dates and st.toggle("Choose exact dates", key="f_custom", on_change=_save, args=("f_custom",),
                                                  help="Staff can pick any date range; public figures use whole financial years.",
                                                  **seed["f_custom"])
        if custom:
            st.date_input("Period", key="f_dates", on_change=_save, args=("f_dates",), min_value=fy_start(first_fy),
                          max_value=fy_end(last_fy), format="DD/MM/YYYY", **seed["f_dates"])
        else:
            c1, c2 = st.columns(2)
            c1.selectbox("From", labels, key="f_from", on_change=_save, args=("f_from",), **seed["f_from"])
            c2.selectbox("To", labels, key="f_to", on_change=_save, args=("f_to",), **seed["f_to"])
    for k in _FILTER_KEYS:
        if k in ss and f"_saved_{k}" not in ss:
            ss[f"_saved_{k}"] = ss[k]
    if custom:
        dates = ss.f_dates if isinstance(ss.f_dates, (tuple, list)) else (ss.f_dates,)
        if len(dates) < 2:
            st.sidebar.caption("Choose an end date to finish the range.")
            dates = (dates[0], dates[0])
        f = Filters(min(dates), max(dates), ss.f_area)
        # The picker can only show digits (DD/MM/YYYY); right under it, the range in words.
        st.sidebar.caption(range_words(f.date_from, f.date_to))
        st.query_params.from_dict({"area": f.area_code, "start": f.date_from.isoformat(), "end": f.date_to.isoformat()})
    else:
        a, b = sorted((parse_financial_year(ss.f_from), parse_financial_year(ss.f_to)))
        f = Filters.financial_years(a, b, ss.f_area)
        st.query_params.from_dict({"area": f.area_code, "from": financial_year_label(a), "to": financial_year_label(b)})
    # What this page run's downloads hold, naming the area by kind where names repeat.
    ss[_SELECTION] = (distinct_area_names(codes, areas["area_name"], areas["area_type"])[f.area_code], f.label)
    return f


def grain_picker(key: str = "grain", default: str = "Financial year") -> Grain:
    choice = st.segmented_control("Show by", list(GRAIN_LABELS), default=default, key=key)
    return GRAIN_LABELS[choice or default]


def level_picker(f: Filters, key: str = "area_level") -> str:
    """Which level of area the area charts compare: councils or community safety partnerships,
    never both (they can cover the same ground). Starts at the level of the selected area."""
    from .analysis.area_level import LEVELS, level_for

    labels = {words.capitalize(): level for level, words in LEVELS.items()}
    start = next(k for k, v in labels.items() if v == level_for(f, None))
    choice = st.segmented_control("Areas compared", list(labels), default=start, key=key)
    return labels[choice or start]


# --- display -----------------------------------------------------------------------------------


def registry_warning() -> None:
    """Staff only: a warning naming each metric whose declaration is broken (logged too)."""
    problems = checks.registry_problems()
    if problems:
        st.warning("Some figures may be wrong: the metric registry has problems. Tell the data team: "
                   + "; ".join(problems), icon="⚠️")


def page_header(title: str, question: str | None = None, needs: tuple[str, ...] = ()) -> None:
    """Title, the question the page answers, the banner every commissioner page carries and the glossary.

    Also pins the live warehouse version for this page run (see page_run.pin). ``needs``: the
    programme tables the page is about; if any has never been loaded (a data root fed only
    public files), the page says so plainly and stops, rather than showing zeros or empty charts.
    """
    page_run.pin()
    common.phone_styles()
    st.session_state.pop(_SELECTION, None)
    registry_warning()
    st.title(title)
    if question:
        st.markdown(f"**{question}**")
    synthetic_banner()
    glossary()
    missing: list[str] = []
    if needs:
        with guard("this page"):
            missing = page_run.not_loaded(needs)
    if missing:
        st.info("This page's data is not loaded yet: " + "; ".join(page_run.PROGRAMME_TABLES[t] for t in missing)
                + ". Load it with `python -m cara_metrics ingest` (see docs/loading-data.md); the crime page "
                "shows the public crime data that is loaded.")
        st.stop()


def glossary() -> None:
    """The glossary (:mod:`cara_metrics.glossary`) a click away, under every staff page's title."""
    from . import glossary as words

    with st.expander("What the words mean: n, 95% CI, p, intention to treat and others"):
        st.markdown(words.markdown())


def tiles(items: list[Tile], columns: int = 3) -> None:
    common.tiles(items, columns, judged=True)


def footer(metric) -> None:
    common.footer(metric)


def dataframe(df: pd.DataFrame) -> None:
    """A table with numbers and dates shown the British way (55,028; −3.2 with a true minus
    sign; 31 March 2025, as format_date writes them); the CSV keeps the plain values.

    Numbers are formatted by a pandas Styler (:func:`cara_metrics.formatting.table_view`):
    a NumberColumn format would print the browser's hyphen-minus, and Streamlit sorts a
    Styler's column on its data, not on the text shown."""
    from .formatting import table_view

    styler, numbers = table_view(df)
    config = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            times = s.dropna()
            midnight = bool((times == times.dt.normalize()).all()) if len(times) else True
            config[c] = (st.column_config.DateColumn(format="D MMMM YYYY") if midnight
                         else st.column_config.DatetimeColumn(format="D MMMM YYYY, HH:mm"))
        elif pd.api.types.is_object_dtype(s) and len(s.dropna()) and all(isinstance(v, dt.date) for v in s.dropna()):
            config[c] = st.column_config.DateColumn(format="D MMMM YYYY")
        elif c in numbers:
            # No format here: a column_config format would replace the Styler's text.
            config[c] = st.column_config.NumberColumn()
    st.dataframe(styler, hide_index=True, width="stretch", column_config=config)


def panel(p: Panel, key: str) -> None:
    """Title that states the message, subtitle, chart, table view, CSV download, footer."""
    st.subheader(p.title)
    st.caption(p.subtitle)
    common.chart(p, key)
    for note in p.notes:
        st.markdown(f"*{note}*")
    with st.expander("Table view of this chart" if p.has_figure else "Table"):
        dataframe(p.table)
    download(p.table, p.metric, key)
    footer(p.metric)


def download(df: pd.DataFrame, metric, key: str) -> None:
    """The table as CSV, carrying and named after its selection, source, data date and
    synthetic flag (:func:`cara_metrics.export.staff_csv`, :func:`cara_metrics.export.file_name`)."""
    area, period = st.session_state.get(_SELECTION, ("every area", "every period in the data"))
    ctx = export.Context(area, period, metric.source, page_run.data_as_at(), page_run.is_synthetic())
    st.download_button("Download this table (CSV)", export.staff_csv(df, ctx),
                       file_name=export.file_name(f"{common.slug(metric.title)}-{key}", ctx, "csv"),
                       mime="text/csv", key=f"dl-{key}")


def show(build: Callable[[], Panel], key: str, what: str = "this chart") -> None:
    """Build a panel and lay it out, with a friendly message if it cannot be built."""
    with guard(what):
        panel(build(), key)


def table(title: str, df: pd.DataFrame, metric_id: str, key: str, caption: str | None = None) -> None:
    """A titled table with its CSV download and the metric's footer (for tables without a chart)."""
    from . import registry

    metric = registry.get(metric_id)
    st.subheader(title)
    if caption:
        st.caption(caption)
    dataframe(df)
    download(df, metric, key)
    footer(metric)
