"""Read-only access to a warehouse or release version through DuckDB.

* One in-memory DuckDB database per live version, with a view per Parquet table and the
  helper views and macros of ``sql/_setup.sql``.
* A cursor per thread: Streamlit runs each browser session in its own thread, and a
  DuckDB connection used from two threads at once raises "connection is busy".
* SQL lives in ``sql/*.sql``; values are always bound as named parameters (``$area``).
* Results are cached keyed on (version, SQL file, parameters). The live version is read
  from ``CURRENT`` on every call (one small file read), so a new load or release shows
  without a restart and old cache entries simply stop being asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping

import duckdb
import pandas as pd

from . import contract
from .dataroot import Kind, Version, data_root, live_version
from .errors import QueryError  # re-exported: callers catch warehouse.QueryError

SQL_DIR = Path(__file__).resolve().parent / "sql"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")




@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    """The text of ``sql/<name>.sql`` (read once)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def parameters(name: str) -> frozenset[str]:
    """The ``$names`` that ``sql/<name>.sql`` binds (comments ignored)."""
    return frozenset(_PARAM.findall(_COMMENT.sub("", load_sql(name))))


def sql_files() -> list[str]:
    return sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.stem.startswith("_"))


@dataclass(frozen=True)
class Setup:
    """A ``sql/_setup*.sql`` file: the tables it needs (its ``-- needs:`` line) and what it creates."""

    name: str
    needs: tuple[str, ...]
    creates: tuple[str, ...]


def _setups() -> tuple[Setup, ...]:
    out = []
    for path in sorted(SQL_DIR.glob("_setup*.sql")):
        text = path.read_text(encoding="utf-8")
        needs = re.search(r"^-- needs:(.*)$", text, re.M)
        creates = re.findall(r"CREATE OR REPLACE (?:TABLE|MACRO|VIEW) (\w+)", text)
        out.append(Setup(path.stem, tuple(needs.group(1).split()) if needs else ("areas",), tuple(creates)))
    return tuple(out)


#: The helper tables and macros made in every new warehouse database, in file order.
SETUPS = _setups()


def _needed_by(words: set[str]) -> set[str]:
    """The tables behind the helpers (macros, derived tables) a statement uses."""
    return {t for s in SETUPS for name in s.creates if name in words for t in s.needs}


@dataclass
class _Database:
    version: Version
    con: duckdb.DuckDBPyConnection
    local: threading.local
    broken: dict[str, str]
    #: For each broken table, its file's (size, mtime) when the database was opened (None if missing).
    stamps: dict[str, tuple[int, int] | None]

    def repaired(self) -> bool:
        """True if a file that was missing or damaged at open has since been put back or replaced.

        A few ``stat`` calls, only while something is broken: the first page run after a
        restore reads the restored file instead of failing once more.
        """
        return any(_stamp(self.paths[name]) != before for name, before in self.stamps.items() if name in self.paths)

    @property
    def paths(self) -> dict[str, Path]:
        return _table_paths(self.version)


#: Files every release holds besides its data tables (which its manifest lists).
RELEASE_SUPPORT_FILES = ("areas", "revisions", "series_breaks")


def _table_paths(version: Version) -> dict[str, Path]:
    """Every file the version should hold, present or not, so a missing one is named and watched."""
    if version.kind == "warehouse":
        return {t: version.table_path(t) for t in contract.TABLES}
    expected = [*version.manifest.get("tables", {}), *RELEASE_SUPPORT_FILES]
    return {p.stem: p for p in sorted(version.path.glob("*.parquet"))} | {
        name: version.path / f"{name}.parquet" for name in expected if isinstance(name, str)}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


_lock = threading.Lock()
_databases: "OrderedDict[str, _Database]" = OrderedDict()
_MAX_DATABASES = 4  # old versions are dropped once a few newer ones have been opened


def _open(version: Version) -> _Database:
    con = duckdb.connect(config={"threads": 2})
    broken: dict[str, str] = {}
    paths = _table_paths(version)
    for name, path in paths.items():
        if not path.exists():
            if version.kind == "warehouse" and name in contract.OPTIONAL_TABLES:
                # Optional context not loaded (or a version older than the table): empty, not broken;
                # an empty table of the contract's own schema, so no SQL text is built for it.
                con.from_arrow(contract.arrow_schema(contract.TABLES[name]).empty_table()).create_view(name)
                continue
            broken[name] = "missing"
            continue
        try:
            # Relation views need no SQL text built from the path, and every cursor sees them.
            con.read_parquet(str(path)).create_view(name)
        except duckdb.Error as exc:
            # One damaged file must not take down the pages that do not need it.
            broken[name] = str(exc).splitlines()[0]
    if version.kind == "warehouse":
        for setup in SETUPS:
            # A helper needs its tables at creation (DuckDB binds a table macro then), so it is
            # made only when they are all intact; a query using it then names what is broken.
            if not any(t in broken for t in setup.needs):
                con.execute(load_sql(setup.name))
    stamps = {name: _stamp(paths[name]) for name in broken}
    return _Database(version=version, con=con, local=threading.local(), broken=broken, stamps=stamps)


_pins = threading.local()


