"""The public download files (CSV and ODS of every release table), written into the release.

Publish writes them once, into the release folder before it goes live
(``dataroot.write_version(before_live=...)``), so no reader of the public pages ever builds
one: the tables page reads the bytes (:mod:`cara_metrics.public.download_cache`). What goes
in each file, and its name and label, is :func:`cara_metrics.export.downloads`, called here
on the new release exactly as a reader of the live release would call it, so there is one
definition of a download's content.

The files are byte-for-byte reproducible: the same warehouse published with the same release
date gives the same bytes (the demo release is committed and compared). A CSV already is;
an ODS file is a zip whose entries odfpy stamps with the time of writing and whose XML
declares the namespaces every document written earlier in the same process used (odfpy
keeps them in a class attribute). :func:`deterministic_ods` rewrites it with every entry
dated the release date and every XML root declaring the same full set of ODF namespaces
in a fixed order; the content is unchanged.

``downloads.json`` in the release lists, per table, each file's label, file name and media
type in the order they are offered.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import zipfile
from pathlib import Path

from odf.namespaces import nsdict

from .. import warehouse
from ..dataroot import Version
from .model import TABLES

#: The index of the download files in a release folder.
INDEX = "downloads.json"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"

_ROOT_TAG = re.compile(rb"<(?!\?)([\w:.-]+)((?:\s+[\w:.-]+=\"[^\"]*\")*)\s*(/?)>")
_ATTR = re.compile(rb"([\w:.-]+)=\"([^\"]*)\"")
#: Every ODF namespace odfpy knows, by its standard prefix: declared on every XML root.
_ALL_NAMESPACES = sorted((f"xmlns:{prefix}".encode(), uri.encode()) for uri, prefix in nsdict.items())


def _canonical_xml(xml: bytes) -> bytes:
    """The same XML with its root element declaring every ODF namespace, sorted by prefix."""
    m = _ROOT_TAG.search(xml)
    if m is None:
        return xml
    attrs = _ATTR.findall(m.group(2))
    declared = dict(_ALL_NAMESPACES)
    for k, v in attrs:
        if k.startswith(b"xmlns:") and declared.setdefault(k, v) != v:
            return xml  # a prefix bound to another namespace: leave the document as written
    ns = sorted((k, v) for k, v in declared.items())
    rest = [(k, v) for k, v in attrs if not k.startswith(b"xmlns")]
    tag = b"<" + m.group(1) + b"".join(b" " + k + b'="' + v + b'"' for k, v in [*ns, *rest]) + m.group(3) + b">"
    return xml[:m.start()] + tag + xml[m.end():]


def deterministic_ods(data: bytes, date: dt.date) -> bytes:
    """``data`` (an ODS file) rewritten so it depends only on its content: entries in the same
    order and with the same compression (``mimetype`` first and stored, as ODF requires), each
    dated ``date`` at midnight, XML roots declaring a fixed set of namespaces."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith(".xml"):
                body = _canonical_xml(body)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def write_downloads(root: Path, version: Version) -> dict[str, list[dict[str, str]]]:
    """Write every table's download files into release ``version`` (complete, not yet live)
    and their index; returns the index.

    The files are made by :func:`export.downloads` reading ``version`` (pinned for this
    thread), so they are exactly what a reader of that release would have been given.
    """
    from .. import export  # only here: export brings in the public package (see .importlinter)

    date = dt.date.fromisoformat(version.manifest["release_date"])
    index: dict[str, list[dict[str, str]]] = {}
    with warehouse.pinned(version, root):
        for name in TABLES:
            entries = []
            for f in export.downloads(name, root):
                data = deterministic_ods(f.data, date) if f.mime == ODS_MIME else f.data
                path = version.path / f.file_name
                if path.exists() or "/" in f.file_name or f.file_name.startswith("."):
                    raise ValueError(f"download file name {f.file_name!r} is not a new plain file name")
                _write(path, data)
                entries.append({"label": f.label, "file_name": f.file_name, "mime": f.mime})
            index[name] = entries
    _write(version.path / INDEX, json.dumps(index, indent=2, sort_keys=True).encode("utf-8"))
    return index


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
