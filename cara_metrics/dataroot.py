"""The data root: versioned folders for the warehouse and the public release.

Layout (one folder, env ``CARA_DATA_DIR``; default the embedded demo data)::

    DATA_ROOT/
      warehouse/
        CURRENT            name of the live version, e.g. "v0003" (replaced atomically)
        v0001/ ...         previous versions are kept for rollback
        v0003/
          manifest.json    contract version, created at, synthetic?, sources (sha256, rows)
          <table>.parquet  one file per contract table
      release/
        CURRENT
        r0001/ manifest.json, <table>.parquet

A new version is written into a temporary folder, flushed, renamed into place and only
then named in ``CURRENT`` by ``os.replace`` (atomic on POSIX). A reader resolves
``CURRENT`` once and reads only that folder, so it sees the old or the new version,
never a mix, and an interrupted write leaves the live version untouched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

Kind = Literal["warehouse", "release"]

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_DATA_DIR = REPO_DIR / "data" / "demo"
POINTER = "CURRENT"
MANIFEST = "manifest.json"
_PREFIX = {"warehouse": "v", "release": "r"}


class DataRootError(RuntimeError):
    """The data root is missing, empty or damaged; the message says what to do."""


def data_root() -> Path:
    """The data root in use: ``$CARA_DATA_DIR`` if set, else the embedded demo data."""
    env = os.environ.get("CARA_DATA_DIR", "").strip()
    return Path(env).expanduser().resolve() if env else DEFAULT_DATA_DIR


@dataclass(frozen=True)
class Version:
    """One immutable version folder of the warehouse or the release."""

    kind: Kind
    path: Path
    manifest: dict[str, Any]

    @property
    def id(self) -> str:
        """A key for caches: the folder path is unique and never reused for other data."""
        return str(self.path)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def synthetic(self) -> bool:
        return self.manifest.get("synthetic") is True  # a string "false" must not count as synthetic

    def table_path(self, table: str) -> Path:
        return self.path / f"{table}.parquet"


def live_version(root: Path, kind: Kind = "warehouse") -> Version:
    """The live version named in ``root/kind/CURRENT``; raises DataRootError if absent."""
    pointer = root / kind / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise DataRootError(
            f"No {kind} in {root}: run `python -m cara_metrics "
            f"{'ingest' if kind == 'warehouse' else 'publish'} --data-dir {root} ...` first."
        ) from None
    path = root / kind / name
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        raise DataRootError(f"The live {kind} version {path} has no readable manifest ({exc}).") from None
    return Version(kind=kind, path=path, manifest=manifest)


def has_version(root: Path, kind: Kind) -> bool:
    return (root / kind / POINTER).is_file()


def list_versions(root: Path, kind: Kind = "warehouse") -> list[str]:
    """Version folder names, oldest first."""
    folder = root / kind
    if not folder.is_dir():
        return []
    pat = re.compile(rf"^{_PREFIX[kind]}\d{{4,}}$")
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and pat.match(p.name))


def _next_name(root: Path, kind: Kind) -> str:
    existing = list_versions(root, kind)
    n = int(existing[-1][1:]) + 1 if existing else 1
    return f"{_PREFIX[kind]}{n:04d}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_table(path: Path, table: pa.Table) -> None:
    """Write one Parquet file the same way every time (stable bytes for the same data)."""
    pq.write_table(table, path, compression="zstd", write_statistics=True, store_schema=True)


def write_version(
    root: Path,
    kind: Kind,
    tables: dict[str, pa.Table],
    manifest: dict[str, Any],
    *,
    extra_files: dict[str, Path] | None = None,
) -> Version:
    """Write a complete new version and make it live atomically; returns it.

    ``tables`` maps table name to an Arrow table; ``extra_files`` maps a file name to an
    already-written file to move into the version (used for large streamed tables).
    """
    base = root / kind
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=base))
    try:
        for name, table in tables.items():
            write_table(tmp / f"{name}.parquet", table)
        for name, src in (extra_files or {}).items():
            shutil.move(str(src), tmp / name)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str), encoding="utf-8")
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        name = _next_name(root, kind)
        final = base / name
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    set_live(root, kind, name)
    return live_version(root, kind)


def set_live(root: Path, kind: Kind, name: str) -> None:
    """Point ``CURRENT`` at version ``name`` with an atomic rename."""
    base = root / kind
    if not (base / name / MANIFEST).is_file():
        raise DataRootError(f"{kind} version {name} does not exist in {root}.")
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT-", dir=base)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, base / POINTER)
    _fsync_dir(base)


def clean_incoming(root: Path, kind: Kind) -> int:
    """Remove folders left by an interrupted write; returns how many were removed."""
    base = root / kind
    n = 0
    if base.is_dir():
        for p in base.glob(".incoming-*"):
            shutil.rmtree(p, ignore_errors=True)
            n += 1
    return n
