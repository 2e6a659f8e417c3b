"""Computing a whole release and writing it as a new version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .. import disclosure, warehouse
from ..metrics.reoffending import FOLLOW_UP_MONTHS, MIN_GROUP, WAITING_MONTHS
from ..contract import financial_year_label
from ..dataroot import Busy, Version, has_version, live_version, lock, set_aside_orphans, write_version
from ..periods import add_months, format_date, fy_end, fy_of, fy_start, last_ended_fy
from .model import CELL_KEY, NEXT_UPDATE_MONTHS, PublishError, RELEASE_FORMAT, TABLES, _forces, years_label
from .downloads import write_downloads
from .headlines_page import link_live_page, write_headlines_page
from .rows import Rows, join_symbols
from .per_force import force_parts
from .sources import Context, launch_date, previous_tables


# --------------------------------------------------------------------------------------
# The release
# --------------------------------------------------------------------------------------


@dataclass
class Release:
    """A release ready to write: its tables and manifest."""

    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any]


def _sort(df: pd.DataFrame, areas: dict[str, int]) -> pd.DataFrame:
    if df.empty:
        return df
    key = df.assign(_a=df["area_code"].map(areas), _p=df["period_type"].map(
        {"financial year": 0, "quarter": 1, "financial years": 2, "comparison group": 3}))
    return df.loc[key.sort_values(["_a", "_p", "financial_year", "quarter"], kind="stable").index].reset_index(drop=True)


def compute_release(root: Path, release_date: dt.date | None = None,
                    policy: disclosure.Policy | None = None) -> Release:
    """Compute (but do not write) the release from one warehouse version: the one live at the start.

    ``CURRENT`` is resolved once and pinned for this thread (``warehouse.pin``), so every
    query of the build reads that version even if a load switches ``CURRENT`` half-way;
    the manifest's ``warehouse_version`` names it. Assumes the whole build runs on the
    calling thread (pins are per thread), and clears this thread's pins when done.
    """
    root = Path(root)
    wh = warehouse.pin(root, "warehouse")
    try:
        rel = _compute(root, wh, release_date, policy)
        if warehouse.current_version(root, "warehouse").path != wh.path:
            # The pinned folder was set aside mid-build (a rollback, then a load), so later
            # queries fell back to the live version: the release would mix two versions.
            raise PublishError(f"Warehouse version {wh.name} was set aside while the release was being built, "
                               "so nothing was published: run publish again.")
        return rel
    finally:
        warehouse.unpin()


def _compute(root: Path, wh: Version, release_date: dt.date | None, policy: disclosure.Policy | None) -> Release:
    release_date = release_date or dt.date.today()
    policy = policy or disclosure.load_policy()
    as_at = warehouse.as_of(wh)
    last_fy = last_ended_fy(as_at)
    breaks = warehouse.query("series_breaks", {"date_from": dt.date(1900, 1, 1), "date_to": dt.date(2999, 12, 31)}, root=root)
    ctx = Context(root, as_at, policy, last_fy, breaks)
    coverage = ctx.q("data_coverage").set_index("source")
    crime_first = coverage.loc["crime", "first_date"]
    if pd.isna(crime_first):
        raise PublishError("The warehouse has no crime extract from the force (the domestic-abuse-flagged crime table "
                           "the release is built from), so there is nothing to publish. Load it with "
                           "python -m cara_metrics ingest --data-dir DIR FILES, then publish again; public crime data "
                           "alone (police.uk, Home Office) is shown on the staff pages but not published.")
    first_crime_fy = fy_of(pd.Timestamp(crime_first).date())
    if first_crime_fy > last_fy:
        raise PublishError(f"The data runs to {format_date(as_at)}: no complete financial year to publish yet. Publish "
                           "once a whole financial year (April to March) is loaded; if the data does run later than "
                           "that, load it again with --as-at YYYY-MM-DD to record the date it is complete to.")

    forces = _forces(ctx.q("publish_areas"))
    if not forces:
        raise PublishError("The warehouse has no police force area with local authorities in it: load an areas file "
                           "(or the ONS LAD to CSP to PFA lookup) with python -m cara_metrics ingest, then publish again.")
    # Only forces whose crime extract is loaded: the others would read as zero crimes. The
    # release says which were left out (a force loading the national lookup has 42 of them).
    with_crime = set(ctx.q("publish_crime_forces")["area_code"])
    left_out = [f.area.name for f in forces if f.area.code not in with_crime]
    forces = [f for f in forces if f.area.code in with_crime]
    # The people tables of every force are read from the earliest CARA year of any force.
    starts = [fy_of(d) for d in (launch_date(ctx, f) for f in forces) if d is not None and fy_of(d) <= last_fy]
    ctx = dataclasses.replace(ctx, cara_from=fy_start(min(starts)) if starts else None)
    prior = previous_tables(root)  # the bounds audit covers this release and the previous one
    parts: dict[str, list[pd.DataFrame]] = defaultdict(list)
    area_rows, notes = [], []
    supp: dict[str, int] = defaultdict(int)
    cara_first: dt.date | None = None
    for part in force_parts(ctx, forces, first_crime_fy, prior):
        for name, rows in part.tables.items():
            parts[name].append(rows)
        if part.launch is not None:
            cara_first = part.launch if cara_first is None else min(cara_first, part.launch)
        for k, v in part.tally.items():
            supp[k] += v
        area_rows += part.area_rows
        notes += part.notes
    if left_out:
        shown = ", ".join(sorted(left_out)[:5]) + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else "")
        notes.append(f"{len(left_out)} police force area{'s' if len(left_out) > 1 else ''} in the areas loaded "
                     f"{'have' if len(left_out) > 1 else 'has'} no crime extract and {'are' if len(left_out) > 1 else 'is'} "
                     f"not in this release ({shown}): no figure is published for them, never a zero.")
    order = {r["area_code"]: i for i, r in enumerate(area_rows)}
    tables = {name: _sort(pd.concat(parts[name], ignore_index=True) if parts[name] else Rows().frame(), order)
              for name in TABLES}
    tables["areas"] = pd.DataFrame(area_rows).astype("string")
    tables["series_breaks"] = breaks.assign(break_date=pd.to_datetime(breaks["break_date"]).dt.date)[
        ["break_date", "series", "description"]].reset_index(drop=True)

    previous = live_version(root, "release") if has_version(root, "release") else None
    revisions = mark_revisions(tables, previous)
    tables["revisions"] = revisions

    cara_fy = fy_of(cara_first) if cara_first else None
    manifest = {
        "kind": "release",
        "release_format": RELEASE_FORMAT,
        "release_date": release_date.isoformat(),
        "data_as_at": as_at.isoformat(),
        "next_update": add_months(release_date, NEXT_UPDATE_MONTHS).isoformat(),
        "period_covered": {
            "from": financial_year_label(first_crime_fy), "to": financial_year_label(last_fy),
            "text": f"{format_date(fy_start(first_crime_fy))} to {format_date(fy_end(last_fy))} "
                    f"(financial years {years_label(first_crime_fy, last_fy)})",
            "cara_from": financial_year_label(cara_fy) if cara_fy is not None else None,
            "cara_launch": cara_first.isoformat() if cara_first else None,
        },
        "synthetic": wh.synthetic,
        "synthetic_note": wh.manifest.get("note") if wh.synthetic else None,
        "warehouse_version": wh.name,
        "contract_version": wh.manifest.get("contract_version"),
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "previous_release": previous.name if previous else None,
        "revisions": {"count": int(len(revisions)), "compared_with": previous.name if previous else None,
                      "cells": json.loads(revisions.to_json(orient="records"))},
        "breaks_in_series": [{"date": pd.Timestamp(r.break_date).date().isoformat(), "series": r.series,
                              "description": r.description} for r in breaks.itertuples()],
        "policy": {**{k: v for k, v in dataclasses.asdict(policy).items() if k != "symbols"},
                   "text": disclosure.policy_text(policy)},
        "suppression": {
            "primary": supp["primary"], "secondary": supp["secondary"],
            "counts_withheld_with_their_rate": supp["rate"],
            "rates_withheld_by_rate_rules": supp["rates_rule"],
            "rates_withheld_because_a_count_is_suppressed": supp["rates_count"],
            "note": "Counts of distinct published cells about people (a partnership that repeats its only local "
                    "authority is not counted twice). Primary: 1 to 4 people. Secondary: hidden so that no hidden "
                    "figure can be worked out from totals and other tables. Counts withheld with their rate: the "
                    "numerator of a rate the rate rules withhold. Rates are counted for the force and its local "
                    "authorities.",
        },
        "tables": {n: {"title": TABLES[n].title, "description": TABLES[n].description, "rows": int(len(tables[n])),
                       "metric_ids": list(TABLES[n].metric_ids)} for n in TABLES},
        "reoffending": {"follow_up_months": FOLLOW_UP_MONTHS, "waiting_months": WAITING_MONTHS,
                        "minimum_group": MIN_GROUP},
        "symbols": dict(disclosure.SYMBOLS),
        "notes": notes,
    }
    return Release(tables=tables, manifest=manifest)


def mark_revisions(tables: dict[str, pd.DataFrame], previous: Version | None) -> pd.DataFrame:
    """Mark [r] on every cell whose shown value changed since ``previous``; return the list.

    A cell is identified by table and :data:`CELL_KEY`. Changed means a different
    published value, or published in one release and withheld in the other. Cells new in
    this release are not revisions.
    """
    cols = ["table", *CELL_KEY, "area_name", "previous_shown", "previous_symbol", "shown", "symbol"]
    out = []
    if previous is not None:
        for name in TABLES:
            path = previous.table_path(name)
            if not path.exists() or tables[name].empty:
                continue
            old = pd.read_parquet(path)
            new = tables[name]
            key = list(CELL_KEY)
            m = new.reset_index().merge(
                old[[*key, "shown", "symbol"]].astype({k: "string" for k in key}).rename(
                    columns={"shown": "previous_shown", "symbol": "previous_symbol"}),
                on=key, how="inner")
            a, b = m["shown"], m["previous_shown"]
            changed = (a.isna() != b.isna()) | (a.notna() & b.notna() & ((a - b).abs() > 1e-9))
            hit = m[changed]
            if hit.empty:
                continue
            idx = hit["index"].to_numpy()
            new.loc[idx, "symbol"] = [join_symbols([s, "[r]"]) for s in new.loc[idx, "symbol"]]
            rev = new.loc[idx].assign(table=name, previous_shown=hit["previous_shown"].to_numpy(),
                                      previous_symbol=hit["previous_symbol"].to_numpy())
            out.append(rev[cols])
    if not out:
        return pd.DataFrame({c: pd.Series(dtype="float64" if "shown" in c and "symbol" not in c else "string")
                             for c in cols})
    df = pd.concat(out, ignore_index=True)
    for c in cols:
        df[c] = df[c].astype("float64" if c in ("shown", "previous_shown") else "string")
    return df


def _arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False)


#: How long a publish waits for another publish into the same data root before giving up.
PUBLISH_WAIT_SECONDS = 600.0


def _publish_lock(root: Path, wait_seconds: float) -> int | None:
    """Lock ``root/release`` against other publishes, waiting up to ``wait_seconds``.

    A publish waits rather than being refused: its revisions must be compared with the
    release the other one is writing, so it can only start once that one is live.
    """
    try:
        return lock(root / "release")
    except Busy:
        print(f"another publish into {root} is running: waiting for it to finish", file=sys.stderr)
    try:
        return lock(root / "release", wait_seconds=wait_seconds)
    except Busy:
        raise PublishError(f"Another publish into {root} has been running for over {wait_seconds:.0f} seconds, "
                           "so nothing was published: run publish again once it has finished.") from None


def build_release(root: Path, release_date: dt.date | None = None, *,
                  policy: disclosure.Policy | None = None, wait_seconds: float = PUBLISH_WAIT_SECONDS) -> Version:
    """Compute the release from the live warehouse and write it as the new live release,
    with its download files (:mod:`.downloads`) and the static headlines page
    (:mod:`.headlines_page`).

    Publishes are serialised by a lock on ``root/release``: the previous release that
    revisions are compared with is read under it, and the new one is live before the next
    publish starts. Under the lock, releases off the live chain (a publish killed before it
    went live) are set aside into ``release/orphaned/`` first, as ingest does for loads.
    """
    root = Path(root)
    live_version(root, "warehouse")  # refuse before creating anything if there is no warehouse
    (root / "release").mkdir(parents=True, exist_ok=True)
    fd = _publish_lock(root, wait_seconds)
    try:
        for name, dest in set_aside_orphans(root, "release"):
            print(f"set aside release version {name}: it is not in the live release's history (a publish "
                  f"interrupted before it went live), so it is never served; kept in {dest}")
        rel = compute_release(root, release_date, policy)
        # The download files are made from the written release before it goes live, so the
        # first reader of the tables page is served files, never builds them.
        # So is the static headlines page (headlines.html), which nginx serves through a link
        # to the live release's copy, switched once the release is live.
        version = write_version(root, "release", {k: _arrow(v) for k, v in rel.tables.items()}, rel.manifest,
                                before_live=lambda v: (write_downloads(root, v), write_headlines_page(root, v)))
        link_live_page(root)
        return version
    finally:
        if fd is not None:
            os.close(fd)


