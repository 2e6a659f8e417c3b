"""Areas, the data-as-at date and a cache keyed on the live data version (no Plotly, no Streamlit).

Everything above the warehouse (metric results, panels, the board pack) looks areas up
several times a page, so the lookups are cached on the live warehouse version: a new load is
picked up at once, and nothing is shared across versions.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import threading
from collections import OrderedDict
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping, TypeVar

import pandas as pd

from . import contract as C
from . import warehouse
from .dataroot import DataRootError
from .errors import NoData
from .periods import Filters, Grain, period_label, period_starts

T = TypeVar("T")

__all__ = ["NoData", "area_name", "area_names", "areas_frame", "cached_on_version", "clear", "data_as_at", "fill_periods",
           "force_of"]


_lock = threading.Lock()
_cache: "OrderedDict[tuple, object]" = OrderedDict()
_CACHE_SIZE = 512


def cached_on_version(builder: Callable[..., T]) -> Callable[..., T]:
    """Cache ``builder``'s result on (live warehouse version, builder, arguments).

    The result must be treated as read-only by callers (results, panels and mappings are
    shared). A ``root`` argument, if the builder has one, picks the data root. "No data"
    outcomes are not cached: they are cheap and must not hide a later load.
    """
    sig = inspect.signature(builder)

    @functools.wraps(builder)
    def wrapper(*args, **kwargs) -> T:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        root = bound.arguments.get("root")
        try:
            version = warehouse.current_version(root, "warehouse").id
            key = (version, builder.__module__, builder.__qualname__, tuple(sorted(bound.arguments.items())))
            hash(key)
        except (TypeError, DataRootError):
            return builder(*args, **kwargs)
        with _lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]  # type: ignore[return-value]
        value = builder(*args, **kwargs)
        with _lock:
            _cache[key] = value
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return value

    return wrapper


def clear() -> None:
    with _lock:
        _cache.clear()


warehouse.on_clear(clear)


@cached_on_version
def area_names(root: Path | None = None) -> Mapping[str, str]:
    """Area code -> name for titles and messages (read-only): as published, with the kind of
    area added where current areas share a name (``contract.distinct_area_names``)."""
    df = warehouse.query("areas_current", root=root)
    return MappingProxyType(C.distinct_area_names(df["area_code"], df["area_name"], df["area_type"]))


def areas_frame(root: Path | None = None) -> pd.DataFrame:
    return warehouse.query("areas_current", root=root)


@cached_on_version
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


def display_names(df: pd.DataFrame, root: Path | None = None) -> list[str]:
    """The ``area_name`` column of a per-area result as titles and tables show it: the
    published name, with its kind where areas share a name (``area_names``)."""
    names = area_names(root)
    return [names.get(c, n) for c, n in zip(df["area_code"], df["area_name"])]


def area_name(code: str, root: Path | None = None) -> str:
    return area_names(root).get(code, code)


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
