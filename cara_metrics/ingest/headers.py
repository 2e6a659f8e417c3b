"""Which table a file holds, told from its header row.

Headers are matched loosely: case, spaces and punctuation are ignored, so "Caution Date",
"caution_date" and "CAUTION-DATE" are the same column. Each table can arrive in one or
more *shapes* (the contract's own columns; record-level crime; the Home Office open data
tables in both their header variants). A file is the shape whose required columns are all
present; when none fits, the nearest shape is reported with the missing columns and, for
each, the closest header in the file (difflib), which is usually a typo.

Assumptions: the header row names each column once; a column the shape does not know is
ignored with a note (unless it looks like a personal identifier, see ``pii``, or like a
misspelling of one of the shape's columns, which would otherwise lose data silently).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .. import contract as C

#: Sheets that hold notes, not data (compared after ``compact``): skipped in workbooks.
SKIPPED_SHEETS = frozenset({
    "notes", "note", "contents", "tableofcontents", "cover", "coversheet", "metadata", "readme",
    "information", "info", "about", "definitions", "guidance", "glossary",
})


def compact(text: object) -> str:
    """The loose matching key: lower case letters and digits only ("Caution Date" -> "cautiondate")."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower().replace("&", "and"))


def snake(text: object) -> str:
    """Lower case words joined by underscores ("CAUTION-DATE" -> "caution_date")."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower().replace("&", "and")).strip("_")


# Extra spellings seen in extracts, per (table or "*", field). The contract's own column
# name is always accepted; these are additions. "*" applies to every table with the field.
_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("*", "area_code"): ("area", "localauthority", "localauthoritycode", "lacode", "ladcode", "district", "districtcode"),
    ("*", "offence_code"): ("hooffencecode", "homeofficeoffencecode"),
    ("*", "person_id"): ("pseudonym", "pseudonymisedid", "personpseudonym"),
    ("*", "da_flag"): ("domesticabuse", "domesticabuseflag", "daflagged", "domesticabuserelated", "isdomesticabuse", "domesticflag"),
    ("crime", "month"): ("recordedmonth", "monthrecorded"),
    ("crime", "offences"): ("offencecount", "numberofoffences", "count", "crimes", "numberofcrimes"),
    ("crime_context", "force_name"): ("policeforce", "force"),
    ("crime_context", "quarter"): ("financialquarter",),
    ("crime_context", "csp_name"): ("csp", "communitysafetypartnership"),
    ("crime_context", "offences"): ("numberofoffences", "offencecount"),
    ("costs", "quarter"): ("financialquarter",),
    ("costs", "cost_gbp"): ("cost", "amount", "amountgbp", "costpounds"),
    ("referrals", "caution_date"): ("dateofcaution",),
    ("population", "population"): ("residents", "midyearpopulation", "populationestimate"),
    # Home Office open data, force level (prc-pfa files): "Force Name" / "Number of Offences"
    # in the older files, "Police Force" / "Offence Count" in the later ones.
    ("crime_context_force", "force_name"): ("policeforce", "force"),
    ("crime_context_force", "quarter"): ("financialquarter",),
    ("crime_context_force", "offences"): ("numberofoffences", "offencecount"),
    # ONS domestic abuse-related crimes by police force area (data tool / appendix tables).
    ("da_crime_ons", "area_code"): ("policeforceareacode", "pfacode", "forcecode", "areacode", "geographycode", "code"),
    ("da_crime_ons", "area_name"): ("policeforceareaname", "policeforcearea", "pfaname", "forcename", "areaname",
                                    "geographyname", "geography", "name"),
    ("da_crime_ons", "financial_year"): ("year", "yearendingmarch", "period", "timeperiod", "financialyear"),
    ("da_crime_ons", "da_crimes"): ("domesticabuserelatedcrimes", "numberofdomesticabuserelatedcrimes",
                                    "domesticabuserelatedcrimesnumber", "numberofcrimes"),
    ("da_crime_ons", "rate_per_1000"): ("rateper1000population", "rateper1000", "domesticabuserelatedcrimesper1000population",
                                        "rateper1000people"),
    ("da_crime_ons", "share_of_crime_pct"): ("percentageofallcrime", "percentageofallcrimes", "proportionofallcrime",
                                             "percentageofallpolicerecordedcrime", "percentageofpolicerecordedcrime",
                                             "domesticabuserelatedcrimesasapercentageofallcrime", "percentofallcrime"),
    ("da_crime_ons", "note"): ("notes", "marker", "footnote"),
}
#: Columns a file must have although a row may leave them empty (ONS marks a missing figure [x]).
_SHAPE_NEEDS = {"da_crime_ons": ("da_crimes",)}
#: Columns ingest works out itself: a raw file may carry them but never has to.
DERIVED = ("area_code_original",)
#: Record-level crime: one row per crime; ``recorded_date`` or ``month`` gives the month.
RECORD_DATE_ALIASES = ("recordeddate", "daterecorded", "crimerecordeddate", "recordedon", "recordeddatetime")


@dataclass(frozen=True)
class Shape:
    """One way a table can arrive: field -> accepted compact headers, and what must be there."""

    table: str
    variant: str  # "" for the contract's columns, "records" for record-level crime
    fields: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    one_of: tuple[str, ...] = ()  # at least one of these must be present

    @property
    def label(self) -> str:
        return f"{self.table} ({self.variant})" if self.variant else self.table


def _accepted(table: str, name: str) -> tuple[str, ...]:
    extra = _ALIASES.get((table, name), ()) + (_ALIASES.get(("*", name), ()) if table != "areas" else ())
    return (compact(name),) + extra


def _contract_shape(t: C.Table) -> Shape:
    fields = {c.name: _accepted(t.name, c.name) for c in t.columns}
    optional = set(DERIVED) | ({"series"} if t.name == "crime" else set()) | ({"area_code"} if t.name in ("crime_context", "crime_context_force") else set())
    required = tuple(c.name for c in t.columns if (c.required or c.name in _SHAPE_NEEDS.get(t.name, ()))
                     and c.name not in optional)
    return Shape(t.name, "", fields, required)


def _records_shape() -> Shape:
    base = _contract_shape(C.CRIME)
    fields = {k: v for k, v in base.fields.items() if k != "offences"}
    fields["recorded_date"] = RECORD_DATE_ALIASES
    required = tuple(r for r in base.required if r not in ("offences", "month"))
    return Shape("crime", "records", fields, required, one_of=("recorded_date", "month"))


def _mye_shape() -> Shape:
    """ONS mid-year population estimates as published (the MYE2 tables, persons): one row per
    area with its code, name, kind of geography, ``All ages`` and one column per single year
    of age. The mid-year is in the title above the header (or the file name), not a column;
    the rows hold the countries, regions and counties too, which ingest skips."""
    fields = {
        "area_code": ("code", "areacode", "ladcode", "geographycode"),
        "area_name": ("name", "areaname", "laname"),
        "geography": ("geography", "geography1", "geographytype"),
        "population": ("allages",),
    }
    return Shape("population", "mye", fields, ("area_code", "population", "geography"))


SHAPES: tuple[Shape, ...] = tuple(_contract_shape(t) for t in C.TABLES.values()) + (_records_shape(), _mye_shape())


@dataclass
class Detection:
    """The shape chosen for a header row, and how its columns line up."""

    shape: Shape
    columns: dict[str, int]  # field -> index of its header
    missing: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, list[int]]] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.duplicates


def _match(shape: Shape, keys: list[str]) -> Detection:
    columns: dict[str, int] = {}
    dup: dict[str, list[int]] = {}
    lookup = {alias: name for name, aliases in shape.fields.items() for alias in aliases}
    unknown = []
    for i, k in enumerate(keys):
        name = lookup.get(k)
        if name is None:
            unknown.append(i)
        elif name in columns:
            dup.setdefault(name, [columns[name]]).append(i)
        else:
            columns[name] = i
    missing = [r for r in shape.required if r not in columns]
    if shape.one_of and not any(f in columns for f in shape.one_of):
        missing.append(shape.one_of[0])
    return Detection(shape, columns, missing, sorted(dup.items()), unknown)


def detect(headers: list[str], kind: str | None = None) -> Detection:
    """The best shape for ``headers`` (restricted to table ``kind`` if given)."""
    keys = [compact(h) for h in headers]
    shapes = [s for s in SHAPES if kind is None or s.table == kind]
    found = [_match(s, keys) for s in shapes]
    # Complete shapes first; among them the one that uses the most columns (an aggregated
    # crime file also fits the record-level shape, but uses one column fewer).
    def rank(d: Detection):
        share = 1 - len(d.missing) / max(len(d.shape.required) + bool(d.shape.one_of), 1)
        return (d.complete, share, len(d.columns))

    return max(found, key=rank)


def plausible(d: Detection) -> bool:
    """Whether a failed detection is close enough to name its missing columns (vs 'unknown table')."""
    need = len(d.shape.required) + bool(d.shape.one_of)
    return (need - len(d.missing)) >= max(1, need // 2)


#: Headers of the published layouts ingest reads whole (``ingest.public``): never proposed as
#: one of a table's columns.
PUBLIC_HEADERS = frozenset({"crimeid", "reportedby", "fallswithin", "longitude", "latitude", "location", "lsoacode",
                            "lsoaname", "crimetype", "lastoutcomecategory", "context", "objectid"})
#: Geographies finer than a council: a column of these is never an area_code.
FINER_AREAS = ("lsoa", "msoa", "ward", "oa", "postcode")


def compatible(field: str, header: str) -> bool:
    """Whether ``header`` could hold ``field``: not a column another field (of any table) or a
    published layout is known by, and for an area column not a finer geography (an LSOA code
    is not an area_code). Only compatible headers are proposed in a "did you mean"."""
    k = compact(header)
    if k in PUBLIC_HEADERS or (field in ("area_code", "area_code_original") and k.startswith(FINER_AREAS)):
        return False
    return not any(k in aliases for s in SHAPES for f, aliases in s.fields.items() if f != field)


def suggest(name: str, candidates: list[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``name`` when matched loosely, or None."""
    by_key = {compact(c): c for c in candidates if compact(c)}
    hit = difflib.get_close_matches(compact(name), list(by_key), n=1, cutoff=cutoff)
    return by_key[hit[0]] if hit else None


def misspelt(d: Detection, headers: list[str], cutoff: float = 0.8) -> dict[int, str]:
    """Unknown headers that are very close to a field the shape lacks: index -> field."""
    absent = [f for f in d.shape.fields if f not in d.columns]
    out = {}
    for i in d.unknown:
        hit = suggest(headers[i], [f for f in absent if compatible(f, headers[i])], cutoff)
        if hit and compact(headers[i]):
            out[i] = hit
    return out


def is_skipped_sheet(name: str) -> bool:
    return compact(name) in SKIPPED_SHEETS
