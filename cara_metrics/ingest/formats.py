"""Opening a raw file, whatever its format, as sheets of text rows streamed in batches.

The format is told from the file's first bytes, not its name (an .xlsx renamed .csv still
opens): Parquet (``PAR1``), a zip holding an OpenDocument or Excel workbook, legacy .xls
(refused, with how to fix it), or else text read as CSV.

CSV assumptions: comma-separated, header in row 1, encoded as UTF-8 (with or without the
byte-order mark Excel writes for "CSV UTF-8") or, when not valid UTF-8, Windows-1252 (what
Excel writes for plain "CSV"). The whole file is read once up front to settle its encoding
(its SHA-256 is taken in the background meanwhile), then streamed by pyarrow in blocks,
every column as text, so memory does not grow with the file. Blank rows are skipped but
still counted, so row numbers match what a spreadsheet shows (header = row 1).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .problems import Location, ProblemLog
from .settings import Limits

BATCH_ROWS = 200_000
_CHUNK = 8 << 20  # read size for hashing
#: CSV block size: about 25,000 rows of a crime extract per batch. Bigger blocks are a
#: little faster but pyarrow holds several in flight (8 MB blocks: ~250 MB more memory).
CSV_BLOCK = 2 << 20
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
#: Rows with the wrong number of cells reported per file before giving up on it.
MAX_BAD_ROWS = 20


class BadFile(Exception):
    """The file (or sheet) cannot be read at all; the message says why and what to do."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row, self.column = row, column


class PartRefused(BadFile):
    """A part of a workbook too big or too odd to read on: the rest of the file is not read."""


@dataclass
class RawBatch:
    """Rows of one sheet: a text column per header cell, and each row's spreadsheet number."""

    columns: list[pa.Array]
    rows: np.ndarray  # int64, 1-based as a spreadsheet numbers them
    merged: dict[int, np.ndarray] = field(default_factory=dict)  # column -> rows inside a merged cell


@dataclass
class Sheet:
    """One table of rows: a CSV or Parquet file, or one sheet of a workbook.

    ``candidates`` are the first non-empty rows (row number, cells) the header may be in;
    ``batches(i)`` streams the data under candidate ``i``.
    """

    location: Location
    candidates: list[tuple[int, list[str]]]
    batches: Callable[[int], Iterator[RawBatch]]
    merged_header: dict[int, list[int]] = field(default_factory=dict)  # header row -> merged columns
    source: FileInfo | None = None  # a CSV file: read whole by the quick path for record-level crime
    progress: Any = None  # the file's progress bar, if any


@dataclass
class FileInfo:
    path: Path
    display: str
    format: str  # csv, parquet, xlsx, ods
    digest: str | Future  # SHA-256 (hex), or the hashing still under way: read ``sha256``
    size: int
    encoding: str | None = None
    limits: Limits = field(default_factory=Limits)  # what the file may expand to (settings)

    @property
    def sha256(self) -> str:
        """The file's SHA-256 (hex); waits for the hashing if it is still running."""
        if isinstance(self.digest, Future):
            self.digest = self.digest.result()
        return self.digest


#: Hashes files in the background (hashlib lets other threads run while it works), so a big
#: file's SHA-256 is computed while it is read (``pipeline`` needs the hash only when two files
#: have the same size, and for the manifest at the end).
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cara-sha256")


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype"):
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadFile(f"a damaged zip or workbook file ({exc})") from None
    raise BadFile("a zip file that is not an .xlsx or .ods workbook")


