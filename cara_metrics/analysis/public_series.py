"""The official ONS domestic-abuse series by police force area, as the pages show it.

* ``reconciliation_table``: the force's own DA-flagged extract against the ONS count, per
  financial year both cover (data quality page), from the ``da_reconciliation`` result;
* ``ons_force_panel``: the force's domestic abuse-related share of crime against England and
  Wales and every other force in the same ONS table (crime page), from ``da_share_ons``.

Both say plainly when the ONS series is not loaded rather than showing an empty frame.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from .. import charts, metrics, registry
from .. import formatting as fmt
from ..areas import cached_on_version as cached_panel
from ..areas import data_as_at, force_of
from ..dataroot import data_root
from ..metrics.answers.public_series import RECONCILE_THRESHOLD
from ..metrics.value import EARLIEST
from ..panels import NoData, Panel
from ..periods import Filters

NOT_LOADED = ("The ONS series of domestic abuse-related crimes by police force area is not loaded. Load the "
              "table from the ONS 'Domestic abuse in England and Wales' data tool with `ingest` to see it here.")


def _signed(x: float | None, pct: bool = False) -> str:
    """A signed count or percentage with a true minus sign: +120, −35, +2.4%."""
    if x is None or pd.isna(x):
        return "–"
    v = 100 * float(x) if pct else float(x)
    text = f"{abs(v):,.1f}%" if pct else f"{abs(round(v)):,}"
    return ("−" if v < 0 else "+" if v > 0 else "") + text


def reconciliation(root: Path | None = None) -> pd.DataFrame:
    """The ``da_reconciliation`` result for the whole force over every year held."""
    root = root or data_root()
    as_at = data_as_at(root)
    from ..analysis.quality import _force

    return metrics.compute("da_reconciliation", Filters(EARLIEST, as_at, _force(root)), "period", root=root).table


def reconciliation_table(root: Path | None = None) -> pd.DataFrame | None:
    """Both counts, the difference in crimes and percent, and the check; None when nothing overlaps."""
    r = reconciliation(root)
    if r.empty:
        return None
    return pd.DataFrame({
        "Financial year": r["period"],
        "Force extract (DA-flagged)": [fmt.count(x) for x in r["extract_crimes"]],
        "ONS (domestic abuse-related)": [fmt.count(x) for x in r["ons_crimes"]],
        "Difference": [_signed(x) for x in r["difference"]],
        "Difference (%)": [_signed(x, pct=True) for x in r["value"]],
        "Check": r["status"],
    })


def reconciliation_text(root: Path | None = None) -> str:
    r = reconciliation(root)
    if r.empty:
        return ("No year is covered by both the force's DA-flagged extract and the ONS series for the force, so "
                "there is nothing to reconcile yet. " + NOT_LOADED.split(". ", 1)[0] + " alongside the extract.")
    gaps = r[r["gap_over_2pct"].astype(bool)]
    limit = f"{100 * RECONCILE_THRESHOLD:.0f}%"
    if gaps.empty:
        return f"The force's extract is within {limit} of the ONS count in every year compared."
    years = ", ".join(gaps["period"])
    return (f"**Gap over {limit}** between the force's extract and the ONS count in {years}: check the extract's "
            "domestic-abuse flag and recorded dates against the force's Home Office return for those years.")


def ons_note(f: Filters, root: Path | None = None) -> str | None:
    """What to say instead of the ONS comparison, or None when it can be shown: the series not
    loaded for the force at all (the page says so plainly), or no year of it in the selection
    (then the panel's own "no data" message applies)."""
    force = force_of(f.area_code, root)
    whole = Filters(EARLIEST, data_as_at(root or data_root()), force)
    if metrics.compute("da_share_ons", whole, "area", root=root).table.empty:
        return NOT_LOADED
    return None


@cached_panel
def ons_force_panel(f: Filters, root: Path | None = None) -> Panel:
    """The force against England and Wales and every force in the ONS table (latest year in ``f``)."""
    m = registry.get("da_share_ons")
    force = force_of(f.area_code, root)
    t = metrics.compute("da_share_ons", f.with_area(force), "area", root=root).table
    if t.empty:
        raise NoData(NOT_LOADED + f" (No ONS figures for the force in {f.label}.)")
    year = str(t["period"].iloc[0])
    df = t.sort_values("value", ascending=False, na_position="last").reset_index(drop=True)
    df["label"] = [fmt.pct(v) for v in df["value"]]
    mine = df[df["is_selected_force"].astype(bool)]
    nat = df[df["is_national"].astype(bool)]
    name = str(mine["category"].iloc[0]) if len(mine) else "The force"
    shown = df[df["value"].notna()]
    if len(mine) and pd.notna(mine["value"].iloc[0]):
        rank = int((shown.loc[~shown["is_national"].astype(bool), "value"] > mine["value"].iloc[0]).sum()) + 1
        forces = int((~shown["is_national"].astype(bool)).sum())
        against = f" against {fmt.pct(nat['value'].iloc[0])} for England and Wales" if len(nat) and pd.notna(nat["value"].iloc[0]) else ""
        title = f"{name}: {fmt.pct(mine['value'].iloc[0])} of recorded crime was domestic abuse-related{against}"
        summary = f"{title}; {rank} of {forces} forces by share, year ending March {int(year[:4]) + 1} ({year})."
    else:
        title = f"Domestic abuse-related share of recorded crime by force, {year}"
        summary = title + "."
    fig = partial(charts.bar_chart, shown, "category", "value", percent=True, text="label",
                  highlight=name if len(mine) else None)
    missing = df[df["value"].isna()]
    notes = (f"Not available in the ONS table ([x]): {', '.join(missing['category'])}.",) if len(missing) else ()
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"ONS, every force in the table, {year}; n = {fmt.count(mine['numerator'].iloc[0]) if len(mine) else '–'} "
                 f"domestic abuse-related crimes in {name}",
        table=pd.DataFrame({"Police force area": df["category"], "Code": df["area_code"],
                            "Domestic abuse-related crimes": [fmt.count(x) for x in df["da_crimes"]],
                            "Share of recorded crime (%)": [fmt.number(100 * v) if pd.notna(v) else "[x]" for v in df["value"]],
                            "Per 1,000 population": [fmt.number(x) if x is not None and pd.notna(x) else "[x]" for x in df["rate_per_1000"]],
                            "Note": df["ons_note"]}),
        figure=fig, summary=summary, notes=notes,
    )
