"""What a page shows for one chart: message title, subtitle with period and n, the figure,
the table behind it (exactly what the CSV download holds), a one-sentence plain-English
summary for screen readers, and the metric whose footer goes underneath.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from . import registry, warehouse
from .dataroot import DataRootError
from .periods import Filters, Grain, period_label, period_starts


class NoData(LookupError):
    """The selection has no data; the message says so in plain English."""


@dataclass(frozen=True)
class Panel:
    metric_id: str
    title: str
    subtitle: str
    table: pd.DataFrame
    figure: go.Figure | None
    summary: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def metric(self) -> registry.Metric:
        return registry.get(self.metric_id)

    def csv_bytes(self) -> bytes:
        """The table as UTF-8 CSV with a BOM (so Excel opens it with the £ sign intact)."""
        from .disclosure import neutralise_frame

        return neutralise_frame(self.table).to_csv(index=False).encode("utf-8-sig")


@dataclass(frozen=True)
class Tile:
    """A headline number for the Overview page."""

    metric_id: str
    label: str
    value: float | None
    value_text: str
    delta_text: str | None
    n_text: str
    period_text: str
    help: str
    delta_is_good: bool | None = None
    delta_arrow: str = "auto"


def area_names(root: Path | None = None) -> Mapping[str, str]:
    """Area code -> name (read-only: it is cached on the version and shared, see below)."""
    df = warehouse.query("areas_current", root=root)
    return MappingProxyType(dict(zip(df["area_code"], df["area_name"])))


def areas_frame(root: Path | None = None) -> pd.DataFrame:
    return warehouse.query("areas_current", root=root)


def force_of(area_code: str, root: Path | None = None) -> str:
    """The force area a current area belongs to (walking up parents)."""
    df = warehouse.query("areas_current", root=root)
    parents = dict(zip(df["area_code"], df["parent_code"]))
    code = area_code
    for _ in range(10):
        parent = parents.get(code)
        if parent is None or pd.isna(parent):
            return code
        code = parent
    return code


def data_as_at(root: Path | None = None) -> dt.date:
    return warehouse.as_of(warehouse.current_version(root, "warehouse"))


def fill_periods(df: pd.DataFrame, f: Filters, grain: Grain, columns: list[str], col: str = "period_start") -> pd.DataFrame:
    """Every period in the selection, zero where the query returned no row."""
    starts = period_starts(f.date_from, f.date_to, grain)
    out = pd.DataFrame({col: pd.to_datetime(starts)})
    if len(df):
        df = df.assign(**{col: pd.to_datetime(df[col])})
        out = out.merge(df, on=col, how="left")
    for c in columns:
        if c not in out:
            out[c] = 0
        out[c] = out[c].fillna(0).astype("int64")
    # Labels from the plain dates (iterating a datetime column makes a Timestamp per row).
    labels = {d: period_label(d, grain) for d in starts}
    out.insert(1, "period", [labels[d] for d in starts] if len(out) == len(starts)
               else [labels[d.date()] for d in out[col]])
    return out


def n_text(n: int | float, what: str = "people") -> str:
    return f"n = {int(n):,} {what}"


# --- cache of built panels -------------------------------------------------------------------

_panel_lock = threading.Lock()
_panel_cache: "OrderedDict[tuple, Panel]" = OrderedDict()
_PANEL_CACHE_SIZE = 256


def cached_panel(builder: Callable[..., Panel]) -> Callable[..., Panel]:
    """Cache a panel builder's result on (live warehouse version, builder, arguments).

    Profiling showed most of a warm page rerun is Plotly rebuilding figures from cached
    query results; a built Panel is immutable in use (pages only draw it), so it is shared.
    Keyed on the live version, a new load or release is picked up at once. "No data"
    outcomes are not cached (they are cheap and must not hide a later load).
    """
    sig = inspect.signature(builder)

    @functools.wraps(builder)
    def wrapper(*args, **kwargs) -> Panel:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        root = bound.arguments.get("root")
        try:
            version = warehouse.current_version(root, "warehouse").id
            key = (version, builder.__module__, builder.__qualname__, tuple(sorted(bound.arguments.items())))
            hash(key)
        except (TypeError, DataRootError):
            return builder(*args, **kwargs)
        with _panel_lock:
            hit = _panel_cache.get(key)
            if hit is not None:
                _panel_cache.move_to_end(key)
                return hit
        panel = builder(*args, **kwargs)
        with _panel_lock:
            _panel_cache[key] = panel
            while len(_panel_cache) > _PANEL_CACHE_SIZE:
                _panel_cache.popitem(last=False)
        return panel

    return wrapper


def clear_panel_cache() -> None:
    with _panel_lock:
        _panel_cache.clear()


# Every panel looks these up (several times a page): cached on the version like a panel.
area_names = cached_panel(area_names)
force_of = cached_panel(force_of)