def inspect(path: Path, display: str, limits: Limits | None = None) -> FileInfo:
    """Start hashing the file and tell its format (and a text file's encoding) from its bytes."""
    size = path.stat().st_size
    if size == 0:
        raise BadFile("the file is empty (0 bytes): was the upload or export interrupted?")
    digest = _HASHER.submit(_sha256, path)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, cp1252_ok, head = True, True, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            if not head:
                head = chunk[:8]
                if head.startswith((b"PAR1", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
                    is_utf8 = cp1252_ok = False  # binary: only the hash is needed
                    break
            if chunk.isascii() and not utf8.getstate()[0]:
                continue  # ASCII: valid UTF-8 (nothing pending from the last chunk) and valid cp1252
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if cp1252_ok and any(b in chunk for b in _CP1252_UNDEFINED):
                cp1252_ok = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False  # ends mid-character: truncated
    info = FileInfo(path, display, "csv", digest, size, limits=limits or Limits())
    if head.startswith(b"PAR1"):
        info.format = "parquet"
    elif head.startswith(b"PK\x03\x04"):
        info.format = _zip_kind(path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadFile("an old Excel .xls workbook (or a password-protected one): "
                      "save it as .xlsx, .ods or CSV without a password and load that")
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("UTF-16 text (Excel's 'Unicode Text'): save it as 'CSV UTF-8' and load that")
    elif b"\x00" in head:
        raise BadFile("a binary file, not CSV, Excel, ODS or Parquet")
    elif is_utf8:
        info.encoding = "utf-8"
    elif cp1252_ok:
        _refuse_mixed(path)
        info.encoding = "cp1252"
    else:
        raise BadFile("text that is neither UTF-8 nor Windows-1252: save it as 'CSV UTF-8' and load that")
    return info


#: A character UTF-8 writes in two to four bytes (not an overlong or surrogate form). In
#: genuine Windows-1252 text such a pair is a capital accented letter followed by a symbol
#: ("Ã©", "Â£"), which English-language extracts do not hold; it is what a UTF-8 line
#: pasted into a Windows-1252 file looks like.
_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NOT_UTF8 = re.compile(rb"[\x80-\xff]")


def _refuse_mixed(path: Path) -> None:
    """Refuse a file that is not UTF-8 but has UTF-8 characters in it: lines saved in two
    encodings, which either reading would garble. Names the first line of each kind."""
    utf8_line = other_line = None
    line = 1
    with open(path, "rb") as fh:
        carry = b""
        while chunk := fh.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(b"\n") + 1 or len(data)  # whole lines only: a character never spans them
            data, carry = data[:cut], data[cut:]
            if utf8_line is None and (m := _UTF8_CHAR.search(data)):
                utf8_line = line + data.count(b"\n", 0, m.start())
            if other_line is None:
                for m in _NOT_UTF8.finditer(data):
                    if not _UTF8_CHAR.match(data, m.start()) and not _inside_utf8(data, m.start()):
                        other_line = line + data.count(b"\n", 0, m.start())
                        break
            if utf8_line is not None and other_line is not None:
                break
            line += data.count(b"\n")
        else:
            if carry and utf8_line is None and (m := _UTF8_CHAR.search(carry)):
                utf8_line = line + carry.count(b"\n", 0, m.start())
    if utf8_line is not None:
        raise BadFile(f"mixes two encodings: line {utf8_line} is UTF-8 but line {other_line or '?'} is Windows-1252 "
                      "(was text pasted in from another file?); read either way, some characters would come out "
                      "garbled: save the whole file as 'CSV UTF-8' and load that")


def _inside_utf8(data: bytes, i: int) -> bool:
    """Whether byte ``i`` (0x80-0xBF) continues a UTF-8 character that starts before it."""
    for back in (1, 2, 3):
        j = i - back
        if j < 0 or not 0x80 <= data[i] <= 0xBF:
            return False
        m = _UTF8_CHAR.match(data, j)
        if m and m.end() > i:
            return True
    return False


# --- CSV -------------------------------------------------------------------------------


def _csv_header(info: FileInfo) -> list[str]:
    with open(info.path, "rb") as fh:
        head = fh.read(1 << 20)
    text = head.decode(info.encoding or "utf-8", errors="replace").lstrip("\ufeff")
    try:
        first = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:  # e.g. a NUL byte in the header
        raise BadFile(f"the header (row 1) cannot be read as CSV ({exc})", row=1) from None
    if len(first) > info.limits.max_columns:
        raise BadFile(f"the header has {len(first):,} columns, more than {info.limits.max_columns:,} "
                      "(limit max_columns)", row=1)
    if not any(c.strip() for c in first):
        raise BadFile("row 1 is empty: the header (column names) must be in row 1", row=1)
    if len(first) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if sep in first[0]:
                raise BadFile(f"the header is separated by {name}, not commas: save the file as comma-separated CSV", row=1)
    return first


def _csv_batches(info: FileInfo, header: list[str], log: ProblemLog, loc: Location, progress) -> Iterator[RawBatch]:
    names = [f"c{i}" for i in range(len(header))]
    skipped: list[int] = []  # rows with the wrong number of cells, in order

    def bad_row(row) -> str:
        if len(skipped) >= MAX_BAD_ROWS:
            return "error"
        skipped.append(row.number)
        log.add(loc, row.number, None, f"this row has {row.actual_columns} cells but the header has {row.expected_columns}: "
                "check for a stray comma or an unquoted comma inside a value")
        return "skip"

    read = pacsv.ReadOptions(use_threads=False, block_size=CSV_BLOCK, column_names=names, skip_rows=1,
                             encoding=info.encoding if info.encoding == "cp1252" else "utf8")
    parse = pacsv.ParseOptions(ignore_empty_lines=False, invalid_row_handler=bad_row, newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                   quoted_strings_can_be_null=False)
    done = 0
    with open(info.path, "rb") as fh:
        try:
            reader = pacsv.open_csv(fh, read_options=read, parse_options=parse, convert_options=convert)
            for batch in reader:
                n = batch.num_rows
                rows = np.arange(done, done + n, dtype=np.int64) + 2
                for s in skipped:  # rows skipped before these shift their numbers down
                    rows[rows >= s] += 1
                done += n
                if progress is not None:  # bytes of text read (pyarrow reads ahead, so not fh.tell())
                    text = sum(c.buffers()[2].size if c.buffers()[2] is not None else 0 for c in batch.columns)
                    progress.update(min(text + n * batch.num_columns, max(info.size - progress.n, 0)))
                cols = [batch.column(i) for i in range(batch.num_columns)]
                yield RawBatch(cols, rows)
        except pa.ArrowInvalid as exc:
            if "straddl" in str(exc):  # pyarrow: a row longer than a read block
                raise BadFile(f"a row after row {done + 1:,} is longer than {CSV_BLOCK >> 20} MB: a value longer than "
                              f"{info.limits.max_value_chars:,} characters, or a quote (\") that is never closed",
                              row=done + 2) from None
            if len(skipped) >= MAX_BAD_ROWS:
                raise BadFile(f"more than {MAX_BAD_ROWS} rows have the wrong number of cells: "
                              "is the file really comma-separated CSV?") from None
            raise BadFile(f"could not be read as CSV ({str(exc).splitlines()[0][:200]})") from None


def open_csv(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    header = _csv_header(info)
    loc = Location(info.display)
    yield Sheet(loc, [(1, header)], lambda _i: _csv_batches(info, header, log, loc, progress), source=info, progress=progress)


# --- Parquet ---------------------------------------------------------------------------


def _as_text(col: pa.Array, name: str) -> pa.Array:
    t = col.type
    if pa.types.is_dictionary(t):
        col, t = col.dictionary_decode(), t.value_type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return col.cast(pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(col, "true", "false")
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_date(t) or pa.types.is_timestamp(t):
        return col.cast(pa.string())
    if pa.types.is_null(t):
        return pa.nulls(len(col), pa.string())
    raise BadFile(f"has type {t}, which is not a plain table column", row=1, column=name)


def open_parquet(info: FileInfo, log: ProblemLog, progress) -> Iterator[Sheet]:
    try:
        pf = pq.ParquetFile(info.path)
    except (pa.ArrowException, OSError) as exc:
        raise BadFile(f"not a readable Parquet file ({str(exc)[:200]}): was it copied completely?") from None
    header = list(pf.schema_arrow.names)

    def batches(_i: int) -> Iterator[RawBatch]:
        done = 0
        try:
            for batch in pf.iter_batches(batch_size=BATCH_ROWS):
                cols = [_as_text(batch.column(i), header[i]) for i in range(batch.num_columns)]
                rows = np.arange(done, done + batch.num_rows, dtype=np.int64) + 2
                done += batch.num_rows
                if progress is not None:
                    progress.update(batch.num_rows)
                yield RawBatch(cols, rows)
        except (pa.ArrowException, OSError) as exc:
            raise BadFile(f"the Parquet file is damaged after row {done + 1} ({str(exc)[:200]})") from None

    yield Sheet(Location(info.display), [(1, header)], batches)


def open_sheets(info: FileInfo, log: ProblemLog, progress=None) -> Iterator[Sheet]:
    """The sheets of a file, in order (a CSV or Parquet file is one sheet)."""
    if info.format == "csv":
        return open_csv(info, log, progress)
    if info.format == "parquet":
        return open_parquet(info, log, progress)
    from . import spreadsheets

    return spreadsheets.open_workbook(info, log, progress)
