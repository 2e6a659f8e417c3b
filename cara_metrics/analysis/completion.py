"""Question 3: how many complete the workshops?"""

from __future__ import annotations

from functools import partial

from pathlib import Path

import pandas as pd

from .. import charts, formatting as fmt, metrics, registry, stats
from ..panels import NoData, Panel, Tile
from ..areas import area_names, display_names, force_of, cached_on_version as cached_panel
from ..periods import Filters, Grain
from .area_level import chart_label, kind_column, level_for, level_words, one_level, partnerships_not_shown
from .provisional import labels
from .tiles import ci_text, year_tile
from .referrals import EVENTS, GRAIN_WORDS, area_name, days_panel, during, people, require_referrals


def closed(row: dict) -> int:
    """Cases with a known outcome: completed, breached or withdrawn (not in progress)."""
    return int(row["completed"]) + int(row["breached"]) + int(row["withdrawn"])


def rate(row: dict | None) -> float | None:
    if not row or closed(row) == 0:
        return None
    return int(row["completed"]) / closed(row)


def tile(f: Filters, root: Path | None = None) -> Tile:
    return year_tile("completion_rate", f, "Completion rate",
                     lambda r: f"{fmt.count(r['numerator'])} of {fmt.count(r['denominator'])} closed cases ({ci_text(r)})",
                     root=root)


# --- panels for the Completion page ---------------------------------------------------------

#: A period's rate is used in a headline comparison only once this share of its cases has closed.
MOSTLY_CLOSED = 0.9
#: ... and only when it has at least this many closed cases (below it, a rate is too unstable to headline).
MIN_CLOSED = 10

