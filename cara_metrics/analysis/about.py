"""The 'About the data' page, generated from the registry, the contract and the manifest,
so the methodology can never disagree with what the dashboard computes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import contract, disclosure, registry
from ..areas import data_as_at
from ..dataroot import data_root, live_version
from ..periods import format_date
from .reoffending import FOLLOW_UP_MONTHS, MIN_GROUP, WAITING_MONTHS


@dataclass(frozen=True)
class Section:
    heading: str
    body: str
    table: pd.DataFrame | None = None


def metrics_table() -> pd.DataFrame:
    rows = []
    for m in registry.METRICS.values():
        rows.append({
            "Question": registry.QUESTIONS[m.question],
            "Metric": m.title,
            "Definition": m.definition,
            "Numerator": m.numerator,
            "Denominator": m.denominator,
            "Caveats": m.caveats,
            "Source": m.source,
            "Disclosure rule": m.disclosure_rule,
            "Query": "; ".join(f"{by}: " + ", ".join(f"sql/{s}.sql" for s in files) for by, files in m.queries)
                     + "".join(f" ({k} = '{v}')" for k, v in m.sql_params),
        })
    return pd.DataFrame(rows)


def sections(root: Path | None = None) -> list[Section]:
    v = live_version(root or data_root(), "warehouse")
    status = ("**These are synthetic demonstration data**: drawn at random, calibrated to published "
              "Dorset figures (recorded crime and its domestic-abuse share match the published force totals; "
              "referrals, completion, survey answers and reoffending are invented around the programme's "
              "reported figures). They describe no real person.") if v.synthetic else \
             "These figures come from the force's and the provider's own extracts, loaded and checked against the data contract."
    sources = pd.DataFrame(v.manifest.get("sources", []))
    if not sources.empty:
        sources = sources.rename(columns={"file": "Source file", "table": "Table", "rows": "Rows", "sha256": "SHA-256"})
    out = [
        Section("The data", f"{status}\n\nData as at **{format_date(data_as_at(root))}**; warehouse version `{v.name}`; data contract version {v.manifest.get('contract_version', '?')}.", sources if not sources.empty else None),
        Section("What each figure means",
                "Every number on this dashboard comes from one of these metrics. The same definitions appear under each chart, in the downloads and in the board pack.",
                metrics_table()),
        Section("How reoffending is measured",
                f"We follow the Ministry of Justice proven reoffending measure: an offence committed within {FOLLOW_UP_MONTHS} months "
                f"of the caution and proven by a conviction or caution within that time or a further {WAITING_MONTHS} months. "
                f"A group is only reported once all its members have had the full {FOLLOW_UP_MONTHS + WAITING_MONTHS} months. "
                "The headline compares **everyone referred** to CARA (intention to treat), whether or not they completed, with a "
                "comparison group of people given a domestic-abuse caution before CARA began. Comparing only those who completed "
                "would flatter CARA, because people who complete differ from those who do not. Each comparison gives the "
                "difference with its 95% confidence interval (Newcombe's method) and a p-value; when the interval includes zero we "
                f"say more people are needed, never that CARA has no effect. No comparison is made with fewer than {MIN_GROUP} "
                "people in either group (Justice Data Lab guidance).\n\n"
                "For context: the Hampshire randomised trial (Strang et al. 2017, 293 men) found the total crime harm of "
                "re-arrests 27% lower with the workshops (P = .011)."),
        Section("Statistics",
                "- Percentages of people carry a **Wilson score 95% interval**, which behaves well for small groups and rates near 0% or 100%.\n"
                "- Differences between two percentages use **Newcombe's hybrid score interval**; the p-value is from a two-proportion z-test, or **Fisher's exact test** when any expected count is below 5.\n"
                "- Time to first reoffence is a **Kaplan-Meier** estimate with a Greenwood, log-log 95% band.\n"
                "- Reoffences per 100 people and crime-harm days compare means with Welch's interval (normal approximation)."),
        Section("Geography", "Since 1 April 2019 Dorset has two unitary councils: Bournemouth, Christchurch and Poole (E06000058; from Bournemouth, Poole and Christchurch) "
                "and Dorset Council (E06000059; from East Dorset, North Dorset, Purbeck, West Dorset and Weymouth and Portland). Records made before then keep "
                "their original district code in the warehouse and are counted under today's council, so trends run across the change. "
                "Areas use ONS codes and names, as the ONS LAD to CSP to PFA lookup gives them: the community safety partnerships are "
                "Bournemouth (E22000063), Poole (E22000067) and Dorset (E22000367). Bournemouth, Christchurch and Poole sits in all three "
                "(Christchurch was in the Dorset CSP), so figures held by council are shown for the councils and the force, not for the partnerships; "
                "the force, the Dorset CSP and Dorset Council are all named \"Dorset\", so titles add the kind of area."),
        Section("Disclosure control", "Published (public) figures protect the people they describe:\n\n" + "\n".join(f"- {t}" for t in disclosure.policy_text())
                + "\n\nSymbols: " + "; ".join(f"{k} {v}" for k, v in disclosure.SYMBOLS.items()) + "."),
        Section("Data contract", "The tables the dashboard reads, and what each column means, are in `docs/data-contract.md`.",
                pd.DataFrame([{"Table": t.name, "What it holds": t.title, "Key": ", ".join(t.key), "Columns": len(t.columns)} for t in contract.TABLES.values()])),
    ]
    return out
