"""The ingest of one batch of files, from raw bytes to a new live warehouse version.

1. Inspect every file (hash, format, encoding). 2. Validate and stage each sheet, areas
files first so the rest can be mapped to them. 3. Check across rows, files and tables.
4. If anything at all is wrong: report and change nothing. 5. Otherwise merge with the live
version and switch to the new version atomically.

All staging happens in a temporary folder outside the data root, so a rejected batch or a
``--dry-run`` leaves the data root byte for byte as it was (and a new data root is not even
created). The data root is touched only in step 5, under a lock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import contract as C
from ..dataroot import DataRootError, Version, clean_incoming, has_version, live_version
from . import commit as commit_mod
from . import crosscheck, public
from .formats import BadFile, FileInfo, PartRefused, inspect, open_sheets
from .geography import Geography
from .headers import detect
from .problems import Location, ProblemLog
from .settings import Settings
from .stage import Stager

#: Written by export-raw beside the files it writes: marks them (by hash) as synthetic.
MARKER = "cara-export.json"


@dataclass
class Options:
    root: Path
    files: list[Path]
    kind: str | None = None
    dry_run: bool = False
    as_at: dt.date | None = None
    report: Path | None = None
    progress: bool | None = None  # None: only when stderr is a terminal
    today: dt.date = field(default_factory=dt.date.today)
    settings: Settings = field(default_factory=Settings)  # the token shape and the limits (settings.load)


def is_synthetic(info: FileInfo) -> bool:
    """A file export-raw wrote from synthetic data, unchanged since (its hash matches)."""
    marker = info.path.parent / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(data.get("synthetic")) and data.get("files", {}).get(info.path.name) == info.sha256


def _progress(info: FileInfo, enabled: bool | None):
    from tqdm import tqdm

    total, unit = (info.size, "B") if info.format == "csv" else (None, " rows")
    if info.format == "parquet":
        try:
            total = pq.ParquetFile(info.path).metadata.num_rows
        except Exception:  # a damaged file is reported when it is read
            total = None
    disable = (not sys.stderr.isatty()) if enabled is None else not enabled
    return tqdm(total=total, unit=unit, unit_scale=True, desc=info.display, file=sys.stderr, disable=disable, leave=False)


def _peek_table(info: FileInfo, kind: str | None) -> str | None:
    """The table of a file's first sheet, from its header (for ordering only)."""
    try:
        for sheet in open_sheets(info, ProblemLog(None)):
            published = public.find(sheet, kind)
            if published is not None:
                return public.TABLE_OF[published[1]]
            found = [detect(cells, kind) for _r, cells in sheet.candidates]
            return next((d.shape.table for d in found if d.complete), None)
    except Exception:  # any problem is reported when the file is read for real
        return None
    return None


def _merged_areas(previous: Version | None, incoming: list[pa.Table]) -> pa.Table | None:
    """The areas the batch will see: live areas, replaced by the batch's where codes match."""
    cols = C.AREAS.column_names
    schema = pa.schema([f.with_nullable(True) for f in C.arrow_schema(C.AREAS)])
    parts = []
    new = None
    if incoming:
        new = pa.concat_tables(incoming)
        new = new.filter(new.column("_ok")).select(cols).cast(schema)
    if previous is not None and previous.table_path("areas").exists():
        old = pq.read_table(previous.table_path("areas")).select(cols).cast(schema)
        if new is not None:
            old = old.filter(pc.invert(pc.is_in(old.column("area_code"), value_set=new.column("area_code"))))
        parts.append(old)
    if new is not None:
        parts.append(new)
    return pa.concat_tables(parts) if parts else None


def _read_file(info: FileInfo, stager: Stager, opts: Options, log: ProblemLog) -> tuple[int, list[str]]:
    """Validate and stage every sheet of a file; returns (rows read, tables)."""
    before = sum(stager.rows.values())
    tables: list[str] = []
    bar = _progress(info, opts.progress)
    loc = Location(info.display)
    try:
        for sheet in open_sheets(info, log, bar):
            loc = sheet.location
            try:
                table = stager.add_sheet(sheet, opts.kind)
            except PartRefused as exc:  # the workbook's XML stream stopped: no further sheet can be read
                log.add(loc, exc.row, exc.column, str(exc))
                break
            except BadFile as exc:
                log.add(loc, exc.row, exc.column, str(exc))
                continue
            if table and table not in tables:
                tables.append(table)
    except BadFile as exc:
        log.add(loc, exc.row, exc.column, str(exc))
    except Exception as exc:  # never a traceback for a file we could not read: say what failed
        log.add(loc, None, None, f"could not be read ({type(exc).__name__}: {str(exc)[:200]})")
    finally:
        bar.close()
    return sum(stager.rows.values()) - before, tables


#: Folder of the data root the problem reports go to (beside the warehouse, never inside it).
REPORTS_DIR = "ingest-reports"


def _report_path(opts: Options, now: dt.datetime) -> Path:
    """``--report FILE``, else DATA_ROOT/ingest-reports/ingest-report-<time>.csv; never the
    working folder. A data root that does not exist yet is not created for a refused load: its
    report goes to the system's temporary folder instead (the message prints the path)."""
    if opts.report is not None:
        return opts.report
    name = f"ingest-report-{now:%Y%m%dT%H%M%S}.csv"
    if opts.root.is_dir():
        return opts.root / REPORTS_DIR / name
    return Path(tempfile.gettempdir()) / "cara-ingest-reports" / name


