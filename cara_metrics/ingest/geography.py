"""Areas: resolving the codes and names in extracts to today's areas.

Every area a row names must be known: in the areas table of the warehouse being loaded into
or in an areas file of the same batch. A row may name its area by ONS code (any case) or by
its official name exactly, ignoring only case, spacing and punctuation ("Weymouth & Portland"
is "Weymouth and Portland"; "Dorset Police" is never the council "Dorset"). Home Office CSP
names (``csp_code``) are still matched ignoring words such as "Council" when no exact name fits,
and only ever to a CSP or a council. Records made before the 1 April 2019 Dorset
reorganisation carry former district codes or names; they are mapped to the current local
authority through the areas table's ``successor_code`` or, failing that,
``contract.DORSET_SUCCESSORS``, and the code as supplied is kept in ``area_code_original``
(for a name, the former district's code).

Assumption: the eight former Dorset district names are fixed history, so they are known
here even when the areas table lists only the current councils.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from .. import contract as C
from .pii import safe

#: Former Dorset districts by name (ONS codes in contract.DORSET_SUCCESSORS).
DORSET_FORMER_NAMES = {
    "Bournemouth": "E06000028",
    "Poole": "E06000029",
    "Christchurch": "E07000048",
    "East Dorset": "E07000049",
    "North Dorset": "E07000050",
    "Purbeck": "E07000051",
    "West Dorset": "E07000052",
    "Weymouth and Portland": "E07000053",
}


_CODE = re.compile(r"^[A-Za-z]\d{8}$")


def official_key(name: object) -> str:
    """An official name ignoring case, spacing and punctuation ("Weymouth & Portland" = "weymouth and portland")."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(name).lower().replace("&", " and ")).split())


#: What may follow a force area's name in a police force's own name (longest first).
FORCE_SUFFIXES = ("police force area", "police service", "constabulary", "police")


def force_stem(name: object) -> str:
    """A force's official name without a trailing "Police", "Constabulary"... ("Dorset Police" -> "dorset")."""
    key = official_key(name)
    for suffix in FORCE_SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    type: str
    parent: str | None
    successor: str | None


