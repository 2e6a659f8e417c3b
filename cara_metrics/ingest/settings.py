"""Ingest settings: the declared shape of ``person_id`` and the limits on what a file may expand to.

Read from ``config/ingest.toml`` (in the project), or the file named by ``--config`` or the
``CARA_INGEST_CONFIG`` environment variable. A setting the file leaves out keeps its default
(the values below, which the shipped file repeats); an unknown key, a wrong type or a pattern
that does not compile is an error naming the file and the key, so a typo never silently
loosens a check.

Assumptions: the defaults fit every real extract we know of. A workbook sheet holds at most
what Excel and LibreOffice can (1,048,576 rows, 16,384 columns); a national Home Office table
is tens of thousands of rows by nine columns; no cell holds more than Excel's 32,767
characters. Pseudonyms are tokens like ``DOR-P000123``; a force whose tokens look different
declares their shape.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "ingest.toml"
ENV = "CARA_INGEST_CONFIG"


class SettingsError(Exception):
    """The settings file cannot be used; the message names the file, the key and what is wrong."""


@dataclass(frozen=True)
class Identifiers:
    """The declared shape of a pseudonymous ``person_id`` token."""

    person_id: str = r"[A-Z][A-Z0-9-]{0,30}[0-9]"
    person_id_description: str = ("a capital letter, then capital letters, digits or hyphens, "
                                  "ending with a digit (2 to 32 characters)")
    person_id_example: str = "DOR-P000123"
    refuse_dates_in_person_id: bool = True

    def shape(self) -> str:
        """The expected shape, as the refusal message names it."""
        return f"{self.person_id_description}, e.g. {self.person_id_example} (pattern {self.person_id!r})"


@dataclass(frozen=True)
class Limits:
    """What one file may expand to before it is refused (see ``config/ingest.toml``)."""

    max_rows_per_sheet: int = 1_048_576
    max_row_repeats: int = 1_000
    max_columns: int = 16_384
    max_cells_per_sheet: int = 20_000_000
    max_sheet_part_mb: int = 2048
    max_other_part_mb: int = 64
    max_value_chars: int = 32_767

    @property
    def sheet_part_bytes(self) -> int:
        return self.max_sheet_part_mb << 20

    @property
    def other_part_bytes(self) -> int:
        return self.max_other_part_mb << 20

    @property
    def text_run_bytes(self) -> int:
        """Longest run of workbook XML without a tag: a cell value at its longest, escaped
        (``&amp;`` is five bytes for one character), with room to spare."""
        return max(self.max_value_chars * 8, 1 << 20)


@dataclass(frozen=True)
class Settings:
    identifiers: Identifiers = field(default_factory=Identifiers)
    limits: Limits = field(default_factory=Limits)
    source: str = "built-in defaults"

    def person_id_pattern(self) -> re.Pattern:
        return re.compile(self.identifiers.person_id)


def _section(data: dict, name: str, cls, where: str):
    given = data.get(name, {})
    if not isinstance(given, dict):
        raise SettingsError(f"{where}: [{name}] must be a section")
    known = {f.name: f for f in fields(cls)}
    out = cls()
    for key, value in given.items():
        if key not in known:
            raise SettingsError(f"{where}: [{name}] {key}: unknown setting (known: {', '.join(known)})")
        want = type(getattr(out, key))
        if want is int and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
            raise SettingsError(f"{where}: [{name}] {key}: must be a whole number above 0, not {value!r}")
        if want is not int and not isinstance(value, want):
            raise SettingsError(f"{where}: [{name}] {key}: must be {want.__name__}, not {value!r}")
        out = replace(out, **{key: value})
    return out


def load(path: Path | str | None = None) -> Settings:
    """Settings from ``path``, else ``$CARA_INGEST_CONFIG``, else ``config/ingest.toml`` (defaults if absent)."""
    explicit = path is not None or bool(os.environ.get(ENV))
    p = Path(path if path is not None else os.environ.get(ENV) or DEFAULT_PATH)
    if not p.is_file():
        if explicit:
            raise SettingsError(f"{p}: no such settings file")
        return Settings()
    where = str(p)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{where}: cannot be read as TOML ({exc})") from None
    unknown = set(data) - {"identifiers", "limits"}
    if unknown:
        raise SettingsError(f"{where}: unknown section [{sorted(unknown)[0]}] (known: [identifiers], [limits])")
    ids = _section(data, "identifiers", Identifiers, where)
    limits = _section(data, "limits", Limits, where)
    try:
        rx = re.compile(ids.person_id)
    except re.error as exc:
        raise SettingsError(f"{where}: [identifiers] person_id: not a regular expression ({exc})") from None
    if not rx.fullmatch(ids.person_id_example):
        raise SettingsError(f"{where}: [identifiers] person_id_example {ids.person_id_example!r} "
                            f"does not fit the pattern {ids.person_id!r}")
    return Settings(ids, limits, where)


_DDMMYYYY = re.compile(r"(?<![0-9])([0-9]{8})(?![0-9])")


def date_inside(token: str, today: dt.date) -> bool:
    """True when ``token`` holds exactly eight digits in a row that read as a date from 1900
    to ``today``, day first (01021985) or year first (19850201): a date of birth."""
    for m in _DDMMYYYY.finditer(token):
        s = m.group(1)
        for d, mth, y in ((s[:2], s[2:4], s[4:]), (s[6:], s[4:6], s[:4])):
            try:
                when = dt.date(int(y), int(mth), int(d))
            except ValueError:
                continue
            if dt.date(1900, 1, 1) <= when <= today:
                return True
    return False
