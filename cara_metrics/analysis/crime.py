"""Question 1: how big is domestic abuse in recorded crime?"""

from __future__ import annotations

from functools import partial

from pathlib import Path

import pandas as pd

from .. import charts, formatting as fmt, metrics, registry
from ..metrics import lookups
from ..panels import NoData, Panel, Tile
from ..areas import area_names, display_names, force_of, cached_on_version as cached_panel
from ..periods import Filters, Grain
from ..contract import area_label
from .area_level import chart_label, kind_column, level_for, level_note, level_words, one_level, shared_council_reason
from .provisional import labels
from .tiles import year_tile



def _with_reason(message: str, f: Filters, root: Path | None) -> str:
    """``message``, plus why when the area is a partnership sharing a council."""
    reason = shared_council_reason(f.area_code, root)
    return f"{message} {reason}" if reason else message

def series(f: Filters, grain: Grain = "year", root: Path | None = None) -> pd.DataFrame:
    """All and DA crimes per period with share and annualised rate per 1,000 residents, from
    the da_share and da_rate_per_1000 results (so the page shows what figures prints)."""
    share = metrics.compute("da_share", f, "period", grain, root=root).table
    rate = metrics.compute("da_rate_per_1000", f, "period", grain, root=root).table
    if share.empty or float(share["denominator"].sum()) == 0:
        raise NoData(_with_reason(f"There is no domestic-abuse-flagged crime (the force's own extract) for this area in {f.label}.", f, root))
    return pd.DataFrame({
        "period_start": pd.to_datetime(share["period_start"]), "period": share["period"],
        "all_offences": share["denominator"].astype("int64"), "da_offences": share["numerator"].astype("int64"),
        "population_years": rate["denominator"], "share": share["value"], "rate_per_1000": rate["value"],
        "provisional": share["provisional"], "break_before": share["break_before"], "symbol": share["symbol"],
    })


def breaks(f: Filters, root: Path | None = None) -> pd.DataFrame:
    return lookups.series_breaks(f, root)


@cached_panel
def share_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    m = registry.get("da_share")
    names = area_names(root)
    df = series(f, grain, root)
    force = force_of(f.area_code, root)
    table = pd.DataFrame({
        "Period": labels(df["period"], df["provisional"]),
        "Domestic-abuse crimes": df["da_offences"],
        "All recorded crimes": df["all_offences"],
        "Domestic-abuse share (%)": (100 * df["share"]).round(1),
    })
    fig_df = df[["period_start", "share", "provisional"]].copy()
    names_list = [names.get(f.area_code, f.area_code)]
    series_cols = ["share"]
    if force != f.area_code:
        comp = series(f.with_area(force), grain, root)[["period_start", "share"]].rename(columns={"share": "force_share"})
        fig_df = fig_df.merge(comp, on="period_start", how="left")
        table[f"{names.get(force, force)} share (%)"] = (100 * fig_df["force_share"]).round(1).to_numpy()
        series_cols.append("force_share")
        names_list.append(f"{names.get(force, force)} (comparator)")
    fig = partial(charts.line_chart, fig_df, "period_start", series_cols, names=names_list, percent=True, y_title="Share of recorded crime",
                             tick_text=None if grain == "month" else list(df["period"]), provisional="provisional")
    # Compare like with like: never across a break in series, never from a provisional period.
    since = df.index[df["break_before"]].max() if df["break_before"].any() else df.index[0]
    final = df[~df["provisional"]]
    last = final.iloc[-1] if len(final) else df.iloc[-1]
    first = df.loc[since]
    direction = "up from" if last["share"] > first["share"] else "down from" if last["share"] < first["share"] else "the same as"
    title = (f"Domestic abuse was {fmt.pct(last['share'])} of recorded crime in {last['period']}"
             + ("" if first["period"] == last["period"] or last.name < since
                else f", {direction} {fmt.pct(first['share'])} in {first['period']}"
                + (" (the first period after the break in series)" if since != df.index[0] else "")))
    b = breaks(f, root)
    notes = tuple(f"Break in series from {pd.Timestamp(r.break_date):%B %Y}: {r.description}" for r in b.itertuples())
    return Panel(
        metric_id=m.id,
        title=title,
        subtitle=f"{names.get(f.area_code, f.area_code)}, {f.label}, by {grain if grain != 'year' else 'financial year'}; n = {int(df['all_offences'].sum()):,} recorded crimes",
        table=table,
        figure=fig,
        summary=f"{title}. {int(df['da_offences'].sum()):,} of {int(df['all_offences'].sum()):,} recorded crimes in the period were flagged as domestic-abuse related.",
        notes=notes,
    )


