"""Data quality: which warehouse version is live, where it came from, how fresh and complete
each table is, which reoffending cohorts are still open, and what the last ingest rejected."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import metrics
from ..areas import areas_frame, data_as_at
from ..dataroot import data_root, list_versions, live_version
from ..metrics import lookups, reoffending
from ..metrics.value import EARLIEST  # quality, like the effect, looks at every record whatever its date
from ..periods import Filters, format_date

#: Ingest appends one JSON line per attempt to DATA_ROOT/ingest-log.jsonl (accepted or rejected).
INGEST_LOG = "ingest-log.jsonl"


@dataclass(frozen=True)
class Quality:
    version: str
    synthetic: bool
    data_as_at: dt.date
    history: pd.DataFrame
    sources: pd.DataFrame
    freshness: pd.DataFrame
    completeness: pd.DataFrame
    open_cohorts: pd.DataFrame
    last_ingest: dict | None


def _history(root: Path) -> pd.DataFrame:
    rows = []
    live = live_version(root, "warehouse").name
    for name in list_versions(root, "warehouse"):
        try:
            m = json.loads((root / "warehouse" / name / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            m = {}
        rows.append({"Version": name, "Live": "yes" if name == live else "", "Created": _date_text(m.get("created_at", "")),
                     "Data as at": _date_text(m.get("data_as_at", "")), "Synthetic": "yes" if m.get("synthetic") else "no",
                     "Source files": len(m.get("sources", []))})
    return pd.DataFrame(rows)


def last_ingest(root: Path) -> dict | None:
    """The last line of the ingest log, if any ingest has been attempted."""
    log = root / INGEST_LOG
    if not log.is_file():
        return None
    lines = [ln for ln in log.read_text(encoding="utf-8").splitlines() if ln.strip()]
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def _force(root: Path | None) -> str:
    a = areas_frame(root)
    forces = a.loc[a["area_type"] == "force", "area_code"]
    return str(forces.iloc[0]) if len(forces) else ""


def compute(root: Path | None = None) -> Quality:
    root = root or data_root()
    v = live_version(root, "warehouse")
    as_at = data_as_at(root)
    sources = pd.DataFrame(v.manifest.get("sources", []))
    whole = Filters(EARLIEST, as_at, _force(root))
    fr = metrics.compute("table_freshness", whole, "category", root=root).table
    fresh = pd.DataFrame({"table_name": fr["category"], "rows": fr["value"].astype("int64"),
                          "first_date": fr["first_date"], "last_date": fr["last_date"]})
    fresh["days_behind"] = [(as_at - pd.Timestamp(d).date()).days if pd.notna(d) else None for d in fresh["last_date"]]
    freshness = pd.DataFrame({
        "Table": fresh["table_name"], "Rows": fresh["rows"],
        "First date": [format_date(pd.Timestamp(d).date()) if pd.notna(d) else "–" for d in fresh["first_date"]],
        "Last date": [format_date(pd.Timestamp(d).date()) if pd.notna(d) else "–" for d in fresh["last_date"]],
        "Days before data-as-at": fresh["days_behind"],
    })
    co = metrics.compute("field_completeness", whole, "category", root=root).table
    table_field = [c.split(".", 1) for c in co["category"]]
    completeness = pd.DataFrame({
        "Table": [t for t, _ in table_field], "Field": [c for _, c in table_field], "Expected when": co["expected_when"],
        "Expected": co["denominator"].astype("int64"), "Present": co["numerator"].astype("int64"),
        "Complete (%)": (100 * co["value"]).round(1),
    })
    cohorts = lookups.cohorts(whole.area_code, root)
    open_ = cohorts[~cohorts["follow_up_complete"].astype(bool)]
    open_cohorts = pd.DataFrame({
        "Cohort quarter starting": [format_date(pd.Timestamp(d).date()) for d in open_["cohort_quarter"]],
        "Group": open_["cohort_group"], "People": open_["people"],
        "Follow-up ends": [format_date(reoffending_end(pd.Timestamp(d).date())) for d in open_["cohort_quarter"]],
    })
    return Quality(v.name, v.synthetic, as_at, _history(root), sources, freshness, completeness, open_cohorts, last_ingest(root))


def reoffending_end(quarter_start: dt.date) -> dt.date:
    """The date by which every member of a cohort quarter has had 18 months of follow-up."""
    from ..periods import add_months

    return add_months(quarter_start, 3 + reoffending.FOLLOW_UP_MONTHS + reoffending.WAITING_MONTHS) - dt.timedelta(days=1)


def _date_text(iso: object) -> object:
    """'2025-03-31' -> '31 March 2025', '2025-04-02T09:15:00+00:00' -> '2 April 2025, 09:15';
    anything else unchanged (a damaged manifest or a note such as 'synthetic' shows as it is)."""
    text = str(iso)
    try:
        if len(text) == 10:
            return format_date(dt.date.fromisoformat(text))
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return f"{format_date(stamp.date())}, {stamp:%H:%M}"
    except ValueError:
        return iso


def sources_table(q: Quality) -> pd.DataFrame:
    if q.sources.empty:
        return pd.DataFrame({"Source file": [], "Table": [], "Rows": [], "Loaded": [], "SHA-256": []})
    s = q.sources
    return pd.DataFrame({
        "Source file": s.get("file", ""), "Table": s.get("table", ""), "Rows": s.get("rows", ""),
        "Loaded": [_date_text(v) if v else v for v in s["loaded_at"]] if "loaded_at" in s else "", "SHA-256": s.get("sha256", ""),
    })


def status_text(q: Quality) -> str:
    kind = "synthetic demonstration data" if q.synthetic else "loaded extracts"
    return f"Live warehouse version **{q.version}** ({kind}), data as at **{format_date(q.data_as_at)}**."


def last_ingest_text(q: Quality) -> str:
    li = q.last_ingest
    if not li:
        return "No ingest has been run on this data root (the data was written by the synthetic data generator)."
    status = "accepted" if li.get("accepted") else "rejected: the warehouse was left unchanged"
    return (f"{li.get('time', 'Unknown time')}: {len(li.get('files', []))} file(s), {status}. "
            f"Rows rejected: **{int(li.get('rejected_rows', 0)):,}**; problems found: {int(li.get('problems', 0)):,}."
            + (f" Full report: `{li['report']}`." if li.get("report") else ""))


#: What the split of a council between several CSPs means for the figures (also in docs/loading-data.md).
SHARED_COUNCILS_TEXT = (
    "These councils lie in more than one community safety partnership (CSP), as the ONS lookup lists them. "
    "Figures held only by council (the force's crime extract, referrals, the reoffending cohort, population) "
    "are shown for the council and the force, not for these CSPs: a CSP's figure would otherwise hold part of a "
    "council. Crime held by former district or by LSOA (data.police.uk street-level crime) is split between them, "
    "by the district each LSOA was in; where a source holds such a council's crime only by council, its CSPs show [x].")


def shared_councils(root: Path | None = None) -> pd.DataFrame:
    """Councils in several CSPs (area_memberships), for the data quality page."""
    df = lookups.shared_councils(root)
    return pd.DataFrame({"Council": df["council_name"].fillna(df["area_code"]), "Code": df["area_code"],
                         "Community safety partnerships": df["csps"]})

