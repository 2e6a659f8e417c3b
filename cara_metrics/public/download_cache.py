"""The public downloads (CSV and ODS of each release table), built once per release version.

A release never changes once published, so the files are built on first request and kept
in this process for the live release and the few before it (page runs pinned to an older
release while a publish lands still find theirs). What goes in each file is
:func:`cara_metrics.export.downloads`; this module only decides when to build it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .. import warehouse
from .release import resolve_root

if TYPE_CHECKING:
    from ..export import Download

_downloads: dict[tuple[str, str], list["Download"]] = {}
_downloads_lock = threading.Lock()
#: Releases whose downloads are kept (the live one and the few before it, for page runs
#: pinned to an older release while a publish lands); older ones are dropped.
_DOWNLOAD_RELEASES = 3


def downloads(name: str, root: Path | None = None) -> list["Download"]:
    """The CSV and ODS files of release table ``name`` (:func:`export.downloads`), built once
    per release version and kept in this process.

    A release never changes once published, so every reader of one release gets the same
    bytes. Building them (odfpy writing the spreadsheets) took about 2.6 s of CPU for the
    five tables, which made the tables page the slowest page by far when it was done for
    every reader on every run. One lock: while one session builds, the others wait for its
    result rather than building the same files again on the same CPU.
    """
    from .. import export  # export imports this package

    key = (warehouse.current_version(resolve_root(root), "release").id, name)
    with _downloads_lock:
        files = _downloads.get(key)
        if files is None:
            files = export.downloads(name, root)
            _downloads[key] = files
            releases = list(dict.fromkeys(k[0] for k in _downloads))
            for old in releases[:-_DOWNLOAD_RELEASES]:
                for k in [k for k in _downloads if k[0] == old]:
                    del _downloads[k]
    return files


def clear_downloads() -> None:
    """Forget the built downloads (tests)."""
    with _downloads_lock:
        _downloads.clear()