@cached_panel
def rate_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    m = registry.get("da_rate_per_1000")
    names = area_names(root)
    df = series(f, grain, root)
    table = pd.DataFrame({
        "Period": labels(df["period"], df["provisional"]),
        "Domestic-abuse crimes": df["da_offences"],
        "Population-years": df["population_years"].round(0),
        "Per 1,000 residents a year": df["rate_per_1000"].round(1),
    })
    fig = partial(charts.line_chart, df, "period_start", ["rate_per_1000"], names=[names.get(f.area_code, f.area_code)],
                            y_title="Per 1,000 residents a year", hover_format=".1f",
                            tick_text=None if grain == "month" else list(df["period"]), provisional="provisional")
    last = df.iloc[-1]
    title = (f"{fmt.number(last['rate_per_1000'])} domestic-abuse crimes per 1,000 residents a year in "
             f"{labels([last['period']], [last['provisional']])[0]}")
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{names.get(f.area_code, f.area_code)}, {f.label}; n = {int(df['da_offences'].sum()):,} domestic-abuse crimes",
        table=table, figure=fig, summary=title + ".",
    )


@cached_panel
def offence_mix_panel(f: Filters, root: Path | None = None) -> Panel:
    m = registry.get("da_offence_mix")
    names = area_names(root)
    r = metrics.compute("da_offence_mix", f, "category", root=root).table
    total = int(r["numerator"].sum()) if len(r) else 0
    if total == 0:
        raise NoData(_with_reason(f"There are no domestic-abuse-flagged crimes for this area in {f.label}.", f, root))
    df = pd.DataFrame({"offence_group": r["category"], "da_offences": r["numerator"].astype("int64"), "share": r["value"]})
    df["label"] = [f"{fmt.pct(s)} ({fmt.count(n)})" for s, n in zip(df["share"], df["da_offences"])]
    top = df.iloc[0]
    fig = partial(charts.bar_chart, df, "offence_group", "share", percent=True, text="label", highlight=top["offence_group"])
    title = f"{top['offence_group']} made up {fmt.pct(top['share'], 0)} of domestic-abuse crime"
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{names.get(f.area_code, f.area_code)}, {f.label}; n = {total:,} domestic-abuse crimes",
        table=pd.DataFrame({"Offence group": df["offence_group"], "Domestic-abuse crimes": df["da_offences"],
                            "Share of domestic-abuse crime (%)": (100 * df["share"]).round(1)}),
        figure=fig, summary=f"{title} in {f.label}.",
    )


