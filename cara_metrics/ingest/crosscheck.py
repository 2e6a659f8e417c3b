"""Checks across rows, files and tables, run in DuckDB over the staged batch and the live warehouse.

For each table three views: ``new_<t>`` (the batch's rows that passed the row checks),
``old_<t>`` (the live warehouse version) and ``merged_<t>`` (old rows whose key is not in
the batch, plus the batch's rows: what the new version will hold). Then:

* no key twice in the batch (loading the same file twice *replaces*, but one batch must
  say each thing once);
* survey answers only for people in ``referrals`` and questions in ``survey_questions``;
* later offences only for people in the ``cohort``, and never before their index date
  (checked both ways: new offences against the cohort, new cohort rows against offences
  already loaded);
* an area's ``parent_code`` and ``successor_code`` name known areas.

Identifiers in SQL come from the contract, never from files; values are bound or read
from Parquet. Problems name the row in its file through the staged ``_src`` column.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from .. import contract as C
from .pii import safe
from .stage import Stager


def q(name: str) -> str:
    """A quoted SQL identifier (contract names only; "group" is a keyword)."""
    return '"' + name.replace('"', '""') + '"'


def key_match(table: str, a: str, b: str) -> str:
    return " AND ".join(f"{a}.{q(k)} IS NOT DISTINCT FROM {b}.{q(k)}" for k in C.TABLES[table].key)


class Views:
    """A DuckDB connection with new_/old_/merged_ views for every contract table."""

    def __init__(self, live_path: Path | None, staged: dict[str, Path], temp_dir: Path, memory_limit: str = "1GB") -> None:
        self.con = duckdb.connect(config={"threads": 2, "memory_limit": memory_limit, "temp_directory": str(temp_dir)})
        self.staged = staged
        for name, table in C.TABLES.items():
            cols = ", ".join(q(c) for c in table.column_names)
            old = live_path / f"{name}.parquet" if live_path is not None else None
            if old is not None and old.exists():
                self.con.read_parquet(str(old)).create_view(f"old_{name}")
            else:
                self.con.from_arrow(C.arrow_schema(table).empty_table()).create_view(f"old_{name}")
            if name in staged:
                self.con.read_parquet(str(staged[name])).filter("_ok").create_view(f"new_{name}")
            else:
                empty = C.arrow_schema(table).empty_table()
                empty = empty.append_column("_src", pa.array([], pa.int64())).append_column("_ok", pa.array([], pa.bool_()))
                self.con.from_arrow(empty).create_view(f"new_{name}")
            self.con.execute(
                f"CREATE VIEW merged_{name} AS SELECT {cols} FROM old_{name} o WHERE NOT EXISTS "
                f"(SELECT 1 FROM new_{name} n WHERE {key_match(name, 'n', 'o')}) "
                f"UNION ALL SELECT {cols} FROM new_{name}"
            )

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def close(self) -> None:
        self.con.close()


def _add(stager: Stager, src: int, column: str, message: str) -> None:
    loc, row, headers = stager.where(src)
    stager.log.add(loc, row, headers.get(column, column), message)


def duplicates(v: Views, stager: Stager, table: str) -> None:
    keys = C.TABLES[table].key
    klist = ", ".join(q(k) for k in keys)
    sql = (f"SELECT {klist}, list(_src ORDER BY _src) FROM new_{table} GROUP BY ALL HAVING count(*) > 1 "
           f"ORDER BY min(_src) LIMIT ?")
    for *values, srcs in v.rows(sql, [stager.log.room()]):
        first_loc, first_row, _ = stager.where(srcs[0])
        shown = ", ".join(f"{k}={safe(x if not hasattr(x, 'isoformat') else x.isoformat())}" for k, x in zip(keys, values))
        for src in srcs[1:]:
            loc, _row, _h = stager.where(src)
            place = f"row {first_row}" if loc == first_loc else f"{first_loc.label()} row {first_row}"
            _add(stager, src, keys[0],
                 f"duplicate: the same {', '.join(keys)} as {place} ({shown}); each must appear once")


def _missing_parent(v: Views, stager: Stager, child: str, column: str, parent: str, pcol: str, what: str) -> None:
    sql = (f"SELECT c._src, c.{q(column)} FROM new_{child} c WHERE c.{q(column)} IS NOT NULL AND NOT EXISTS "
           f"(SELECT 1 FROM merged_{parent} p WHERE p.{q(pcol)} = c.{q(column)}) ORDER BY c._src LIMIT ?")
    for src, value in v.rows(sql, [stager.log.room()]):
        _add(stager, src, column, f"{safe(value)} {what}")


def reoffence_order(v: Views, stager: Stager) -> None:
    sql = ("SELECT r._src, r.offence_date, c.index_date FROM new_reoffences r JOIN merged_cohort c USING (person_id) "
           "WHERE r.offence_date < c.index_date ORDER BY r._src LIMIT ?")
    for src, off, idx in v.rows(sql, [stager.log.room()]):
        _add(stager, src, "offence_date", f"the offence ({off:%d/%m/%Y}) is before the person's index date ({idx:%d/%m/%Y}): "
             "only offences after the caution count as reoffending")
    sql = ("SELECT c._src, c.index_date, min(o.offence_date) FROM new_cohort c JOIN old_reoffences o USING (person_id) "
           "WHERE o.offence_date < c.index_date GROUP BY c._src, c.index_date ORDER BY c._src LIMIT ?")
    for src, idx, off in v.rows(sql, [stager.log.room()]):
        _add(stager, src, "index_date", f"the index date ({idx:%d/%m/%Y}) is after an offence already loaded for this "
             f"person ({off:%d/%m/%Y})")


def run(v: Views, stager: Stager, tables: list[str]) -> None:
    """All cross-row checks for the staged ``tables``."""
    for t in tables:
        duplicates(v, stager, t)
    if "survey_responses" in tables:
        _missing_parent(v, stager, "survey_responses", "person_id", "referrals", "person_id",
                        "is not in the referrals: survey answers must belong to a referred person")
        _missing_parent(v, stager, "survey_responses", "question_id", "survey_questions", "question_id",
                        "is not in the survey question bank (survey_questions)")
    if "reoffences" in tables:
        _missing_parent(v, stager, "reoffences", "person_id", "cohort", "person_id", "is not in the reoffending cohort")
    if "reoffences" in tables or "cohort" in tables:
        reoffence_order(v, stager)
    if "areas" in tables:
        _missing_parent(v, stager, "areas", "parent_code", "areas", "area_code", "is not a known area (parent_code)")
        _missing_parent(v, stager, "areas", "successor_code", "areas", "area_code", "is not a known area (successor_code)")
    if "area_memberships" in tables:
        _missing_parent(v, stager, "area_memberships", "area_code", "areas", "area_code",
                        "is not a known area: load the areas (or the ONS lookup) first or in the same batch")
        _missing_parent(v, stager, "area_memberships", "parent_code", "areas", "area_code",
                        "is not a known area: load the areas (or the ONS lookup) first or in the same batch")
