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

Hidden sheets (Excel's hidden and "very hidden", LibreOffice's hidden) are not loaded
unseen: one holding anything is refused, naming it, since nobody checking the workbook
sees what it holds; an empty one is skipped with a note.

A workbook is a zip of XML, and a tiny one can describe an enormous sheet (a row repeated
a million times, a cell repeated across 16,384 columns, a shared string of 400 MB). So,
with the limits of ``settings.Limits``, before anything is expanded: every part's declared
size is checked (a zip member cannot unpack to more than it declares: Python's zipfile
stops there and checks the CRC), each sheet part is read through ``_Guarded``, which also
refuses a stretch of XML with no tag in it longer than any cell can be, and rows, columns
and cells per sheet are counted from the repeat attributes before a row is built. Each
refusal names the sheet and the limit, and comes within seconds in little memory.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import string
import xml.etree.ElementTree as ET
import zipfile
from typing import Iterator

import numpy as np
import pyarrow as pa

from .formats import BATCH_ROWS, BadFile, FileInfo, PartRefused, RawBatch, Sheet
from .headers import is_skipped_sheet
from .problems import Location, ProblemLog
from .settings import Limits

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


# --- limits ----------------------------------------------------------------------------

_PIECE = 32 << 10  # bytes handed on at a time: below any run limit, so only runs across pieces need tracking


class _Guarded(io.RawIOBase):
    """A zip part read as a stream that refuses to unpack past ``max_bytes``, holds a stretch
    without ``<`` (one value, or filler between tags) over ``max_run`` bytes, or (``row_cells``)
    a row of more than that many cells (for openpyxl, which builds a whole row before
    yielding it). Counting ``<c`` overcounts (``<col``...), never undercounts."""

    def __init__(self, raw, part: str, limits: Limits, max_bytes: int, row_cells: int | None = None) -> None:
        super().__init__()
        self.raw, self.part, self.limits, self.max_bytes, self.row_cells = raw, part, limits, max_bytes, row_cells
        self.done = self.run = self.cells = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.raw.read(min(len(b), _PIECE))
        self.done += len(data)
        if self.done > self.max_bytes:
            raise PartRefused(f"the workbook part {self.part} unpacks to more than {self.max_bytes >> 20:,} MB "
                          "(limit max_sheet_part_mb / max_other_part_mb): a damaged or hostile file, not a table")
        first = data.find(b"<")
        self.run = self.run + len(data) if first < 0 else max(self.run + first, 0)
        if self.run > self.limits.text_run_bytes:
            raise PartRefused(f"the workbook part {self.part} holds more than {self.limits.text_run_bytes >> 10:,} KB of text "
                          f"without a tag: a cell value longer than {self.limits.max_value_chars:,} characters "
                          "(limit max_value_chars), or a damaged file")
        if first >= 0:
            self.run = len(data) - data.rfind(b"<") - 1
        if self.row_cells is not None:
            self._count_cells(data)
        b[: len(data)] = data
        return len(data)

    def _count_cells(self, data: bytes) -> None:
        starts = [i for i in (data.find(b"row "), data.find(b"row>")) if i >= 0]
        if not starts:
            self.cells += data.count(b"<c")
        else:  # rows wholly inside this piece hold at most _PIECE / 4 cells: below any limit
            self.cells += data.count(b"<c", 0, min(starts))
            if self.cells <= self.row_cells:
                self.cells = data.count(b"<c", max(data.rfind(b"row "), data.rfind(b"row>")))
        if self.cells > self.row_cells:
            raise PartRefused(f"a row of {self.part} has more than {self.row_cells:,} cells (limit max_columns)")

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()


def _check_parts(zf: zipfile.ZipFile, limits: Limits, sheet_part) -> None:
    """Refuse a workbook any of whose parts declares more than its limit, before reading any."""
    for zi in zf.infolist():
        cap = limits.sheet_part_bytes if sheet_part(zi.filename) else limits.other_part_bytes
        if zi.file_size > cap:
            raise BadFile(f"the workbook part {zi.filename} unpacks to {zi.file_size >> 20:,} MB, more than the "
                          f"{cap >> 20:,} MB allowed (limit max_sheet_part_mb / max_other_part_mb): "
                          "a damaged or hostile file, not a table")


