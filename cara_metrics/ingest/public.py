"""Public series loaded as published, each recognised by its header row.

* The ONS "LAD to CSP to PFA" lookup (Open Geography Portal), any vintage: headers such as
  ``LAD23CD, LAD23NM, CSP23CD, CSP23NM, PFA23CD, PFA23NM`` (``LAD21CD``... for other years;
  a byte-order mark is stripped by the reader). It becomes the ``areas`` table: one row per
  force (E23/W15), CSP (E22, or W14 in Wales) and council (E06/E07/E08/E09/W06). A council listed under
  one CSP has that CSP as its parent; a council listed under several (Bournemouth,
  Christchurch and Poole: three) has its force as parent and one ``area_memberships`` row
  per CSP, so no CSP is picked silently. When the lookup holds the councils that replaced
  the Dorset districts on 1 April 2019, the eight former districts are added (successor,
  ``valid_to`` 31 March 2019, and the CSP each was in, ``contract.DORSET_FORMER_CSP_NAMES``),
  so older records keep mapping by code and by name.
* data.police.uk street-level crime (``YYYY-MM-<force>-street.csv``): header ``Crime ID,
  Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name,
  Crime type, Last outcome category, Context``. Counted into ``street_crime`` by month,
  reporting force, LSOA and category. Anti-social behaviour is not crime: left out and
  counted in the load's notes. The LSOA name's prefix ("Bournemouth 001A") is the district
  at the time the LSOAs were drawn, matched exactly to a council (current or former) in the
  areas table; a district of another force, or one not in the areas table at all, makes the
  crime ``outside_force`` (it still counts for the reporting force); no LSOA makes it
  ``not_located``. Coordinates, street names, crime IDs and outcomes are not stored.

Assumption: these files are published open data, already anonymised by their publishers;
the columns that are kept (codes, names of areas, categories, months) are screened like any
other by the usual value checks only where they are stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from .. import contract as C
from .formats import Sheet
from .headers import compact
from .pii import safe

if TYPE_CHECKING:  # the stager imports this module
    from .stage import Stager

#: Which table each public layout loads into.
TABLE_OF = {"ons_lookup": "areas", "police_uk": "street_crime"}
TITLE_OF = {"ons_lookup": "ONS LAD to CSP to PFA lookup", "police_uk": "data.police.uk street-level crime"}

_ONS_FIELDS = ("lad", "csp", "pfa")
_POLICE_UK = {"crimeid": "crime_id", "month": "month", "reportedby": "reported_by", "fallswithin": "falls_within",
              "longitude": "longitude", "latitude": "latitude", "location": "location", "lsoacode": "lsoa_code",
              "lsoaname": "lsoa_name", "crimetype": "crime_type", "lastoutcomecategory": "last_outcome"}
_POLICE_UK_REQUIRED = ("month", "reported_by", "lsoa_code", "lsoa_name", "crime_type", "falls_within", "crime_id")

#: ONS code shapes by area type.
CODE_PATTERNS = {
    "force": re.compile(r"^(E23|W15)\d{6}$"),
    # Welsh CSPs carry W14 codes in the published lookup (W22 is accepted as well).
    "community_safety_partnership": re.compile(r"^(E22|W14|W22)\d{6}$"),
    "local_authority": re.compile(r"^(E06|E07|E08|E09|W06)\d{6}$"),
}
_LSOA_NAME = re.compile(r"^(?P<district>.+?)\s+\d{3}[A-Z]$")
_LSOA_CODE = re.compile(r"^[EW]01\d{6}$")


def recognise(cells: list[str]) -> tuple[str, dict[str, int]] | None:
    """(layout, field -> column index) when a header row is one of the public layouts."""
    keys = [compact(c) for c in cells]
    ons: dict[str, int] = {}
    vintages = set()
    for j, k in enumerate(keys):
        m = re.fullmatch(r"(lad|csp|pfa)(\d{2})(cd|nm)", k)
        if m:
            ons[f"{m.group(1)}_{m.group(3)}"] = j
            vintages.add(m.group(2))
    if len(ons) == 6 and len(vintages) == 1:
        return "ons_lookup", ons
    police = {_POLICE_UK[k]: j for j, k in enumerate(keys) if k in _POLICE_UK}
    if all(f in police for f in _POLICE_UK_REQUIRED):
        return "police_uk", police
    return None


def find(sheet: Sheet, kind: str | None) -> tuple[int, str, dict[str, int]] | None:
    """(candidate index, layout, columns) of the first header row that is a public layout."""
    for i, (_row, cells) in enumerate(sheet.candidates):
        got = recognise(cells)
        if got and (kind is None or TABLE_OF[got[0]] == kind):
            return i, got[0], got[1]
    return None


def _text(batch_col: pa.Array) -> list[str | None]:
    out = []
    for v in batch_col.to_pylist():
        v = v.strip() if isinstance(v, str) else v
        out.append(v or None)
    return out


def stage(stager: "Stager", sheet: Sheet, cand: int, layout: str, columns: dict[str, int]) -> str:
    """Read and stage a sheet in a public layout; returns the table it loads into."""
    header_row, cells = sheet.candidates[cand]
    loc = sheet.location
    stager.locations.append(loc)
    stager.headers.append({f: cells[j] for f, j in columns.items()})
    loc_idx = len(stager.locations) - 1
    unused = [c for j, c in enumerate(cells) if j not in columns.values() and c.strip()]
    rows: list[int] = []
    data: dict[str, list] = {f: [] for f in columns}
    for batch in sheet.batches(cand):
        rows.extend(int(r) for r in batch.rows)
        for f, j in columns.items():
            data[f].extend(_text(batch.columns[j]) if j < len(batch.columns) else [None] * len(batch.rows))
    table = TABLE_OF[layout]
    if not rows:
        stager.log.add(loc, header_row + 1, None, "no data rows under the header")
        return table
    if layout == "ons_lookup":
        _ons_lookup(stager, loc, loc_idx, cells, columns, rows, data)
    else:
        _police_uk(stager, loc, loc_idx, cells, columns, rows, data)
    if unused:
        stager.log.note(f"{loc.label()}: {TITLE_OF[layout]}: column{'s' if len(unused) > 1 else ''} "
                        + ", ".join(repr(c) for c in unused) + " not stored")
    stager.rows[table] = stager.rows.get(table, 0) + len(rows)
    return table


def _stage_rows(stager: "Stager", table: str, records: list[dict], srcs: list[int]) -> None:
    from .stage import staging_schema

    schema = staging_schema(table)
    arrays = {f.name: pa.array([r.get(f.name) for r in records], f.type) for f in schema if not f.name.startswith("_")}
    arrays["_src"] = pa.array(srcs, pa.int64())
    arrays["_ok"] = pa.array([True] * len(records), pa.bool_())
    stager._write(table, pa.Table.from_pydict(arrays, schema=schema))


# --- the ONS lookup ----------------------------------------------------------------------

@dataclass
class LookupGeography:
    """What a LAD to CSP to PFA lookup gives: ``areas`` and ``area_memberships`` rows, each with
    the lookup row it came from, the councils split across CSPs, the former Dorset districts
    added, and any CSP listed under several forces (an error the caller reports)."""

    areas: list[dict] = field(default_factory=list)
    area_rows: list[int] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    membership_rows: list[int] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)  # (council code, name)
    added: list[str] = field(default_factory=list)
    csp_in_several_forces: list[tuple[str, int, list[str]]] = field(default_factory=list)


#: One lookup row: (row number, LAD code, LAD name, CSP code, CSP name, PFA code, PFA name),
#: codes upper case and of the right shape (the caller checks).
LookupRow = tuple[int, str, str, str, str, str, str]


def lookup_geography(records: list[LookupRow]) -> LookupGeography:
    """The areas a LAD to CSP to PFA lookup describes, built the one way both ``ingest`` and
    the synthetic demo (``synth``) use. Names are as published; the first row naming a code
    wins (ingest refuses a file that names a code two ways before calling this)."""
    names: dict[str, tuple[str, str, int]] = {}  # code -> (name, type, first row)
    csps_of: dict[str, list[str]] = {}
    forces_of: dict[str, list[str]] = {}
    force_of_csp: dict[str, set[str]] = {}
    for row, lad, lad_nm, csp, csp_nm, pfa, pfa_nm in records:
        for code, name, kind in ((lad, lad_nm, "local_authority"), (csp, csp_nm, "community_safety_partnership"),
                                 (pfa, pfa_nm, "force")):
            names.setdefault(code, (name, kind, row))
        if csp not in csps_of.setdefault(lad, []):
            csps_of[lad].append(csp)
        if pfa not in forces_of.setdefault(lad, []):
            forces_of[lad].append(pfa)
        force_of_csp.setdefault(csp, set()).add(pfa)
    out = LookupGeography()
    for csp, forces in force_of_csp.items():
        if len(forces) > 1:
            out.csp_in_several_forces.append((csp, names[csp][2], sorted(forces)))
    if out.csp_in_several_forces:
        return out
    for code, (name, kind, row) in names.items():
        parent = None
        if kind == "community_safety_partnership":
            parent = next(iter(force_of_csp[code]))
        elif kind == "local_authority":
            csps, forces = csps_of[code], forces_of[code]
            if len(csps) == 1:
                parent = csps[0]
            else:
                parent = forces[0] if len(forces) == 1 else None
                for csp in csps:
                    out.memberships.append({"area_code": code, "parent_code": csp})
                    out.membership_rows.append(row)
                out.split.append((code, name))
        out.areas.append({"area_code": code, "area_name": name, "area_type": kind, "parent_code": parent})
        out.area_rows.append(row)
    out.split.sort()
    # The former Dorset districts, when the lookup holds their successors.
    csp_by_name = {}
    for lad, csps in csps_of.items():
        for csp in csps:
            csp_by_name[(lad, names[csp][0].lower())] = csp
    from .geography import DORSET_FORMER_NAMES

    former_name = {code: name for name, code in DORSET_FORMER_NAMES.items()}
    for old, new in C.DORSET_SUCCESSORS.items():
        if new not in names or old in names:
            continue
        parent = csp_by_name.get((new, C.DORSET_FORMER_CSP_NAMES[old].lower()))
        if parent is None:
            parent = (forces_of.get(new) or [None])[0]
        out.areas.append({"area_code": old, "area_name": former_name[old], "area_type": "local_authority",
                          "parent_code": parent, "successor_code": new, "valid_to": dt.date(2019, 3, 31)})
        out.area_rows.append(names[new][2])
        out.added.append(former_name[old])
    return out


def _ons_lookup(stager: "Stager", loc, loc_idx: int, cells: list[str], columns: dict[str, int], rows: list[int],
                data: dict[str, list]) -> None:
    bad = False
    names: dict[str, tuple[str, int]] = {}  # code -> (name, first row)
    records: list[LookupRow] = []
    for i, row in enumerate(rows):
        got = {}
        for level, kind in zip(_ONS_FIELDS, ("local_authority", "community_safety_partnership", "force")):
            code, name = data[f"{level}_cd"][i], data[f"{level}_nm"][i]
            header = cells[columns[f"{level}_cd"]]
            if code is None or name is None:
                stager.log.add(loc, row, header if code is None else cells[columns[f"{level}_nm"]],
                               "a value is required here (the lookup names every council, CSP and force by code and name)")
                bad = True
                continue
            code = code.upper()
            if not CODE_PATTERNS[kind].match(code):
                stager.log.add(loc, row, header, f"{safe(code)} is not an ONS {kind.replace('_', ' ')} code "
                               f"({'E23/W15' if kind == 'force' else 'E22/W14' if kind != 'local_authority' else 'E06/E07/E08/E09/W06'} "
                               "and six digits): check the column holds codes, not names")
                bad = True
                continue
            seen = names.get(code)
            if seen is not None and seen[0] != name:
                stager.log.add(loc, row, cells[columns[f"{level}_nm"]],
                               f"{code} is named {safe(name)} here but {safe(seen[0])} in row {seen[1]}: one name per code")
                bad = True
            names.setdefault(code, (name, row))
            got[level] = (code, name)
        if len(got) == 3:
            records.append((row, *got["lad"], *got["csp"], *got["pfa"]))
    geo = lookup_geography(records)
    for csp, row, forces in geo.csp_in_several_forces:
        stager.log.add(loc, row, cells[columns["csp_cd"]],
                       f"CSP {csp} is listed under {len(forces)} forces ({', '.join(forces)}): a CSP lies in one force area")
        bad = True
    if bad:
        return
    src = lambda r: (loc_idx << 32) | r  # noqa: E731
    _stage_rows(stager, "areas", geo.areas, [src(r) for r in geo.area_rows])
    if geo.memberships:
        _stage_rows(stager, "area_memberships", geo.memberships, [src(r) for r in geo.membership_rows])
        split = geo.split
        stager.log.note(f"{loc.label()}: {len(split)} council(s) sit in more than one CSP "
                        f"({', '.join(f'{c} {n}' for c, n in split[:5])}{' ...' if len(split) > 5 else ''}): "
                        "their figures are shown for the council and the force; see area_memberships")
    if geo.added:
        stager.log.note(f"{loc.label()}: added the {len(geo.added)} former Dorset districts (before 1 April 2019) "
                        "so older records map to today's councils")


# --- data.police.uk street-level crime ---------------------------------------------------

def _police_uk(stager: "Stager", loc, loc_idx: int, cells: list[str], columns: dict[str, int], rows: list[int],
               data: dict[str, list]) -> None:
    geo = stager.geo
    today = stager.today
    counts: Counter = Counter()
    first: dict[tuple, int] = {}
    asb = 0
    bad = False
    forces: dict[str, str | None] = {}
    districts: dict[str, str | None] = {}
    unknown_districts: Counter = Counter()
    unmapped: Counter = Counter()
    months: dict[str, dt.date | None] = {}

    def problem(row: int, field: str, message: str) -> None:
        nonlocal bad
        stager.log.add(loc, row, cells[columns[field]], message)
        bad = True

    for i, row in enumerate(rows):
        crime_type = data["crime_type"][i]
        if crime_type is None:
            problem(row, "crime_type", "a value is required here")
            continue
        if crime_type.lower() == C.POLICE_UK_NOT_CRIME.lower():
            asb += 1
            continue
        raw_month = data["month"][i]
        if raw_month not in months:
            months[raw_month] = _month(raw_month, today)
        month = months[raw_month]
        if month is None:
            problem(row, "month", f"not a month like 2019-07 (or a month still to come): {safe(raw_month)}")
            continue
        reported = data["reported_by"][i]
        if reported not in forces:
            forces[reported] = geo.force_named(reported) if reported else None
        force = forces[reported]
        if force is None:
            known = sorted(a.name for a in geo.areas.values() if a.type == "force")
            problem(row, "reported_by", f"{safe(reported)} is not a force area in the areas table"
                    + ("" if known else " (none loaded yet)") +
                    ": load the ONS LAD to CSP to PFA lookup first or in the same batch")
            continue
        lsoa, lsoa_name = data["lsoa_code"][i], data["lsoa_name"][i]
        area = original = None
        if lsoa is None:
            location = "not_located"
        else:
            if not _LSOA_CODE.match(lsoa.upper()):
                problem(row, "lsoa_code", f"{safe(lsoa)} is not an LSOA code (E01 or W01 and six digits)")
                continue
            lsoa = lsoa.upper()
            m = _LSOA_NAME.match(lsoa_name or "")
            if m is None:
                problem(row, "lsoa_name", f"{safe(lsoa_name)} is not an LSOA name like 'Bournemouth 001A' "
                        "(a district name, a space, three digits and a letter)")
                continue
            district = m.group("district")
            if district not in districts:
                districts[district] = geo.district_named(district)
            original = districts[district]
            if original is None:
                unknown_districts[district] += 1
                location = "outside_force"
            else:
                area = geo.current(original)
                location = "in_force" if geo.force_of(area) == force else "outside_force"
        group = C.POLICE_UK_OFFENCE_GROUPS.get(crime_type)
        if crime_type not in C.POLICE_UK_OFFENCE_GROUPS:
            unmapped[crime_type] += 1
        key = (month, force, area, original, lsoa, crime_type, group, location)
        counts[key] += 1
        first.setdefault(key, row)
    if bad:
        return
    names = ("month", "force_code", "area_code", "area_code_original", "lsoa_code", "crime_type", "offence_group", "location")
    records = [{**dict(zip(names, k)), "offences": n} for k, n in counts.items()]
    _stage_rows(stager, "street_crime", records, [(loc_idx << 32) | first[k] for k in counts])
    crimes = sum(counts.values())
    by_loc = Counter()
    for k, n in counts.items():
        by_loc[k[-1]] += n
    label = loc.label()
    stager.log.note(f"{label}: {crimes:,} crimes counted; {asb:,} anti-social behaviour incidents left out "
                    "(anti-social behaviour is not crime)")
    stager.log.note(f"{label}: {by_loc['not_located']:,} crimes have no location (counted for the force only); "
                    f"{by_loc['outside_force']:,} lie in LSOAs outside the force area (counted for the reporting force)")
    if unknown_districts:
        shown = ", ".join(f"{d} ({n:,})" for d, n in sorted(unknown_districts.items()))
        stager.log.note(f"{label}: LSOA districts not in the areas table, counted as outside the force area: {shown}")
    if unmapped:
        stager.log.note(f"{label}: crime categories with no Home Office offence group: "
                        + ", ".join(sorted(unmapped)) + " (loaded with an empty offence_group)")


def _month(raw: str | None, today: dt.date) -> dt.date | None:
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", raw or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    d = dt.date(int(m.group(1)), int(m.group(2)), 1)
    return d if d <= today and d.year >= 2000 else None

