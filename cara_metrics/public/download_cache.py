"""The public downloads (CSV and ODS of each release table): read from the release.

Publish writes every table's download files into the release folder, with an index
(``downloads.json``: label, file name and media type of each, in order; see
:mod:`cara_metrics.publish.downloads`), so a reader is served bytes that were made once,
when the release was, and the first visit to the tables page is as fast as the second.
What goes in each file is :func:`cara_metrics.export.downloads`.

A release written before publish did this (no index) has its files built here on first
request instead, as before, and kept in this process for the live release and the few
before it. A file the index names that is missing or damaged raises
:class:`ReleaseFileError`, which names it for a reader.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .. import warehouse
from .release import ReleaseFileError, resolve_root

if TYPE_CHECKING:
    from ..export import Download

log = logging.getLogger("cara_metrics")

#: The index of the download files in a release folder (written by publish).
INDEX = "downloads.json"

_downloads: dict[tuple[str, str], list["Download"]] = {}
_downloads_lock = threading.Lock()
#: Releases whose downloads are kept (the live one and the few before it, for page runs
#: pinned to an older release while a publish lands); older ones are dropped.
_DOWNLOAD_RELEASES = 3


def downloads(name: str, root: Path | None = None) -> list["Download"]:
    """The CSV and ODS files of release table ``name``, as published in the release.

    Read once per release version and kept in this process (a release never changes once
    published, so every reader of one release gets the same bytes). One lock: while one
    session reads (or, for an old release, builds), the others wait for its result.
    """
    version = warehouse.current_version(resolve_root(root), "release")
    key = (version.id, name)
    with _downloads_lock:
        files = _downloads.get(key)
        if files is None:
            files = _read(version, name)
            if files is None:
                from .. import export  # export imports this package

                log.warning("release %s has no download files (published before they were part of a release): "
                            "building them in this process", version.path)
                files = export.downloads(name, root)
            _downloads[key] = files
            releases = list(dict.fromkeys(k[0] for k in _downloads))
            for old in releases[:-_DOWNLOAD_RELEASES]:
                for k in [k for k in _downloads if k[0] == old]:
                    del _downloads[k]
    return files


def _read(version: warehouse.Version, name: str) -> list["Download"] | None:
    """The files the release's index lists for ``name``; None when the release has no index."""
    from ..export import Download

    index_path = version.path / INDEX
    if not index_path.exists():
        return None
    try:
        entries = json.loads(index_path.read_text(encoding="utf-8"))[name]
        return [Download(e["label"], e["file_name"], e["mime"], (version.path / e["file_name"]).read_bytes())
                for e in entries]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error("release %s: the download files of %s cannot be read (%s)", version.path, name, exc)
        raise ReleaseFileError(f"{name} downloads", "the files to download", version.name) from exc


def clear_downloads() -> None:
    """Forget the downloads read or built (tests)."""
    with _downloads_lock:
        _downloads.clear()