def _capped(rows: Iterator[Row], limits: Limits) -> Iterator[Row]:
    """Rows of one sheet, refused past the row, column or cell limits (counting cells as built)."""
    cells = 0
    for row in rows:
        num, values = row[0], row[1]
        if num > limits.max_rows_per_sheet:
            raise BadFile(f"the sheet goes past row {limits.max_rows_per_sheet:,} (limit max_rows_per_sheet)", row=num)
        if len(values) > limits.max_columns:
            raise BadFile(f"a row with {len(values):,} columns: more than {limits.max_columns:,} (limit max_columns)", row=num)
        cells += len(values)
        if cells > limits.max_cells_per_sheet:
            raise BadFile(f"the sheet holds more than {limits.max_cells_per_sheet:,} cells (limit max_cells_per_sheet)", row=num)
        yield row


# --- XLSX ------------------------------------------------------------------------------


def _xlsx_rows(ws, limits: Limits) -> Iterator[Row]:
    ws.reset_dimensions()  # some writers record a wrong sheet size: read every row there is
    path = ws._worksheet_path
    # openpyxl reads the sheet part itself: hand it the part through the guard
    ws._get_source = lambda: _Guarded(ws.parent._archive.open(path), path, limits, limits.sheet_part_bytes,
                                      row_cells=limits.max_columns)
    for num, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        yield num, [cell_text(v) for v in values], []


