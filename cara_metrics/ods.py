"""A small, fast OpenDocument spreadsheet (ODS) writer for plain tables.

pandas' ODS writer (odfpy) builds a Python object per cell and took about 2.5 ms a row for a
15-column release table (a national release, some 100,000 rows, would take minutes to
publish). The downloads need nothing it offers beyond named sheets of text and numbers, so
this writes the document's XML directly: one ``table:table`` per sheet, a header row of
column names, then one row per record; a number is a float cell (``office:value``), text a
string cell, a missing value an empty cell (as pandas writes them). The bytes depend only on
the content (entries undated: every zip entry carries ``date``), so the same tables always
give the same file.

Assumes cell text is already safe for a spreadsheet (:func:`disclosure.neutralise_frame`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

MIME = "application/vnd.oasis.opendocument.spreadsheet"

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
       'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" office:version="1.2"')
_HEAD = "<?xml version='1.0' encoding='UTF-8'?>\n"
_MANIFEST = (_HEAD + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
             'manifest:version="1.2">'
             f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIME}"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
             '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')
_STYLES = _HEAD + f"<office:document-styles {_NS}><office:styles/></office:document-styles>"
_META = _HEAD + f"<office:document-meta {_NS}><office:meta><meta:generator>cara_metrics</meta:generator></office:meta></office:document-meta>"
_EMPTY = "<table:table-cell/>"


def _text(value: object) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def _cell(v: object, numeric: bool) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v == "":
        return _EMPTY
    if isinstance(v, bool):
        return _text("TRUE" if v else "FALSE")
    if numeric:
        x = float(v)
        return f'<table:table-cell office:value-type="float" office:value="{x!r}"><text:p>{x!r}</text:p></table:table-cell>'
    return _text(v)


def _column(values: pd.Series) -> list[str]:
    """The cells of one column, as XML: each distinct value written once (few per column)."""
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    xml = [_cell(u, numeric) for u in uniques] + [_EMPTY]  # code -1 (missing) -> the last entry
    return [xml[c] for c in codes.tolist()]


def _sheet(name: str, df: pd.DataFrame) -> Iterable[str]:
    yield f"<table:table table:name={quoteattr(name)}>"
    yield "<table:table-row>" + "".join(_text(c) for c in df.columns) + "</table:table-row>"
    columns = [_column(df[c]) for c in df.columns]
    for cells in zip(*columns):
        yield "<table:table-row>" + "".join(cells) + "</table:table-row>"
    yield "</table:table>"


def ods_bytes(sheets: list[tuple[str, pd.DataFrame]], date: dt.date = dt.date(1980, 1, 1)) -> bytes:
    """An ODS file of ``sheets`` (name, table), in order, header row first; zip entries dated ``date``."""
    content = "".join([_HEAD, f"<office:document-content {_NS}><office:body><office:spreadsheet>",
                       *(part for name, df in sheets for part in _sheet(name, df)),
                       "</office:spreadsheet></office:body></office:document-content>"])
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body, kind in (("mimetype", MIME, zipfile.ZIP_STORED), ("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED),
                                 ("styles.xml", _STYLES, zipfile.ZIP_DEFLATED), ("meta.xml", _META, zipfile.ZIP_DEFLATED),
                                 ("content.xml", content, zipfile.ZIP_DEFLATED)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = kind
            info.external_attr = 0o644 << 16
            z.writestr(info, body.encode("utf-8"))
    return buf.getvalue()
