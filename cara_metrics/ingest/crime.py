"""Counting record-level crime into the monthly ``crime`` table.

A force's crime extract has one row per crime; the warehouse stores counts by month, area
(as recorded and current), offence code and group, domestic-abuse flag and series. Rows
come two ways:

* from the exact reader, one staged row per crime (those that passed their checks), which
  are appended to Parquet files in the work folder and counted once, by one DuckDB
  ``GROUP BY``, at the end (counting in Arrow batch by batch, as before, took half of a
  large load and its memory);
* from the quick path (``records``), already counted per file.

Each count keeps the smallest ``_src`` of its rows, so a later check (a duplicate key) can
name the first row that contributed; a quick count's row is not known (see ``records``).

Assumption: all record-level files of one batch are counted together (a month split over
two files adds up); counts replace stored counts with the same key when loaded.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .records import sql

#: The grouping: the contract key of ``crime`` plus the columns that follow from it.
CRIME_KEYS = ["month", "area_code", "area_code_original", "offence_code", "offence_group", "da_flag", "series"]
#: Staged rows buffered before they are written (one row group each: few and large).
WRITE_AT = 500_000


class CrimeCounter:
    """Record-level crime of a batch: staged rows and quick counts, counted on ``result``."""

    def __init__(self, work_dir: Path, schema: pa.Schema) -> None:
        """``schema``: the staging schema of ``crime`` (the grouping columns' types come from it)."""
        self.work_dir = work_dir
        self._rows_schema = pa.schema([schema.field(k) for k in CRIME_KEYS] + [schema.field("_src")])
        self._files: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._buffer: list[pa.Table] = []  # staged rows not yet written
        self._buffered = 0
        self._counted: dict[int, pa.Table] = {}  # per location index: a quick path's counts

    def add(self, staged: pa.Table) -> None:
        """Add a staged batch (with ``_src`` and ``_ok``); rows with problems are left out."""
        self._buffer.append(staged.filter(staged.column("_ok")).select(CRIME_KEYS + ["_src"]).cast(self._rows_schema))
        self._buffered += self._buffer[-1].num_rows
        if self._buffered >= WRITE_AT:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._writer is None:
            path = self.work_dir / f"records-{len(self._files)}.parquet"
            self._files.append(path)
            self._writer = pq.ParquetWriter(path, self._rows_schema, compression="lz4")  # read back once: fast over small
        self._writer.write_table(pa.concat_tables(self._buffer))
        self._buffer, self._buffered = [], 0

    def add_counts(self, loc_idx: int, counts: pa.Table) -> None:
        """Add a file's counts (grouping columns, ``_src`` and ``offences``)."""
        self._counted[loc_idx] = counts

    def drop_counts(self, loc_idx: int) -> None:
        """Forget a file's counts (it is about to be read row by row instead)."""
        self._counted.pop(loc_idx, None)

    def __bool__(self) -> bool:
        """Whether anything was added."""
        return bool(self._files or self._buffer or self._counted)

    @property
    def quick(self) -> list[int]:
        """Location indices whose counts came from the quick path."""
        return sorted(self._counted)

    def result(self, con: duckdb.DuckDBPyConnection, schema: pa.Schema) -> pa.Table | None:
        """The counts as a staged ``crime`` table (``schema``), or None if nothing was added."""
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if not self._files and not self._counted:
            return None
        count_schema = pa.schema(list(self._rows_schema) + [pa.field("offences", pa.int64())])
        counted = [t.select(count_schema.names).cast(count_schema) for t in self._counted.values()]
        if not self._files and len(counted) == 1:
            t = counted[0]  # one file's counts: one row per key already
        else:
            if not self._files:  # read_parquet needs a file: an empty one
                self._files.append(self.work_dir / "records-empty.parquet")
                pq.write_table(self._rows_schema.empty_table(), self._files[-1])
            con.register("crime_counted", pa.concat_tables(counted) if counted else count_schema.empty_table())
            try:
                t = con.sql(sql("crime_count"), params={"records": [str(p) for p in self._files]}).to_arrow_table()
            finally:
                con.unregister("crime_counted")
        cols = [t.column(f.name).cast(f.type) if f.name in t.column_names else pa.array([True] * t.num_rows, f.type)
                for f in schema]
        return pa.Table.from_arrays(cols, schema=schema)
