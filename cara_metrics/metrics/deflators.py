"""HM Treasury's GDP deflators: putting every pound in one stated price year.

HM Treasury publishes "GDP deflators at market prices, and money GDP" after each ONS
Quarterly National Accounts release and each OBR forecast (GOV.UK collection
``gdp-deflators-at-market-prices-and-money-gdp``), as a spreadsheet (XLSX since about 2018,
CSV before). Its sheet has a few lines of notes, a header naming the base ("2022-23 = 100" or
whichever year that release uses), then one row per financial year: ``1955-56, 3.2821, ...``
with the calendar-year block to the right. Outturn years carry the index; the OBR forecast
years at the end are labelled with footnote marks ("2023-24 (1), (2)") and, in recent
releases, give only the percentage change on the previous year ("-" for the index).
:func:`parse_hmt_rows` reads the financial-year block exactly as published: the outturn
index as printed, and each forecast year's index chained from the printed percentage change
(HM Treasury's own instruction for those years), and :class:`Deflators` converts between years:

    amount in year B prices = amount in year A prices x index[B] / index[A]

Assumptions, stated so a reader can check them: costs are recorded in cash (the prices of
the financial year they were paid in); the Home Office unit cost is in 2016/17 prices; the
deflator for the latest years may be an OBR forecast, which the release says (its
``forecast_from``) and the labels repeat.

Where the table lives: a release is shipped as two files side by side, the spreadsheet as
published and a small ``.toml`` giving its title, publication date, address and the file's
SHA-256 (``SHIPPED``; docs/value-for-money.md says which release is shipped and how to install
a later one). Without one, the value estimate says plainly that its pounds are not in one
price year.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import openpyxl

from ..contract import financial_year_label

#: Where the shipped release lives (the spreadsheet as published, plus its .toml sidecar).
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "gdp_deflators.xlsx"

# A financial-year label as printed, with HM Treasury's forecast footnote marks if any ("2023-24 (1), (2)").
_FY = re.compile(r"^\s*(\d{4})\s*[-–/]\s*(\d{2})\s*(\(.*)?$")
_BASE = re.compile(r"(\d{4})\s*[-–/]\s*(\d{2})\s*=\s*100")
_MISSING = {"", "-", "–", ".."}


class DeflatorError(ValueError):
    """The deflator table cannot be read or does not cover a year asked for; the message says which."""


@dataclass(frozen=True)
class Deflators:
    """One HM Treasury release: the financial-year GDP deflator index, with where it came from."""

    title: str  # e.g. "GDP deflators at market prices, and money GDP March 2026 (Quarterly National Accounts)"
    published: dt.date
    url: str
    base_fy: int  # the year whose index is 100 (2016 for "2016-17 = 100")
    index: dict[int, float]  # financial year (start year) -> index
    forecast_from: int | None = None  # first financial year that is an OBR forecast, not outturn

    def covers(self, fy: int) -> bool:
        return fy in self.index

    def factor(self, from_fy: int, to_fy: int) -> float:
        """Multiply an amount in ``from_fy`` prices by this to express it in ``to_fy`` prices."""
        for y in (from_fy, to_fy):
            if y not in self.index:
                have = f"{financial_year_label(min(self.index))} to {financial_year_label(max(self.index))}"
                raise DeflatorError(f"The GDP deflator table ({self.title}) has no figure for {financial_year_label(y)}; "
                                    f"it covers {have}. Install a later release (docs/value-for-money.md).")
        return self.index[to_fy] / self.index[from_fy]

    def source(self) -> str:
        """How the pack and pages cite the table."""
        return f"HM Treasury, {self.title}, published {self.published.day} {self.published:%B %Y}"

    def is_forecast(self, fy: int) -> bool:
        return self.forecast_from is not None and fy >= self.forecast_from


def _number(cell: object) -> float | None:
    """A cell as a number; None for HM Treasury's blanks and dashes. Raises ValueError otherwise."""
    if cell is None:
        return None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return float(cell)
    text = str(cell).strip().replace(",", "")
    return None if text in _MISSING else float(text)


