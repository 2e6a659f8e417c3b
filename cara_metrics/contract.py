"""The data contract: the warehouse tables, their columns, types, keys and allowed values.

This module is the single source of truth. Synthetic data is generated to it, ingest
validates raw extracts against it, the SQL reads the columns it names, and
``docs/data-contract.md`` is generated from it (a test keeps the two in step).

Design decisions (see docs/data-contract.md for the reasoning in full):

* Recorded crime is stored as a monthly aggregate (month x area x offence code x
  domestic-abuse flag -> number of offences), not record by record. Every question the
  dashboard answers is a count by month and area; the aggregate is about 50 times smaller
  than record-level data for Dorset and several hundred times smaller nationally, and it
  holds no information about individual victims. Record-level extracts are aggregated on
  the way in by ingest, in bounded memory.
* Areas carry their validity dates and successor, so records made before the 1 April 2019
  Dorset reorganisation keep their original district code (``area_code_original``) while
  ``area_code`` always holds the current local authority, and trends run continuously.
* People are pseudonymised: ``person_id`` is an opaque token issued by the force or the
  provider. No names, dates of birth, addresses or police identifiers are ever stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CONTRACT_VERSION = "1.0"

DType = Literal["string", "int", "float", "date", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a warehouse table."""

    name: str
    dtype: DType
    description: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    example: str = ""