COUNTS = ["referred", "attended_workshop1", "completed", "breached", "withdrawn", "in_progress", "repeated"]
OUTCOME_NAMES = {
    "completed": "Completed",
    "breached": "Breached (case returned to the police)",
    "withdrawn": "Withdrawn",
    "in_progress": "In progress",
}


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Add closed cases, the completion rate among them and its Wilson 95% interval
    (empty where no case has closed), and the repeat rate among people referred."""
    df = df.copy()
    df["closed"] = df["completed"] + df["breached"] + df["withdrawn"]
    ci = [stats.wilson_interval(int(c), int(n)) if n > 0 else (float("nan"), float("nan")) for c, n in zip(df["completed"], df["closed"])]
    df["rate"] = df["completed"] / df["closed"].where(df["closed"] > 0)
    df["low"] = [lo for lo, _ in ci]
    df["high"] = [hi for _, hi in ci]
    rci = [stats.wilson_interval(int(r), int(n)) if n > 0 else (float("nan"), float("nan")) for r, n in zip(df["repeated"], df["referred"])]
    df["repeat_rate"] = df["repeated"] / df["referred"].where(df["referred"] > 0)
    df["repeat_low"] = [lo for lo, _ in rci]
    df["repeat_high"] = [hi for _, hi in rci]
    return df


def by_period(f: Filters, grain: Grain = "quarter", root: Path | None = None) -> pd.DataFrame:
    """Outcomes of the people cautioned in each period of the selection (0 where nobody was)."""
    r = metrics.compute("completion_rate", f, "period", grain, root=root).table
    out = pd.DataFrame({"period_start": pd.to_datetime(r["period_start"]), "period": r["period"],
                        **{c: r[c].astype("int64") for c in COUNTS}, "provisional": r["provisional"]})
    if int(out["referred"].sum()) == 0:
        require_referrals(f, root)
        raise NoData(f"No one was referred to CARA {during(f)}.")
    return with_rates(out)


def totals(f: Filters, root: Path | None = None) -> dict:
    """Outcomes over the whole selection, with the completion and repeat rates and intervals."""
    df = by_period(f, "year", root)
    row = pd.DataFrame([{c: int(df[c].sum()) for c in COUNTS}])
    return with_rates(row).iloc[0].to_dict()


def _ci(lo: float, hi: float, dp: int = 1) -> str:
    """A rate's 95% confidence interval in the public pages' plain words (the glossary explains it)."""
    return f"likely between {fmt.pct(lo, dp)} and {fmt.pct(hi, dp)}"


@cached_panel
def funnel_panel(f: Filters, root: Path | None = None) -> Panel:
    m = registry.get("completion_funnel")
    name = area_name(f.area_code, root)
    t = totals(f, root)
    referred, attended, completed = int(t["referred"]), int(t["attended_workshop1"]), int(t["completed"])
    df = pd.DataFrame({
        "stage": ["Referred", "Attended workshop 1", "Completed both workshops"],
        "people": [referred, attended, completed],
    })
    df["share"] = df["people"] / referred
    df["label"] = [f"{fmt.count(n)} ({fmt.pct(s)})" for n, s in zip(df["people"], df["share"])]
    fig = partial(charts.bar_chart, df, "stage", "people", text="label", value_title="People")
    title = (f"Of {people(referred)} referred, {attended:,} ({fmt.pct(attended / referred)}) attended workshop 1 "
             f"and {completed:,} ({fmt.pct(completed / referred)}) completed")
    ip = int(t["in_progress"])
    notes = (f"{people(ip)} {'is' if ip == 1 else 'are'} still in progress and may yet attend or complete.",) if ip else ()
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{name}, people cautioned {during(f)}; n = {people(referred)} referred",
        table=pd.DataFrame({"Stage": df["stage"], "People": df["people"], "Share of people referred (%)": (100 * df["share"]).round(1)}),
        figure=fig, summary=title + ".", notes=notes,
    )


@cached_panel
def outcome_mix_panel(f: Filters, grain: Grain = "quarter", root: Path | None = None) -> Panel:
    m = registry.get("outcome_mix")
    name = area_name(f.area_code, root)
    df = by_period(f, grain, root)
    t = {c: int(df[c].sum()) for c in COUNTS}
    parts = list(OUTCOME_NAMES)
    # Provisional periods (cases still open) are named with [p] on the axis and in the table.
    df = df.assign(period=labels(df["period"], df["provisional"]))
    fig = partial(charts.stacked_bars, df, "period", parts, [OUTCOME_NAMES[p] for p in parts], y_title="People referred",
                              xaxis=charts.category_axis(df["period"], df["period_start"], grain))
    referred = t["referred"]
    title = (f"{fmt.pct(t['completed'] / referred)} of people referred completed the workshops; "
             f"{fmt.pct(t['breached'] / referred)} breached their caution")
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{name}, {f.label}, by {GRAIN_WORDS[grain]} of caution; n = {people(referred)} referred",
        table=pd.DataFrame({
            "Period of caution": df["period"],
            "People referred": df["referred"],
            "Completed": df["completed"],
            "Breached": df["breached"],
            "Withdrawn": df["withdrawn"],
            "In progress": df["in_progress"],
        }),
        figure=fig,
        summary=(f"{title}. Of {people(referred)} referred {during(f)}, {t['completed']:,} completed, {t['breached']:,} breached, "
                 f"{t['withdrawn']:,} withdrew and {t['in_progress']:,} are still in progress."),
    )


def _rate_table(df: pd.DataFrame, first: dict[str, pd.Series]) -> pd.DataFrame:
    out = pd.DataFrame(first)
    out["People referred"] = df["referred"].to_numpy()
    out["Closed cases"] = df["closed"].to_numpy()
    out["Completed"] = df["completed"].to_numpy()
    out["Completion rate (%)"] = (100 * df["rate"]).round(1).to_numpy()
    out["95% CI lower (%)"] = (100 * df["low"]).round(1).to_numpy()
    out["95% CI upper (%)"] = (100 * df["high"]).round(1).to_numpy()
    return out


@cached_panel
def rate_period_panel(f: Filters, grain: Grain = "quarter", root: Path | None = None) -> Panel:
    m = registry.get("completion_rate")
    name = area_name(f.area_code, root)
    df = by_period(f, grain, root)
    closed_total = int(df["closed"].sum())
    if closed_total == 0:
        raise NoData(f"None of the {people(int(df['referred'].sum()))} referred {during(f)} has finished yet, so there is no completion rate.")
    valid = df[df["closed"] > 0]
    settled = valid[(valid["closed"] >= MOSTLY_CLOSED * valid["referred"]) & ~valid["provisional"].astype(bool)]
    large = settled[settled["closed"] >= MIN_CLOSED]
    compared = large if len(large) else settled if len(settled) else valid
    first, last = compared.iloc[0], compared.iloc[-1]
    notes = ["The shaded band is the 95% confidence interval (Wilson)."]
    if len(compared) == 1:
        title = f"Completion was {fmt.pct(last['rate'])} in {last['period']} ({_ci(last['low'], last['high'])})"
    else:
        d = stats.newcombe_difference(int(last["completed"]), int(last["closed"]), int(first["completed"]), int(first["closed"]))
        if d.significant:
            verb = "rose" if d.estimate > 0 else "fell"
            title = f"Completion {verb} from {fmt.pct(first['rate'])} in {first['period']} to {fmt.pct(last['rate'])} in {last['period']}"
        else:
            title = (f"Completion was {fmt.pct(last['rate'])} in {last['period']} against {fmt.pct(first['rate'])} in "
                     f"{first['period']}: not a clear change")
        notes.append(f"Change from {first['period']} to {last['period']}: {fmt.signed(100 * d.estimate)} points; the true "
                     f"change is {fmt.likely_between(100 * d.low, 100 * d.high, fewer='points lower', more='points higher', unit='', dp=1)} "
                     "(95% confidence interval).")
    open_periods = df[df["in_progress"] > 0]
    if len(open_periods):
        notes.append(f"Cases are still in progress in {fmt.and_list(list(open_periods['period']))}: "
                     "the rates for those periods can still change.")
    if compared is large and len(large) < len(valid):
        notes.append(f"The headline compares only periods in which at least {MOSTLY_CLOSED:.0%} of cases, and at least "
                     f"{MIN_CLOSED}, have closed.")
    elif compared is settled and len(settled) < len(valid):
        notes.append(f"The headline compares only periods in which at least {MOSTLY_CLOSED:.0%} of cases have closed.")
    fig = partial(charts.line_chart, valid, "period_start", ["rate"], names=[name], percent=True, bands={"rate": ("low", "high")},
                            y_title="Completed, % of closed cases", events=EVENTS, provisional="provisional",
                            xaxis=charts.fy_axis(valid["period_start"], grain), yaxis=dict(range=[0, 1.02], rangemode="normal"))
    return Panel(
        metric_id=m.id, title=title,
        subtitle=(f"{name}, {f.label}, by {GRAIN_WORDS[grain]} of caution; n = {closed_total:,} closed cases "
                  f"of {people(int(df['referred'].sum()))} referred"),
        table=_rate_table(df, {"Period of caution": labels(df["period"], df["provisional"])}),
        figure=fig, summary=title + ".", notes=tuple(notes),
    )


@cached_panel
def rate_area_panel(f: Filters, root: Path | None = None, level: str | None = None) -> Panel:
    """Completion in the force and the areas of one level (councils or partnerships, never both)."""
    m = registry.get("completion_rate")
    names = area_names(root)
    force = force_of(f.area_code, root)
    lvl = level_for(f, level, root)
    r = metrics.compute("completion_rate", f.with_area(force), "area", root=root).table
    if r.empty:
        require_referrals(f.with_area(force), root)
    df = with_rates(pd.DataFrame({"area_code": r["area_code"], "area_name": display_names(r, root), "area_type": r["area_type"],
                                  **{c: r[c].astype("int64") for c in COUNTS}}))
    df = one_level(df, force, lvl)
    is_force = df["area_code"] == force
    if int(df["referred"].sum()) == 0:
        require_referrals(f.with_area(force), root)
    if int(df["closed"].sum()) == 0:
        raise NoData(f"None of the people referred {during(f)} has finished yet, so there is no completion rate.")
    df["label"] = [fmt.pct(r) for r in df["rate"]]
    shown = df[df["closed"] > 0].assign(axis=lambda d: [chart_label(n) for n in d["area_name"]])
    chosen = chart_label(names.get(f.area_code, f.area_code))
    fig = partial(charts.bar_chart, shown, "axis", "rate", percent=True, text="label", error=("low", "high"),
                           highlight=chosen if f.area_code != force else None, inside="start",
                           value_title="Completed, % of closed cases", xaxis=dict(range=[0, 1.02]))
    parts = shown[shown["area_code"] != force]
    force_row = df[is_force].iloc[0] if is_force.any() else None
    if len(parts) >= 2:
        hi = parts.sort_values("rate", ascending=False, kind="stable").iloc[0]
        lo = parts.sort_values("rate", ascending=True, kind="stable").iloc[0]
        d = stats.newcombe_difference(int(hi["completed"]), int(hi["closed"]), int(lo["completed"]), int(lo["closed"]))
        if d.significant:
            title = f"Completion ranged from {fmt.pct(lo['rate'])} in {lo['area_name']} to {fmt.pct(hi['rate'])} in {hi['area_name']}"
        else:
            title = (f"No clear difference in completion between areas: {fmt.pct(lo['rate'])} in {lo['area_name']}, "
                     f"{fmt.pct(hi['rate'])} in {hi['area_name']}")
    else:
        row = force_row if force_row is not None else shown.iloc[0]
        # A comma, not brackets: the name may carry its kind ("Dorset (police force area)").
        title = f"Completion was {fmt.pct(row['rate'])} in {row['area_name']}, {_ci(row['low'], row['high'])}"
    n_force = int(force_row["closed"]) if force_row is not None else int(parts["closed"].sum())
    return Panel(
        metric_id=m.id, title=title,
        subtitle=(f"{names.get(force, force)} and its {level_words(lvl)}, people cautioned {during(f)}; "
                  f"n = {n_force:,} closed cases in the force"),
        table=_rate_table(df, {"Area": df["area_name"], "Area type": kind_column(df["area_type"])}),
        figure=fig, summary=title + f", for people cautioned {during(f)}.",
        notes=("Lines on the bars show the 95% confidence interval (Wilson).",)
        + tuple(n for n in (partnerships_not_shown(m.id, force, lvl, root),) if n)
        + (("Each council is also shown as the community safety partnership it forms, so bars can repeat.",)
           if len(parts) and parts[["completed", "closed"]].duplicated().any() else ()),
    )


@cached_panel
def days_to_completion_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    return days_panel(
        f, grain, root, metric_id="days_to_completion", who="People who completed",
        title="Half of those who completed did so within {days} days of their caution",
        y_title="Days from caution to completion",
        none="No one cautioned {during} has completed the workshops yet.",
    )


@cached_panel
def repeats_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    m = registry.get("repeat_rate")
    name = area_name(f.area_code, root)
    df = by_period(f, grain, root)
    referred, repeated = int(df["referred"].sum()), int(df["repeated"].sum())
    share = repeated / referred
    lo, hi = stats.wilson_interval(repeated, referred)
    if repeated == 0:
        title = "No one had to repeat the workshops after missing one"
    else:
        title = f"{people(repeated)} ({fmt.pct(share)} of those referred) had to repeat the workshops after missing one"
    shown = df[df["referred"] > 0].copy()
    shown["label"] = [fmt.pct(r) for r in shown["repeat_rate"]]
    few = len(shown) <= 8  # value labels on the bars only when there are few bars; hovering shows each value
    fig = partial(charts.bar_chart, shown, "period", "repeat_rate", horizontal=False, percent=True, text="label" if few else None,
                           error=("repeat_low", "repeat_high"), y_title="Repeated, % of people referred", inside="start",
                           hovertemplate="%{x}: %{y:.1%}<extra></extra>",
                           xaxis=charts.category_axis(shown["period"], shown["period_start"], grain))
    table = pd.DataFrame({
        "Period of caution": list(df["period"]) + [f"All of {f.label}"],
        "People referred": list(df["referred"]) + [referred],
        "Repeated the workshops": list(df["repeated"]) + [repeated],
        "Repeated (% of referred)": list((100 * df["repeat_rate"]).round(1)) + [round(100 * share, 1)],
        "95% CI lower (%)": list((100 * df["repeat_low"]).round(1)) + [round(100 * lo, 1)],
        "95% CI upper (%)": list((100 * df["repeat_high"]).round(1)) + [round(100 * hi, 1)],
    })
    return Panel(
        metric_id=m.id, title=title,
        subtitle=(f"{name}, {f.label}, by {GRAIN_WORDS[grain]} of caution; {fmt.pct(share)} ({_ci(lo, hi)}); "
                  f"n = {people(referred)} referred"),
        table=table, figure=fig, summary=title + f", {during(f)}.",
        notes=("Lines on the bars show the 95% confidence interval (Wilson).",),
    )
