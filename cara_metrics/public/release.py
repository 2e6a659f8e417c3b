"""Reading the public release: its tables, its own facts, and the choices it offers.

Every figure on the public pages comes through :func:`table`, which reads the live release
(``DATA_ROOT/release``) through ``warehouse.query(..., kind="release")`` and the
``sql/release_*.sql`` files; nothing here touches the warehouse, so a public instance runs
with the warehouse folder deleted.

A release file that is missing or damaged raises :class:`ReleaseFileError`, which names the
file in words a reader understands (the technical detail goes to the log). Choices are the
fixed breakdowns of the release: an area and a financial year, never a free date range.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from .. import contract as C
from .. import warehouse
from ..dataroot import data_root
from ..periods import format_date

log = logging.getLogger("cara_metrics")

RELEASE_TABLES = ("crime", "referrals", "outcomes", "survey", "reoffending")
#: Area type -> its kind in words, as the titles say it (``contract.area_kind``: "council").
AREA_TYPE_LABELS = {t: C.area_kind(t) for t in C.AREA_TYPES}


def resolve_root(root: Path | None) -> Path:
    """The data root asked for, or the configured one (``$CARA_DATA_DIR``, else the demo data)."""
    return root or data_root()


#: What each release file holds, in words (the figures tables' titles come from the manifest).
FILE_WORDS = {"areas": "the list of areas", "series_breaks": "the breaks in series", "revisions": "the revised figures"}


class ReleaseFileError(warehouse.QueryError):
    """A file of the live release is missing or cannot be read. The message names it for a reader."""

    def __init__(self, name: str, words: str, version: str) -> None:
        self.name, self.version = name, version
        super().__init__(f"The published file for {name} ({words}) is missing or damaged.")


def table(name: str, root: Path | None = None) -> pd.DataFrame:
    """One release table, every row (as released).

    Raises :class:`ReleaseFileError` when its file is missing or unreadable: its message is
    for a reader of the public pages, the technical detail goes to the log.

    The warehouse watches every file a release should hold (warehouse.RELEASE_SUPPORT_FILES
    and the manifest's tables), so the first page run after a restore reads it again.
    """
    if name not in (*RELEASE_TABLES, "areas", "series_breaks", "revisions"):
        raise KeyError(f"no release table {name!r}")
    try:
        return warehouse.query(f"release_{name}", root=resolve_root(root), kind="release")
    except warehouse.QueryError as exc:
        version = warehouse.current_version(resolve_root(root), "release")
        if _readable(version.table_path(name)):
            raise  # the file is whole: something else failed
        words = FILE_WORDS.get(name) or version.manifest.get("tables", {}).get(name, {}).get("title", name)
        log.error("release %s: %s is missing or damaged (%s)", version.path, version.table_path(name).name, exc)
        raise ReleaseFileError(name, str(words)[:1].lower() + str(words)[1:], version.name) from exc


def _readable(path: Path) -> bool:
    """Whether ``path`` is a Parquet file whose footer can be read (cheap: the footer only)."""
    try:
        pq.read_metadata(path)
    except (OSError, ValueError):  # missing, truncated or not Parquet (pyarrow raises ArrowInvalid, a ValueError)
        return False
    return True


# --------------------------------------------------------------------------------------
# The release's own facts
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    release_date: dt.date
    data_as_at: dt.date
    next_update: dt.date
    period_text: str
    synthetic: bool
    revisions: pd.DataFrame
    compared_with: str | None
    breaks: pd.DataFrame
    suppression: dict
    notes: tuple[str, ...]
    manifest: dict

    @property
    def revisions_text(self) -> str:
        n = len(self.revisions)
        if self.compared_with is None:
            return "None: this is the first release."
        if n == 0:
            return f"None since the previous release ({self.compared_with})."
        return (f"{n:,} figure{'s' if n != 1 else ''} revised since the previous release, marked [r]; "
                "the list is under 'About this release'.")

    @property
    def breaks_text(self) -> str:
        if self.breaks.empty:
            return "None."
        return " ".join(f"{pd.Timestamp(r.break_date):%B %Y} ({r.series}): {r.description}" for r in self.breaks.itertuples())

    def status(self) -> list[tuple[str, str]]:
        """(label, text) pairs every public page shows."""
        return [
            ("Data as at", format_date(self.data_as_at)),
            ("Published", format_date(self.release_date)),
            ("Next update", format_date(self.next_update)),
            ("Period covered", self.period_text),
            ("Revisions", self.revisions_text),
            ("Breaks in series", self.breaks_text),
        ]


def release_info(root: Path | None = None) -> ReleaseInfo:
    v = warehouse.current_version(resolve_root(root), "release")
    m = v.manifest
    rev = table("revisions", root)
    return ReleaseInfo(
        version=v.name,
        release_date=dt.date.fromisoformat(m["release_date"]),
        data_as_at=dt.date.fromisoformat(m["data_as_at"]),
        next_update=dt.date.fromisoformat(m["next_update"]),
        period_text=m["period_covered"]["text"],
        synthetic=bool(m.get("synthetic", False)),
        revisions=rev,
        compared_with=m.get("revisions", {}).get("compared_with"),
        breaks=table("series_breaks", root),
        suppression=m.get("suppression", {}),
        notes=tuple(m.get("notes", ())),
        manifest=m,
    )


# --------------------------------------------------------------------------------------
# Choices: the fixed breakdowns of the release
# --------------------------------------------------------------------------------------


def areas(root: Path | None = None) -> pd.DataFrame:
    return table("areas", root)


def area_options(root: Path | None = None) -> dict[str, str]:
    """area code -> 'Name (kind of area)', force first."""
    a = areas(root)
    return {c: C.area_label(n, t) for c, n, t in zip(a["area_code"], a["area_name"], a["area_type"])}


def area_name(code: str, root: Path | None = None) -> str:
    """The area's name for titles: as published, with its kind where names repeat."""
    a = areas(root)
    return C.distinct_area_names(a["area_code"], a["area_name"], a["area_type"]).get(code, code)


def year_options(root: Path | None = None) -> list[str]:
    """Financial years in the release, latest first.

    A table whose file cannot be read is left out (the figures that need it say so where
    they would be shown), so one damaged file does not take away every choice; only when
    no table can be read is the error raised."""
    years: set[str] = set()
    failed: list[ReleaseFileError] = []
    for name in RELEASE_TABLES:
        try:
            t = table(name, root)
        except ReleaseFileError as exc:
            failed.append(exc)
            continue
        years |= set(t.loc[t["period_type"] == "financial year", "period"].dropna())
    if failed and not years:
        raise failed[0]
    return sorted(years, reverse=True)
