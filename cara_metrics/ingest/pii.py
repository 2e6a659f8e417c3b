"""Refusing personal identifiers (data minimisation).

The warehouse holds pseudonymised data only: people are opaque ``person_id`` tokens and no
name, date of birth, address, postcode, phone number, email, Police National Computer (PNC)
id or National Insurance number may be loaded. Two checks:

* headers that name such a field (whatever the rest of the file looks like), and
* values in any column that look like one (UK postcode, email, UK phone number,
  NI number, PNC id like 12/123456A).

Assumptions, chosen to keep false alarms rare on the contract's own columns: postcodes are
recognised in capitals anywhere in a cell, or in any case when the cell holds nothing
else (so "the Q1 2nd payment" is not a postcode); phone numbers need 10-11 digits starting
0 or +44 (so a pseudonym of 10 digits starting 0 is refused: issue tokens that do not look
like phone numbers). Values that look like identifiers are never echoed in messages.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .headers import snake

# RE2 (Arrow) and Python ``re`` agree on every construct used here.
_PATTERNS: dict[str, str] = {
    "an email address": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    "a National Insurance number": r"(?i:\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b)",
    "a PNC id": r"(?i:\b(?:\d{2}|\d{4})/\d{1,7}[A-Z]\b)",
    "a UK phone number": r"(?:\+44\s?(?:\(0\)\s?)?|\b0)(?:\d[\s-]?){8,9}\d\b",
    "a UK postcode": r"\b(?:GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b|(?i:^\s*[a-z]{1,2}[0-9][a-z0-9]? ?[0-9][a-z]{2}\s*$)",
}
_ANY = "|".join(f"(?:{p})" for p in _PATTERNS.values())
#: For DuckDB (``records``): matches at least every *raw* CSV cell whose value ``screen``
#: flags. ``screen`` sees the value trimmed and unquoted; the raw cell may still have its
#: quotes (no pattern matches a quote, so only the whole-cell postcode needs a quoted
#: form) and spaces (RE2's ``\s`` covers those trimming removes except the ones listed last,
#: which are flagged wherever they are, as are line breaks).
SQL_SCREEN = "|".join([
    _ANY,
    r'(?i:^"\s*[a-z]{1,2}[0-9][a-z0-9]? ?[0-9][a-z]{2}\s*"$)',
    r"[\n\r\x0b\x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]",
])
_COMPILED = {label: re.compile(p) for label, p in _PATTERNS.items()}

# Header words (after ``snake``) that name personal identifiers. Single tokens are matched
# as whole words so "macro" or "scope" never trip "cro" or "dob".
_HEADER_TOKENS = {
    "name": "names", "names": "names", "forename": "names", "forenames": "names", "surname": "names",
    "firstname": "names", "lastname": "names", "fullname": "names", "middlename": "names",
    "dob": "dates of birth", "birthdate": "dates of birth", "birthday": "dates of birth",
    "address": "addresses", "addr": "addresses", "street": "addresses",
    "postcode": "postcodes", "postcodes": "postcodes", "zip": "postcodes", "zipcode": "postcodes",
    "phone": "phone numbers", "telephone": "phone numbers", "mobile": "phone numbers", "tel": "phone numbers",
    "email": "email addresses", "e_mail": "email addresses",
    "pnc": "PNC ids", "cro": "PNC ids",
    "nino": "National Insurance numbers",
}
_HEADER_PHRASES = {
    "first_name": "names", "last_name": "names", "family_name": "names", "given_name": "names",
    "full_name": "names", "date_of_birth": "dates of birth", "birth_date": "dates of birth",
    "post_code": "postcodes", "postal_code": "postcodes", "house_number": "addresses",
    "address_line": "addresses", "phone_number": "phone numbers", "contact_number": "phone numbers",
    "tel_no": "phone numbers", "e_mail": "email addresses", "ni_number": "National Insurance numbers",
    "ni_no": "National Insurance numbers", "national_insurance": "National Insurance numbers",
}
#: Words that make a "name" column about something other than a person.
_NOT_PEOPLE = ("area", "csp", "force", "offence", "sheet", "file", "question", "series", "group")
#: Contract columns whose names contain "name" but hold places, not people.
_PLACE_NAMES = {"area_name", "csp_name", "force_name"}


def header_kind(header: str) -> str | None:
    """What personal identifier a header names ('names', 'postcodes', ...), or None."""
    s = snake(header)
    if not s or s in _PLACE_NAMES:
        return None
    padded = f"_{s}_"
    for phrase, kind in _HEADER_PHRASES.items():
        if f"_{phrase}_" in padded:
            return kind
    tokens = s.split("_")
    for t in tokens:
        if t in _HEADER_TOKENS:
            # "offender_name", "victim_name": a bare "name" token is a person's name unless
            # the column is about a place or an offence.
            if t == "name" and any(w in tokens for w in _NOT_PEOPLE):
                continue
            return _HEADER_TOKENS[t]
        if t.endswith("email") or t.startswith("email"):
            return "email addresses"
        if t.endswith("postcode"):
            return "postcodes"
    return None


def screen(values: pa.Array) -> np.ndarray:
    """Vectorised: True where a (string) value contains something that looks like PII."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    hit = pc.match_substring_regex(values, _ANY)
    return hit.fill_null(False).to_numpy(zero_copy_only=False)


def kind_of(value: str) -> str | None:
    """Which identifier a single value looks like (for the message), or None."""
    for label, rx in _COMPILED.items():
        if rx.search(value):
            return label
    return None


def safe(value: object, limit: int = 40) -> str:
    """A value fit to print in a message: quoted, shortened, and hidden if it looks like PII."""
    text = "" if value is None else str(value)
    if kind_of(text):
        return "(value not shown: it looks like a personal identifier)"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
