"""What an answer function is given: the metric, the selection, the breakdown and a way to run
exactly the SQL the registry declares for it (and nothing else)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
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

    # Looked up once per question (an answer asks for them per row): cached on the instance.
    @cached_property
    def force(self) -> str:
        return force_of(self.area, self.root)

    @cached_property
    def as_at(self) -> dt.date:
        return data_as_at(self.root)

    @cached_property
    def last_complete_index(self) -> dt.date:
        """Latest caution date whose 12-month follow-up and 6-month wait have ended."""
        return add_months(self.as_at, -(FOLLOW_UP_MONTHS + WAITING_MONTHS))

    def name(self, code: str) -> str:
        return area_names(self.root).get(code, code)

    def params(self, needed: frozenset[str] | None = None, **extra: Any) -> dict[str, Any]:
        """The values to bind; with ``needed``, only those (the force and the follow-up date
        are looked up only for SQL that uses them)."""
        base: dict[str, Any] = {"grain": self.grain, **dict(self.metric.sql_params)}
        if needed is None or "force" in needed:
            base["force"] = self.force
        if needed is None or "last_complete_index" in needed:
            base["last_complete_index"] = self.last_complete_index
        out = self.selection.params(**{**base, **extra})
        return out if needed is None else {k: v for k, v in out.items() if k in needed}

    def query(self, sql: str, **extra: Any) -> pd.DataFrame:
        """Run ``sql`` if (and only if) the registry declares it for this metric and breakdown."""
        if sql not in self.metric.sql_for(self.by):
            raise UndeclaredQuery(f"metric {self.metric.id!r} ({self.by}) ran sql/{sql}.sql, which the registry does not "
                                  f"declare for it; declare it in queries= or use the declared file.")
        return warehouse.query(sql, self.params(warehouse.parameters(sql), **extra), root=self.root)

    def label(self, start: dt.date) -> str:
        return period_label(start, self.grain)
