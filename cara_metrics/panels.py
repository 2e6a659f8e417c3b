"""What a page shows for one chart: message title, subtitle with period and n, the figure,
the table behind it (exactly what the CSV download holds), a one-sentence plain-English
summary for screen readers, and the metric whose footer goes underneath.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Union

import pandas as pd
import plotly.graph_objects as go

from . import registry
from .errors import NoData

__all__ = ["NoData", "Panel", "Tile", "n_text"]


FigureSource = Union[go.Figure, Callable[[], go.Figure], None]


class Panel:
    """One chart's worth of a page. Read-only once built (panels are cached and shared).

    ``figure`` may be given as a Figure or as a function that builds one: the Plotly figure
    is then built only when something draws it (a page), never for the table view, a CSV
    download, the board pack or ``figures``, which read ``table`` and the metric result.
    """

    __slots__ = ("metric_id", "title", "subtitle", "table", "summary", "notes", "_source", "_built", "_lock")

    def __init__(self, metric_id: str, title: str, subtitle: str, table: pd.DataFrame, figure: FigureSource,
                 summary: str, notes: tuple[str, ...] = ()) -> None:
        for name, value in (("metric_id", metric_id), ("title", title), ("subtitle", subtitle), ("table", table),
                            ("summary", summary), ("notes", tuple(notes)), ("_source", figure), ("_built", None),
                            ("_lock", threading.Lock())):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Panel is read-only once built (it is cached and shared between sessions)")

    @property
    def has_figure(self) -> bool:
        return self._source is not None

    @property
    def figure(self) -> go.Figure | None:
        """The Plotly figure, built on first use and kept."""
        if self._source is None or isinstance(self._source, go.Figure):
            return self._source
        with self._lock:
            if self._built is None:
                object.__setattr__(self, "_built", self._source())
            return self._built

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


def n_text(n: int | float, what: str = "people") -> str:
    return f"n = {int(n):,} {what}"
