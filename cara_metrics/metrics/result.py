"""The one result every output draws from: a table with stable machine column names.

A metric, asked for a breakdown of a selection, answers with a ``Result``. Staff pages,
the board pack, downloads, sentences and ``python -m cara_metrics figures`` all read these
columns, never a display heading, so one figure cannot be computed two ways.

Columns (``COLUMNS``, always present, in this order; a metric may add its own after them):

* ``area_code``: the ONS code of the area the row is about;
* ``period``: the period's label (``2019/20``, ``2019/20 Q2``, ``Aug 2019``) or, for a row
  about the whole selection, the selection's label;
* ``period_start``: the first day of the period (``None`` for a whole-selection row);
* ``category``: what the row splits by (offence group, survey question, cohort group...),
  empty when nothing is split;
* ``value``: the figure, in the metric's unit as a fraction for percentages (0.125 = 12.5%);
* ``numerator``, ``denominator``: what the value is built from (empty for a plain count);
* ``ci_low``, ``ci_high``: its 95% confidence interval, where one applies;
* ``provisional``: the period is not final (cases still open, a period not yet ended);
* ``break_before``: a break in series falls at or inside this period, so it is not
  comparable with the periods before it;
* ``symbol``: the official-statistics mark shown beside the value: ``[p]`` provisional,
  ``[b]`` break in series, ``[x]`` not available, ``[c]``/``[u]`` in the public release.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..periods import Filters, Grain
from ..registry import BREAKDOWNS, Breakdown

__all__ = ["BREAKDOWNS", "Breakdown", "COLUMNS", "Result", "Source", "frame"]

Source = Literal["warehouse", "release"]

COLUMNS: tuple[str, ...] = ("area_code", "period", "period_start", "category", "value", "numerator", "denominator",
                            "ci_low", "ci_high", "provisional", "break_before", "symbol")


_NUMERIC = ("value", "numerator", "denominator", "ci_low", "ci_high")
_FLAGS = ("provisional", "break_before")


def _num(x) -> float:
    return math.nan if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows (dicts with any subset of COLUMNS, plus extras) -> a table in the standard shape.

    Built column by column from plain lists: a result is small, and pandas' per-column
    conversions cost more than the query that fed it (profiled: 14 ms -> under 1 ms)."""
    extras = list(dict.fromkeys(k for r in rows for k in r if k not in COLUMNS))
    data: dict[str, Any] = {}
    for c in COLUMNS:
        if c in _NUMERIC:
            data[c] = np.array([_num(r.get(c)) for r in rows], dtype="float64")
        elif c in _FLAGS:
            data[c] = np.array([bool(r.get(c) or False) for r in rows], dtype=bool)
        elif c == "category":
            data[c] = [str(r.get(c) or "") for r in rows]
        elif c == "symbol":
            data[c] = [_symbol(str(r.get("symbol") or ""), bool(r.get("provisional")), bool(r.get("break_before")),
                               _num(r.get("value"))) for r in rows]
        else:
            data[c] = [r.get(c) for r in rows]
    for c in extras:
        data[c] = [r.get(c) for r in rows]
    return pd.DataFrame(data, columns=list(COLUMNS) + extras)


def _symbol(given: str, provisional: bool, break_before: bool, value: float) -> str:
    if given:
        return given
    marks = []
    if value is None or (isinstance(value, float) and math.isnan(value)):
        marks.append("[x]")
    if provisional:
        marks.append("[p]")
    if break_before:
        marks.append("[b]")
    return " ".join(marks)


@dataclass(frozen=True)
class Result:
    """One metric's answer for one selection and breakdown.

    ``table`` holds COLUMNS; ``data_version`` names the warehouse or release folder read;
    ``flags`` are plain sentences a reader needs beside the figure (why a view differs,
    which periods are provisional, breaks in series); ``synthetic`` says the data is made up.
    """

    metric_id: str
    selection: Filters
    by: Breakdown
    grain: Grain | None
    source: Source
    data_version: str
    data_as_at: dt.date
    synthetic: bool
    table: pd.DataFrame
    flags: tuple[str, ...] = field(default_factory=tuple)

    @cached_property
    def records(self) -> tuple[dict, ...]:
        """The table's rows as dicts (read-only by convention; built once per result)."""
        return tuple(self.table.to_dict("records"))

    def row(self, *, period: str | None = None, area_code: str | None = None, category: str | None = None) -> dict | None:
        """The first row matching the given keys (a copy), or None."""
        for r in self.records:
            if ((period is None or r["period"] == period) and (area_code is None or r["area_code"] == area_code)
                    and (category is None or r["category"] == category)):
                return dict(r)
        return None

    def value(self, **keys) -> float | None:
        r = self.row(**keys)
        if r is None or r["value"] is None or (isinstance(r["value"], float) and math.isnan(r["value"])):
            return None
        return float(r["value"])

    def header(self) -> dict[str, Any]:
        """What the table is: metric, selection, breakdown, data version and flags."""
        f = self.selection
        return {
            "metric_id": self.metric_id,
            "area_code": f.area_code,
            "date_from": f.date_from.isoformat(),
            "date_to": f.date_to.isoformat(),
            "selection": f.label,
            "by": self.by,
            "grain": self.grain,
            "source": self.source,
            "data_version": self.data_version,
            "data_as_at": self.data_as_at.isoformat(),
            "synthetic": self.synthetic,
            "flags": list(self.flags),
        }

    def to_csv(self) -> str:
        """The table as CSV, preceded by '# key: value' lines describing it."""
        lines = [f"# {k}: {json.dumps(v) if isinstance(v, (list, bool)) or v is None else v}" for k, v in self.header().items()]
        out = self.table.copy()
        out["period_start"] = [d.isoformat() if isinstance(d, (dt.date, pd.Timestamp)) else "" for d in out["period_start"]]
        return "\n".join(lines) + "\n" + out.to_csv(index=False)

    def to_json(self) -> str:
        out = self.table.copy()
        out["period_start"] = [d.isoformat()[:10] if isinstance(d, (dt.date, pd.Timestamp)) else None for d in out["period_start"]]
        rows = json.loads(out.to_json(orient="records", force_ascii=False, double_precision=15))
        return json.dumps({**self.header(), "rows": rows}, indent=2, ensure_ascii=False)
