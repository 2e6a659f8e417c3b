"""The methodology page's text, generated from the release: what each published table
holds, every published metric's declaration from the registry (definition, numerator,
denominator, caveats, source and disclosure rule), the symbols, and how the figures are
measured and rounded. Nothing here is written twice: a metric's words live in the registry.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import registry
from ..disclosure import SYMBOLS, rounding_text
from .release import RELEASE_TABLES, release_info


def table_specs(root: Path | None = None) -> dict[str, dict]:
    """Release table name -> its title, description, rows and metric ids (from the manifest),
    in the order the pages show them."""
    specs = release_info(root).manifest.get("tables", {})
    order = {n: i for i, n in enumerate(RELEASE_TABLES)}
    return {n: specs[n] for n in sorted(specs, key=lambda n: order.get(n, len(order)))}


def published_metrics(root: Path | None = None) -> list[registry.Metric]:
    ids = list(dict.fromkeys(i for t in table_specs(root).values() for i in t.get("metric_ids", ())))
    return [registry.get(i) for i in ids]


def metric_descriptions(root: Path | None = None) -> list[tuple[str, str]]:
    """(title, markdown) per published metric: definition, numerator, denominator, caveats,
    source and disclosure rule, straight from the registry."""
    return [(m.title, f"- **Definition:** {m.definition}\n- **Counted:** {m.numerator}\n- **Out of:** {m.denominator}\n"
                      f"- **Caveats:** {m.caveats}\n- **Source:** {m.source}\n- **Disclosure rule:** {m.disclosure_rule}")
            for m in published_metrics(root)]


def symbols_table() -> pd.DataFrame:
    return pd.DataFrame({"Symbol": list(SYMBOLS), "Meaning": list(SYMBOLS.values())})


def methodology_sections(root: Path | None = None) -> list[tuple[str, str]]:
    """(heading, markdown) pairs for the methodology page, generated from the release."""
    info = release_info(root)
    r = info.manifest.get("reoffending", {})
    FOLLOW_UP_MONTHS, WAITING_MONTHS, MIN_GROUP = r.get("follow_up_months", 12), r.get("waiting_months", 6), r.get("minimum_group", 60)

    status = ("These are **synthetic demonstration data**: made up at random and calibrated to published Dorset figures. "
              "They describe no real person or outcome." if info.synthetic else
              "The figures come from the police force's and the workshop provider's records, checked against a data "
              "contract before they are used.")
    return [
        ("What these figures are",
         "CARA (Cautioning and Relationship Abuse) is a pair of workshops attached to a police caution for a first, "
         "lower-risk domestic-abuse offence. These pages publish how many people are referred, how many complete, what "
         "participants say, and whether they reoffend less, alongside domestic abuse in recorded crime. " + status),
        ("Areas and periods",
         "Figures are published for the police force area, its community safety partnerships and its local authorities, "
         "by financial year (April to March) and, for crime and referrals, by quarter (Q1 is April to June). Only whole "
         "financial years are published. Crime counts before April 2019 are counted under today's councils. "
         "Areas carry their ONS codes. A council that lies in more than one community safety partnership (Bournemouth, "
         "Christchurch and Poole lies in three) has its figures shown for the council and the force only, not for those "
         "partnerships, unless the source holds them by former district or by neighbourhood (LSOA), when they are split "
         "by the district each neighbourhood was in. "
         + " ".join(info.notes)),
        ("How reoffending is measured",
         f"We follow the Ministry of Justice proven reoffending measure: an offence committed within {FOLLOW_UP_MONTHS} "
         f"months of the caution and proven by a conviction or caution within that time or a further {WAITING_MONTHS} "
         "months. A cohort is published only once everyone in it has had the full follow-up. Everyone referred to CARA is "
         "counted, whether or not they completed (intention to treat), against a comparison group of people given a "
         "domestic-abuse caution before CARA began who would have been eligible. The comparison group was not chosen at "
         "random, so differences may partly reflect other changes over time. The difference is given with its 95% "
         f"confidence interval (Newcombe's method); no comparison is made when either group has fewer than {MIN_GROUP} "
         "people (Justice Data Lab guidance)."),
        ("How rates are rounded",
         "Force-level percentages are calculated from exact counts and shown to one decimal place. Below force level a "
         "percentage is calculated from the published (rounded) counts and shown as a whole number, so it reveals nothing "
         "the counts do not; it can differ by a few points from the rate of the exact counts. A completion rate's closed "
         "cases are the published completed, breached and withdrawn counts added together."),
        ("What rounding and suppression protect", " ".join(rounding_text())),
        ("Revisions",
         "Each release is compared with the one before. A published figure that changed is marked [r] and listed under "
         "'About this release' on the overview page; figures can change when late records arrive or cases close."),
    ]
