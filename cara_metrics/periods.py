"""Periods and filters: financial years (April to March), quarters, and the user's selection.

Dates are shown the British way (13 August 2019). A financial year is named by the
calendar years it spans ("2019/20" = 1 April 2019 to 31 March 2020); its quarters run
Q1 April-June to Q4 January-March.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from .contract import financial_year_label, parse_financial_year

Grain = Literal["month", "quarter", "year"]
GRAINS: tuple[Grain, ...] = ("month", "quarter", "year")


def fy_of(d: dt.date) -> int:
    """Starting calendar year of the financial year containing ``d``."""
    return d.year if d.month >= 4 else d.year - 1


def fy_start(fy: int) -> dt.date:
    return dt.date(fy, 4, 1)


def fy_end(fy: int) -> dt.date:
    return dt.date(fy + 1, 3, 31)


def fy_quarter(d: dt.date) -> int:
    """1 for April-June ... 4 for January-March."""
    return (d.month - 4) % 12 // 3 + 1


def last_ended_fy(as_at: dt.date) -> int:
    """The last financial year (start year) that has ended by ``as_at``."""
    fy = fy_of(as_at)
    return fy if fy_end(fy) <= as_at else fy - 1


def format_date(d: dt.date) -> str:
    """13 August 2019 (no leading zero), as GOV.UK style asks."""
    return f"{d.day} {d:%B %Y}"


def range_words(date_from: dt.date, date_to: dt.date) -> str:
    """A picked date range in words, to echo under a date picker that can only show digits
    (DD/MM/YYYY): 'From 1 April 2019 to 31 March 2025'; one day is 'On 13 August 2019'."""
    if date_from == date_to:
        return f"On {format_date(date_from)}"
    return f"From {format_date(date_from)} to {format_date(date_to)}"


def period_label(start: dt.date, grain: Grain) -> str:
    """A period's label: 'Aug 2019', '2019/20 Q2', '2019/20'."""
    if grain == "month":
        return f"{start:%b %Y}"
    if grain == "quarter":
        return f"{financial_year_label(fy_of(start))} Q{fy_quarter(start)}"
    return financial_year_label(fy_of(start))


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def period_starts(date_from: dt.date, date_to: dt.date, grain: Grain) -> list[dt.date]:
    """Every period start from the one containing ``date_from`` to the one containing ``date_to``."""
    if grain == "year":
        return [fy_start(y) for y in range(fy_of(date_from), fy_of(date_to) + 1)]
    step = 1 if grain == "month" else 3
    start = date_from.replace(day=1)
    if grain == "quarter":
        start = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    out = []
    while start <= date_to:
        out.append(start)
        start = add_months(start, step)
    return out


@dataclass(frozen=True)
class Filters:
    """What the user chose: an inclusive date range and one area (force, CSP or LA)."""

    date_from: dt.date
    date_to: dt.date
    area_code: str

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError(f"the period starts ({format_date(self.date_from)}) after it ends ({format_date(self.date_to)})")

    @classmethod
    def financial_years(cls, fy_from: int, fy_to: int, area_code: str) -> "Filters":
        return cls(fy_start(fy_from), fy_end(fy_to), area_code)

    @classmethod
    def financial_year(cls, year: int | str, area_code: str) -> "Filters":
        """One financial year, by its start year (2024) or its label ('2024/25', as the
        public pages, the board pack and ``figures --period`` spell it)."""
        fy = year if isinstance(year, int) else parse_financial_year(year)
        return cls(fy_start(fy), fy_end(fy), area_code)

    @property
    def is_whole_financial_years(self) -> bool:
        return self.date_from == fy_start(fy_of(self.date_from)) and self.date_to == fy_end(fy_of(self.date_to))

    @property
    def label(self) -> str:
        """'2019/20 to 2024/25', '2023/24', or '13 August 2019 to 31 March 2020'."""
        if self.is_whole_financial_years:
            a, b = fy_of(self.date_from), fy_of(self.date_to)
            return financial_year_label(a) if a == b else f"{financial_year_label(a)} to {financial_year_label(b)}"
        return f"{format_date(self.date_from)} to {format_date(self.date_to)}"

    def params(self, **extra) -> dict:
        return {"area": self.area_code, "date_from": self.date_from, "date_to": self.date_to, **extra}

    def with_area(self, area_code: str) -> "Filters":
        return Filters(self.date_from, self.date_to, area_code)

    def with_dates(self, date_from: dt.date, date_to: dt.date) -> "Filters":
        return Filters(date_from, date_to, self.area_code)


def date_argument(text: str) -> dt.date:
    """A command-line date, YYYY-MM-DD (an ``argparse`` type: a bad value is a usage error)."""
    import argparse

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2025-03-31: {text!r}") from None
