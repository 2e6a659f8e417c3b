"""What a page run needs to know about the data before it lays anything out: the version
it reads (pinned once per run), the financial years the data covers, and its status.

The UI modules call these instead of querying themselves; nothing here imports Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pandas as pd

from . import warehouse
from .dataroot import DataRootError, Kind
from .errors import NoData
from .periods import fy_of


def pin(kind: Kind = "warehouse") -> None:
    """Read one version for the whole page run, so a load landing mid-run never mixes two."""
    with contextlib.suppress(DataRootError):
        warehouse.pin(None, kind)


def coverage_years(root: Path | None = None) -> tuple[int, int]:
    """The first and last financial years (start years) any dated table covers; NoData
    when the warehouse holds no dated data."""
    df = warehouse.query("data_coverage", root=root)
    firsts, lasts = df["first_date"].dropna(), df["last_date"].dropna()
    if firsts.empty:
        raise NoData(f"The warehouse in {root or 'the data root'} has no dated data.")
    return fy_of(pd.Timestamp(firsts.min()).date()), fy_of(pd.Timestamp(lasts.max()).date())


#: What each programme table holds, in the words a page uses when it is not loaded yet.
PROGRAMME_TABLES = {
    "referrals": "the CARA referral records (from The Hampton Trust and the force)",
    "survey_responses": "the participant survey answers (from The Hampton Trust)",
    "cohort": "the reoffending cohort (the force's pseudonymised Police National Computer extract)",
    "costs": "the programme costs (from the PCC office's finance records)",
}


def not_loaded(tables: tuple[str, ...], root: Path | None = None) -> list[str]:
    """The programme tables among ``tables`` that hold no rows at all (never loaded).

    Read from the version's manifest (rows per table, written by ingest and synth), not from
    the tables: a damaged file must not take down a page that does not read it. A table the
    manifest does not count is assumed loaded (its page then says what it finds).
    """
    manifest = warehouse.current_version(root, "warehouse").manifest
    counts = manifest.get("tables")
    if not isinstance(counts, dict) or not counts:
        counts = {s.get("table"): s.get("rows") for s in manifest.get("sources", []) if isinstance(s, dict)}
    return [t for t in tables if t in counts and not counts[t]]


def is_synthetic() -> bool | None:
    """Whether the live warehouse is labelled synthetic (None when there is none)."""
    try:
        return warehouse.current_version(None, "warehouse").synthetic
    except DataRootError:
        return None


def data_as_at() -> dt.date:
    return warehouse.as_of(warehouse.current_version(None, "warehouse"))