@dataclass(frozen=True)
class Table:
    """One warehouse table: stored as ``<name>.parquet`` in a warehouse version folder."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    producer: str = ""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


AREA_TYPES = ("force", "community_safety_partnership", "local_authority")
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
SEXES = ("male", "female", "other_or_not_stated")
DASH_LEVELS = ("standard", "medium")
OUTCOMES = ("completed", "breached", "withdrawn", "in_progress")
CLOSED_OUTCOMES = ("completed", "breached", "withdrawn")
GROUPS = ("cara", "comparison")
INDEX_OFFENCES = (
    "common_assault",
    "criminal_damage",
    "harassment",
    "threatening_behaviour",
    "domestic_theft",
)
INDEX_OFFENCE_LABELS = {
    "common_assault": "Common assault",
    "criminal_damage": "Criminal damage",
    "harassment": "Harassment",
    "threatening_behaviour": "Threatening behaviour",
    "domestic_theft": "Domestic theft",
}
SURVEY_SCALES = ("agree5",)
#: Answers on the five-point agreement scale, 1 = strongly disagree ... 5 = strongly agree.
AGREE5_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}

AREAS = Table(
    name="areas",
    title="Areas",
    description=(
        "Every geography the data uses: the police force area, community safety "
        "partnerships (CSPs) and local authorities, current and former. Former areas "
        "carry `valid_to` and `successor_code`, so records made before a reorganisation "
        "are counted under today's areas."
    ),
    columns=(
        Column("area_code", "string", "ONS code: force area E23/W15, CSP E22 (W14 in Wales), council E06/E07/E08/E09/W06 (a local code only where ONS publishes none).", example="E06000058"),
        Column("area_name", "string", "Name as published.", example="Bournemouth, Christchurch and Poole"),
        Column("area_type", "string", "Kind of area.", allowed=AREA_TYPES, example="local_authority"),
        Column("parent_code", "string", "The area this one sits in (a local authority's CSP, a CSP's force); empty for a force. A council that sits in several CSPs names its force here and lists its CSPs in `area_memberships`.", required=False, example="E22000367"),
        Column("successor_code", "string", "For a former area, the current area its records now count under.", required=False, example="E06000058"),
        Column("valid_from", "date", "First day the area existed (empty if before the data starts).", required=False, example="2019-04-01"),
        Column("valid_to", "date", "Last day the area existed; empty for a current area.", required=False, example="2019-03-31"),
    ),
    key=("area_code",),
    producer="force analyst / ONS geography",
)

POPULATION = Table(
    name="population",
    title="Population",
    description="Mid-year resident population estimates (ONS), by current local authority and year.",
    columns=(
        Column("area_code", "string", "Current local authority code.", example="E06000059"),
        Column("year", "int", "Mid-year of the estimate (mid-2018 is 2018); used for the financial year that starts in it.", minimum=1990, maximum=2100, example="2018"),
        Column("population", "int", "Resident population.", minimum=0, maximum=20_000_000, example="376480"),
    ),
    key=("area_code", "year"),
    producer="ONS mid-year estimates",
)

CRIME = Table(
    name="crime",
    title="Recorded crime (monthly aggregate)",
    description=(
        "Police recorded crime by month, area, Home Office offence code and "
        "domestic-abuse flag. One row per combination; `offences` is the count. "
        "Record-level extracts are aggregated to this on ingest."
    ),
    columns=(
        Column("month", "date", "First day of the month the crime was recorded.", example="2019-08-01"),
        Column("area_code", "string", "Current local authority the crime counts under.", example="E06000058"),
        Column("area_code_original", "string", "Area code as recorded (a pre-2019 district for older records).", example="E06000028"),
        Column("offence_code", "string", "Home Office offence code.", example="8N"),
        Column("offence_group", "string", "Home Office offence group.", example="Violence against the person"),
        Column("da_flag", "bool", "True when the police flagged the crime as domestic-abuse related.", example="true"),
        Column("offences", "int", "Number of offences. May be negative only in Home Office adjustments.", minimum=-10_000, maximum=10_000_000, example="42"),
        Column("series", "string", "Source series the count belongs to; a change of series is a break.", example="force"),
    ),
    key=("month", "area_code_original", "offence_code", "da_flag", "series"),
    producer="force crime recording system (DA-flagged extract) / Home Office open data",
)

SERIES_BREAKS = Table(
    name="series_breaks",
    title="Breaks in series",
    description="Dates from which a series is not comparable with what came before, and why.",
    columns=(
        Column("break_date", "date", "First day of the new series.", example="2019-04-01"),
        Column("series", "string", "The series affected (e.g. crime).", example="crime"),
        Column("description", "string", "Plain-English explanation shown on charts.", example="Domestic-abuse flagging changed."),
    ),
    key=("break_date", "series"),
    producer="force analyst",
)

REFERRALS = Table(
    name="referrals",
    title="CARA referrals",
    description=(
        "One row per person given a caution with a CARA condition. Outcome is the "
        "current state: completed both workshops, breached (did not attend, so the case "
        "went back to the police), withdrawn (e.g. condition removed), or in progress."
    ),
    columns=(
        Column("person_id", "string", "Pseudonymised person identifier (opaque token).", example="P000123"),
        Column("caution_date", "date", "Date of the caution with the CARA condition.", example="2019-08-13"),
        Column("area_code", "string", "Current local authority of the offence.", example="E06000059"),
        Column("area_code_original", "string", "Area code as supplied (before geography mapping).", example="E06000059"),
        Column("age_band", "string", "Age band at caution.", allowed=AGE_BANDS, example="25-34"),
        Column("sex", "string", "Sex as recorded.", allowed=SEXES, example="male"),
        Column("index_offence", "string", "Offence the caution was for.", allowed=INDEX_OFFENCES, example="common_assault"),
        Column("dash_risk", "string", "DASH risk level of the incident.", allowed=DASH_LEVELS, example="standard"),
        Column("workshop1_date", "date", "Date workshop 1 was attended (empty if never).", required=False, example="2019-09-07"),
        Column("workshop2_date", "date", "Date workshop 2 was attended (empty if never).", required=False, example="2019-10-12"),
        Column("repeats", "int", "Times the pair of workshops was restarted because one was missed.", minimum=0, maximum=5, example="0"),
        Column("outcome", "string", "Current outcome.", allowed=OUTCOMES, example="completed"),
        Column("outcome_date", "date", "Date the outcome was reached (empty while in progress).", required=False, example="2019-10-12"),
    ),
    key=("person_id",),
    producer="The Hampton Trust (provider) with the force",
)

SURVEY_QUESTIONS = Table(
    name="survey_questions",
    title="Survey question bank",
    description="The end-of-workshop participant survey questions and their answer scale.",
    columns=(
        Column("question_id", "string", "Short stable identifier.", example="attitude"),
        Column("text", "string", "Question text as asked.", example="The workshops changed my attitude towards my partner."),
        Column("scale", "string", "Answer scale.", allowed=SURVEY_SCALES, example="agree5"),
        Column("agree_min", "int", "Lowest answer that counts as agreeing (4 = Agree on agree5).", minimum=1, maximum=5, example="4"),
    ),
    key=("question_id",),
    producer="The Hampton Trust",
)

SURVEY_RESPONSES = Table(
    name="survey_responses",
    title="Survey responses",
    description="One row per person per question answered at the end of workshop 2.",
    columns=(
        Column("person_id", "string", "Pseudonymised person identifier; must be a referral.", example="P000123"),
        Column("question_id", "string", "Question answered; must be in the question bank.", example="attitude"),
        Column("response_date", "date", "Date of the survey.", example="2019-10-12"),
        Column("answer", "int", "Answer on the question's scale (1-5).", minimum=1, maximum=5, example="5"),
    ),
    key=("person_id", "question_id"),
    producer="The Hampton Trust",
)

COHORT = Table(
    name="cohort",
    title="Reoffending cohort",
    description=(
        "Everyone whose reoffending is measured: people referred to CARA, and the "
        "comparison group (people given a domestic-abuse caution before CARA started, "
        "who would have been eligible). The index date starts the follow-up."
    ),
    columns=(
        Column("person_id", "string", "Pseudonymised person identifier.", example="P000123"),
        Column("group", "string", "cara = referred to CARA; comparison = comparison group.", allowed=GROUPS, example="cara"),
        Column("index_date", "date", "Start of follow-up (date of the caution).", example="2019-08-13"),
        Column("area_code", "string", "Current local authority.", example="E06000058"),
        Column("area_code_original", "string", "Area code as supplied.", example="E06000028"),
    ),
    key=("person_id",),
    producer="force (Police National Computer extract, pseudonymised)",
)

REOFFENCES = Table(
    name="reoffences",
    title="Later offences",
    description=(
        "Each offence committed by a cohort member after their index date, with the "
        "date it was proven (conviction or caution). Crime-harm days are the Cambridge "
        "Crime Harm Index weight: days of imprisonment recommended for a first offender."
    ),
    columns=(
        Column("person_id", "string", "Pseudonymised person identifier; must be in the cohort.", example="P000123"),
        Column("offence_date", "date", "Date the offence was committed.", example="2020-02-01"),
        Column("proven_date", "date", "Date proven by conviction or caution (empty if not proven).", required=False, example="2020-05-20"),
        Column("offence_code", "string", "Home Office offence code.", example="105A"),
        Column("da_flag", "bool", "True when the offence was domestic-abuse related.", example="true"),
        Column("harm_days", "float", "Cambridge Crime Harm Index weight in days.", minimum=0, maximum=36_500, example="30"),
    ),
    key=("person_id", "offence_date", "offence_code"),
    producer="force (Police National Computer extract, pseudonymised)",
)

COSTS = Table(
    name="costs",
    title="Programme costs",
    description="What the PCC paid for CARA, by financial year and quarter (Q1 = April to June).",
    columns=(
        Column("financial_year", "string", "Financial year, April to March, like 2019/20.", example="2019/20"),
        Column("quarter", "int", "Quarter of the financial year (1 = April to June).", minimum=1, maximum=4, example="2"),
        Column("cost_gbp", "float", "Cost in pounds, cash prices.", minimum=0, maximum=100_000_000, example="18500"),
        Column("description", "string", "What the payment was for.", required=False, example="Hampton Trust contract"),
    ),
    key=("financial_year", "quarter", "description"),
    producer="PCC office finance",
)

CRIME_CONTEXT = Table(
    name="crime_context",
    title="All-crime context (Home Office open data, CSP level)",
    description=(
        "Police recorded crime by community safety partnership and financial quarter from the "
        "Home Office open data tables. These carry no domestic-abuse flag, so they give context "
        "(all crime by area and quarter) and are never mixed into the domestic-abuse share. "
        "Counts can be negative after reclassification and are kept as published."
    ),
    columns=(
        Column("financial_year", "string", "Financial year, like 2019/20.", example="2019/20"),
        Column("quarter", "int", "Quarter of the financial year (1 = April to June).", minimum=1, maximum=4, example="1"),
        Column("force_name", "string", "Police force name as published.", example="Dorset"),
        Column("csp_name", "string", "Community safety partnership name as published.", example="Bournemouth, Christchurch and Poole"),
        Column("area_code", "string", "Current area code the CSP maps to (empty when the name is not in the areas table).", required=False, example="E22000367"),
        Column("offence_description", "string", "Offence description as published.", example="Assault without injury"),
        Column("offence_group", "string", "Home Office offence group.", example="Violence against the person"),
        Column("offence_subgroup", "string", "Home Office offence subgroup.", required=False, example="Violence without injury"),
        Column("offence_code", "string", "Home Office offence code.", example="105A"),
        Column("offences", "int", "Number of offences as published (may be negative).", minimum=-100_000, maximum=10_000_000, example="57"),
    ),
    key=("financial_year", "quarter", "csp_name", "offence_code"),
    producer="Home Office police recorded crime open data tables",
)

CRIME_CONTEXT_FORCE = Table(
    name="crime_context_force",
    title="All-crime context (Home Office open data, force level)",
    description=(
        "Police recorded crime by police force area and financial quarter from the Home Office "
        "open data tables at force level (the `prc-pfa` files). Like the CSP tables they carry no "
        "domestic-abuse flag and are context only; they are kept apart from the CSP table so force "
        "totals are never added to the CSP rows they already contain. Counts may be negative."
    ),
    columns=(
        Column("financial_year", "string", "Financial year, like 2019/20.", example="2019/20"),
        Column("quarter", "int", "Quarter of the financial year (1 = April to June).", minimum=1, maximum=4, example="1"),
        Column("force_name", "string", "Police force name as published.", example="Dorset"),
        Column("area_code", "string", "Force area code (E23/W15) when the name is a force in the areas table; empty otherwise.", required=False, example="E23000039"),
        Column("offence_description", "string", "Offence description as published.", example="Assault without injury"),
        Column("offence_group", "string", "Home Office offence group.", example="Violence against the person"),
        Column("offence_subgroup", "string", "Home Office offence subgroup.", required=False, example="Violence without injury"),
        Column("offence_code", "string", "Home Office offence code.", example="105A"),
        Column("offences", "int", "Number of offences as published (may be negative).", minimum=-100_000, maximum=10_000_000, example="1204"),
    ),
    key=("financial_year", "quarter", "force_name", "offence_code"),
    producer="Home Office police recorded crime open data tables (police force area)",
)

DA_CRIME_ONS = Table(
    name="da_crime_ons",
    title="Domestic abuse-related crimes by force (ONS)",
    description=(
        "The official series: domestic abuse-related crimes recorded by the police, by police force "
        "area and year ending March, from the ONS Domestic abuse in England and Wales data tool. One "
        "row per force (or England and Wales) and year. It is compared with the force's own "
        "DA-flagged extract on the data quality page, and gives the force against every other force."
    ),
    columns=(
        Column("area_code", "string", "Police force area code (E23/W15), or K04000001 for England and Wales, as published.", example="E23000039"),
        Column("area_name", "string", "Police force area name as published.", example="Dorset"),
        Column("financial_year", "string", "Financial year the figure is for (year ending March 2020 is 2019/20).", example="2019/20"),
        Column("da_crimes", "int", "Domestic abuse-related crimes recorded by the police; empty where the publisher marks the figure not available ([x]).", required=False, minimum=0, maximum=10_000_000, example="8412"),
        Column("rate_per_1000", "float", "Domestic abuse-related crimes per 1,000 population, as published.", required=False, minimum=0, maximum=1000, example="10.9"),
        Column("share_of_crime_pct", "float", "Percentage of all police recorded crime (excluding fraud) that was domestic abuse-related, as published.", required=False, minimum=0, maximum=100, example="16.2"),
        Column("note", "string", "The publisher's marker or note for the row (e.g. a series break or a force whose data are not included).", required=False, example="[b]"),
    ),
    key=("area_code", "financial_year"),
    producer="Office for National Statistics, Domestic abuse in England and Wales data tool",
)

AREA_MEMBERSHIPS = Table(
    name="area_memberships",
    title="Councils in more than one CSP",
    description=(
        "A council that sits in several community safety partnerships, one row per (council, CSP) "
        "as the ONS LAD to CSP to PFA lookup lists it (Bournemouth, Christchurch and Poole is in "
        "three: Bournemouth, Poole and Dorset, because Christchurch was in the Dorset CSP). Such a "
        "council's `parent_code` in `areas` is its force, never one of its CSPs picked silently. "
        "Figures held only by council are shown for the council and the force, not for these "
        "CSPs; figures held by former district or LSOA (police.uk street-level crime) are split."
    ),
    columns=(
        Column("area_code", "string", "The council (local authority) code.", example="E06000058"),
        Column("parent_code", "string", "A CSP the council sits in (partly).", example="E22000367"),
    ),
    key=("area_code", "parent_code"),
    producer="ONS LAD to CSP to PFA lookup",
)

STREET_LOCATIONS = ("in_force", "outside_force", "not_located")

STREET_CRIME = Table(
    name="street_crime",
    title="Recorded crime from data.police.uk (street-level, monthly)",
    description=(
        "The data.police.uk street-level crime files, counted by month, reporting force, LSOA "
        "and police.uk crime category. Anti-social behaviour is not crime and is left out. A "
        "crime with no location counts for the force that reported it (`location` "
        "`not_located`); a crime located in an LSOA outside the reporting force's area (a "
        "neighbouring force's district) also counts for the reporting force (`outside_force`)."
    ),
    columns=(
        Column("month", "date", "First day of the month.", example="2019-07-01"),
        Column("force_code", "string", "ONS code of the force that reported the crime (police.uk 'Reported by').", example="E23000039"),
        Column("area_code", "string", "Current council the LSOA lies in (empty with no location, or a district not in the areas table).", required=False, example="E06000058"),
        Column("area_code_original", "string", "District the LSOA name gives, as named then (a pre-2019 district for older files).", required=False, example="E06000028"),
        Column("lsoa_code", "string", "LSOA code (E01/W01); empty when the crime has no location.", required=False, example="E01015301"),
        Column("crime_type", "string", "Police.uk crime category as published.", example="Criminal damage and arson"),
        Column("offence_group", "string", "Home Office offence group the category maps to; empty where it spans several (see docs/data-contract.md).", required=False, example="Criminal damage and arson"),
        Column("location", "string", "in_force, outside_force (an LSOA of another force's area) or not_located.", allowed=STREET_LOCATIONS, example="in_force"),
        Column("offences", "int", "Number of crimes.", minimum=0, maximum=10_000_000, example="3"),
    ),
    key=("month", "force_code", "lsoa_code", "crime_type"),
    producer="data.police.uk street-level crime files",
)

#: Police.uk crime categories -> Home Office offence group (the groups the ``crime`` table
#: uses). None: the category spans several groups (violence and sexual offences are two Home
#: Office groups; "other crime" mixes miscellaneous crimes against society with others), so
#: no group is claimed.
POLICE_UK_OFFENCE_GROUPS: dict[str, str | None] = {
    "Bicycle theft": "Theft offences",
    "Burglary": "Burglary",
    "Criminal damage and arson": "Criminal damage and arson",
    "Drugs": "Drug offences",
    "Other crime": None,
    "Other theft": "Theft offences",
    "Possession of weapons": "Possession of weapons offences",
    "Public order": "Public order offences",
    "Robbery": "Robbery",
    "Shoplifting": "Theft offences",
    "Theft from the person": "Theft offences",
    "Vehicle crime": "Vehicle offences",
    "Violence and sexual offences": None,
}
#: The police.uk category that is not crime: left out of street_crime (counted in the load report).
POLICE_UK_NOT_CRIME = "Anti-social behaviour"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        AREAS,
        POPULATION,
        CRIME,
        SERIES_BREAKS,
        REFERRALS,
        SURVEY_QUESTIONS,
        SURVEY_RESPONSES,
        COHORT,
        REOFFENCES,
        COSTS,
        CRIME_CONTEXT,
        CRIME_CONTEXT_FORCE,
        DA_CRIME_ONS,
        AREA_MEMBERSHIPS,
        STREET_CRIME,
    )
}

#: Tables a warehouse may lack: public context loaded only when its source is. A version
#: without one reads it as empty (older versions were written before these existed), so pages
#: say "not loaded" instead of "damaged".
OPTIONAL_TABLES = ("crime_context", "crime_context_force", "da_crime_ons", "area_memberships", "street_crime")
#: Tables a complete warehouse must have.
REQUIRED_TABLES = tuple(t for t in TABLES if t not in OPTIONAL_TABLES)

#: The Dorset reorganisation of 1 April 2019: former code -> current local authority.
DORSET_SUCCESSORS = {
    "E06000028": "E06000058",  # Bournemouth -> BCP
    "E06000029": "E06000058",  # Poole -> BCP
    "E07000048": "E06000058",  # Christchurch -> BCP
    "E07000049": "E06000059",  # East Dorset -> Dorset
    "E07000050": "E06000059",  # North Dorset -> Dorset
    "E07000051": "E06000059",  # Purbeck -> Dorset
    "E07000052": "E06000059",  # West Dorset -> Dorset
    "E07000053": "E06000059",  # Weymouth and Portland -> Dorset
}
#: The CSP each former Dorset district was in, by the CSP's name in the ONS lookup: Bournemouth
#: and Poole had their own; Christchurch and the Dorset districts were in the Dorset CSP.
DORSET_FORMER_CSP_NAMES = {
    "E06000028": "Bournemouth",
    "E06000029": "Poole",
    "E07000048": "Dorset",
    "E07000049": "Dorset",
    "E07000050": "Dorset",
    "E07000051": "Dorset",
    "E07000052": "Dorset",
    "E07000053": "Dorset",
}


#: The kind of area, as words in a sentence ("in Dorset (police force area)"). The one wording
#: of the kinds: titles, the area pickers (staff and public), the "Areas compared" choice and
#: the tables' "Area type" column all draw on it, through the functions below.
AREA_KIND_WORDS = {"force": "police force area", "community_safety_partnership": "community safety partnership",
                   "local_authority": "council"}


def area_kind(area_type: str, *, plural: bool = False, capital: bool = False) -> str:
    """The kind of area in words: 'council', 'councils', 'Council' (a table cell or a picker's
    option starts with a capital). An unknown type reads as its words ('ward')."""
    words = AREA_KIND_WORDS.get(str(area_type), str(area_type).replace("_", " "))
    words += "s" if plural else ""
    return words[:1].upper() + words[1:] if capital else words


def area_label(name: str, area_type: str) -> str:
    """A name with its kind, as an area picker lists it and a title names a shared name:
    'Dorset (council)', 'Bournemouth (community safety partnership)'."""
    return f"{name} ({area_kind(area_type)})"


def distinct_area_names(codes, names, types) -> dict[str, str]:
    """Area code -> a name a reader can tell apart: the published name, with the kind of area
    added where several areas share it. ONS names Dorset's force, CSP and council all
    "Dorset", so titles and messages say "Dorset (police force area)", "Dorset (community
    safety partnership)" and "Dorset (council)"; a name used once is left as published."""
    codes, names, types = list(codes), list(names), list(types)
    count: dict[str, int] = {}
    for n in names:
        count[n] = count.get(n, 0) + 1
    return {c: (area_label(n, t) if count[n] > 1 else n) for c, n, t in zip(codes, names, types)}


def arrow_schema(table: Table):
    """The Arrow schema a table is stored with (dates as date32, counts as int64)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "bool": pa.bool_(),
    }
    return pa.schema([pa.field(c.name, types[c.dtype], nullable=not c.required) for c in table.columns])


def financial_year_label(start_year: int) -> str:
    """2019 -> '2019/20' (the financial year 1 April 2019 to 31 March 2020)."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def parse_financial_year(label: str) -> int:
    """'2019/20' -> 2019. Raises ValueError for anything else."""
    import re

    m = re.fullmatch(r"\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*", str(label))
    if not m:
        raise ValueError(f"not a financial year like 2019/20: {label!r}")
    start, end = int(m.group(1)), int(m.group(2))
    if (start + 1) % 100 != end % 100:
        raise ValueError(f"financial year {label!r} does not span two consecutive years")
    return start