class Geography:
    """Lookups over an areas table (the warehouse's merged with the batch's)."""

    def __init__(self, areas: pa.Table | None) -> None:
        self.areas: dict[str, Area] = {}
        if areas is not None and areas.num_rows:
            for r in areas.select(["area_code", "area_name", "area_type", "parent_code", "successor_code"]).to_pylist():
                self.areas[r["area_code"]] = Area(r["area_code"], r["area_name"] or "", r["area_type"] or "",
                                                  r["parent_code"], r["successor_code"])
        # Exact official names only (ignoring case, spacing and punctuation).
        self._by_name: dict[str, list[str]] = {}
        for a in self.areas.values():
            self._by_name.setdefault(official_key(a.name), []).append(a.code)
        for name, code in DORSET_FORMER_NAMES.items():
            if code not in self._by_name.setdefault(official_key(name), []):
                self._by_name[official_key(name)].append(code)
        self._cache: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}

    def successor(self, code: str) -> str | None:
        a = self.areas.get(code)
        if a is not None and a.successor:
            return a.successor
        return C.DORSET_SUCCESSORS.get(code)

    def current(self, code: str) -> str:
        """Follow successors to the area that exists today."""
        seen = {code}
        while (nxt := self.successor(code)) is not None and nxt not in seen:
            seen.add(nxt)
            code = nxt
        return code

    def force_of(self, code: str) -> str | None:
        """The force area a current area lies in (walking up parents), or None."""
        seen = set()
        while code in self.areas and code not in seen:
            seen.add(code)
            a = self.areas[code]
            if a.type == "force":
                return code
            if not a.parent:
                return None
            code = a.parent
        return None

    def force_named(self, name: str) -> str | None:
        """The force area a police force's name means: its ONS name exactly (ignoring case, spacing
        and punctuation), either of them perhaps followed by "Police", "Constabulary", "Police
        Service" or "police force area" (data.police.uk writes "Dorset Police" for the force area
        ONS names "Dorset"). Only force areas are considered, so a force's name never finds a council."""
        code = name.strip().upper()
        if code in self.areas and self.areas[code].type == "force":
            return code
        forces: dict[str, set[str]] = {}
        for a in self.areas.values():
            if a.type == "force":
                forces.setdefault(force_stem(a.name), set()).add(a.code)
        hits = forces.get(force_stem(name), set())
        return next(iter(hits)) if len(hits) == 1 else None

    def district_named(self, name: str) -> str | None:
        """The council (current or former) an exact official name means, or None."""
        key = official_key(name)
        hits = {a.code for a in self.areas.values() if a.type == "local_authority" and official_key(a.name) == key}
        hits |= {code for n, code in DORSET_FORMER_NAMES.items() if official_key(n) == key}
        return hits.pop() if len(hits) == 1 else None

    def _pick(self, codes: list[str], prefer: str) -> list[str]:
        typed = [c for c in codes if c in self.areas and self.areas[c].type == prefer]
        return typed or codes

    def find(self, raw: str, prefer: str = "local_authority") -> list[str]:
        """Codes that ``raw`` (a code, or an official name exactly) may mean."""
        code = raw.strip().upper()
        if code in self.areas or code in C.DORSET_SUCCESSORS:
            return [code]
        return self._pick(self._by_name.get(official_key(raw), []), prefer)

    def _hint(self, raw: str) -> str:
        """A 'did you mean' for an unknown area, proposing only councils (a code for a code, a
        name for a name), and saying so when the value names a police force."""
        # Only a value with a force's word in it ("Dorset Police") is told it names a force:
        # "Dorset" alone may as well be short for the council.
        names_force = not _CODE.match(raw.strip()) and force_stem(raw) != official_key(raw)
        force = self.force_named(raw) if names_force else None
        if force is not None:
            return (f": it names the police force area {force}, not a council; give the council (local authority) "
                    "the row is about")
        councils = [a for a in self.areas.values() if a.type == "local_authority"]
        if _CODE.match(raw.strip()):
            pool = {a.code: a.code for a in councils}
        else:
            pool = {official_key(a.name): a.name for a in councils}
            pool.update({official_key(n): n for n in DORSET_FORMER_NAMES})
        key = raw.strip().upper() if _CODE.match(raw.strip()) else official_key(raw)
        near = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.8)
        if not near and not _CODE.match(raw.strip()):  # "Dorset" for "Dorset Council": the one name it begins
            near = [k for k in pool if k.startswith(key + " ")][:2]
            near = near if len(near) == 1 else []
        return f" (did you mean '{pool[near[0]]}'?)" if near else ""

    def resolve(self, raw: str, role: str) -> tuple[str | None, str | None, str | None]:
        """(original code, current code, problem) for a local-authority area in a row.

        ``role`` is "la" (a current or former local authority) or "la_current" (population:
        only current local authorities make sense).
        """
        key = (raw, role)
        if key not in self._cache:
            self._cache[key] = self._resolve(raw, role)
        return self._cache[key]

    def _resolve(self, raw: str, role: str) -> tuple[str | None, str | None, str | None]:
        found = self.find(raw)
        if not found:
            where = "the areas table" if self.areas else "the areas table (none loaded yet: load the areas file first or in the same batch)"
            tip = self._hint(raw) if self.areas else ""
            return None, None, (f"unknown area {safe(raw)}: not a code or an official name in {where} (names must match "
                                f"exactly, ignoring case, spacing and punctuation){tip}")
        if len(set(found)) > 1:
            return None, None, f"area {safe(raw)} is ambiguous: it could be {', '.join(sorted(set(found)))}; use the code"
        original = found[0]
        current = self.current(original)
        if current not in self.areas:
            return None, None, (f"area {safe(raw)} maps to {current}, which is not in the areas table: "
                                "load the areas file first or in the same batch")
        a = self.areas[current]
        if a.type != "local_authority":
            what = "police force area" if a.type == "force" else a.type.replace("_", " ")
            return None, None, (f"area {safe(raw)} is the {what} {current}, not a council: give the council "
                                "(local authority) the row is about")
        if role == "la_current" and original != current:
            return None, None, f"area {safe(raw)} is a former area (now {current}): give figures for current areas"
        return original, current, None

    def csp_code(self, csp_name: str) -> str | None:
        """The area code a Home Office CSP name maps to, or None when it is not in the areas table.

        A CSP row matches a CSP area by name; failing that a local authority of the same name
        (CSPs are often named after their council), which stands for its parent CSP if it
        has one. A former area is followed to its successor first.
        """
        # Exact official names only (ignoring case, spacing and punctuation), as for every other
        # area: a Home Office name that is not an official one stays unmapped, with a note.
        codes = self.find(csp_name, prefer="community_safety_partnership")
        if len(set(codes)) != 1:
            return None
        code = self.current(codes[0])
        a = self.areas.get(code)
        if a is None or a.type == "force":
            return None
        if a.type == "local_authority" and a.parent in self.areas and self.areas[a.parent].type == "community_safety_partnership":
            return a.parent
        return code

    def map_column(self, raw: pa.Array, role: str) -> tuple[pa.Array, pa.Array, dict[int, str], pa.Array]:
        """Vectorised: original codes, current codes, problems by distinct value, value index per row."""
        enc = pc.dictionary_encode(raw)
        originals, currents, problems = [], [], {}
        for i, v in enumerate(enc.dictionary.to_pylist()):
            o, c, p = self.resolve(v, role) if v is not None else (None, None, None)
            originals.append(o)
            currents.append(c)
            if p:
                problems[i] = p
        orig = pa.array(originals, pa.string()).take(enc.indices)
        cur = pa.array(currents, pa.string()).take(enc.indices)
        return orig, cur, problems, enc.indices
