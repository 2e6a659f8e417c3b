"""The quick path for a record-level crime CSV: one DuckDB pass that proves the file clean.

A force's crime extract (one row per crime, ten million rows for a large force over a few
years) is by far the biggest file ingest reads. The exact reader (``formats`` + ``stage``)
parses and checks it in Arrow, batch by batch, which is what reports each problem by row
and column. Most extracts have no problem at all, so this module first reads the file once
with DuckDB and only *proves it clean*, counting it on the way:

* DuckDB splits each line on commas without reading quotes (``quote = ''``), into one more
  column than the header has, padding short rows; a row with too few or too many cells
  shows up as a missing or an extra cell.
* The columns ingest uses (month or recorded date, area, offence code and group, DA flag,
  series) are grouped by their raw text, the date by its month (``records_scan.sql``), so
  Python sees each distinct raw value once and reads it with the exact reader's own
  functions: quotes as pyarrow reads them, trimming, dates, areas, codes, true/false and
  the personal-identifier screen.
* Every other column is checked row by row in SQL, with a screen that flags at least what
  the exact reader would refuse (``pii.SQL_SCREEN``, control characters, cells longer
  than ``max_value_chars``) and any quote that does not close within its cell.

Anything doubtful returns a ``Declined`` (with the reason, for tests and debugging) and the
caller reads the file with the exact reader, which reports every problem as before. So the
quick path never reports a problem, never accepts a file the exact reader refuses, and its
counts equal the exact reader's (``tests/test_ingest_records.py`` checks both readers on
the same files). Declined: a DuckDB error (e.g. mixed line endings, a line over 2 MB), a
cell DuckDB cannot vouch for, a value that does not read, a missing value, a row that is
blank but for spaces, no rows at all, an ``area_code_original`` column (checked against
``area_code`` row by row), a header cell with a line break.

Row numbers: counts carry ``_src`` with row ``ROW_UNKNOWN`` (DuckDB does not number rows
without giving up its parallel read). Only a duplicate key would show a row, and then
``Stager.finish`` recounts the file with the exact reader first.

Windows-1252 files are transcoded to UTF-8 in the work folder first, with Python's codec,
the one pyarrow uses for the exact reader.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import contract as C
from . import pii
from .formats import FileInfo
from .geography import Geography
from .headers import Detection
from .rules import spec_for
from .values import CONTROL, Encoded, cell_problems, encode, parse_column

#: ``_src`` row bits of a quick count: the row is not known (see the module docstring).
ROW_UNKNOWN = 0xFFFFFFFF
#: What DuckDB puts for a cell a short row lacks (``nullstr``); a cell holding exactly this
#: text reads as missing too, which only sends the file to the exact reader.
MISSING = "\x1f<no cell>\x1f"
_QUOTED = re.compile(r'"((?:[^"]|"")*)"', re.DOTALL)
#: A cell that opens a quote and does not close it at its end: still open at the end of the
#: cell, or closed with more text after it. (Exactly the cells ``pyarrow_cell`` gives None.)
OPEN_QUOTE = r'^"(?:[^"]|"")*$|^"(?:[^"]|"")*"[^"]'
#: Cells of the columns ingest does not use that send a file to the exact reader (SQL).
DOUBTFUL = pii.SQL_SCREEN + "|" + OPEN_QUOTE + "|" + CONTROL
_GLOB = re.compile(r"[*?\[\]{}]")
_TRANSCODE_CHUNK = 8 << 20
SERIES = "force"  # the series of record-level extracts: the force's own crime system


@dataclass(frozen=True)
class Counted:
    """A file the quick path read: its monthly counts and its data rows (blank rows excluded)."""

    counts: pa.Table  # the crime grouping columns and ``offences``
    rows: int


@dataclass(frozen=True)
class Declined:
    """A file the quick path leaves to the exact reader, and why."""

    reason: str


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of ``<name>.sql`` beside this module."""
    return (Path(__file__).with_name(f"{name}.sql")).read_text(encoding="utf-8")


def connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for staging: two threads, spilling to ``work_dir``, no progress bar."""
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB", "temp_directory": str(work_dir)})
    con.execute("SET enable_progress_bar = false")
    return con


def pyarrow_cell(raw: str) -> str | None:
    """The value the exact reader (pyarrow) gives a raw cell holding no comma or line break.

    A quote opens a quoted value only as the first character; inside it ``""`` is a quote,
    and the value must close at the end of the cell. None when the cell is not of that form
    (the exact reader must read the row).
    """
    if not raw.startswith('"'):
        return raw
    m = _QUOTED.fullmatch(raw)
    return m.group(1).replace('""', '"') if m else None


def _roles(det: Detection) -> dict[str, int] | Declined:
    """Column index of each used value, as ``stage.Stager._batch`` picks them."""
    fields = dict(det.columns)
    fields["month"] = fields.pop("recorded_date", fields.get("month"))
    if "area_code_original" in fields:
        return Declined("an area_code_original column: each row's two area codes must agree")
    roles = {"month": fields["month"], "area": fields["area_code"], "code": fields["offence_code"],
             "group": fields["offence_group"], "flag": fields["da_flag"]}
    if "series" in fields:
        roles["series"] = fields["series"]
    return roles


def _readable_path(info: FileInfo, work_dir: Path) -> Path | Declined:
    """A path DuckDB reads as this file's UTF-8 text: the file, a link to it, or a transcoded copy."""
    path = info.path.resolve()
    if info.encoding == "cp1252":
        fd, name = tempfile.mkstemp(prefix="records-utf8-", suffix=".csv", dir=work_dir)
        with open(path, "rb") as src, open(fd, "wb") as dst:
            while chunk := src.read(_TRANSCODE_CHUNK):  # one byte per character: chunks split cleanly
                dst.write(chunk.decode("cp1252").encode("utf-8"))
        return Path(name)
    if info.encoding != "utf-8":
        return Declined(f"encoding {info.encoding}")
    if _GLOB.search(str(path)):  # DuckDB would read the name as a pattern
        link = Path(tempfile.mkdtemp(prefix="records-", dir=work_dir)) / "records.csv"
        try:
            link.symlink_to(path)
        except OSError:
            return Declined("a file name DuckDB would read as a pattern")
        return link
    return path


def _encoded(raws: list[str | None]) -> Encoded | None:
    """Raw cells as the exact reader encodes a column (``values.encode``); None if one must be split."""
    values = [pyarrow_cell(r) if r is not None and "\r" not in r and "\n" not in r else None for r in raws]
    if any(v is None for v in values):
        return None
    return encode(pa.array(values, pa.string()))


def _map_table(raws: list[str | None], absent: np.ndarray, columns: dict[str, pa.Array]) -> pa.Table:
    return pa.table({"raw": pa.array(raws, pa.string()), **columns, "absent": pa.array(absent, pa.bool_())})


class _Maps:
    """Raw value -> value for each used column, read with the exact reader's functions.

    ``tables[role]``: raw, the value(s), and ``absent`` (empty once trimmed).
    """

    def __init__(self, geo: Geography, today: dt.date, max_chars: int) -> None:
        self.geo, self.today, self.max_chars = geo, today, max_chars
        self.tables: dict[str, pa.Table] = {}

    def _encoded(self, role: str, raws: list[str | None]) -> Encoded | Declined:
        enc = _encoded(raws)
        if enc is None:
            return Declined(f"a {role} cell the exact reader must split, or a missing cell")
        if pii.screen(enc.dictionary).any():
            return Declined(f"a {role} value that looks like a personal identifier")
        if cell_problems(enc.dictionary, self.max_chars):
            return Declined(f"a {role} value with a control character, or too long")
        return enc

    def _parsed(self, role: str, raws: list[str | None], column: str) -> tuple[pa.Array, np.ndarray] | Declined:
        enc = self._encoded(role, raws)
        if isinstance(enc, Declined):
            return enc
        parsed = parse_column(enc, spec_for("crime", C.CRIME.column(column), self.today))
        if parsed.bad.any():
            return Declined(f"a {role} value that does not read")
        return parsed.values, ~enc.present

    def months(self, pairs: list[tuple[str | None, str | None]]) -> Declined | None:
        """Month key -> month: every raw date under a key reads, all in one month (or all empty)."""
        got = self._parsed("date", [r for _k, r in pairs], "month")
        if isinstance(got, Declined):
            return got
        typed, absent = got
        by_key: dict[str | None, set] = {}
        for (k, _r), v, a in zip(pairs, typed.to_pylist(), absent.tolist()):
            by_key.setdefault(k, set()).add(None if a else v)
        if any(len(s) > 1 for s in by_key.values()):
            return Declined("dates under one month key in different months (or some empty)")
        keys = list(by_key)
        month = [next(iter(by_key[k])) for k in keys]
        self.tables["month"] = _map_table(keys, np.array([m is None for m in month], bool),
                                          {"month": pa.array(month, pa.date32())})
        return None

    def areas(self, raws: list[str | None]) -> Declined | None:
        """As ``Stager._areas`` with only ``area_code``: today's area and the area as recorded."""
        enc = self._encoded("area", raws)
        if isinstance(enc, Declined):
            return enc
        orig, cur, problems, _ = self.geo.map_column(enc.dictionary.take(enc.indices), "la")
        if problems:
            return Declined("an area that does not resolve")
        self.tables["area"] = _map_table(raws, ~enc.present, {"area_code": cur, "area_code_original": orig})
        return None

    def simple(self, role: str, raws: list[str | None], column: str) -> Declined | None:
        got = self._parsed(role, raws, column)
        if isinstance(got, Declined):
            return got
        typed, absent = got
        self.tables[role] = _map_table(raws, absent, {column: typed})
        return None


