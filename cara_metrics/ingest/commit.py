"""Writing the new warehouse version: merge, manifest, atomic switch; and rollback.

The new version is the live version's tables with the batch's rows merged in: a live row
whose key is in the batch is replaced, so loading the same file twice does not double
count. Merged tables are produced by DuckDB (sorted by key, out of core under a memory
limit) and streamed into Parquet with the contract's exact schema in a build folder
inside ``DIR/warehouse`` named ``.incoming-build-*`` (same file system, so handing them
to ``dataroot.write_version`` is a rename; ``clean_incoming`` removes it if the process is
killed). Tables the batch does not touch are hard-linked from the live version (versions
are immutable, so sharing the bytes is safe), or copied where links are not possible.
Tables a new warehouse has not received yet are written empty with the contract schema.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import contract as C
from .. import dataroot
from ..dataroot import (MANIFEST, PREVIOUS, Busy, DataRootError, Version, clean_incoming, list_versions, live_version,
    set_aside_orphans, set_live, write_version)
from .crosscheck import Views, q

ROW_GROUP = 1_000_000
SYNTHETIC_NOTE = "SYNTHETIC DATA: drawn at random, calibrated to published figures. Not real people or real outcomes."


class CommitError(RuntimeError):
    """The warehouse could not be changed (e.g. another load is running); nothing was changed."""


def write_merged(v: Views, table: str, dest: Path) -> int:
    """Stream ``merged_<table>`` sorted by key into ``dest`` with the contract schema."""
    t = C.TABLES[table]
    schema = C.arrow_schema(t)
    sql = f"SELECT {', '.join(q(c) for c in t.column_names)} FROM merged_{table} ORDER BY {', '.join(q(k) for k in t.key)}"
    reader = v.con.sql(sql).to_arrow_reader(ROW_GROUP)
    rows, buf, buffered = 0, [], 0
    with pq.ParquetWriter(dest, schema, compression="zstd", write_statistics=True, store_schema=True) as w:
        for batch in reader:
            buf.append(batch.cast(schema))
            buffered += batch.num_rows
            if buffered >= ROW_GROUP:
                w.write_table(pa.Table.from_batches(buf, schema), row_group_size=ROW_GROUP)
                rows, buf, buffered = rows + buffered, [], 0
        if buf:
            w.write_table(pa.Table.from_batches(buf, schema), row_group_size=ROW_GROUP)
            rows += buffered
    return rows


def data_as_at(v: Views) -> dt.date | None:
    """The latest date the data speaks for: events, the end of the last crime month (force extract or
    police.uk) and quarter."""
    sql = """
        SELECT greatest(
            (SELECT last_day(max(month)) FROM merged_crime),
            (SELECT last_day(max(month)) FROM merged_street_crime),
            (SELECT greatest(max(caution_date), max(workshop1_date), max(workshop2_date), max(outcome_date)) FROM merged_referrals),
            (SELECT max(response_date) FROM merged_survey_responses),
            (SELECT max(index_date) FROM merged_cohort),
            (SELECT greatest(max(offence_date), max(proven_date)) FROM merged_reoffences))
    """
    best = v.rows(sql)[0][0]
    for t in ("costs", "crime_context", "crime_context_force"):
        for fy, quarter in v.rows(f"SELECT DISTINCT financial_year, quarter FROM merged_{t}"):
            start = C.parse_financial_year(fy)
            month = 4 + 3 * quarter  # the month after the quarter ends (April = 4)
            end = dt.date(start + (month - 1) // 12, (month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
            best = end if best is None or end > best else best
    return best


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def build_manifest(previous: Version | None, entries: list[dict], tables: dict[str, int],
                   as_at: dt.date | None, now: dt.datetime) -> dict[str, Any]:
    synthetic = all(e["synthetic"] for e in entries) and (previous is None or previous.synthetic)
    manifest: dict[str, Any] = {
        "contract_version": C.CONTRACT_VERSION,
        "created_at": now.isoformat(timespec="seconds"),
        "data_as_at": as_at.isoformat() if as_at else None,
        "synthetic": synthetic,
        "previous_version": previous.name if previous else None,
        "loaded": entries,
        "sources": list(previous.manifest.get("sources", [])) + entries if previous else entries,
        "tables": tables,
    }
    if synthetic:
        manifest["note"] = SYNTHETIC_NOTE
    return manifest


def lock(root: Path):
    """Hold an exclusive lock on ``root/warehouse`` for a load or a rollback; returns the fd to close.

    Refused at once rather than waited for: a second load must be checked against the
    version the first one makes, so its operator should run it again afterwards.
    """
    try:
        return dataroot.lock(root / "warehouse")
    except Busy:
        raise CommitError(f"another load or rollback in {root} is running: wait for it to finish") from None


def report_set_aside(moved: list[tuple[str, Path]], kind: str = "warehouse") -> None:
    """Say on stdout which orphaned versions were set aside, and where."""
    for name, dest in moved:
        print(f"set aside {kind} version {name}: it is not in the live version's history (a load abandoned "
              f"by a rollback, or one interrupted before it went live), so it is never served; kept in {dest}")


def commit(root: Path, v: Views, previous: Version | None, staged: list[str], entries: list[dict],
           as_at: dt.date | None, now: dt.datetime) -> Version:
    """Write and switch to the new version; returns it."""
    base = root / "warehouse"
    current = live_version(root) if (base / "CURRENT").is_file() else None
    if (current and current.path) != (previous and previous.path):
        raise CommitError("the warehouse changed while this batch was being checked: run the load again")
    # Under the lock (the caller holds it): nothing else can be mid-write, so what is off the
    # live chain is abandoned for good.
    report_set_aside(set_aside_orphans(root, "warehouse"))
    build = Path(tempfile.mkdtemp(prefix=".incoming-build-", dir=base))
    try:
        extra: dict[str, Path] = {}
        empties = {}
        counts: dict[str, int] = {}
        for name, table in C.TABLES.items():
            dest = build / f"{name}.parquet"
            old = previous.table_path(name) if previous else None
            if name in staged:
                counts[name] = write_merged(v, name, dest)
            elif old is not None and old.exists():
                _link_or_copy(old, dest)
                counts[name] = pq.ParquetFile(dest).metadata.num_rows
            elif name in C.REQUIRED_TABLES:
                empties[name] = C.arrow_schema(table).empty_table()
                counts[name] = 0
                continue
            else:
                continue
            extra[dest.name] = dest
        manifest = build_manifest(previous, entries, counts, as_at or data_as_at(v), now)
        return write_version(root, "warehouse", empties, manifest, extra_files=extra)
    finally:
        shutil.rmtree(build, ignore_errors=True)


def rollback(root: Path) -> tuple[str, str]:
    """Make the live version's predecessor (its manifest's ``previous_version``) live again.

    Takes the load lock, so a rollback never interleaves with a load; sets orphans aside
    first, so an abandoned or interrupted load is never revived. The version rolled back
    from stays where it is until the next load or rollback (a page run may still be reading
    it), which then sets it aside. Refuses, changing nothing, when the live version does not
    record its predecessor but older versions exist: guessing by folder name is exactly what
    revived abandoned loads. Returns (was, now).
    """
    live_version(root)  # a clear message if there is no warehouse yet
    fd = lock(root)
    try:
        clean_incoming(root, "warehouse")
        live = live_version(root)  # again, under the lock
        report_set_aside(set_aside_orphans(root, "warehouse"))
        if PREVIOUS not in live.manifest:
            older = [n for n in list_versions(root, "warehouse") if int(n[1:]) < int(live.name[1:])]
            if older:
                raise DataRootError(
                    f"cannot roll back safely: {live.name} was written before versions recorded the version they "
                    f"replaced, so it is not known which of {', '.join(older)} came before it. Nothing was changed. "
                    f"Load the data you want again instead.")
            target = None
        else:
            target = live.manifest[PREVIOUS]
        if target is None:
            raise DataRootError(f"nothing to roll back to: {live.name} is the first version in {root}")
        if not (root / "warehouse" / str(target) / MANIFEST).is_file():
            raise DataRootError(f"cannot roll back: {live.name} replaced {target}, which is no longer in "
                                f"{root / 'warehouse'}. Nothing was changed.")
        set_live(root, "warehouse", target)
        return live.name, target
    finally:
        if fd is not None:
            os.close(fd)
