"""Generate docs/data-contract.md from the contract, so the document cannot drift from the code.

``python -m cara_metrics contract-doc --write`` rewrites the file; a test fails when the
committed file differs from what this module generates.
"""

from __future__ import annotations

from pathlib import Path

from . import contract as C
from .dataroot import REPO_DIR

DOC_PATH = REPO_DIR / "docs" / "data-contract.md"

ACCEPTED = {
    "string": "Text. Leading and trailing spaces are removed.",
    "int": "Whole number, e.g. 42 or 1,042.",
    "float": "Number, e.g. 18500, 18,500.50 or £18,500.",
    "date": "13/08/2019, 2019-08-13, or an Excel date serial number; never in the future.",
    "bool": "true/false, yes/no, y/n, 1/0 (any case).",
}

INTRO = """# Data contract

Generated from `cara_metrics/contract.py` by `python -m cara_metrics contract-doc --write`;
a test fails if this file and the code disagree. Contract version: **{version}**.

The warehouse holds one Parquet file per table below, in a version folder of the data root
(see the README). Ingest checks every raw extract against these definitions; the synthetic
data generator writes to them; every SQL query reads them.

## Design decisions

- **Recorded crime is a monthly aggregate** (month x area x offence code x domestic-abuse
  flag -> number of offences), not one row per crime. Every question the dashboard answers
  is a count by period and area, so nothing is lost; the table is about 50 times smaller for
  Dorset and several hundred times smaller nationally (a national warehouse of about
  60 million crimes is under a million rows), and it holds nothing about individual victims.
  Record-level extracts are accepted and aggregated on the way in, in bounded memory.
- **Geography is versioned.** Areas carry `valid_from`, `valid_to` and `successor_code`, so a
  crime recorded in Weymouth and Portland in 2018 keeps `area_code_original = E07000053`
  while `area_code = E06000059` (Dorset Council) lets the 2016-2025 trend run continuously
  across the 1 April 2019 reorganisation.
- **Official geography.** Areas use ONS codes (force area E23/W15, CSP E22, or W14 in
  Wales, council E06/E07/E08/E09/W06, LSOA E01/W01). The ONS "LAD to CSP to PFA" lookup loads
  as the areas table as published (any vintage). A council in several CSPs (Bournemouth,
  Christchurch and Poole: Bournemouth, Poole and Dorset CSPs) has its force as `parent_code`
  and one `area_memberships` row per CSP. Figures held only by council (force extracts,
  referrals, population) are shown for such a council and its force, never for those CSPs;
  figures held by former district or LSOA (data.police.uk) are split between them.
- **Public series are loaded as published**, each recognised by its header: data.police.uk
  street-level crime goes to `street_crime` (anti-social behaviour left out; crimes with no
  location, or located outside the force's area, still count for the reporting force).
- **People are pseudonymised.** `person_id` is an opaque token from the force or provider.
  Names, dates of birth, addresses, postcodes, phone numbers, email addresses, PNC and
  National Insurance numbers are refused at ingest (data minimisation).
- **Financial years run April to March** and are written `2019/20`; quarter 1 is April to June.

## Accepted formats

How each type may be written in a raw extract (CSV, XLSX, ODS or Parquet); see
[loading-data.md](loading-data.md) for header spellings, workbooks and worked examples.

| Type | Accepted in raw extracts |
|---|---|
{formats}

## Allowed values

{allowed}
"""


def _table_md(t: C.Table) -> str:
    lines = [f"## `{t.name}`: {t.title}", "", t.description, "",
             f"Key (unique together): {', '.join(f'`{k}`' for k in t.key)}. Supplied by: {t.producer}.", "",
             "| Column | Type | Required | Meaning | Allowed / range | Example |", "|---|---|---|---|---|---|"]
    for c in t.columns:
        if c.allowed:
            rule = ", ".join(f"`{a}`" for a in c.allowed)
        elif c.minimum is not None or c.maximum is not None:
            rule = f"{c.minimum:g} to {c.maximum:g}" if c.minimum is not None and c.maximum is not None else ""
        else:
            rule = ""
        lines.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.required else 'no'} | {c.description} | {rule} | {c.example} |")
    return "\n".join(lines)


def render() -> str:
    formats = "\n".join(f"| {k} | {v} |" for k, v in ACCEPTED.items())
    allowed = "\n".join([
        f"- Area types: {', '.join(C.AREA_TYPES)}.",
        f"- Age bands: {', '.join(C.AGE_BANDS)}.",
        f"- Sex: {', '.join(C.SEXES)}.",
        f"- DASH risk levels: {', '.join(C.DASH_LEVELS)} (high-risk cases are not eligible for CARA).",
        f"- Index offences: {', '.join(C.INDEX_OFFENCES)}.",
        f"- Outcomes: {', '.join(C.OUTCOMES)}; closed outcomes: {', '.join(C.CLOSED_OUTCOMES)}.",
        f"- Reoffending groups: {', '.join(C.GROUPS)}.",
        "- Survey scale agree5: " + "; ".join(f"{k} = {v}" for k, v in C.AGREE5_LABELS.items()) + ".",
        "- Police.uk crime categories -> Home Office offence group: "
        + "; ".join(f"{k} -> {v or 'none (spans several groups)'}" for k, v in C.POLICE_UK_OFFENCE_GROUPS.items())
        + f". {C.POLICE_UK_NOT_CRIME} is not crime and is not loaded.",
        "- Dorset reorganisation (1 April 2019), former code -> current: "
        + "; ".join(f"{a} -> {b}" for a, b in C.DORSET_SUCCESSORS.items()) + ".",
    ])
    head = INTRO.format(version=C.CONTRACT_VERSION, formats=formats, allowed=allowed)
    return head + "\n" + "\n\n".join(_table_md(t) for t in C.TABLES.values()) + "\n"


def write(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path
