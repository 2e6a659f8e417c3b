"""What a page shows for one chart: message title, subtitle with period and n, the figure,
the table behind it (exactly what the CSV download holds), a one-sentence plain-English
summary for screen readers, and the metric whose footer goes underneath.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from . import registry
from .errors import NoData

__all__ = ["NoData", "Panel", "Tile", "n_text"]


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


def n_text(n: int | float, what: str = "people") -> str:
    return f"n = {int(n):,} {what}"
