"""Refusing personal identifiers (data minimisation).

The warehouse holds pseudonymised data only: people are opaque ``person_id`` tokens and no
name, date of birth, address, postcode, phone number, email, Police National Computer (PNC)
id or National Insurance number may be loaded. Three checks:

* headers that name such a field (whatever the rest of the file looks like);
* values in any column, free text included, that hold one (``screen``): a UK postcode, an
  email address, a UK phone number, an NI number, a PNC id, or a name with a date of birth,
  in any case, with any spacing or separators, after prefixes (``tel``, ``PNC``, ``P_``),
  and in full-width or other compatibility forms (values are NFKC-normalised first, so
  ``＠`` is ``@``);
* ``person_id`` must fit the declared token shape (``settings.Identifiers``; checked in
  ``values``), so a name, a date or an identifier the patterns miss is refused too.

Assumptions, chosen to keep false alarms rare on the contract's own columns (area and
offence codes, dates, financial years, amounts, pseudonyms like DOR-P000123):

* postcodes need a real postcode area (``BH``, ``SW``, ``E``...; so "Q1 2nd" is not one) and
  a non-alphanumeric character or the cell's edge on both sides;
* phone numbers need 10-11 digits starting 0 (or 9-10 after +44 or 0044), with single
  spaces, dots, hyphens or brackets between digits, and no digit or dot just before or
  (past such separators) after them (so "01.08.2019 12.30" is not one); a ten-digit
  token starting with 0 is;
* NI numbers need their final letter A-D; PNC ids a two- or four-digit year, a slash, up
  to seven digits and a letter;
* "a name with a date of birth": a date marked as one (DOB, date of birth, born), or a date
  from 1900 to 2009 (a caution is given to an adult) right after or before two words, e.g.
  "John Smith 01/02/1985". A date of those years after two words in free text ("changes of
  01/04/1974") is refused too: write it as "April 1974".

Values that look like identifiers are never echoed in messages.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .headers import snake

#: Postcode areas of the UK, Channel Islands and Isle of Man (and BF for BFPO).
_AREAS = ("AB AL B BA BB BD BF BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH "
          "EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK "
          "ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD "
          "TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE").split()
_AREA_RX = "|".join(sorted(_AREAS, key=len, reverse=True))
_L, _R = r"(?:^|[^A-Za-z0-9])", r"(?:[^A-Za-z0-9]|$)"  # RE2 has no look-behind: edges are matched
_SEP = r"[\s.\-_/]{0,3}"
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
#: A date of birth of an adult: 1900 to 2009, day first or ISO, digits or month names.
_BIRTH_DATE = (r"(?:(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?[\s./-]{1,2}(?:0?[1-9]|1[0-2]|" + _MONTHS + r")[\s./,-]{1,3}"
               r"(?:19[0-9]{2}|200[0-9])|(?:19[0-9]{2}|200[0-9])[./-](?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12][0-9]|3[01]))")
_WORD = r"[A-Z][A-Z'’.-]*"

# RE2 (Arrow) and Python ``re`` agree on every construct used here.
_PATTERNS: dict[str, str] = {
    "an email address": (r"(?i:[A-Z0-9._%+-]+(?:@|\s{0,2}[(\[{<]\s{0,2}at\s{0,2}[)\]}>]\s{0,2})[A-Z0-9-]+"
                         r"|[A-Z0-9._%+-]+\s{1,2}at\s{1,2}[A-Z0-9-]+\s{1,2}dot\s{1,2}[A-Z]{2,})"),
    "a National Insurance number": r"(?i:[A-Z]{2}" + _SEP + r"[0-9]{2}" + _SEP + r"[0-9]{2}" + _SEP + r"[0-9]{2}" + _SEP + r"[A-D]" + _R + ")",
    "a PNC id": r"(?i:(?:^|[^0-9])(?:[0-9]{2}|[0-9]{4})\s{0,2}/\s{0,2}[0-9]{1,7}[A-Z]" + _R + ")",
    "a UK phone number": (r"(?:(?:\+|(?:^|[^0-9])00)\s{0,2}44\s{0,2}(?:\(\s{0,2}0\s{0,2}\)\s{0,2})?|(?:^|[^0-9.])\(?\s{0,2}0)"
                          r"(?:[0-9][\s.()-]{0,3}){8,9}[0-9][\s.()-]{0,3}(?:[^0-9\s.()-]|$)"),
    "a UK postcode": (r"(?i:" + _L + r"(?:GIR\s{0,3}0AA|(?:" + _AREA_RX + r")[0-9][A-Z0-9]?\s{0,3}[0-9][ABD-HJLNP-UW-Z]{2})" + _R + ")"),
    "a name with a date of birth": (
        r"(?i:" + _L + r"(?:d\.?\s?o\.?\s?b|date\s{0,2}of\s{0,2}birth|birth\s{0,2}date|born(?:\s{1,2}on)?)[^A-Za-z0-9]{0,6}[0-9]"
        r"|" + _WORD + r"[\s,]{1,3}" + _WORD + r"[\s,:;(\[-]{1,4}(?:b\.?\s{0,2})?" + _BIRTH_DATE + r"(?:[^0-9]|$)"
        r"|(?:^|[^0-9])" + _BIRTH_DATE + r"[\s,)\]-]{1,4}" + _WORD + r"[\s,]{1,3}" + _WORD + ")"),
}
_ANY = "|".join(f"(?:{p})" for p in _PATTERNS.values())


@lru_cache(maxsize=1)
def _unstable_class() -> str:
    """A regex class of every character NFKC changes (``screen`` normalises values first)."""
    cps = [c for c in range(0x80, 0x110000) if not unicodedata.is_normalized("NFKC", chr(c))]
    ranges, start, prev = [], cps[0], cps[0]
    for c in cps[1:] + [-1]:
        if c != prev + 1:
            ranges.append(f"\\x{{{start:x}}}" + (f"-\\x{{{prev:x}}}" if prev != start else ""))
            start = c
        prev = c
    return "[" + "".join(ranges) + "]"


#: For DuckDB (``records``): matches at least every *raw* CSV cell whose value ``screen``
#: flags. ``screen`` sees the value trimmed, unquoted and NFKC-normalised; the raw cell may
#: still have its quotes and spaces (every pattern's edges accept a quote or a space, so
#: they match raw too), and characters NFKC would change are flagged wherever they are, as
#: are the spaces trimming removes that RE2's ``\s`` does not cover, and line breaks.
SQL_SCREEN = "|".join([
    _ANY,
    _unstable_class(),
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


def normalise(values: pa.Array) -> pa.Array:
    """Values in NFKC form (full-width ``＠`` is ``@``, ``①`` is ``1``), with Python's Unicode
    tables, as ``kind_of`` and the SQL screen's class of changed characters use them."""
    if len(values) == 0 or pc.all(pc.string_is_ascii(values)).as_py() is not False:
        return values  # all ASCII (or all missing): nothing to change
    return pa.array([v if v is None or v.isascii() else unicodedata.normalize("NFKC", v)
                     for v in values.cast(pa.string()).to_pylist()], pa.string())


def screen(values: pa.Array) -> np.ndarray:
    """Vectorised: True where a (string) value contains something that looks like PII."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    hit = pc.match_substring_regex(normalise(values), _ANY)
    return hit.fill_null(False).to_numpy(zero_copy_only=False)


def kind_of(value: str) -> str | None:
    """Which identifier a single value looks like (for the message), or None."""
    value = unicodedata.normalize("NFKC", value)
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