def _xlsx_sheet_part(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def open_xlsx(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    import openpyxl

    try:
        with zipfile.ZipFile(info.path) as zf:
            _check_parts(zf, info.limits, _xlsx_sheet_part)
        wb = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
    except BadFile:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise BadFile(f"not a readable .xlsx workbook ({type(exc).__name__}: {str(exc)[:150]})") from None
    try:
        sheets = ((ws.title, _xlsx_rows(ws, info.limits), ws.sheet_state != "visible" and ws.sheet_state)
                  for ws in wb.worksheets)
        yield from _workbook_sheets(info, sheets, log, progress)
    finally:
        wb.close()


# --- ODS -------------------------------------------------------------------------------

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_S = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_TABLE, _ROW, _CELL, _COVERED = _T + "table", _T + "table-row", _T + "table-cell", _T + "covered-table-cell"
#: Elements one row may hold per column it spans (cells, paragraphs, spans...): past this
#: the row is not a table row (a bomb of empty elements would otherwise sit in memory).
_ELEMENTS_PER_COLUMN = 16


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


def _repeat(elem, attr: str, num: int) -> int:
    try:
        n = int(elem.get(_T + attr, "1"))
    except ValueError:
        raise BadFile(f"a damaged sheet: {attr} is not a number near row {num + 1}") from None
    return max(n, 1)


def _ods_row(row, num: int, limits: Limits) -> tuple[list, list]:
    """A row's cells (trailing empty ones dropped) and the columns a merge covers.

    Widths are checked from the repeat counts before any cell is repeated."""
    cells: list = []
    covered: list[int] = []
    pending = 0  # empty cells held back: trailing ones (often thousands) are dropped
    for cell in row:
        if cell.tag not in (_CELL, _COVERED):
            continue
        n = _repeat(cell, "number-columns-repeated", num)
        value = None if cell.tag == _COVERED else _ods_cell(cell)
        if value is None and cell.tag != _COVERED:
            pending += n
            continue
        if len(cells) + pending + n > limits.max_columns:
            raise BadFile(f"a row with more than {limits.max_columns:,} columns (limit max_columns)", row=num + 1)
        cells.extend([None] * pending)
        pending = 0
        if cell.tag == _COVERED:
            covered.extend(range(len(cells), len(cells) + n))
        cells.extend([value] * n)
    return cells, covered


def _ods_tables(path, limits: Limits) -> Iterator[tuple[str, Iterator[Row], str | bool]]:
    with zipfile.ZipFile(path) as zf:
        _check_parts(zf, limits, lambda name: name == "content.xml")
        with _Guarded(zf.open("content.xml"), "content.xml", limits, limits.sheet_part_bytes) as fh:
            yield from _ods_events(ET.iterparse(io.BufferedReader(fh, _PIECE), events=("start", "end")), limits)


def _ods_events(events, limits: Limits) -> Iterator[tuple[str, Iterator[Row], str | bool]]:
    """The sheets of ``content.xml`` as (name, rows, hidden). Every element is dropped once
    read (a row once its cells are taken), so memory holds one row whatever the file."""
    stack: list = []
    hidden_styles: set[str] = set()  # table styles with display="false": hidden sheets
    max_elements = limits.max_columns * _ELEMENTS_PER_COLUMN

    def rows() -> Iterator[Row]:
        num = 0  # rows so far, blank ones included
        cells = 0  # cells built so far
        elements = 0  # elements of the current row, which stays in memory until its end
        in_row = False
        for event, elem in events:
            if event == "start":
                stack.append(elem)
                if elem.tag == _ROW:
                    elements, in_row = 0, True
                continue
            stack.pop()
            if elem.tag == _TABLE:
                ended.append(elem)
                return
            if elem.tag != _ROW:
                elements += 1
                if elements > max_elements:
                    raise BadFile(f"this row holds more than {max_elements:,} elements: not a table row "
                                  "(limit max_columns)", row=num + 1)
                if stack and not in_row:
                    stack[-1].remove(elem)  # between rows (columns, groups...): nothing to keep
                continue
            in_row = False
            repeat = _repeat(elem, "number-rows-repeated", num)
            row_cells, covered = _ods_row(elem, num, limits)
            if stack:
                stack[-1].remove(elem)  # drop the row once read: memory stays flat
            if not (row_cells or covered):
                num += repeat
                continue
            # checked before the row is repeated: a bomb is refused at once
            if repeat > limits.max_row_repeats:
                raise BadFile(f"this row is repeated {repeat:,} times, more than the {limits.max_row_repeats:,} "
                              "allowed (limit max_row_repeats): not a real table", row=num + 1)
            if num + repeat > limits.max_rows_per_sheet:
                raise BadFile(f"the sheet goes past row {limits.max_rows_per_sheet:,} (this row is repeated "
                              f"{repeat:,} times; limit max_rows_per_sheet)", row=num + 1)
            cells += repeat * max(len(row_cells), max(covered, default=-1) + 1)
            if cells > limits.max_cells_per_sheet:
                raise BadFile(f"the sheet holds more than {limits.max_cells_per_sheet:,} cells "
                              "(limit max_cells_per_sheet)", row=num + 1)
            for _ in range(repeat):
                num += 1
                yield num, list(row_cells), covered

    for event, elem in events:
        if event == "start":
            stack.append(elem)
            if elem.tag == _TABLE:
                table_rows = rows()
                ended: list = []
                hidden = elem.get(_T + "style-name") in hidden_styles and "hidden"
                yield elem.get(_T + "name", "?"), table_rows, hidden
                for _ in table_rows:  # the caller may stop early: finish this sheet
                    pass
                if ended and stack:  # rows() read to the table's end and took it off the stack
                    stack[-1].remove(elem)
                # else rows() stopped at a refused row: the loop below reads on to the table's end
            continue
        stack.pop()
        if elem.tag == _S + "table-properties" and elem.get(_T + "display") == "false" and stack:
            hidden_styles.add(stack[-1].get(_S + "name"))
        if stack:
            stack[-1].remove(elem)  # styles, settings...: nothing is kept once read


def open_ods(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    try:
        yield from _workbook_sheets(info, _ods_tables(info.path, info.limits), log, progress)
    except (ET.ParseError, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise BadFile(f"not a readable .ods workbook ({type(exc).__name__}: {str(exc)[:150]})") from None


_HIDDEN = {"hidden": "hidden", "veryHidden": "very hidden (Excel's menus cannot show it)"}


def _workbook_sheets(info: FileInfo, sheets, log: ProblemLog, progress) -> Iterator[Sheet]:
    found = 0
    for name, rows, hidden in sheets:
        loc = Location(info.display, name)
        if is_skipped_sheet(name):
            log.note(f"{loc.label()}: skipped (a notes sheet, not data)")
            continue
        try:
            sheet = _sheet(loc, _capped(rows, info.limits), log, progress)
        except PartRefused:
            raise  # the XML stream stopped: nothing after this can be read
        except BadFile as exc:  # a limit passed in the first rows: name the sheet, go on to the next
            log.add(loc, exc.row, exc.column, str(exc))
            continue
        if hidden:
            state = _HIDDEN.get(hidden, "hidden")
            if sheet is None:
                log.note(f"{loc.label()}: skipped (an empty {state} sheet)")
            else:
                log.add(loc, None, None, f"the sheet is {state}: nobody checking the workbook sees what it holds, "
                        "so it is not loaded; delete the sheet, or unhide it and load it on purpose")
            continue
        if sheet is None:
            log.add(loc, None, None, "the sheet is empty: delete it or fill it in")
            continue
        found += 1
        yield sheet
    if found == 0 and not log:
        raise BadFile("the workbook has no data sheets")


def open_workbook(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    return open_xlsx(info, log, progress) if info.format == "xlsx" else open_ods(info, log, progress)
