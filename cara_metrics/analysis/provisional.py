"""Provisional periods on the staff pages: which periods of a series are provisional, and
their labels with the [p] mark.

A period is provisional while it has not ended by the date the data is complete to (the
metric's own rule may add more, e.g. completion's "under 90% of cases closed", and then the
metric's ``provisional`` flag is used instead). A provisional figure is drawn apart on charts
(open markers, see :func:`charts.line_chart`), carries [p] in tables, and is never compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from ..areas import data_as_at
from ..metrics.rules import not_ended
from ..periods import Grain

MARK = "[p]"


def not_ended_flags(starts: Iterable, grain: Grain, root: Path | None = None) -> list[bool]:
    """For each period start, whether that period runs past the data's as-at date."""
    as_at = data_as_at(root)
    return [not_ended(pd.Timestamp(s).date(), grain, as_at) for s in starts]


def labels(periods: Sequence, provisional: Sequence[bool]) -> list[str]:
    """'2024/25 [p]' for a provisional period, the plain label otherwise."""
    return [f"{p} {MARK}" if bool(v) else str(p) for p, v in zip(periods, provisional)]
