"""Workbooks (.xlsx and .ods) as sheets of text rows, streamed.

* XLSX: openpyxl in read-only mode, which reads the sheet XML as a stream.
* ODS: the sheet XML (``content.xml``) is parsed here as a stream with ``iterparse`` and
  each row is dropped once read, so a large Home Office workbook needs no more memory
  than a few rows. (odfpy and pandas load the whole document first.)

Assumptions: one table per sheet, its header in one of the first ten non-empty rows (title
rows above it are skipped); sheets named like Notes, Contents or Cover are not data and are
skipped with a note; any other empty sheet is an error (a sheet the analyst meant to fill).
Merged cells inside the table are refused: in ODS every cell a merge covers is reported
(XLSX keeps no trace of them when streamed: those cells simply read as empty). Cells come
as text: whole numbers without ".0", dates as ISO (2019-08-13), booleans as true/false.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
import xml.etree.ElementTree as ET
import zipfile
from typing import Iterator

import numpy as np
import pyarrow as pa

from .formats import BATCH_ROWS, BadFile, FileInfo, RawBatch, Sheet
from .headers import is_skipped_sheet
from .problems import Location, ProblemLog

#: Rows searched for the header (title rows may sit above it).
HEADER_SEARCH = 10
Row = tuple[int, list, list]  # (row number, cells as text or None, columns covered by a merge)


def column_letter(i: int) -> str:
    """0 -> 'A', 27 -> 'AB' (how spreadsheets name columns)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = string.ascii_uppercase[r] + out
    return out


def cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _empty(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _sheet(loc: Location, rows: Iterator[Row], log: ProblemLog, progress) -> Sheet | None:
    """A Sheet over a row stream, or None when the sheet has no non-empty row."""
    preview: list[Row] = []  # rows up to the tenth non-empty one
    heads: list[int] = []  # positions in preview of the non-empty rows: header candidates
    for row in rows:
        if row[2] or not _empty(row[1]):
            preview.append(row)
            if not _empty(row[1]):
                heads.append(len(preview) - 1)
                if len(heads) >= HEADER_SEARCH:
                    break
    if not heads:
        return None
    candidates = [(preview[p][0], [c if c is not None else "" for c in preview[p][1]]) for p in heads]

    def to_batch(chunk: list[Row], width: int) -> RawBatch:
        cols: list[list] = [[] for _ in range(width)]
        merged: dict[int, list[int]] = {}
        for num, cells, covered in chunk:
            for j in range(width):
                cols[j].append(cells[j] if j < len(cells) else None)
            for j in range(width, len(cells)):
                if cells[j] is not None and str(cells[j]).strip():
                    log.add(loc, num, f"{column_letter(j)} (no header)", "a value in a column with no header: name the column or clear it")
            for j in covered:
                if j < width:
                    merged.setdefault(j, []).append(num)
        if progress is not None:
            progress.update(len(chunk))
        return RawBatch([pa.array(c, pa.string()) for c in cols], np.array([r[0] for r in chunk], np.int64),
                        {j: np.array(v, np.int64) for j, v in merged.items()})

    def batches(i: int) -> Iterator[RawBatch]:
        width = len(candidates[i][1])
        chunk: list[Row] = []
        for r in itertools.chain(preview[heads[i] + 1:], rows):
            if r[2] or not _empty(r[1]):  # a row of merged cells is not blank: it is reported
                chunk.append(r)
                if len(chunk) >= BATCH_ROWS:
                    yield to_batch(chunk, width)
                    chunk = []
        if chunk:
            yield to_batch(chunk, width)

    return Sheet(loc, candidates, batches, merged_header={preview[p][0]: list(preview[p][2]) for p in heads if preview[p][2]})


# --- XLSX ------------------------------------------------------------------------------


def _xlsx_rows(ws) -> Iterator[Row]:
    ws.reset_dimensions()  # some writers record a wrong sheet size: read every row there is
    for num, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        yield num, [cell_text(v) for v in values], []


def open_xlsx(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise BadFile(f"not a readable .xlsx workbook ({type(exc).__name__}: {str(exc)[:150]})") from None
    try:
        yield from _workbook_sheets(info, ((ws.title, _xlsx_rows(ws)) for ws in wb.worksheets), log, progress)
    finally:
        wb.close()


# --- ODS -------------------------------------------------------------------------------

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE, _ROW, _CELL, _COVERED = _T + "table", _T + "table-row", _T + "table-cell", _T + "covered-table-cell"
#: A non-empty row repeated more often than this is not a real table.
_MAX_REPEAT = 1_000_000


def _ods_cell(cell) -> str | None:
    kind = cell.get(_O + "value-type")
    if kind in ("float", "percentage", "currency"):
        v = cell.get(_O + "value", "")
        return v[:-2] if v.endswith(".0") else v
    if kind == "date":
        return cell.get(_O + "date-value")
    if kind == "boolean":
        return cell.get(_O + "boolean-value")
    if kind == "time":
        return cell.get(_O + "time-value")
    paragraphs = ["".join(p.itertext()) for p in cell]
    return "\n".join(paragraphs) if paragraphs else None


def _ods_row(row) -> tuple[list, list]:
    cells: list = []
    covered: list[int] = []
    pending = 0  # empty cells held back: trailing ones (often thousands) are dropped
    for cell in row:
        if cell.tag not in (_CELL, _COVERED):
            continue
        n = int(cell.get(_T + "number-columns-repeated", "1"))
        value = None if cell.tag == _COVERED else _ods_cell(cell)
        if value is None and cell.tag != _COVERED:
            pending += n
            continue
        cells.extend([None] * pending)
        pending = 0
        if cell.tag == _COVERED:
            covered.extend(range(len(cells), len(cells) + n))
        cells.extend([value] * min(n, 16384))
    return cells, covered


def _ods_tables(path) -> Iterator[tuple[str, Iterator[Row]]]:
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        events = ET.iterparse(fh, events=("start", "end"))
        stack: list = []

        def rows() -> Iterator[Row]:
            num = 0
            for event, elem in events:
                if event == "start":
                    stack.append(elem)
                    continue
                stack.pop()
                if elem.tag == _ROW:
                    repeat = int(elem.get(_T + "number-rows-repeated", "1"))
                    cells, covered = _ods_row(elem)
                    if stack:
                        stack[-1].remove(elem)  # drop the row once read: memory stays flat
                    if cells or covered:
                        if repeat > _MAX_REPEAT:
                            raise BadFile(f"row {num + 1} is repeated {repeat:,} times: not a data table")
                        for _ in range(repeat):
                            num += 1
                            yield num, list(cells), covered
                    else:
                        num += repeat
                elif elem.tag == _TABLE:
                    return

        for event, elem in events:
            if event == "start":
                stack.append(elem)
                if elem.tag == _TABLE:
                    table_rows = rows()
                    yield elem.get(_T + "name", "?"), table_rows
                    for _ in table_rows:  # the caller may stop early: finish this sheet
                        pass
            else:
                stack.pop()


def open_ods(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    try:
        yield from _workbook_sheets(info, _ods_tables(info.path), log, progress)
    except (ET.ParseError, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise BadFile(f"not a readable .ods workbook ({type(exc).__name__}: {str(exc)[:150]})") from None


def _workbook_sheets(info: FileInfo, sheets, log: ProblemLog, progress) -> Iterator[Sheet]:
    found = 0
    for name, rows in sheets:
        loc = Location(info.display, name)
        if is_skipped_sheet(name):
            log.note(f"{loc.label()}: skipped (a notes sheet, not data)")
            continue
        sheet = _sheet(loc, rows, log, progress)
        if sheet is None:
            log.add(loc, None, None, "the sheet is empty: delete it or fill it in")
            continue
        found += 1
        yield sheet
    if found == 0 and not log:
        raise BadFile("the workbook has no data sheets")


def open_workbook(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    return open_xlsx(info, log, progress) if info.format == "xlsx" else open_ods(info, log, progress)