@cached_panel
def area_panel(f: Filters, root: Path | None = None, level: str | None = None) -> Panel:
    """The domestic-abuse share in the force and in the areas of one level (councils or
    community safety partnerships, never both). Counts of all recorded crime are not a
    sample, so there is no interval; the title gives the range, never "the highest"."""
    m = registry.get("da_share")
    force = force_of(f.area_code, root)
    lvl = level_for(f, level, root)
    share = metrics.compute("da_share", f.with_area(force), "area", root=root).table
    rate = metrics.compute("da_rate_per_1000", f.with_area(force), "area", root=root).table
    if share.empty:
        raise NoData(f"There is no domestic-abuse-flagged crime (the force's own extract) in {f.label}.")
    df = pd.DataFrame({"area_code": share["area_code"], "area_name": display_names(share, root), "area_type": share["area_type"],
                       "da_offences": share["numerator"].astype("int64"), "all_offences": share["denominator"].astype("int64"),
                       "share": share["value"], "rate": rate.set_index("area_code").loc[share["area_code"], "value"].to_numpy()})
    df = one_level(df, force, lvl)
    df["label"] = [fmt.pct(s) for s in df["share"]]
    df["axis"] = [chart_label(n) for n in df["area_name"]]
    chosen = df.loc[df["area_code"] == f.area_code, "axis"]
    fig = partial(charts.bar_chart, df, "axis", "share", percent=True, text="label",
                  highlight=chosen.iloc[0] if len(chosen) else None)
    parts = df[df["area_code"] != force]
    top = df[df["area_code"] == force]
    against = f"; {fmt.pct(top.iloc[0]['share'])} in the force as a whole" if len(top) else ""
    if len(parts) >= 2:
        lo, hi = parts.loc[parts["share"].idxmin()], parts.loc[parts["share"].idxmax()]
        if fmt.pct(lo["share"]) == fmt.pct(hi["share"]):
            title = f"Domestic abuse was {fmt.pct(hi['share'])} of recorded crime in each of the {level_words(lvl)}{against}"
        else:
            # "18.3% in Dorset (council)", never "18.3% (Dorset (council))": a name with its kind is
            # never put inside brackets of its own.
            title = (f"Across the {level_words(lvl)}, domestic abuse ranged from {fmt.pct(lo['share'])} of recorded crime "
                     f"in {lo['area_name']} to {fmt.pct(hi['share'])} in {hi['area_name']}{against}")
    elif len(parts) == 1:
        title = f"Domestic abuse was {fmt.pct(parts.iloc[0]['share'])} of recorded crime in {parts.iloc[0]['area_name']}{against}"
    else:
        title = f"Domestic abuse was {fmt.pct(df.iloc[0]['share'])} of recorded crime"
    n_force = int(top.iloc[0]["all_offences"]) if len(top) else int(parts["all_offences"].sum())
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"The force and its {level_words(lvl)}, {f.label}; n = {n_force:,} recorded crimes in the force." + level_note(lvl, root),
        table=pd.DataFrame({"Area": df["area_name"], "Area type": kind_column(df["area_type"]),
                            "Domestic-abuse crimes": df["da_offences"], "All recorded crimes": df["all_offences"],
                            "Domestic-abuse share (%)": (100 * df["share"]).round(1),
                            "Per 1,000 residents a year": df["rate"].round(1)}),
        figure=fig, summary=title + f" in {f.label}.",
        notes=("Every recorded crime is counted (not a sample), so the shares have no margin of error; small "
               "differences between areas can still reflect recording practice rather than abuse.",),
    )


def tile(f: Filters, root: Path | None = None) -> Tile:
    """DA share in the last financial year of the selection, against the year before (unless a break lies between)."""
    return year_tile("da_share", f, "Domestic-abuse share of crime",
                     lambda r: f"{fmt.count(r['numerator'])} of {fmt.count(r['denominator'])} recorded crimes", root=root)


# --- all recorded crime, from whichever source is loaded -------------------------------------

def _located_note(r: dict) -> str | None:
    """The sentence about police.uk crimes that count for the force but no area inside it."""
    nl, out = r.get("not_located"), r.get("outside_force")
    if nl is None or pd.isna(nl) or (not nl and not out):
        return None
    return (f"Of these, {fmt.count(nl)} had no location and {fmt.count(out)} were located in a neighbouring force's "
            "area (an LSOA outside the force); they count for the force that recorded them, not for any area inside it.")


def _months(first, last) -> str:
    """'July to August 2019', 'August 2019', 'December 2019 to January 2020'."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if first == last:
        return f"{first:%B %Y}"
    return f"{first:%B}{'' if first.year == last.year else f' {first.year}'} to {last:%B %Y}"


def _partial(r: dict, start, end) -> str:
    """', July to August 2019 only' when the sources cover only part of the period from start to end."""
    first, last = r.get("first_month"), r.get("last_month")
    if first is None or pd.isna(first) or last is None or pd.isna(last):
        return ""
    if pd.Timestamp(first) <= pd.Timestamp(start) and pd.Timestamp(last) >= pd.Timestamp(end).replace(day=1):
        return ""
    return f" ({_months(first, last)} only)"


def _wrap(text: str, width: int = 22) -> str:
    """Break a long chart label once, at the space nearest its middle."""
    if len(text) <= width or " " not in text:
        return text
    spaces = [i for i, c in enumerate(text) if c == " "]
    i = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:i] + "<br>" + text[i + 1:]




def has_force_extract(root: Path | None = None) -> bool:
    """Whether the force's own (domestic-abuse-flagged) crime extract is loaded at all."""
    return lookups.has_force_extract(root)


