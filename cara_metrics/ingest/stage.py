"""Validating a sheet batch by batch and staging its rows as Parquet.

For each sheet: find the header and the table (``headers``), refuse personal identifiers
(``pii``), then for every streamed batch parse each column (``values``), map areas
(``geography``), apply the row rules (``rules``) and append the rows to a staging Parquet
file for their table, with two extra columns: ``_src`` (where the row came from: location
index << 32 | row number, so later checks can name the row) and ``_ok`` (the row passed).
Record-level crime is aggregated to the monthly ``crime`` table (``crime``): staged row by
row to Parquet and counted once at the end, or, for a CSV, first offered to the quick path
(``records``), which counts a clean file in one DuckDB pass and leaves anything doubtful to
the batches here.

Assumption: only problems are collected; rows with problems are still staged (with nulls
where a value was wrong) so that cross-row checks can run, but ``_ok`` keeps them out.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import contract as C
from . import pii, public, records
from .crime import CrimeCounter
from .formats import RawBatch, Sheet
from .geography import Geography
from .headers import Detection, compact, compatible, detect, misspelt, plausible, suggest
from .problems import Location, ProblemLog
from .rules import AREA_COLUMNS, ROW_RULES, spec_for
from .spreadsheets import column_letter
from .settings import Settings
from .values import Encoded, cell_problems, encode, parse_column

def mye_year(sheet: Sheet, header: int) -> int | None:
    """The mid-year an ONS estimates sheet is for: 'Mid-2020' in a title row above the header,
    else in the sheet name, else in the file name ('...mid2020...'). None when none says."""
    texts = [" ".join(str(c) for c in cells) for _row, cells in sheet.candidates[:header]]
    texts += [sheet.location.sheet or "", sheet.location.file]
    for text in texts:
        m = re.search(r"(?i)mid[\s_-]?(\d{4})\b", text)
        if m and 1990 <= int(m.group(1)) <= 2100:
            return int(m.group(1))
    return None


PROVENANCE = [pa.field("_src", pa.int64()), pa.field("_ok", pa.bool_())]
DEFAULT_SERIES = records.SERIES


def staging_schema(table: str) -> pa.Schema:
    """The contract schema with every column nullable, plus the provenance columns."""
    base = C.arrow_schema(C.TABLES[table])
    return pa.schema([f.with_nullable(True) for f in base] + PROVENANCE)


class Stager:
    """The validated rows of a batch, per table, staged under ``work_dir``."""

    def __init__(self, work_dir: Path, log: ProblemLog, today: dt.date, settings: Settings | None = None) -> None:
        self.work_dir, self.log, self.today = work_dir, log, today
        self.settings = settings or Settings()
        self.geo = Geography(None)
        self.locations: list[Location] = []
        self.headers: list[dict[str, str]] = []  # per location: field -> header as written
        self.rows: dict[str, int] = {}  # rows read per table
        self.areas_in: list[pa.Table] = []  # incoming areas, kept for the geography
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._crime = CrimeCounter(work_dir, staging_schema("crime"))  # record-level crime
        self._crime_rows: list[pa.Table] = []  # keys of monthly crime rows (for Stager.finish)
        self._recount: dict[int, Callable[[], int]] = {}  # quick-path files: read them row by row
        self._con = None  # DuckDB, for the quick path and the counting
        self._mye: dict[int, list[int]] = {}  # ONS mid-year estimates: location -> [year, rows skipped]

    # --- reporting -----------------------------------------------------------------------

    def report(self, loc: Location, rows: np.ndarray, mask: np.ndarray, column: str | None, message: Callable[[int], str]) -> None:
        idx = np.flatnonzero(mask)
        room = self.log.room()
        for i in idx[:room]:
            self.log.add(loc, int(rows[i]), column, message(int(i)))
        if len(idx) > room:
            self.log.count += len(idx) - room

    def where(self, src: int) -> tuple[Location, int, dict[str, str]]:
        """Location, row and header names of a staged row's ``_src``."""
        i = src >> 32
        return self.locations[i], src & 0xFFFFFFFF, self.headers[i]

    # --- a sheet -------------------------------------------------------------------------

    def _choose_header(self, sheet: Sheet, kind: str | None) -> tuple[int, Detection] | None:
        found = [(i, detect(cells, kind)) for i, (_row, cells) in enumerate(sheet.candidates)]
        for i, det in found:
            if det.complete:
                return i, det
        # Nothing fits: report against the row that came closest (a title row above the
        # header must not hide a header with one misspelt column).
        i, det = max(found, key=lambda f: (plausible(f[1]), len(f[1].columns), -f[0]))
        row, cells = sheet.candidates[i]
        loc = sheet.location
        if kind is None and not plausible(det):
            shown = ", ".join(repr(c) for c in cells[:6]) + (", ..." if len(cells) > 6 else "")
            where = ("the header is in the first row but matches no table" if row == 1 else
                     f"the nearest thing to a header is row {row}: if it is the header, delete the rows above it")
            self.log.add(loc, row, None, f"cannot tell which table this is from its header ({shown}); {where}. "
                         "Compare it with the headers in docs/loading-data.md section 7, or name the table with --kind TABLE")
            return None
        unknown = [cells[j] for j in det.unknown]
        for f in det.missing:
            near = suggest(f, [u for u in unknown if compatible(f, u)])
            tip = f" (did you mean '{near}'?)" if near else ""
            self.log.add(loc, row, f, f"missing column for the {det.shape.label} table{tip}")
        for f, idxs in det.duplicates:
            letters = " and ".join(column_letter(j) for j in idxs)
            self.log.add(loc, row, cells[idxs[1]], f"column '{f}' appears more than once (columns {letters})")
        return None

    def add_sheet(self, sheet: Sheet, kind: str | None) -> str | None:
        """Validate and stage one sheet; returns its table (None if it could not be read)."""
        published = public.find(sheet, kind)
        if published is not None:  # a public series as published (ONS lookup, police.uk)
            return public.stage(self, sheet, *published)
        chosen = self._choose_header(sheet, kind)
        if chosen is None:
            return None
        cand, det = chosen
        header_row, cells = sheet.candidates[cand]
        loc = sheet.location
        for j in sheet.merged_header.get(header_row, []):
            self.log.add(loc, header_row, column_letter(j), "the header has merged cells: unmerge them and name each column")
        typos = misspelt(det, cells)
        ignored: list[str] = []
        unnamed: list[int] = []  # blank header cells: any value under one is reported
        for j in det.unknown:
            what = pii.header_kind(cells[j])
            if what:
                self.log.add(loc, header_row, cells[j], f"looks like a personal identifier ({what}): remove this column; "
                             "the warehouse holds pseudonymised data only")
            elif j in typos:
                self.log.add(loc, header_row, cells[j], f"unknown column: did you mean '{typos[j]}'?")
            elif cells[j].strip():
                ignored.append(cells[j])
            else:
                unnamed.append(j)
        if det.shape.variant == "mye":
            year = mye_year(sheet, cand)
            if year is None:
                self.log.add(loc, header_row, None, "cannot tell which mid-year these population estimates are for: "
                             "keep the title above the header as published (e.g. 'Mid-2020'), name the file with "
                             "the year (e.g. 'mid2020'), or add a 'year' column")
                return None
            ignored = [c for c in ignored if not re.fullmatch(r"\d{1,2}\+?", c.strip())]  # single years of age
        self.locations.append(loc)
        self.headers.append({f: cells[j] for f, j in det.columns.items()})
        loc_idx = len(self.locations) - 1
        table = det.shape.table
        if det.shape.variant == "mye":
            self._mye[loc_idx] = [year, 0]
        if ignored:
            self.log.note(f"{loc.label()}: ignored column{'s' if len(ignored) > 1 else ''} " + ", ".join(repr(c) for c in ignored))

        def exact() -> int:
            return sum(self._batch(batch, det, cells, loc, loc_idx, unnamed) for batch in sheet.batches(cand))

        n = self._quick(sheet, det, cells, loc_idx, unnamed) if det.shape.variant == "records" else None
        if n is None:
            n = exact()
        else:
            self._recount[loc_idx] = exact
        if loc_idx in self._mye:
            year, skipped = self._mye[loc_idx]
            self.log.note(f"{loc.label()}: mid-{year} population estimates; {skipped:,} rows for countries, regions, "
                          "counties and councils not in the areas table skipped")
        if n == 0:
            self.log.add(loc, header_row + 1, None, "no data rows under the header")
        self.rows[table] = self.rows.get(table, 0) + n
        return table

    def _quick(self, sheet: Sheet, det: Detection, cells: list[str], loc_idx: int, unnamed: list[int]) -> int | None:
        """Record-level crime from a CSV, counted by the quick path; None when it declines the file."""
        if sheet.source is None or sheet.source.format != "csv":
            return None
        got = records.count_csv(self._duck(), sheet.source, det, cells, unnamed, self.geo, self.today, self.work_dir)
        if isinstance(got, records.Declined):
            return None
        src = (loc_idx << 32) | records.ROW_UNKNOWN
        self._crime.add_counts(loc_idx, got.counts.append_column("_src", pa.array(np.full(got.counts.num_rows, src, np.int64))))
        if sheet.progress is not None:
            sheet.progress.update(max(sheet.source.size - sheet.progress.n, 0))
        return got.rows

    def _duck(self):
        if self._con is None:
            self._con = records.connect(self.work_dir)
        return self._con

    # --- a batch -------------------------------------------------------------------------

    def _batch(self, rb: RawBatch, det: Detection, cells: list[str], loc: Location, loc_idx: int, unnamed: list[int]) -> int:
        cols, rows = rb.columns, rb.rows
        encoded: dict[int, Encoded] = {j: encode(c) for j, c in enumerate(cols)}
        blank = np.ones(len(rows), bool)
        for enc in encoded.values():
            blank &= ~enc.present
        if blank.any():  # blank lines in a CSV: skipped, but they keep their row numbers
            keep = ~blank
            cols, rows = [c.filter(pa.array(keep)) for c in cols], rows[keep]
            encoded = {j: Encoded(e.dictionary, e.indices.filter(pa.array(keep)), e.codes[keep]) for j, e in encoded.items()}
        if loc_idx in self._mye:  # keep only the councils the areas table knows
            keep = self._mye_rows(encoded[det.columns["area_code"]])
            self._mye[loc_idx][1] += int((~keep).sum())
            cols, rows = [c.filter(pa.array(keep)) for c in cols], rows[keep]
            encoded = {j: Encoded(e.dictionary, e.indices.filter(pa.array(keep)), e.codes[keep]) for j, e in encoded.items()}
        n = len(rows)
        if n == 0:
            return 0
        bad = np.zeros(n, bool)
        for j, merged_rows in rb.merged.items():
            mask = np.isin(rows, merged_rows)
            self.report(loc, rows, mask, cells[j] or column_letter(j),
                        lambda i: "part of a merged cell: unmerge the cells and fill in each one")
            bad |= mask
        for j in unnamed:  # data under a blank header cell: a column nobody named
            mask = encoded[j].present
            self.report(loc, rows, mask, f"{column_letter(j)} (no header)",
                        lambda i: "a value in a column with no header: name the column or clear it")
            bad |= mask
        flagged: dict[int, np.ndarray] = {}  # column -> rows already refused for what a cell holds
        for j, enc in encoded.items():
            unreadable = cell_problems(enc.dictionary, self.settings.limits.max_value_chars)
            flags = pii.screen(enc.dictionary)
            if unreadable:
                per_value = np.zeros(len(enc.dictionary), bool)
                per_value[list(unreadable)] = True
                mask = enc.spread(per_value)
                self.report(loc, rows, mask, cells[j] or column_letter(j),
                            lambda i, e=enc, u=unreadable: u[int(e.codes[i])])
                flags[per_value] = False  # one problem per cell is enough
                flagged[j] = mask
                bad |= mask
            if flags.any():
                mask = enc.spread(flags)
                self.report(loc, rows, mask, cells[j] or column_letter(j), lambda i, e=enc: (
                    f"looks like {pii.kind_of(e.dictionary[int(e.codes[i])].as_py())}: personal identifiers "
                    "must not be loaded (value not shown)"))
                flagged[j] = flagged.get(j, np.zeros(n, bool)) | mask
                bad |= mask
        table = C.TABLES[det.shape.table]
        out: dict[str, pa.Array] = {}
        fields = dict(det.columns)
        if det.shape.variant == "records":  # the month a crime was recorded
            fields["month"] = fields.pop("recorded_date", fields.get("month"))
        for col in table.columns:
            j = fields.get(col.name)
            if j is None or (col.name in ("area_code", "area_code_original") and table.name in AREA_COLUMNS):
                continue
            enc = encoded[j]
            header = cells[j]
            if col.required and col.name not in ("area_code_original",):
                self.report(loc, rows, ~enc.present, header, lambda i: "a value is required here")
                bad |= ~enc.present
            parsed = parse_column(enc, spec_for(table.name, col, self.today, self.settings.identifiers))
            self.report(loc, rows, parsed.bad & ~flagged.get(j, np.zeros(n, bool)), header, parsed.message)
            bad |= parsed.bad
            out[col.name] = parsed.values
        if table.name in AREA_COLUMNS:
            bad |= self._areas(table.name, fields, encoded, cells, loc, rows, out)
        if table.name == "crime_context":
            bad |= self._csp(fields, encoded, out, loc, rows, cells)
        if table.name == "crime_context_force":
            self._force(fields, encoded, out, loc)
        if loc_idx in self._mye:
            out["year"] = pa.array(np.full(n, self._mye[loc_idx][0], np.int64))
        if table.name == "crime" and "series" not in out:
            out["series"] = pa.array([DEFAULT_SERIES] * n, pa.string())
        schema = staging_schema(table.name)
        arrays = [out[f.name] if f.name in out else pa.nulls(n, f.type) for f in schema if not f.name.startswith("_")]
        typed = {f.name: a for f, a in zip(schema, arrays)}
        for finding in ROW_RULES.get(table.name, lambda c, t: [])(typed, self.today):
            column = self.headers[loc_idx].get(finding.column, finding.column)
            self.report(loc, rows, finding.mask, column, finding.message)
            bad |= finding.mask
        src = (np.int64(loc_idx) << np.int64(32)) | rows
        staged = pa.Table.from_arrays([a.cast(f.type) for a, f in zip(arrays, schema)] + [pa.array(src), pa.array(~bad)], schema=schema)
        if det.shape.variant == "records":
            self._crime.add(staged)
        else:
            self._write(table.name, staged)
            if table.name == "crime":  # monthly counts: their keys, for Stager.finish
                self._crime_rows.append(staged.filter(staged.column("_ok")).select(list(C.CRIME.key)))
        return n

    def _areas(self, table: str, fields: dict[str, int], encoded: dict[int, Encoded], cells: list[str],
               loc: Location, rows: np.ndarray, out: dict[str, pa.Array]) -> np.ndarray:
        """Map the row's area (original code if given, else area_code) to today's area."""
        role = AREA_COLUMNS[table]
        j, jo = fields.get("area_code"), fields.get("area_code_original")
        raw = encoded[j] if j is not None else None
        if jo is not None:  # an as-recorded code wins; area_code must then agree with it
            original = encoded[jo].dictionary.take(encoded[jo].indices)
            raw = encode(original if raw is None else pc.coalesce(original, raw.dictionary.take(raw.indices)))
        header = cells[jo] if jo is not None else cells[j]
        missing = ~raw.present
        self.report(loc, rows, missing, header, lambda i: "a value is required here")
        orig, cur, problems, _ = self.geo.map_column(raw.dictionary.take(raw.indices), role)
        flags = np.zeros(len(raw.dictionary), bool)
        flags[list(problems)] = True
        mask = raw.spread(flags)
        self.report(loc, rows, mask, header, lambda i: problems[int(raw.codes[i])])
        bad = missing | mask
        if jo is not None and j is not None:
            _o, given_cur, _p, _ = self.geo.map_column(encoded[j].dictionary.take(encoded[j].indices), role)
            clash = pc.not_equal(given_cur, cur).fill_null(False).to_numpy(zero_copy_only=False)
            self.report(loc, rows, clash & ~bad, cells[j],
                        lambda i: f"does not match area_code_original {orig[i].as_py()} (now {cur[i].as_py()})")
            bad |= clash
        out["area_code"], out["area_code_original"] = cur, orig
        if table == "population":
            del out["area_code_original"]
        return bad

    def _csp(self, fields: dict[str, int], encoded: dict[int, Encoded], out: dict[str, pa.Array],
             loc: Location, rows: np.ndarray, cells: list[str]) -> np.ndarray:
        """Home Office rows: the area code of the CSP, by name, when the file does not give one."""
        names = encoded[fields["csp_name"]]
        per_name = [self.geo.csp_code(v) for v in names.dictionary.to_pylist()]
        codes = pa.array(per_name, pa.string()).take(names.indices)
        bad = np.zeros(len(rows), bool)
        if "area_code" in out:  # given in the file (e.g. an export): must be a known area
            given = encoded[fields["area_code"]]
            unknown = np.array([v.upper() not in self.geo.areas for v in given.dictionary.to_pylist()], bool)
            bad = given.spread(unknown)
            self.report(loc, rows, bad, cells[fields["area_code"]],
                        lambda i: f"unknown area {pii.safe(given.dictionary[int(given.codes[i])].as_py())}: not in the areas table")
            codes = pc.coalesce(out["area_code"], codes)
        else:
            unmatched = sorted(v for v, c in zip(names.dictionary.to_pylist(), per_name) if c is None)
            if unmatched:
                shown = ", ".join(unmatched[:5]) + (f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else "")
                self.log.note(f"{loc.label()}: {len(unmatched)} CSP name(s) not in the areas table, loaded without an area_code: {shown}")
        out["area_code"] = codes
        return bad

    def _mye_rows(self, codes: Encoded) -> np.ndarray:
        """Rows of an ONS estimates table to load: council codes (E06-E09, W06) the areas table
        holds, current or former (a former one is then refused with the usual message)."""
        def wanted(v: str | None) -> bool:
            c = (v or "").strip().upper()
            return bool(re.fullmatch(r"(E0[6-9]|W06)\d{6}", c)) and (c in self.geo.areas or self.geo.successor(c) is not None)

        return codes.spread(np.array([wanted(v) for v in codes.dictionary.to_pylist()], bool))

    def _force(self, fields: dict[str, int], encoded: dict[int, Encoded], out: dict[str, pa.Array], loc: Location) -> None:
        """Home Office force-level rows: the force area's code when the file does not give one.

        Strict: the published force name must equal the name of a force in the areas table
        (ignoring case, spacing and punctuation); anything else is loaded without a code and
        named in a note, never matched to the nearest name.
        """
        if "area_code" in out:
            return
        forces = {compact(a.name): a.code for a in self.geo.areas.values() if a.type == "force" and not a.successor}
        names = encoded[fields["force_name"]]
        per_name = [forces.get(compact(v)) for v in names.dictionary.to_pylist()]
        unmatched = sorted(v for v, c in zip(names.dictionary.to_pylist(), per_name) if c is None)
        if unmatched:
            shown = ", ".join(unmatched[:5]) + (f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else "")
            self.log.note(f"{loc.label()}: {len(unmatched)} force name(s) not in the areas table, loaded without an "
                          f"area_code: {shown}")
        out["area_code"] = pa.array(per_name, pa.string()).take(names.indices)

    # --- staging -------------------------------------------------------------------------

    def _write(self, table: str, staged: pa.Table) -> None:
        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(self.staged_path(table), staging_schema(table), compression="zstd")
        self._writers[table].write_table(staged)
        if table == "areas":
            self.areas_in.append(staged)

    def staged_path(self, table: str) -> Path:
        return self.work_dir / f"staged-{table}.parquet"

    def finish(self) -> list[str]:
        """Count record-level crime, close the staging files; returns the tables staged.

        Quick counts carry no row numbers. If a crime key then occurs twice in the batch
        (which crosscheck reports, naming the rows), the quick-path files are read again
        row by row, so the report names real rows.
        """
        try:
            if self._crime:
                schema = staging_schema("crime")
                counted = self._crime.result(self._duck(), schema)
                if self._crime.quick and self._clash(counted):
                    for loc_idx in self._crime.quick:
                        self._crime.drop_counts(loc_idx)
                        self._recount.pop(loc_idx)()
                    counted = self._crime.result(self._duck(), schema)
                self._write("crime", counted)
        finally:
            if self._con is not None:
                self._con.close()
                self._con = None
        for w in self._writers.values():
            w.close()
        done = sorted(self._writers)
        self._writers = {}
        return done

    def _clash(self, counted: pa.Table) -> bool:
        """Whether a crime key occurs twice among the counts and the monthly crime rows."""
        key = list(C.CRIME.key)
        rows = pa.concat_tables(self._crime_rows) if self._crime_rows else counted.select(key).schema.empty_table()
        con = self._duck()
        con.register("crime_counts", counted.select(key))
        con.register("crime_rows", rows.cast(counted.select(key).schema))
        try:
            text = records.sql("crime_conflicts").format(key=", ".join(f'"{k}"' for k in key))
            return bool(con.execute(text).fetchall()[0][0])
        finally:
            con.unregister("crime_counts")
            con.unregister("crime_rows")
