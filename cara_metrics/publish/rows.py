"""Published rows: periods, symbols and the rows of counts and rates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import registry
from ..contract import financial_year_label
from .model import Area, COLUMNS, Force, _pct, quarter_label
from .cells import Cells


# --------------------------------------------------------------------------------------
# Building rows
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    type: str               # "financial year" | "quarter" | "financial years" | "comparison group"
    fy: int | None = None
    quarter: int | None = None


def _fy(fy: int) -> Period:
    return Period(financial_year_label(fy), "financial year", fy)


def _q(fy: int, q: int) -> Period:
    return Period(quarter_label(fy, q), "quarter", fy, q)


class Rows:
    """Collects the published rows of one table."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []   # one tuple a row, values in the order of COLUMNS

    def add(self, metric_id: str, measure: str, label: str, unit: str, area: Area, period: Period,
            shown: float | None, symbols: Iterable[str] = (), category: str | None = None,
            category_label: str | None = None) -> None:
        registry.get(metric_id)  # every published figure comes from a registered metric
        self.rows.append((
            metric_id, measure, label, unit, area.code, area.name, area.type, period.label, period.type,
            _fy_label(period.fy) if period.fy is not None else None,
            period.quarter, category, category_label,
            None if shown is None or (isinstance(shown, float) and math.isnan(shown)) else float(shown),
            _joined(tuple(symbols)),
        ))

    def frame(self) -> pd.DataFrame:
        # Column by column, each built once with its final dtype: publish makes a frame per
        # table per force (hundreds nationally), and records-then-astype cost 10-15 ms each.
        cols: dict[str, Any] = {}
        values = list(zip(*self.rows)) if self.rows else [()] * len(COLUMNS)
        for c, vals in zip(COLUMNS, values):
            if c == "shown":
                cols[c] = np.array([np.nan if v is None else v for v in vals], dtype="float64")
            elif c == "quarter":
                cols[c] = pd.array(list(vals), dtype="Int64")
            else:
                cols[c] = _strings(vals)
        return pd.DataFrame(cols)


_STRING = pd.StringDtype()


def _strings(values: Iterable[str | None]) -> pd.api.extensions.ExtensionArray:
    """``pd.array(values, dtype="string")``, made through Arrow (three times faster for
    the release's 100,000 rows); values that are not all text or None go pandas' own way."""
    values = list(values)
    try:
        return pd.array(pa.array(values, type=pa.string()), dtype=_STRING)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pd.array(values, dtype="string")


_SYMBOL_ORDER = ["[c]", "[x]", "[z]", "[u]", "[p]", "[b]", "[r]"]


def join_symbols(symbols: Iterable[str]) -> str:
    """'[u] [p]': distinct symbols in the Analysis Function's usual order."""
    s = {x for sym in symbols for x in str(sym).split() if x}
    return " ".join(sorted(s, key=lambda x: _SYMBOL_ORDER.index(x) if x in _SYMBOL_ORDER else 99))


@lru_cache(maxsize=64)
def _fy_label(fy: int) -> str:
    """:func:`financial_year_label`, remembered (once per row of the release otherwise)."""
    return financial_year_label(fy)


@lru_cache(maxsize=256)
def _joined(symbols: tuple[str, ...]) -> str:
    """:func:`join_symbols`, remembered: a release has some 100,000 rows and a handful of
    distinct symbol lists."""
    return join_symbols(symbols)


def _people_rows(rows: Rows, cells: Cells, force: Force, metric_id: str, measure: str, label: str,
                 period: Period, canon_of: Callable[[str], str], extra: Iterable[str] = (),
                 category: str | None = None, category_label: str | None = None,
                 not_applicable: bool = False) -> None:
    """One protected count per people-area (partnership rows copy their authority's cell)."""
    for area in force.people_areas():
        src = force.csp_alias.get(area.code, area.code)
        if not_applicable:
            rows.add(metric_id, measure, label, "people", area, period, None, ["[z]"], category, category_label)
            continue
        _, shown, _ = cells.get(canon_of(src))
        rows.add(metric_id, measure, label, "people", area, period, shown,
                 ["[c]"] if shown is None else list(extra), category, category_label)


def _rate_row(rows: Rows, cells: Cells, force: Force, area: Area, num: str, den: tuple[str, ...], metric_id: str,
              measure: str, label: str, period: Period, extra: Iterable[str] = (), category: str | None = None,
              category_label: str | None = None, den_shown: int | None = None) -> float | None:
    """Add one published rate (a percentage) or its [c]; returns the fraction or None."""
    status, frac = cells.rate_result(num, den, den_shown)
    top = num.split("|")[1] == force.code
    if frac is None:
        rows.add(metric_id, measure, label, "percent", area, period, None, ["[c]"], category, category_label)
        return None
    rows.add(metric_id, measure, label, "percent", area, period, _pct(frac, top), [status, *extra], category, category_label)
    return frac


def _rate_areas(force: Force) -> list[str]:
    """Rows whose rates are computed: the force and, when there are several, its authorities."""
    return [force.code] + ([la.code for la in force.las] if len(force.las) > 1 else [])


