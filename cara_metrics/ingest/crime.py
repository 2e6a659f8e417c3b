"""Counting record-level crime into the monthly ``crime`` table as it streams.

A force's crime extract has one row per crime; the warehouse stores counts by month, area
(as recorded and current), offence code and group, domestic-abuse flag and series. Rows
are buffered and counted half a million at a time (one Arrow group-by over half a million
rows costs about what one over a few thousand does); the partial counts are small (months
x areas x offence codes x 2) and are re-summed whenever they grow, so memory stays flat
however many records stream through. Each count keeps the smallest ``_src`` of its rows,
so a later check (a duplicate key) can name the first row that contributed.

Assumption: all record-level files of one batch are counted together (a month split over
two files adds up); counts replace stored counts with the same key when loaded.
"""

from __future__ import annotations

import pyarrow as pa

#: The grouping: the contract key of ``crime`` plus the columns that follow from it.
CRIME_KEYS = ["month", "area_code", "area_code_original", "offence_code", "offence_group", "da_flag", "series"]
#: Rows buffered before counting, and partial counts kept before re-summing.
COMBINE_AT = 500_000


class CrimeCounter:
    """Streaming count of record-level crime rows (those that passed their checks)."""

    def __init__(self) -> None:
        self._parts: list[pa.Table] = []  # partial counts
        self._records: list[pa.Table] = []  # rows not yet counted
        self._buffered = 0

    def add(self, staged: pa.Table) -> None:
        """Add a staged batch (with ``_src`` and ``_ok``); rows with problems are left out."""
        self._records.append(staged.filter(staged.column("_ok")).select(CRIME_KEYS + ["_src"]))
        self._buffered += self._records[-1].num_rows
        if self._buffered >= COMBINE_AT:
            self._count()

    def _count(self) -> None:
        if self._records:
            t = pa.concat_tables(self._records)
            part = t.group_by(CRIME_KEYS).aggregate([("_src", "min"), ([], "count_all")])
            self._parts.append(part.rename_columns({"_src_min": "_src", "count_all": "offences"}))
            self._records, self._buffered = [], 0
        if sum(p.num_rows for p in self._parts) > COMBINE_AT:
            self._parts = [self._sum()]

    def _sum(self) -> pa.Table:
        t = pa.concat_tables(self._parts).group_by(CRIME_KEYS).aggregate([("_src", "min"), ("offences", "sum")])
        return t.rename_columns({"_src_min": "_src", "offences_sum": "offences"})

    def result(self, schema: pa.Schema) -> pa.Table | None:
        """The counts as a staged ``crime`` table (``schema``), or None if nothing was added."""
        self._count()
        if not self._parts:
            return None
        t = self._sum()
        self._parts = []
        cols = [t.column(f.name).cast(f.type) if f.name in t.column_names else pa.array([True] * t.num_rows, f.type)
                for f in schema]
        return pa.Table.from_arrays(cols, schema=schema)
