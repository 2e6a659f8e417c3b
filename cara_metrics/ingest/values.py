"""Turning the text of a column into typed values, vectorised, with a reason for each failure.

Every column arrives as text (whatever the file format) and is parsed here. The work is
done once per *distinct* value of a batch (Arrow dictionary encoding), then spread back to
the rows: a ten-million-row crime extract has a few hundred distinct dates, areas and
offence codes, so parsing costs almost nothing however long the file is.

Accepted forms (docs/loading-data.md lists them for analysts):

* dates: 13/08/2019 (day first, as UK Excel saves), 2019-08-13, either with a time after
  it, and Excel serial day numbers (43690). Two-digit years are refused (ambiguous).
  Months (crime ``month``) also accept 2019-08, 08/2019 and Aug 2019.
* whole numbers: 1234, 1,234, 1234.0 (as spreadsheets store them); decimals: also £1,234.50.
* true/false: true/false, yes/no, y/n, t/f, 1/0 (any case).
* financial years 2019/20 or 2019-20 or 2019/2020; quarters 1-4 or Q1-Q4.
* values from a fixed list: matched ignoring case, spaces and punctuation ("In progress"
  is ``in_progress``), plus a few synonyms (M/F for sex, offence labels).
* pseudonymous tokens (``person_id``): the declared shape (``settings.Identifiers``), in
  full; a value that does not fit is never echoed (it may be a name).

Every cell of every column, used or not, must also be text a person can read
(``cell_problems``): no control characters (a NUL byte, a form feed...) and no more than
``max_value_chars`` characters (Excel's own limit for a cell is 32,767).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .dates import group, ints, match, parse_dates
from .headers import compact
from .pii import safe


@dataclass(frozen=True)
class Spec:
    """How to read one column: its kind and the limits from the contract."""

    kind: str  # string, code, int, float, bool, date, month, financial_year, quarter
    allowed: dict[str, str] | None = None  # compact form -> canonical value
    minimum: float | None = None
    maximum: float | None = None
    not_after: dt.date | None = None  # dates later than this are refused (the future)
    pattern: re.Pattern | None = None  # token: the declared shape, matched in full
    shape: str = ""  # token: the shape in words, for the message
    refuse_dates: bool = False  # token: refuse eight digits that read as a date (of birth)
    markers: bool = False  # numbers: the publisher's "[x]", "[z]", "[c]" mean no value (ONS tables)


@dataclass
class Parsed:
    """A parsed column: typed values (null where missing or wrong) and the failures."""

    values: pa.Array
    bad: np.ndarray  # bool per row
    _codes: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))  # distinct-value index per row
    _errors: dict[int, str] = field(repr=False, default_factory=dict)

    def message(self, row: int) -> str:
        return self._errors[int(self._codes[row])]


def _parse_int(d: pa.Array, errors: dict[int, str]) -> pa.Array:
    plain = match(d, r"^[+-]?(?:\d{1,15}|\d{1,3}(?:,\d{3}){1,4})(?:\.0*)?$")
    for i in np.flatnonzero(~plain & d.is_valid().to_numpy(zero_copy_only=False)):
        errors[int(i)] = f"not a whole number: {safe(d[i].as_py())}"
    clean = pc.replace_substring_regex(pc.replace_substring(d, ",", ""), r"\.0*$", "")
    return pc.cast(pc.if_else(pa.array(plain), clean, None), pa.int64())


def _parse_float(d: pa.Array, errors: dict[int, str]) -> pa.Array:
    ok = match(d, r"^[+-]?£?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d{1,3})?$") & match(d, r"\d")
    for i in np.flatnonzero(~ok & d.is_valid().to_numpy(zero_copy_only=False)):
        errors[int(i)] = f"not a number: {safe(d[i].as_py())}"
    clean = pc.replace_substring_regex(d, r"[£,]", "")
    return pc.cast(pc.if_else(pa.array(ok), clean, None), pa.float64())


_TRUE = {"true", "t", "yes", "y", "1", "10"}  # "10" is "1.0" after compacting
_FALSE = {"false", "f", "no", "n", "0", "00"}


def _parse_bool(d: pa.Array, errors: dict[int, str]) -> pa.Array:
    out = []
    for i, v in enumerate(d.to_pylist()):
        k = compact(v) if v is not None else None
        if k is None:
            out.append(None)
        elif k in _TRUE:
            out.append(True)
        elif k in _FALSE:
            out.append(False)
        else:
            out.append(None)
            errors[i] = f"not true or false (write true/false, yes/no or 1/0): {safe(v)}"
    return pa.array(out, pa.bool_())


#: How ONS tables name a financial year: "Year ending March 2020", "YE Mar 2020",
#: "Apr 2019 to Mar 2020" (all 2019/20). Rewritten to 2019/2020 before the usual parse.
_YEAR_ENDING_MARCH = r"(?i)^\s*(?:year\s+ending|ye)\s+mar(?:ch)?\s+(\d{4})\s*(?:\[[a-z]\]\s*)*$"
_APR_TO_MAR = r"(?i)^\s*apr(?:il)?\s+(\d{4})\s+to\s+mar(?:ch)?\s+(\d{4})\s*(?:\[[a-z]\]\s*)*$"


def _year_ending_march(d: pa.Array) -> pa.Array:
    """'Year ending March 2020' -> '2019/2020'; other values unchanged."""
    out = []
    for v in d.to_pylist():
        if v is not None:
            m = re.match(_YEAR_ENDING_MARCH, v)
            if m:
                v = f"{int(m.group(1)) - 1}/{m.group(1)}"
            elif (m := re.match(_APR_TO_MAR, v)):
                v = f"{m.group(1)}/{m.group(2)}"
        out.append(v)
    return pa.array(out, pa.string())


def _parse_financial_year(d: pa.Array, errors: dict[int, str]) -> pa.Array:
    d = _year_ending_march(d)
    s = pc.extract_regex(d, r"^(?P<a>\d{4})\s*[/-]\s*(?P<b>\d{2}|\d{4})$")
    a, b = ints(group(s, "a")), ints(group(s, "b"))
    ok = s.is_valid().to_numpy(zero_copy_only=False) & ((a + 1) % 100 == b % 100)
    for i in np.flatnonzero(~ok & d.is_valid().to_numpy(zero_copy_only=False)):
        errors[int(i)] = f"not a financial year like 2019/20: {safe(d[int(i)].as_py())}"
    labels = [f"{x}/{(x + 1) % 100:02d}" if k else None for x, k in zip(a.tolist(), ok.tolist())]
    return pa.array(labels, pa.string())


def _parse_quarter(d: pa.Array, errors: dict[int, str]) -> pa.Array:
    s = pc.extract_regex(d, r"^(?:[Qq]\s*)?(?P<q>[1-4])(?:\.0*)?$")
    ok = s.is_valid().to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~ok & d.is_valid().to_numpy(zero_copy_only=False)):
        errors[int(i)] = f"not a quarter (1-4 or Q1-Q4, Q1 = April to June): {safe(d[int(i)].as_py())}"
    return pc.cast(group(s, "q"), pa.int64())


def _parse_allowed(d: pa.Array, errors: dict[int, str], allowed: dict[str, str]) -> pa.Array:
    import difflib

    canon = sorted(set(allowed.values()))
    out = []
    for i, v in enumerate(d.to_pylist()):
        hit = allowed.get(compact(v)) if v is not None else None
        if v is not None and hit is None:
            near = difflib.get_close_matches(str(v).lower(), canon, n=1, cutoff=0.6)
            tip = f" (did you mean '{near[0]}'?)" if near else ""
            errors[i] = f"{safe(v)} is not one of: {', '.join(canon)}{tip}"
        out.append(hit)
    return pa.array(out, pa.string())


def _parse_token(d: pa.Array, errors: dict[int, str], spec: Spec) -> pa.Array:
    from .settings import date_inside

    today = spec.not_after or dt.date.today()
    for i, v in enumerate(d.to_pylist()):
        if v is None:
            continue
        if spec.pattern is not None and not spec.pattern.fullmatch(v):
            errors[i] = (f"not a pseudonymous token of the declared shape: {spec.shape} (value not shown); "
                         "replace it with the pseudonym, or declare your tokens' shape in [identifiers] of the ingest settings")
        elif spec.refuse_dates and date_inside(v, today):
            errors[i] = ("the token holds eight digits that read as a date (a date of birth?) (value not shown): "
                         "issue pseudonyms that carry no personal data")
    return d


def _check_range(values: pa.Array, d: pa.Array, errors: dict[int, str], spec: Spec) -> pa.Array:
    if spec.minimum is None and spec.maximum is None:
        return values
    x = values.to_numpy(zero_copy_only=False).astype(float)
    bad = np.zeros(len(x), bool)
    if spec.minimum is not None:
        bad |= x < spec.minimum
    if spec.maximum is not None:
        bad |= x > spec.maximum
    def fmt(x: float) -> str:
        return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"

    if spec.minimum is not None and spec.maximum is not None:
        rule = f"between {fmt(spec.minimum)} and {fmt(spec.maximum)}"
    else:
        rule = f"at least {fmt(spec.minimum)}" if spec.minimum is not None else f"at most {fmt(spec.maximum)}"
    for i in np.flatnonzero(bad):
        errors[int(i)] = f"{safe(d[int(i)].as_py())} is out of range: must be {rule}"
    return pc.if_else(pa.array(~bad), values, None) if bad.any() else values


def parse_distinct(d: pa.Array, spec: Spec) -> tuple[pa.Array, dict[int, str]]:
    """Parse distinct, trimmed, non-empty values (nulls allowed): typed values and errors by index."""
    errors: dict[int, str] = {}
    k = spec.kind
    if spec.markers and k in ("int", "float"):  # "[x]": not available, as the publisher marks it
        d = pc.if_else(pc.match_substring_regex(d, r"^\[[a-z]\]$"), pa.scalar(None, pa.string()), d)
    if k == "int":
        out = _check_range(_parse_int(d, errors), d, errors, spec)
    elif k == "float":
        out = _check_range(_parse_float(d, errors), d, errors, spec)
    elif k == "bool":
        out = _parse_bool(d, errors)
    elif k in ("date", "month"):
        out = parse_dates(d, errors, k == "month", spec.not_after)
    elif k == "financial_year":
        out = _parse_financial_year(d, errors)
    elif k == "quarter":
        out = _check_range(_parse_quarter(d, errors), d, errors, spec)
    elif spec.allowed is not None:
        out = _parse_allowed(d, errors, spec.allowed)
    elif k == "token":
        out = _parse_token(d, errors, spec)
    elif k == "code":
        out = pc.utf8_upper(d)
    else:
        out = d
    return out, errors


#: Control characters no readable value holds (tab and line breaks are allowed).
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def cell_problems(d: pa.Array, max_chars: int) -> dict[int, str]:
    """Problems of distinct values ``d`` whatever their column: control characters, length."""
    out: dict[int, str] = {}
    if len(d) == 0:
        return out
    ctrl = match(d, CONTROL)
    long = pc.greater(pc.utf8_length(d), max_chars).fill_null(False).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(ctrl | long):
        v = d[int(i)].as_py()
        if ctrl[i]:
            c = re.search(CONTROL, v).group()
            what = "a NUL byte (U+0000)" if c == "\x00" else f"the control character U+{ord(c):04X}"
            out[int(i)] = f"holds {what}: the file is damaged or was not saved as text; export it again"
        else:
            out[int(i)] = (f"a value of {len(v):,} characters: longer than the {max_chars:,} a cell may hold "
                           "(is a quote not closed, or two columns run together?)")
    return out


def clean_text(raw: pa.Array) -> pa.Array:
    """Trim spaces; an empty cell is missing (null)."""
    s = pc.utf8_trim_whitespace(raw)
    return pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)


@dataclass
class Encoded:
    """A column as its distinct values and, per row, the index of its value (-1 = empty)."""

    dictionary: pa.Array
    indices: pa.Array
    codes: np.ndarray

    @property
    def present(self) -> np.ndarray:
        return self.codes >= 0

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        """A flag per distinct value -> a flag per row (False for empty cells)."""
        return np.append(per_value, False)[self.codes]


def encode(raw: pa.Array) -> Encoded:
    """Dictionary-encode a text column, trimming spaces and treating empty cells as missing.

    The raw column is encoded first and only its distinct values are cleaned (then merged
    where trimming makes two the same): far cheaper than cleaning every row.
    """
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    first = pc.dictionary_encode(raw)
    again = pc.dictionary_encode(clean_text(first.dictionary))
    indices = again.indices.take(first.indices)
    return Encoded(again.dictionary, indices, indices.fill_null(-1).to_numpy(zero_copy_only=False))


def parse_column(col: Encoded, spec: Spec) -> Parsed:
    """Parse a whole column through its distinct values (see module docstring)."""
    typed, errors = parse_distinct(col.dictionary, spec)
    flags = np.zeros(len(col.dictionary), bool)
    if errors:
        flags[list(errors)] = True
    return Parsed(typed.take(col.indices), col.spread(flags), col.codes, errors)