@cached_panel
def recorded_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    """All recorded crime per period for the area, with the source of each figure."""
    m = registry.get("recorded_crimes")
    names = area_names(root)
    r = metrics.compute("recorded_crimes", f, "period", grain, root=root)
    df = r.table
    if df.empty:
        raise NoData(_with_reason(f"There is no recorded crime data for this area in {f.label}.", f, root))
    shown = df[df["value"].notna()]
    name = names.get(f.area_code, f.area_code)
    table = pd.DataFrame({
        "Period": df["period"],
        "Recorded crimes": [fmt.count(v) if not pd.isna(v) else s for v, s in zip(df["value"], df["symbol"])],
        "Source": df["crime_source"],
        "No location": [fmt.count(v) if not pd.isna(v) else "" for v in df["not_located"]],
        "In a neighbouring force's area": [fmt.count(v) if not pd.isna(v) else "" for v in df["outside_force"]],
        "Status": df["symbol"],
    })
    if shown.empty:
        raise NoData(f"{name} shares a council with another community safety partnership and the loaded source "
                     "holds that council's crime only by council, so no figure can be given for it.")
    last = shown.iloc[-1]
    fig = partial(charts.bar_chart, shown.assign(label=[fmt.count(v) for v in shown["value"]]), "period", "value",
                  horizontal=False, text="label", y_title="Recorded crimes", highlight=None,
                  yaxis=dict(tickformat=","))  # 5,000, never 5000 or 5k
    from ..metrics.rules import period_end

    end = period_end(pd.Timestamp(last["period_start"]).date(), grain)
    title = (f"{fmt.count(last['value'])} crimes were recorded in {name} in {last['period']}"
             + _partial(dict(last), last["period_start"], end) + (" [p]" if last["provisional"] else ""))
    total = float(shown["value"].sum())
    sources = sorted({s for v in shown["crime_source"].dropna() for s in str(v).split("; ")})
    located = _located_note({"not_located": df["not_located"].sum(min_count=1),
                             "outside_force": df["outside_force"].sum(min_count=1)})
    notes = tuple(n for n in (f"Source: {', '.join(sources)}.", located) if n)
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{name}, {f.label}, by {grain if grain != 'year' else 'financial year'}; n = {fmt.count(total)} recorded crimes",
        table=table, figure=fig,
        summary=f"{title}. {fmt.count(total)} crimes were recorded in the periods shown." + (f" {located}" if located else ""),
        notes=notes,
    )


@cached_panel
def recorded_area_panel(f: Filters, root: Path | None = None) -> Panel:
    """All recorded crime in every area of the force over the selection."""
    m = registry.get("recorded_crimes")
    force = force_of(f.area_code, root)
    df = metrics.compute("recorded_crimes", f.with_area(force), "area", root=root).table
    if df.empty:
        raise NoData(f"There is no recorded crime data in {f.label}.")
    # The force, a CSP and a council may share a name ("Dorset"): say which is which.
    df = df.assign(area_label=[area_label(n, t) for n, t in zip(df["area_name"], df["area_type"])])
    shown = df[df["value"].notna()]
    # Long names on two lines, so a phone shows them whole ("Bournemouth, Christchurch<br>and Poole (council)").
    shown = shown.assign(label=[fmt.count(v) for v in shown["value"]], axis_label=[_wrap(t) for t in shown["area_label"]])
    fig = partial(charts.bar_chart, shown, "axis_label", "value",
                  text="label", value_title="Recorded crimes", xaxis=dict(tickformat=","),
                  highlight=shown.loc[shown["area_code"] == f.area_code, "axis_label"].squeeze()
                  if (shown["area_code"] == f.area_code).any() else None)
    top = df.iloc[0]
    title = (f"{fmt.count(top['value'])} crimes were recorded in {top['area_label']} in {f.label}"
             + _partial(dict(top), f.date_from, f.date_to))
    located = _located_note(dict(top))
    missing = df[df["value"].isna()]
    notes = tuple(n for n in (
        located,
        ("No figure ([x]) for " + ", ".join(missing["area_label"]) + ": these partnerships share a council with another, "
         "and the source holds that council's crime only by council.") if len(missing) else None) if n)
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"Areas in the force, {f.label}; n = {fmt.count(top['value'])} recorded crimes in the force",
        table=pd.DataFrame({"Area": df["area_name"], "Area type": kind_column(df["area_type"]),
                            "Recorded crimes": [fmt.count(v) if not pd.isna(v) else s for v, s in zip(df["value"], df["symbol"])],
                            "Source": df["crime_source"]}),
        figure=fig, summary=title + "." + (f" {located}" if located else ""), notes=notes,
    )
