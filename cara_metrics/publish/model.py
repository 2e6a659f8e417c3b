"""The release's shape: its tables and columns, areas and forces, and period labels."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from ..contract import financial_year_label
from ..periods import add_months, fy_of, fy_quarter, fy_start


#: "2": the release folder also holds the download files and their index (downloads.json).
RELEASE_FORMAT = "2"
NEXT_UPDATE_MONTHS = 3

#: The columns of every data table in the release, in order.
COLUMNS = ("metric_id", "measure", "measure_label", "unit", "area_code", "area_name", "area_type",
           "period", "period_type", "financial_year", "quarter", "category", "category_label",
           "shown", "symbol")
#: The columns that identify a published cell (used to find revisions).
CELL_KEY = ("metric_id", "measure", "area_code", "period", "category")


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    description: str
    metric_ids: tuple[str, ...]


#: The public tables, in the order the public pages show them.
TABLES: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("crime", "Domestic abuse in recorded crime",
              "Domestic-abuse-flagged crimes, all recorded crimes, the domestic-abuse share and the rate per 1,000 "
              "residents, by area and financial year or quarter. Counts of offences, published exactly.",
              ("da_crimes", "da_share", "da_rate_per_1000")),
    TableSpec("referrals", "People referred to CARA",
              "People given a caution with a condition to attend the CARA workshops, by area and financial year or "
              "quarter of the caution.", ("referrals",)),
    TableSpec("outcomes", "Outcomes of referrals and completion rate",
              "People referred by their current outcome, by area and financial year of caution, and the completion "
              "rate: people who completed both workshops as a percentage of closed cases.",
              ("outcome_mix", "completion_rate")),
    TableSpec("survey", "What participants said",
              "Survey respondents and the percentage who agreed or strongly agreed with each statement, by area and "
              "financial year of the survey.", ("survey_agree",)),
    TableSpec("reoffending", "Proven reoffending within a year",
              "Proven reoffending within 12 months of the caution: everyone referred to CARA, per financial-year "
              "cohort whose follow-up is complete, against the comparison group, with the difference and its 95% "
              "confidence interval.", ("reoffending_rate",)),
)}

AREA_TYPE_ORDER = {"force": 0, "community_safety_partnership": 1, "local_authority": 2}
OUTCOMES = ("completed", "breached", "withdrawn", "in_progress")
OUTCOME_LABELS = {"completed": "Completed both workshops", "breached": "Breached (case returned to the police)",
                  "withdrawn": "Withdrawn", "in_progress": "In progress", "all": "All people referred"}
GROUP_LABELS = {"cara": "Referred to CARA (everyone, whether or not they completed)",
                "comparison": "Comparison group (cautioned before CARA began)",
                "difference": "CARA minus comparison group"}


class PublishError(RuntimeError):
    """The release cannot be built safely; nothing was written. The message says why."""


# --------------------------------------------------------------------------------------
# Geography and periods
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    type: str
    parent: str | None


@dataclass(frozen=True)
class Force:
    """A police force area and what lies in it."""

    area: Area
    las: tuple[Area, ...]
    csps: tuple[Area, ...]
    members: dict[str, tuple[str, ...]]      # any area in the force -> its local authorities
    csp_alias: dict[str, str]                # partnership with one authority -> that authority

    @property
    def code(self) -> str:
        return self.area.code

    def people_areas(self) -> list[Area]:
        """Areas with figures about people: the force, single-authority partnerships, authorities."""
        if len(self.las) < 2:
            return [self.area]  # an only authority is the force itself: publish it once
        return [self.area, *(c for c in self.csps if c.code in self.csp_alias), *self.las]


def _forces(areas: pd.DataFrame) -> list[Force]:
    rows = [Area(r.area_code, r.area_name, r.area_type, None if pd.isna(r.parent_code) else r.parent_code)
            for r in areas.itertuples()]
    by_code = {a.code: a for a in rows}
    force_of = dict(zip(areas["area_code"], areas["force_code"]))
    out = []
    for f in (a for a in rows if a.type == "force"):
        inside = [a for a in rows if force_of.get(a.code) == f.code and a.code != f.code]
        las = tuple(sorted((a for a in inside if a.type == "local_authority"), key=lambda a: a.name))
        if not las:
            continue
        csps = tuple(sorted((a for a in inside if a.type == "community_safety_partnership"), key=lambda a: a.name))

        def ancestors(code: str) -> set[str]:
            seen, cur = set(), by_code.get(code)
            while cur is not None and cur.code not in seen:
                seen.add(cur.code)
                cur = by_code.get(cur.parent) if cur.parent else None
            return seen

        members = {f.code: tuple(a.code for a in las)}
        for c in csps:
            members[c.code] = tuple(a.code for a in las if c.code in ancestors(a.code))
        for a in las:
            members[a.code] = (a.code,)
        alias = {c.code: members[c.code][0] for c in csps if len(members[c.code]) == 1}
        out.append(Force(f, las, csps, members, alias))
    return out


def quarter_label(fy: int, q: int) -> str:
    return f"{financial_year_label(fy)} Q{q}"


def years_label(a: int, b: int) -> str:
    return financial_year_label(a) if a == b else f"{financial_year_label(a)} to {financial_year_label(b)}"


def _quarter_of(d: object) -> tuple[int, int]:
    d = pd.Timestamp(d).date()
    return fy_of(d), fy_quarter(d)


def _quarter_start(fy: int, q: int) -> dt.date:
    return add_months(fy_start(fy), 3 * (q - 1))


def _pct(fraction: float, top_level: bool) -> float:
    """A percentage as published: one decimal place at force level, whole below it (halves up)."""
    dp = 1 if top_level else 0
    return math.floor(100 * fraction * 10 ** dp + 0.5 + 1e-9) / 10 ** dp


