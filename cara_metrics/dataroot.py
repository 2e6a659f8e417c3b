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

History: each version's manifest names the version it replaced (``previous_version``), so
the live version and its predecessors form a chain; rollback walks that chain, never folder
names. A version folder off the chain (a load abandoned by a rollback, or one killed between
its rename and the switch of ``CURRENT``) is an *orphan*: writers set it aside, under their
lock, into ``KIND/orphaned/<name>-set-aside-<UTC time>``, where nothing reads it. Its number
is never reused, because readers key caches on a version's path.

Assumption for data roots written before ``previous_version`` was recorded everywhere: a
manifest without the key (the embedded demo's first version, written by ``synth``) has an
unknown predecessor. Rollback from it is refused unless no older version exists, and no
version older than it is ever treated as an orphan.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

import pyarrow as pa
import pyarrow.parquet as pq

Kind = Literal["warehouse", "release"]

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_DATA_DIR = REPO_DIR / "data" / "demo"
POINTER = "CURRENT"
MANIFEST = "manifest.json"
ORPHANED = "orphaned"
PREVIOUS = "previous_version"
_PREFIX = {"warehouse": "v", "release": "r"}


class DataRootError(RuntimeError):
    """The data root is missing, empty or damaged; the message says what to do."""


class Busy(DataRootError):
    """Another process holds the lock on this part of the data root."""


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


def _number(name: str) -> int:
    """A version's number; a name that is not a version's counts as newest (so nothing is set aside)."""
    m = re.match(r"^[a-z](\d+)", name)
    return int(m.group(1)) if m else 10**9


def _next_name(root: Path, kind: Kind) -> str:
    # Set-aside versions count too: a reused name would be a reused cache key (Version.id).
    aside = root / kind / ORPHANED
    pat = re.compile(rf"^{_PREFIX[kind]}\d{{4,}}(-|$)")
    names = list_versions(root, kind) + ([p.name for p in aside.iterdir() if pat.match(p.name)] if aside.is_dir() else [])
    n = max((_number(x) for x in names), default=0) + 1
    return f"{_PREFIX[kind]}{n:04d}"


def _live_name(root: Path, kind: Kind) -> str | None:
    try:
        return (root / kind / POINTER).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _manifest_of(root: Path, kind: Kind, name: str) -> dict[str, Any] | None:
    try:
        return json.loads((root / kind / name / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


@dataclass(frozen=True)
class Lineage:
    """The live version's chain of predecessors, newest first.

    ``known_from`` is the version number below which the history is unknown: 0 when the
    chain ends at a first version (``previous_version`` null); otherwise the number of the
    oldest chain member whose predecessor is not recorded or no longer on disk.
    """

    chain: tuple[str, ...]
    known_from: int


def lineage(root: Path, kind: Kind = "warehouse") -> Lineage:
    """Walk ``previous_version`` from the live version (no live version: an empty chain)."""
    name = _live_name(root, kind)
    chain: list[str] = []
    while name is not None:
        manifest = _manifest_of(root, kind, name) if isinstance(name, str) and name not in chain else None
        if manifest is None:  # missing, damaged or circular: the history is unknown from here down
            return Lineage(tuple(chain), _number(name) if isinstance(name, str) else 10**9)
        chain.append(name)
        if PREVIOUS not in manifest:  # written before predecessors were recorded
            return Lineage(tuple(chain), _number(name))
        name = manifest[PREVIOUS]
    return Lineage(tuple(chain), 0)


def orphans(root: Path, kind: Kind = "warehouse") -> list[str]:
    """Version folders that are neither live nor a predecessor of the live version.

    Only versions newer than the known history count (see :class:`Lineage`): an older
    folder might be a predecessor that simply was not recorded, so it is left alone.
    """
    if _live_name(root, kind) is None:
        return []
    line = lineage(root, kind)
    return [n for n in list_versions(root, kind) if n not in line.chain and _number(n) > line.known_from]


def set_aside_orphans(root: Path, kind: Kind = "warehouse", now: dt.datetime | None = None) -> list[tuple[str, Path]]:
    """Move every orphan into ``KIND/orphaned/`` (call under the writer's lock); returns (name, new path).

    Moved, not deleted: an abandoned load may still be wanted for investigation. Nothing
    reads ``orphaned/``, and the next version number skips past what is there.
    """
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    moved = []
    found = orphans(root, kind)
    if found:
        (root / kind / ORPHANED).mkdir(exist_ok=True)
    for name in found:
        dest = root / kind / ORPHANED / f"{name}-set-aside-{stamp}"
        os.rename(root / kind / name, dest)
        moved.append((name, dest))
    if moved:
        _fsync_dir(root / kind)
    return moved


def lock(folder: Path, *, wait_seconds: float = 0.0, poll: float = 0.2) -> int | None:
    """Take an exclusive lock on ``folder`` (a directory fd: no lock file is left behind).

    Returns the fd to ``os.close`` when done (None where the OS has no advisory locks, e.g.
    Windows: writers must then not overlap). Waits up to ``wait_seconds`` for another holder
    to finish, then raises :class:`Busy`. ``flock`` locks belong to the open file, so two
    threads of one process exclude each other too.
    """
    try:
        import fcntl
    except ImportError:
        return None
    fd = os.open(folder, os.O_RDONLY)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise Busy(f"{folder} is locked by another process") from None
            time.sleep(poll)


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
    before_live: Callable[[Version], None] | None = None,
) -> Version:
    """Write a complete new version and make it live atomically; returns it.

    ``tables`` maps table name to an Arrow table; ``extra_files`` maps a file name to an
    already-written file to move into the version (used for large streamed tables).

    The manifest records the version it replaces as ``previous_version`` (whatever a caller
    passed is overwritten: only the live pointer knows). A first version keeps the caller's
    manifest as it is, so ``synth`` output, and the demo's committed hashes, stay unchanged.
    Callers that may race another writer must hold its lock (ingest, publish).

    ``before_live`` is called with the complete version, under its final name but not yet
    live, to add files made from it (publish writes the download files this way, reading the
    release it just wrote); if it fails, the version is removed and nothing goes live.
    """
    base = root / kind
    base.mkdir(parents=True, exist_ok=True)
    replaced = _live_name(root, kind)
    if replaced is not None:
        manifest = {**manifest, PREVIOUS: replaced}
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
    if before_live is not None:
        try:
            before_live(Version(kind=kind, path=final, manifest=manifest))
            _fsync_dir(final)
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
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
