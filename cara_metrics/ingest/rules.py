"""What each column must hold, and the rules that tie columns of a row together.

Column specs come from the contract (type, allowed values, minimum and maximum); this module
adds what the contract states in words: crime ``month`` is a month, financial years look
like 2019/20, quarters may be written Q1, offence codes are upper case, no event date lies
in the future, and the order of events in a row (workshop 2 after workshop 1, outcome and
workshops after the caution, a reoffence proven after it was committed).

Assumption: an areas table's ``valid_from``/``valid_to`` may lie in the future (a
reorganisation is announced before it happens); every other date is an event that has
happened, so a future date is a typing error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import contract as C
from .headers import compact
from .settings import Identifiers
from .values import Spec

#: Columns holding an area, and what kind of area must be there.
AREA_COLUMNS = {"crime": "la", "referrals": "la", "cohort": "la", "population": "la_current"}
FINANCIAL_YEAR = {("costs", "financial_year"), ("crime_context", "financial_year"),
                  ("crime_context_force", "financial_year"), ("da_crime_ons", "financial_year")}
QUARTER = {("costs", "quarter"), ("crime_context", "quarter"), ("crime_context_force", "quarter")}
CODES = {"offence_code", "area_code", "parent_code", "successor_code", "force_code", "lsoa_code"}
FUTURE_OK = {("areas", "valid_from"), ("areas", "valid_to")}
#: Columns holding a pseudonymous token of the declared shape (``settings.Identifiers``).
TOKENS = {"person_id"}

_SYNONYMS: dict[str, dict[str, str]] = {
    "sex": {"m": "male", "f": "female", "man": "male", "woman": "female", "other": "other_or_not_stated",
            "notstated": "other_or_not_stated", "unknown": "other_or_not_stated", "prefernottosay": "other_or_not_stated"},
    "index_offence": {compact(label): key for key, label in C.INDEX_OFFENCE_LABELS.items()},
    "age_band": {"55andover": "55+", "55plus": "55+", "55andolder": "55+"},
    "outcome": {"complete": "completed", "breach": "breached", "withdraw": "withdrawn", "ongoing": "in_progress"},
    "area_type": {"csp": "community_safety_partnership", "la": "local_authority", "policeforce": "force",
                  "policeforcearea": "force"},
}


def spec_for(table: str, col: C.Column, today: dt.date, ids: Identifiers | None = None) -> Spec:
    """How ingest reads ``col`` of ``table`` (``ids``: the declared token shape; default if None)."""
    not_after = None if (table, col.name) in FUTURE_OK else today
    if col.name in TOKENS:
        ids = ids or Identifiers()
        return Spec("token", pattern=re.compile(ids.person_id), shape=ids.shape(),
                    refuse_dates=ids.refuse_dates_in_person_id, not_after=today)
    if (table, col.name) in FINANCIAL_YEAR:
        return Spec("financial_year")
    if (table, col.name) in QUARTER:
        return Spec("quarter", minimum=col.minimum, maximum=col.maximum)
    if table == "crime" and col.name == "month":
        return Spec("month", not_after=today)
    if col.allowed is not None:
        allowed = {compact(v): v for v in col.allowed}
        allowed.update(_SYNONYMS.get(col.name, {}))
        return Spec("string", allowed=allowed)
    if col.dtype == "string":
        return Spec("code" if col.name in CODES else "string")
    if col.dtype == "date":
        return Spec("date", not_after=not_after)
    # ONS tables mark a figure that is not available as [x] (or [z], [c]): empty, not an error.
    return Spec(col.dtype, minimum=col.minimum, maximum=col.maximum, markers=table == "da_crime_ons")


@dataclass(frozen=True)
class Finding:
    """Rows breaking a rule: a mask, the column to blame, and the message for a row."""

    mask: np.ndarray
    column: str
    message: Callable[[int], str]


def _days(a: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970 and a has-value flag, for a date column."""
    days = pc.cast(a, pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    return days, a.is_valid().to_numpy(zero_copy_only=False)


def _d(a: pa.Array, i: int) -> str:
    v = a[i].as_py()
    return v.strftime("%d/%m/%Y") if v else "none"


def _before(cols, later: str, earlier: str, text: str) -> Finding:
    a, ha = _days(cols[later])
    b, hb = _days(cols[earlier])
    return Finding(ha & hb & (a < b), later,
                   lambda i: text.format(later=_d(cols[later], i), earlier=_d(cols[earlier], i)))


def _referrals(cols: dict[str, pa.Array]) -> list[Finding]:
    out = [
        _before(cols, "workshop1_date", "caution_date", "workshop 1 ({later}) is before the caution ({earlier})"),
        _before(cols, "workshop2_date", "workshop1_date", "workshop 2 ({later}) is before workshop 1 ({earlier})"),
        _before(cols, "outcome_date", "caution_date", "the outcome ({later}) is before the caution ({earlier})"),
    ]
    has_w1 = cols["workshop1_date"].is_valid().to_numpy(zero_copy_only=False)
    has_w2 = cols["workshop2_date"].is_valid().to_numpy(zero_copy_only=False)
    has_out = cols["outcome_date"].is_valid().to_numpy(zero_copy_only=False)
    outcome = np.array(cols["outcome"].fill_null("").to_pylist(), dtype=object)
    out.append(Finding(has_w2 & ~has_w1, "workshop2_date", lambda i: "workshop 2 has a date but workshop 1 has none"))
    out.append(Finding((outcome == "completed") & ~has_w2, "workshop2_date",
                       lambda i: "the outcome is 'completed' but workshop 2 has no date"))
    closed = np.isin(outcome, C.CLOSED_OUTCOMES)
    out.append(Finding(closed & ~has_out, "outcome_date", lambda i: f"the outcome '{outcome[i]}' needs an outcome date"))
    out.append(Finding((outcome == "in_progress") & has_out, "outcome_date",
                       lambda i: "a referral still in progress has no outcome date: clear it or give the outcome"))
    return out


def _reoffences(cols: dict[str, pa.Array]) -> list[Finding]:
    return [_before(cols, "proven_date", "offence_date", "proven ({later}) before the offence was committed ({earlier})")]


def _areas(cols: dict[str, pa.Array]) -> list[Finding]:
    same = pc.equal(cols["successor_code"], cols["area_code"]).fill_null(False).to_numpy(zero_copy_only=False)
    return [
        _before(cols, "valid_to", "valid_from", "valid_to ({later}) is before valid_from ({earlier})"),
        Finding(same, "successor_code", lambda i: "an area cannot be its own successor"),
    ]


def quarter_start(fy_label: str, quarter: int) -> dt.date:
    """First day of financial quarter ``quarter`` (1 = April) of year '2019/20'."""
    start = C.parse_financial_year(fy_label)
    month = 4 + 3 * (quarter - 1)
    return dt.date(start + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _future_quarter(cols: dict[str, pa.Array], today: dt.date) -> list[Finding]:
    fy, q = cols["financial_year"], cols["quarter"]
    enc = pc.dictionary_encode(fy)
    start_year = np.array([int(v[:4]) for v in enc.dictionary.to_pylist()] + [0], np.int64)
    year = start_year[enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)]
    quarter = q.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    # Months counted from year 0: April of the start year is month 3 of that year.
    first_month = year * 12 + 3 + 3 * (quarter - 1)
    mask = fy.is_valid().to_numpy(zero_copy_only=False) & q.is_valid().to_numpy(zero_copy_only=False)
    mask &= first_month > today.year * 12 + today.month - 1
    return [Finding(mask, "quarter", lambda i: f"quarter {q[i].as_py()} of {fy[i].as_py()} has not started yet")]


def _ons_area_code(cols: dict[str, pa.Array], today: dt.date) -> list[Finding]:
    """ONS tables name each force by its ONS code (E23/W15; K04, E92, W92 for the totals)."""
    code = cols["area_code"]
    ok = pc.match_substring_regex(code, r"^[EWK]\d{8}$").fill_null(True).to_numpy(zero_copy_only=False)
    return [Finding(~ok, "area_code", lambda i: f"not an ONS area code like E23000039: {code[i].as_py()}; "
                    "give the police force area code column as published")]


ROW_RULES: dict[str, Callable[[dict[str, pa.Array], dt.date], list[Finding]]] = {
    "referrals": lambda cols, today: _referrals(cols),
    "reoffences": lambda cols, today: _reoffences(cols),
    "areas": lambda cols, today: _areas(cols),
    "costs": _future_quarter,
    "crime_context": _future_quarter,
    "crime_context_force": _future_quarter,
    "da_crime_ons": _ons_area_code,
}