def count_csv(con: duckdb.DuckDBPyConnection, info: FileInfo, det: Detection, cells: list[str], unnamed: list[int],
              geo: Geography, today: dt.date, work_dir: Path) -> Counted | Declined:
    """Count a record-level crime CSV whose header ``cells`` matched ``det``, or decline."""
    if any("\r" in c or "\n" in c for c in cells):
        return Declined("a header cell with a line break")
    roles = _roles(det)
    if isinstance(roles, Declined):
        return roles
    path = _readable_path(info, work_dir)
    if isinstance(path, Declined):
        return path
    n = len(cells)
    used = set(roles.values())
    others = [j for j in range(n) if j not in used]
    checks = [f"cara_doubtful(c{j}, $doubtful, $max_chars)" for j in others] + [f"c{j} <> ''" for j in unnamed] + [f"c{n} IS NOT NULL"]
    ident = {r: f"c{j}" for r, j in roles.items()}
    scan = sql("records_scan").format(
        month=ident["month"], area=ident["area"], code=ident["code"], group=ident["group"], flag=ident["flag"],
        series=ident.get("series", "NULL::VARCHAR"), doubtful=" OR ".join(checks),
        others_empty=" AND ".join(f"c{j} = ''" for j in others) or "true")
    columns = {f"c{j}": "VARCHAR" for j in range(n + 1)}
    try:
        con.execute(sql("records_macros"))
        params = {"path": str(path), "columns": columns, "missing": MISSING}
        if others:  # bound only when used
            params["doubtful"], params["max_chars"] = DOUBTFUL, info.limits.max_value_chars
        con.execute(scan, params)
    except duckdb.Error as exc:
        return Declined(f"DuckDB could not split it: {str(exc).splitlines()[0][:120]}")
    finally:
        if path != info.path.resolve():  # a transcoded copy, or a link, in the work folder
            path.unlink(missing_ok=True)
    try:
        return _count(con, roles, geo, today, info.limits.max_value_chars)
    finally:
        con.execute("DROP TABLE IF EXISTS records_scan")


def _count(con: duckdb.DuckDBPyConnection, roles: dict[str, int], geo: Geography, today: dt.date,
           max_chars: int) -> Counted | Declined:
    total, doubtful = con.execute(sql("records_summary")).fetchall()[0]
    if total == 0:
        return Declined("no data rows")
    if doubtful:
        return Declined("a cell the quick pass cannot vouch for")
    values: dict[str, list] = {}
    dates: list[tuple[str | None, str | None]] = []
    for role, key, raw in con.execute(sql("records_values")).fetchall():
        if role == "date":
            dates.append((key, raw))
        else:
            values.setdefault(role, []).append(raw)
    maps = _Maps(geo, today, max_chars)
    for declined in (maps.months(dates), maps.areas(values["area"]),
                     maps.simple("code", values["code"], "offence_code"),
                     maps.simple("group", values["group"], "offence_group"),
                     maps.simple("flag", values["flag"], "da_flag")):
        if declined is not None:
            return declined
    if "series" in roles:
        declined = maps.simple("series", values["series"], "series")
        if declined is not None:
            return declined
    else:
        maps.tables["series"] = pa.table({"raw": pa.nulls(1, pa.string()), "series": pa.array([SERIES]),
                                          "absent": pa.nulls(1, pa.bool_())})
    for role, table in maps.tables.items():
        con.register(f"records_{role}", table)
    try:
        t = con.sql(sql("records_count")).to_arrow_table().combine_chunks()
    finally:
        for role in maps.tables:
            con.unregister(f"records_{role}")
    kind = t.column("kind")
    offences = t.column("offences")
    if pc.any(pc.equal(kind, "incomplete")).as_py():
        return Declined("a row with a required value missing")
    if pc.sum(offences).as_py() != total:
        return Declined("rows lost between the scan and the counts")  # cannot happen: every raw value is mapped
    blank = pc.sum(offences.filter(pc.equal(kind, "blank"))).as_py() or 0
    counts = t.filter(pc.equal(kind, "count")).drop_columns(["kind"])
    if counts.num_rows == 0:
        return Declined("only blank rows")
    return Counted(counts, total - blank)
