"""HM Treasury's GDP deflators: putting every pound in one stated price year.

HM Treasury publishes "GDP deflators at market prices, and money GDP" after each ONS
Quarterly National Accounts release and each OBR forecast (GOV.UK collection
``gdp-deflators-at-market-prices-and-money-gdp``). Its CSV has a few lines of notes, a
header naming the base ("2016-17 = 100" or whichever year that release uses), then one row
per financial year: ``1955-56, 4.321, ...`` with the calendar-year block to the right.
:func:`parse_hmt_csv` reads the financial-year block of that file exactly as published
(the index, nothing recomputed), and :class:`Deflators` converts between years:

    amount in year B prices = amount in year A prices x index[B] / index[A]

Assumptions, stated so a reader can check them: costs are recorded in cash (the prices of
the financial year they were paid in); the Home Office unit cost is in 2016/17 prices; the
deflator for the latest years may be an OBR forecast, which the release says (its
``forecast_from``) and the labels repeat.

Where the table lives: a release is shipped as two files side by side, the CSV as published
and a small ``.toml`` giving its title, publication date, address and first forecast year
(``SHIPPED``). None is shipped yet (see docs/value-for-money.md): until one is, the value
estimate says plainly that its pounds are not in one price year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..contract import financial_year_label

#: Where a shipped release lives (CSV as published, plus its .toml sidecar).
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "gdp_deflators.csv"

_FY = re.compile(r"^\s*(\d{4})\s*[-–/]\s*(\d{2})\s*$")
_BASE = re.compile(r"(\d{4})\s*[-–/]\s*(\d{2})\s*=\s*100")


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


def parse_hmt_csv(text: str, *, title: str, published: dt.date, url: str, forecast_from: int | None = None) -> Deflators:
    """The financial-year block of an HM Treasury GDP deflator CSV, as published.

    The first column holds financial years ('2016-17'); the next column the deflator index,
    whose base is read from the header cell 'YYYY-YY = 100'. Notes, blank cells, footnotes and
    the calendar-year block are ignored. Raises DeflatorError (with the row) for a year row
    whose index is not a number, a year given twice, or a file with no base or no years."""
    base = None
    index: dict[int, float] = {}
    for row_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells:
            continue
        if base is None:
            for c in cells[:3]:
                m = _BASE.search(c)
                if m:
                    base = int(m.group(1))
                    break
        m = _FY.match(cells[0])
        if not m:
            continue
        fy = int(m.group(1))
        if (fy + 1) % 100 != int(m.group(2)):
            raise DeflatorError(f"row {row_no}: '{cells[0]}' is not a financial year like 2016-17")
        raw = cells[1].replace(",", "") if len(cells) > 1 else ""
        try:
            value = float(raw)
        except ValueError:
            raise DeflatorError(f"row {row_no}, column 2: the deflator for {cells[0]} is '{raw}', not a number") from None
        if fy in index:
            raise DeflatorError(f"row {row_no}: {cells[0]} appears twice")
        index[fy] = value
    if base is None:
        raise DeflatorError("no header like '2016-17 = 100' naming the base year: is this the HM Treasury GDP deflator CSV?")
    if not index:
        raise DeflatorError("no financial-year rows like '2016-17, 100.0' were found")
    if base not in index or abs(index[base] - 100.0) > 0.05:
        raise DeflatorError(f"the base year {financial_year_label(base)} should have an index of 100 "
                            f"(found {index.get(base, 'no row')})")
    return Deflators(title, published, url, base, index, forecast_from)


def load(csv_path: Path) -> Deflators:
    """A release from ``csv_path`` and its sidecar ``csv_path.with_suffix('.toml')`` (title,
    published = YYYY-MM-DD, url, optional forecast_from = first forecast year, e.g. 2025)."""
    meta_path = csv_path.with_suffix(".toml")
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        text = csv_path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DeflatorError(f"{exc.filename} is missing: a deflator table needs its CSV and its .toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise DeflatorError(f"{meta_path}: {exc}") from None
    missing = [k for k in ("title", "published", "url") if k not in meta]
    if missing:
        raise DeflatorError(f"{meta_path}: missing {', '.join(missing)}")
    published = meta["published"]
    if not isinstance(published, dt.date):
        raise DeflatorError(f"{meta_path}: published must be a date like 2026-03-31")
    try:
        return parse_hmt_csv(text, title=str(meta["title"]), published=published, url=str(meta["url"]),
                             forecast_from=meta.get("forecast_from"))
    except DeflatorError as exc:
        raise DeflatorError(f"{csv_path}: {exc}") from None


def shipped() -> Deflators | None:
    """The release shipped with the package, or None when none is installed."""
    return load(SHIPPED) if SHIPPED.exists() else None
