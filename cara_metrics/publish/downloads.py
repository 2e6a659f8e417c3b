"""The public download files (CSV and ODS of every release table), written into the release.

Publish writes them once, into the release folder before it goes live
(``dataroot.write_version(before_live=...)``), so no reader of the public pages ever builds
one: the tables page reads the bytes (:mod:`cara_metrics.public.download_cache`). What goes
in each file, and its name and label, is :func:`cara_metrics.export.downloads`, called here
on the new release exactly as a reader of the live release would call it, so there is one
definition of a download's content.

The files are byte-for-byte reproducible: the same warehouse published with the same release
date gives the same bytes (CSV, and ODS as :mod:`cara_metrics.ods` writes it: undated, its
XML depending only on the content), so the committed demo release can be checked.

``downloads.json`` in the release lists, per table, each file's label, file name and media
type in the order they are offered.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import warehouse
from ..dataroot import Version
from . import workers
from .model import TABLES

if TYPE_CHECKING:  # export is imported only when files are written (see write_downloads)
    from ..export import Download

#: The index of the download files in a release folder.
INDEX = "downloads.json"


def write_downloads(root: Path, version: Version) -> dict[str, list[dict[str, str]]]:
    """Write every table's download files into release ``version`` (complete, not yet live)
    and their index; returns the index.

    The files are made by :func:`export.download_file` from what :func:`export.download_inputs`
    reads of ``version`` (pinned for this thread), exactly as :func:`export.downloads` makes
    them for a reader of that release. With worker processes (:mod:`.workers`) everything is
    read first and the files are made in the workers (they only compute); without, one table
    at a time.
    """
    from .. import export  # only here: export brings in the public package (see .importlinter)

    n = export.FILES_PER_TABLE
    index: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
    if workers.workers(len(TABLES) * n) <= 1:
        # One table at a time, as a reader would have them made: only one table's data and
        # files are held at once.
        for name in TABLES:
            with warehouse.pinned(version, root):
                inputs = export.download_inputs(name, root)
            index[name] = [_write_file(version, export.download_file(name, inputs, i)) for i in range(n)]
    else:
        with warehouse.pinned(version, root):
            inputs_of = {name: export.download_inputs(name, root) for name in TABLES}
        tasks = [(name, inputs_of[name], i) for name in TABLES for i in range(n)]
        # Cost: the rows a file holds (the ODS file, holding the data and its zipping, costs most).
        cost = [len(inputs_of[name].data) * (0 if i == 2 else 2 if i == 1 else 1) for name, _, i in tasks]
        for (name, _, _), f in zip(tasks, workers.run(export.download_file, tasks, cost)):
            index[name].append(_write_file(version, f))
    _write(version.path / INDEX, json.dumps(index, indent=2, sort_keys=True).encode("utf-8"))
    return index


def _write_file(version: Version, f: Download) -> dict[str, str]:
    """Write download ``f`` into ``version``; its index entry."""
    path = version.path / f.file_name
    if path.exists() or "/" in f.file_name or f.file_name.startswith("."):
        raise ValueError(f"download file name {f.file_name!r} is not a new plain file name")
    _write(path, f.data)
    return {"label": f.label, "file_name": f.file_name, "mime": f.mime}


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
