"""What a page run needs to know about the data before it lays anything out: the version
it reads (pinned once per run), the financial years the data covers, and its status.

The UI modules call these instead of querying themselves; nothing here imports Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pandas as pd

from . import warehouse
from .dataroot import DataRootError, Kind
from .periods import fy_of


def pin(kind: Kind = "warehouse") -> None:
    """Read one version for the whole page run, so a load landing mid-run never mixes two."""
    with contextlib.suppress(DataRootError):
        warehouse.pin(None, kind)


def coverage_years() -> tuple[int, int]:
    """The first and last financial years (start years) any dated table covers."""
    df = warehouse.query("data_coverage")
    first = min(pd.Timestamp(d).date() for d in df["first_date"].dropna())
    last = max(pd.Timestamp(d).date() for d in df["last_date"].dropna())
    return fy_of(first), fy_of(last)


def is_synthetic() -> bool | None:
    """Whether the live warehouse is labelled synthetic (None when there is none)."""
    try:
        return warehouse.current_version(None, "warehouse").synthetic
    except DataRootError:
        return None


def data_as_at() -> dt.date:
    return warehouse.as_of(warehouse.current_version(None, "warehouse"))