def parse_hmt_rows(rows: Iterable[Sequence[object]], *, title: str, published: dt.date, url: str,
                   forecast_from: int | None = None) -> Deflators:
    """The financial-year block of an HM Treasury GDP deflator table, as published.

    ``rows`` are the sheet's rows (cells as read: numbers or text). The header cell
    'YYYY-YY = 100' names the base and fixes the columns: the index is that column, the
    financial years the column to its left, the percentage change on the previous year the
    column to its right. A year row with an index uses it as printed; a forecast row (footnote
    marks after the year, or no index) takes the previous year's index times (1 + change/100).
    The first forecast year is read from the table; ``forecast_from``, if given (an older CSV
    release that printed forecast indices without marks), takes precedence. Notes, blank
    cells, footnotes and the calendar-year block are ignored. Raises DeflatorError (with the
    row) for an index or change that is not a number, a forecast year with nothing to chain
    from, a year given twice, or a file with no base or no years."""
    base = col = None
    index: dict[int, float] = {}
    first_forecast: int | None = None
    for row_no, row in enumerate(rows, start=1):
        cells = ["" if c is None else c for c in row]
        if col is None:
            for i, c in enumerate(cells):
                m = _BASE.search(str(c))
                if m and i > 0:
                    base, col = int(m.group(1)), i
                    break
            continue
        if len(cells) <= col:
            continue
        m = _FY.match(str(cells[col - 1]))
        if not m:
            continue
        label, fy = str(cells[col - 1]).strip(), int(m.group(1))
        if (fy + 1) % 100 != int(m.group(2)):
            raise DeflatorError(f"row {row_no}: '{label}' is not a financial year like 2016-17")
        if fy in index:
            raise DeflatorError(f"row {row_no}: {label} appears twice")
        try:
            value = _number(cells[col])
        except ValueError:
            raise DeflatorError(f"row {row_no}, column {col + 1}: the deflator for {label} is '{cells[col]}', not a number") from None
        marked = m.group(3) is not None
        if value is None or marked:
            if first_forecast is None:
                first_forecast = fy
        if value is None:
            raw = cells[col + 1] if len(cells) > col + 1 else ""
            try:
                change = _number(raw)
            except ValueError:
                change = None
            if change is None:
                raise DeflatorError(f"row {row_no}, column {col + 2}: {label} has no index and its percentage change "
                                    f"is '{raw}', not a number")
            if fy - 1 not in index:
                raise DeflatorError(f"row {row_no}: {label} gives only a percentage change, and the year before it is not in the table")
            value = index[fy - 1] * (1 + change / 100)
        index[fy] = value
    if base is None:
        raise DeflatorError("no header like '2016-17 = 100' naming the base year: is this the HM Treasury GDP deflator table?")
    if not index:
        raise DeflatorError("no financial-year rows like '2016-17, 100.0' were found")
    if base not in index or abs(index[base] - 100.0) > 0.05:
        raise DeflatorError(f"the base year {financial_year_label(base)} should have an index of 100 "
                            f"(found {index.get(base, 'no row')})")
    return Deflators(title, published, url, base, index, forecast_from if forecast_from is not None else first_forecast)


def parse_hmt_csv(text: str, *, title: str, published: dt.date, url: str, forecast_from: int | None = None) -> Deflators:
    """:func:`parse_hmt_rows` on a CSV release as published (HM Treasury's format before about 2018)."""
    return parse_hmt_rows(csv.reader(io.StringIO(text)), title=title, published=published, url=url,
                          forecast_from=forecast_from)


def _xlsx_rows(data: bytes) -> list[tuple[object, ...]]:
    """The first sheet's rows of an XLSX release (HM Treasury's releases have one sheet)."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged or non-XLSX file
        raise DeflatorError(f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def load(path: Path) -> Deflators:
    """A release from ``path`` (.xlsx or .csv, as published) and its sidecar
    ``path.with_suffix('.toml')``: title, published = YYYY-MM-DD, url, and optionally
    sha256 (the file's checksum: a shipped release must be the file as published, so an edited
    copy is refused) and forecast_from (first forecast year, for a CSV without footnote marks)."""
    meta_path = path.with_suffix(".toml")
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DeflatorError(f"{exc.filename} is missing: a deflator table needs its spreadsheet and its .toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise DeflatorError(f"{meta_path}: {exc}") from None
    missing = [k for k in ("title", "published", "url") if k not in meta]
    if missing:
        raise DeflatorError(f"{meta_path}: missing {', '.join(missing)}")
    published = meta["published"]
    if not isinstance(published, dt.date):
        raise DeflatorError(f"{meta_path}: published must be a date like 2026-03-31")
    if "sha256" in meta and hashlib.sha256(data).hexdigest() != meta["sha256"]:
        raise DeflatorError(f"{path}: its SHA-256 is not the one in {meta_path.name}: the file is not the release as published")
    common = dict(title=str(meta["title"]), published=published, url=str(meta["url"]), forecast_from=meta.get("forecast_from"))
    try:
        if path.suffix.lower() == ".xlsx":
            return parse_hmt_rows(_xlsx_rows(data), **common)
        return parse_hmt_csv(data.decode("utf-8-sig"), **common)
    except DeflatorError as exc:
        raise DeflatorError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise DeflatorError(f"{path}: not UTF-8 text; save the CSV as published, or use the XLSX") from None


@cache
def _load_once(path: Path, mtime_ns: int) -> Deflators:
    # Read once per file version: opening the workbook costs tens of milliseconds and the
    # value page, the board pack and the figures command each ask for it.
    return load(path)


def shipped() -> Deflators | None:
    """The release shipped with the package, or None when none is installed."""
    return _load_once(SHIPPED, SHIPPED.stat().st_mtime_ns) if SHIPPED.exists() else None
