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

from .. import warehouse
from ..dataroot import Version
from . import workers
from .model import TABLES

#: The index of the download files in a release folder.
INDEX = "downloads.json"


def write_downloads(root: Path, version: Version) -> dict[str, list[dict[str, str]]]:
    """Write every table's download files into release ``version`` (complete, not yet live)
    and their index; returns the index.

    The files are made by :func:`export.download_file` from what :func:`export.download_inputs`
    reads of ``version`` (pinned for this thread), exactly as :func:`export.downloads` makes
    them for a reader of that release. Everything is read first; the files are then made in
    worker processes when there are several (:mod:`.workers`: they only compute).
    """
    from .. import export  # only here: export brings in the public package (see .importlinter)

    with warehouse.pinned(version, root):
        inputs = {name: export.download_inputs(name, root) for name in TABLES}
    tasks = [(name, inputs[name], i) for name in TABLES for i in range(export.FILES_PER_TABLE)]
    # Cost: the rows a file holds (the ODS file, holding the data and its zipping, costs most).
    cost = [len(inputs[name].data) * (0 if i == 2 else 2 if i == 1 else 1) for name, _, i in tasks]
    files = workers.run(export.download_file, tasks, cost)
    index: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
    for (name, _, _), f in zip(tasks, files):
        path = version.path / f.file_name
        if path.exists() or "/" in f.file_name or f.file_name.startswith("."):
            raise ValueError(f"download file name {f.file_name!r} is not a new plain file name")
        _write(path, f.data)
        index[name].append({"label": f.label, "file_name": f.file_name, "mime": f.mime})
    _write(version.path / INDEX, json.dumps(index, indent=2, sort_keys=True).encode("utf-8"))
    return index


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
