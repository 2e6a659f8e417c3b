"""What an answer function is given: the metric, the selection, the breakdown and a way to run
exactly the SQL the registry declares for it (and nothing else)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import warehouse
from ..areas import area_names, data_as_at, force_of
from ..periods import Filters, Grain, add_months, period_label
from ..registry import Breakdown, Metric
from .reoffending import FOLLOW_UP_MONTHS, WAITING_MONTHS


class UndeclaredQuery(LookupError):
    """An answer asked for SQL its metric does not declare for that breakdown."""


@dataclass(frozen=True)
class Ask:
    metric: Metric
    selection: Filters
    by: Breakdown
    grain: Grain
    root: Path | None

    @property
    def area(self) -> str:
        return self.selection.area_code

    @property
    def force(self) -> str:
        return force_of(self.area, self.root)

    @property
    def as_at(self) -> dt.date:
        return data_as_at(self.root)

    @property
    def last_complete_index(self) -> dt.date:
        """Latest caution date whose 12-month follow-up and 6-month wait have ended."""
        return add_months(self.as_at, -(FOLLOW_UP_MONTHS + WAITING_MONTHS))

    def name(self, code: str) -> str:
        return area_names(self.root).get(code, code)

    def params(self, **extra: Any) -> dict[str, Any]:
        base = {"grain": self.grain, "force": self.force, "last_complete_index": self.last_complete_index,
                **dict(self.metric.sql_params)}
        return self.selection.params(**{**base, **extra})

    def query(self, sql: str, selection: Filters | None = None, **extra: Any) -> pd.DataFrame:
        """Run ``sql`` if (and only if) the registry declares it for this metric and breakdown."""
        if sql not in self.metric.sql_for(self.by):
            raise UndeclaredQuery(f"metric {self.metric.id!r} ({self.by}) ran sql/{sql}.sql, which the registry does not "
                                  f"declare for it; declare it in queries= or use the declared file.")
        params = self.params(**extra) if selection is None else {**self.params(**extra), **selection.params()}
        return warehouse.query(sql, params, root=self.root)

    def whole_label(self) -> str:
        return self.selection.label

    def label(self, start: dt.date) -> str:
        return period_label(start, self.grain)
