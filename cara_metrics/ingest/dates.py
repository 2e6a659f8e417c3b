"""Reading dates and months written the ways spreadsheets and people write them.

Vectorised over an Arrow array of distinct values: regular expressions pick out year,
month and day (Arrow's RE2), numpy checks the calendar and counts days. Day-first dates
(13/08/2019, as UK Excel saves them) and ISO dates (2019-08-13) may carry a time after
them; a bare number of up to six digits is an Excel serial day (43690 = 13/08/2019; a
date cell formatted as a number). Two-digit years are refused rather than guessed, and
month-first (US) dates are refused when they cannot be day-first, never silently swapped.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .pii import safe

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (after its 1900 leap-year bug)
EARLIEST = dt.date(1900, 1, 1)
_EPOCH_DAYS = (EXCEL_EPOCH - dt.date(1970, 1, 1)).days
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_TIME = r"(?:[ T]\d{1,2}:\d{2}.*)?"
_DATE_FORMS = (
    rf"^(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_TIME}$",
    rf"^(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}}){_TIME}$",
)
_MONTH_FORMS = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})$",
    r"^(?P<m>\d{1,2})/(?P<y>\d{4})$",
)


def match(d: pa.Array, pattern: str, ignore_case: bool = False) -> np.ndarray:
    """Whether each value matches (False for missing values)."""
    return pc.match_substring_regex(d, pattern, ignore_case=ignore_case).fill_null(False).to_numpy(zero_copy_only=False)


def ints(a: pa.Array) -> np.ndarray:
    """Digits as int64, 0 where missing."""
    return pc.cast(a, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)


def group(s: pa.StructArray, name: str) -> pa.Array:
    """A regex group as an array, null where the value did not match."""
    return pc.struct_field(s, name)


def _ymd(d: pa.Array, forms: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day and a found-flag from the first form that matches each value."""
    n = len(d)
    y, m, day, found = np.zeros(n, np.int64), np.zeros(n, np.int64), np.ones(n, np.int64), np.zeros(n, bool)
    for form in forms:
        s = pc.extract_regex(d, form)
        hit = s.is_valid().to_numpy(zero_copy_only=False) & ~found
        names = [s.type.field(i).name for i in range(s.type.num_fields)]
        y = np.where(hit, ints(group(s, "y")), y)
        m = np.where(hit, ints(group(s, "m")), m)
        if "d" in names:
            day = np.where(hit, ints(group(s, "d")), day)
        found |= hit
    return y, m, day, found


def _days(y: np.ndarray, m: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01, and whether (y, m, d) is a real calendar date."""
    ok = (m >= 1) & (m <= 12) & (y >= 1) & (day >= 1)
    months = np.where(ok, (y - 1970) * 12 + (m - 1), 0)
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    nxt = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    ok &= day <= (nxt - first)
    return first + day - 1, ok


def _first_of_month(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def parse_dates(d: pa.Array, errors: dict[int, str], month_only: bool, not_after: dt.date | None) -> pa.Array:
    """Distinct text values -> date32 (null where wrong, with the reason in ``errors``)."""
    y, m, day, found = _ymd(d, _DATE_FORMS + (_MONTH_FORMS if month_only else ()))
    if month_only:  # "Aug 2019", "August 2019"
        s = pc.extract_regex(d, r"^(?P<mon>[A-Za-z]{3,9})[ -](?P<y>\d{4})$")
        name = pc.utf8_slice_codeunits(pc.utf8_lower(group(s, "mon")), 0, 3)
        idx = pc.index_in(name, value_set=pa.array(_MONTHS)).fill_null(-1).to_numpy(zero_copy_only=False)
        hit = (idx >= 0) & ~found
        y, m, found = np.where(hit, ints(group(s, "y")), y), np.where(hit, idx + 1, m), found | hit
    days, real = _days(y, m, day)
    serial = match(d, r"^\d{1,6}(?:\.0+)?$") & ~found
    if serial.any():  # Excel serial day numbers (a date cell formatted as a number)
        n = ints(pc.replace_substring_regex(pc.if_else(pa.array(serial), d, None), r"\.0+$", ""))
        days = np.where(serial, n + _EPOCH_DAYS, days)
        real |= serial
        found |= serial
    if month_only:  # a crime month is stored as its first day
        days = np.where(found & real, _first_of_month(np.where(found & real, days, 0)), days)
    valid = d.is_valid().to_numpy(zero_copy_only=False)
    two_digit = match(d, r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?:\s.*)?$")
    lo = (EARLIEST - dt.date(1970, 1, 1)).days
    hi = (not_after - dt.date(1970, 1, 1)).days if not_after else np.iinfo(np.int64).max
    good = found & real & (days >= lo) & (days <= hi)
    for i in np.flatnonzero(valid & ~good):
        v = safe(d[int(i)].as_py())
        if two_digit[i]:
            errors[int(i)] = f"two-digit year in {v}: write the year in full, e.g. 13/08/2019"
        elif not found[i]:
            hint = "e.g. 2019-08 or 13/08/2019" if month_only else "write 13/08/2019 or 2019-08-13"
            errors[int(i)] = f"not a {'month' if month_only else 'date'}: {v} ({hint})"
        elif not real[i]:
            errors[int(i)] = f"no such date: {v} (dates are read day first, 13/08/2019)"
        elif days[i] < lo:
            errors[int(i)] = f"date {v} is before 1900: check the year"
        else:
            errors[int(i)] = f"date {v} is in the future (after {not_after:%d/%m/%Y})"
    return pa.array(days.astype(np.int32), pa.int32(), mask=~(valid & good)).cast(pa.date32())