def pin(root: Path | None = None, kind: Kind = "warehouse") -> Version:
    """Resolve the live version once for this thread: every later query on the thread reads it.

    Pages call this first (through ui.page_header / ui_public.start), so one page run
    reads one version even if a load or publish switches ``CURRENT`` half-way through:
    the figures on a page never mix two versions. The next run pins the new version.
    """
    version = live_version(root or data_root(), kind)
    pins = getattr(_pins, "versions", None)
    if pins is None:
        pins = _pins.versions = {}
    pins[(str(root or data_root()), kind)] = version
    return version


def unpin() -> None:
    _pins.versions = {}


@contextlib.contextmanager
def pinned(version: Version, root: Path | None = None) -> Iterator[Version]:
    """Read ``version`` (live or not yet live) on this thread inside the block, then restore the
    pins as they were. Publish uses it to build the download files from a release before it
    goes live, with the same code that reads a live release."""
    key = (str(root or data_root()), version.kind)
    pins = getattr(_pins, "versions", None)
    if pins is None:
        pins = _pins.versions = {}
    before = pins.get(key)
    pins[key] = version
    try:
        yield version
    finally:
        pins = getattr(_pins, "versions", None) or {}
        if before is None:
            pins.pop(key, None)
        else:
            pins[key] = before


def current_version(root: Path | None = None, kind: Kind = "warehouse") -> Version:
    """The version this thread reads: the pinned one if the page pinned it, else the live one."""
    pinned = (getattr(_pins, "versions", None) or {}).get((str(root or data_root()), kind))
    if pinned is not None and pinned.path.is_dir():
        return pinned
    return live_version(root or data_root(), kind)


def database(root: Path | None = None, kind: Kind = "warehouse") -> _Database:
    """The database for the version of ``kind`` this thread reads (see ``pin``)."""
    version = current_version(root, kind)
    with _lock:
        db = _databases.get(version.id)
        if db is not None and db.broken and db.repaired():
            db = None  # a missing or damaged file was restored: open it afresh
        if db is None:
            db = _open(version)
            _databases[version.id] = db
            while len(_databases) > _MAX_DATABASES:
                _databases.popitem(last=False)
        else:
            _databases.move_to_end(version.id)
    return db


def cursor(db: _Database) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on ``db``."""
    cur = getattr(db.local, "cursor", None)
    if cur is None:
        cur = db.con.cursor()
        db.local.cursor = cur
    return cur


def _freeze(params: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, v) for k, v in params.items()))


_cache_lock = threading.Lock()
_cache: "OrderedDict[tuple, pd.DataFrame]" = OrderedDict()
_CACHE_SIZE = 512


def query(name: str, params: Mapping[str, Any] | None = None, *, root: Path | None = None, kind: Kind = "warehouse") -> pd.DataFrame:
    """Run ``sql/<name>.sql`` with ``params`` bound; cached on the live version.

    The returned frame is a shallow copy: pandas 3 is always copy-on-write, so callers may
    change it freely without touching the cached frame, and a cache hit copies no data (a
    deep copy of the person-level reoffending frame cost 5-8 ms per hit nationally).
    """
    params = dict(params or {})
    db = database(root, kind)
    key = (db.version.id, name, _freeze(params))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit.copy(deep=False)
    sql = load_sql(name)
    # DuckDB refuses parameters that the statement does not use: bind only those named.
    used = parameters(name)
    bound = {k: v for k, v in params.items() if k in used}
    try:
        df = cursor(db).execute(sql, bound).df()
    except duckdb.Error as exc:
        # Forget this database so the next call re-opens the files: a restored file recovers.
        with _lock:
            _databases.pop(db.version.id, None)
        words = set(re.findall(r"\w+", sql))
        words |= _needed_by(words)
        damaged = [t for t in db.broken if t in words]
        if damaged or isinstance(exc, duckdb.IOException) or "parquet" in str(exc).lower():
            names = ", ".join(sorted(set(damaged))) or "a table"
            raise QueryError(f"The data file for {names} is missing or damaged, so this part of the page cannot be "
                             f"shown. Other pages are unaffected. Ask the data team to restore version "
                             f"{db.version.name} or roll back.") from exc
        raise QueryError(f"The data could not be queried ({type(exc).__name__}).") from exc
    with _cache_lock:
        _cache[key] = df
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return df.copy(deep=False)


def clear_cache() -> None:
    """Forget every open database, cached result and built panel (tests; after repairs)."""
    with _cache_lock:
        _cache.clear()
    with _lock:
        _databases.clear()
    for forget in tuple(_on_clear):
        forget()


#: Caches built on top of query results (areas, panels) register here to be cleared with them,
#: so this module never imports the layers above it.
_on_clear: list = []


def on_clear(forget) -> None:
    """Call ``forget()`` whenever ``clear_cache`` runs."""
    if forget not in _on_clear:
        _on_clear.append(forget)


def as_of(version: Version) -> dt.date:
    """The date the data is complete to (manifest ``data_as_at``)."""
    value = version.manifest.get("data_as_at")
    if not value:
        raise QueryError(f"The data manifest of {version.kind} version {version.name} does not say what date the data runs to "
                         "(data_as_at). To fix it, load the data again with the date it is complete to: "
                         "python -m cara_metrics ingest --data-dir DIR --as-at YYYY-MM-DD FILES")
    return dt.date.fromisoformat(str(value)[:10])