def run(opts: Options) -> int:
    """Ingest ``opts.files`` into ``opts.root``; prints what happened; returns the exit code."""
    now = dt.datetime.now(dt.timezone.utc)
    previous = live_version(opts.root) if has_version(opts.root, "warehouse") else None
    with tempfile.TemporaryDirectory(prefix="cara-ingest-") as tmp:
        work = Path(tmp)
        log = ProblemLog(work)
        infos: list[FileInfo] = []
        for path in opts.files:
            try:
                infos.append(inspect(path, path.name, opts.settings.limits))
            except BadFile as exc:
                log.add(Location(path.name), exc.row, exc.column, str(exc))
        seen: dict[str, str] = {}
        sizes = Counter(i.size for i in infos)
        for info in infos:  # the same file twice would count record-level crime twice
            if sizes[info.size] < 2:
                continue  # no other file has its size, so none has its contents (and its hash can wait)
            if info.sha256 in seen:
                log.add(Location(info.display), None, None, f"the same file as {seen[info.sha256]} (identical contents): load it once")
            seen.setdefault(info.sha256, info.display)
        peeked = {id(i): _peek_table(i, opts.kind) for i in infos}
        ordered = sorted(infos, key=lambda i: peeked[id(i)] != "areas")  # stable: areas first
        stager = Stager(work, log, opts.today, opts.settings)
        stager.geo = Geography(_merged_areas(previous, []))
        entries: dict[int, dict] = {}
        areas_done = False
        for info in ordered:
            if not areas_done and peeked[id(info)] != "areas":
                stager.geo = Geography(_merged_areas(previous, stager.areas_in))
                areas_done = True
            rows, tables = _read_file(info, stager, opts, log)
            entries[id(info)] = {"file": info.display, "sha256": info.sha256,
                                 "bytes": info.size, "rows": rows, "table": ", ".join(tables),
                                 "loaded_at": now.isoformat(timespec="seconds"), "synthetic": is_synthetic(info)}
        staged = stager.finish()
        views = crosscheck.Views(previous.path if previous else None, {t: stager.staged_path(t) for t in staged}, work)
        try:
            try:
                crosscheck.run(views, stager, staged)
            except duckdb.Error as exc:  # the live warehouse itself could not be read
                print(f"error: the live warehouse in {opts.root} could not be read ({exc}); nothing was loaded", file=sys.stderr)
                return 1
            log.close()
            log.print_notes()
            if log:
                log.print_problems()
                path = log.save_report(_report_path(opts, now))
                print(f"rejected: {log.count:,} problem{'s' if log.count != 1 else ''} in this batch; nothing was loaded "
                      f"and the warehouse is unchanged.\nfull list: {path}", file=sys.stderr)
                if not opts.dry_run:
                    _log_attempt(opts, now, accepted=False, problems=log.count, rejected_rows=log.rejected_rows, report=path)
                return 1
            batch_entries = [entries[id(i)] for i in infos]
            counts = {t: pq.ParquetFile(stager.staged_path(t)).metadata.num_rows for t in staged}
            if opts.dry_run:
                print(f"checked {len(infos)} file{'s' if len(infos) != 1 else ''}: no problems found (dry run: nothing written)")
                for t, n in counts.items():
                    print(f"  {t}: {n:,} rows would be loaded")
                return 0
            status = _commit(opts, views, previous, staged, batch_entries, counts, now)
            _log_attempt(opts, now, accepted=status == 0, problems=0, rejected_rows=0, report=None)
            return status
        finally:
            views.close()


def _log_attempt(opts: Options, now: dt.datetime, *, accepted: bool, problems: int, rejected_rows: int, report: Path | None) -> None:
    """Append one line per ingest attempt to DATA_ROOT/ingest-log.jsonl (read by the data quality page).

    The log sits beside, not inside, the warehouse folder, so a refused batch leaves the
    warehouse byte for byte as it was. A data root that does not exist gets no log.
    """
    if not opts.root.is_dir():
        return
    entry = {"time": now.isoformat(timespec="seconds"), "accepted": accepted, "files": [p.name for p in opts.files],
             "problems": problems, "rejected_rows": rejected_rows, "report": str(report) if report else None}
    try:
        with open(opts.root / "ingest-log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
    except OSError:
        pass  # the log is a convenience; never fail a load over it


def _commit(opts: Options, views: crosscheck.Views, previous: Version | None, staged: list[str], entries: list[dict],
            counts: dict[str, int], now: dt.datetime) -> int:
    """Step 5: under the lock, tidy up after killed loads, write the version, report."""
    created = [p for p in (opts.root, opts.root / "warehouse") if not p.exists()]
    (opts.root / "warehouse").mkdir(parents=True, exist_ok=True)
    fd = None
    try:
        fd = commit_mod.lock(opts.root)
        clean_incoming(opts.root, "warehouse")  # leftovers of a load that was killed
        version = commit_mod.commit(opts.root, views, previous, staged, entries, opts.as_at, now)
    except (commit_mod.CommitError, DataRootError, duckdb.Error, OSError) as exc:
        print(f"error: {exc}\nnothing was loaded.", file=sys.stderr)
        for p in reversed(created):  # a new data root that got nothing is removed again
            if p.is_dir() and not any(p.iterdir()):
                p.rmdir()
        return 1
    finally:
        if fd is not None:
            os.close(fd)
    total = sum(e["rows"] for e in entries)
    print(f"loaded {len(entries)} file{'s' if len(entries) != 1 else ''} ({total:,} rows) into {opts.root}")
    for t, n in counts.items():
        print(f"  {t}: {n:,} rows loaded; {version.manifest['tables'][t]:,} rows in the warehouse")
    kept = f" ({previous.name} kept: undo with --rollback)" if previous else ""
    print(f"warehouse version {version.name} is live{kept}; data as at {version.manifest['data_as_at']}; "
          f"{'synthetic' if version.synthetic else 'real (not synthetic)'} data")
    print(f"show it with: CARA_DATA_DIR={opts.root} streamlit run app.py")
    return 0
