"""What the benchmark times for each dashboard page, and the plain-pandas baseline beside it.

For every commissioner page this module holds three things:

* ``PAGE_WORK[page]`` (the ``run_<page>`` functions): exactly the analysis calls the page
  file in ``views/`` makes on load, for one area and the default filters (the sidebar's
  coverage and area lists included), in the same order. It returns the numbers the page shows (columns of its panel tables and
  its tile values) so they can be checked against the baseline.
* ``base_<page>``: the same questions answered the way an analyst would without the
  library: ``pd.read_parquet`` of the columns needed, then filters, ``groupby`` and
  ``merge``. It returns the same numbers, in the same shape.
* ``SCAN[page]``: the tables and columns the page reads, for DuckDB's bare scan (the floor).

Formatting helpers (period labels, category labels, the list of periods) are shared with
the library: they are not data work and sharing them keeps the comparison about numbers.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from cara_metrics import contract, warehouse
from cara_metrics.analysis import about, completion, crime, overview, quality, referrals, reoffending, survey, value
from cara_metrics.contract import financial_year_label
from cara_metrics.dataroot import live_version
from cara_metrics.areas import areas_frame
from cara_metrics.periods import Filters, add_months, fy_of, period_label, period_starts

try:  # the board pack is optional (the Overview page checks its period on load)
    from cara_metrics import boardpack
except Exception:  # pragma: no cover - only while the board pack is being written
    boardpack = None

Numbers = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Ctx:
    """One benchmark case: a data root, its live version folder, and the page's filters."""

    root: Path
    version: Path
    f: Filters

    @classmethod
    def make(cls, root: Path, area_code: str, fy_from: int = 2019, fy_to: int = 2024) -> "Ctx":
        root = Path(root)
        return cls(root, live_version(root, "warehouse").path, Filters.financial_years(fy_from, fy_to, area_code))


#: Pages whose data does not depend on the area chosen (run once per scale, not per area).
AREA_FREE = ("quality", "about")


# =========================================================================================
# The pages, as views/*.py call them
# =========================================================================================


def _sidebar(ctx: Ctx) -> None:
    """What ``ui.filters()`` and ``ui.page_header()`` read on every page: coverage, areas, version."""
    df = warehouse.query("data_coverage", root=ctx.root)
    min(pd.Timestamp(d).date() for d in df["first_date"].dropna())
    max(pd.Timestamp(d).date() for d in df["last_date"].dropna())
    areas_frame(ctx.root)
    live_version(ctx.root, "warehouse")


def _cols(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return df[cols].reset_index(drop=True)


def _tiles(tiles) -> pd.DataFrame:
    return pd.DataFrame({"label": [t.label for t in tiles], "value": [np.nan if t.value is None else float(t.value) for t in tiles]})


def run_overview(ctx: Ctx) -> Numbers:
    f, root = ctx.f, ctx.root
    _sidebar(ctx)
    tiles = overview.tiles(f, root)
    overview.summary(f, root)
    if boardpack is not None:
        boardpack.check(boardpack.period_of(f), f.area_code, root)
    return {"tiles": _tiles(tiles)}


def run_crime(ctx: Ctx) -> Numbers:
    f, root = ctx.f, ctx.root
    _sidebar(ctx)
    share = crime.share_panel(f, "year", root)
    rate = crime.rate_panel(f, "year", root)
    mix = crime.offence_mix_panel(f, root)
    areas = crime.area_panel(f, root)
    return {"share": share.table.reset_index(drop=True), "rate": rate.table.reset_index(drop=True),
            "mix": mix.table.reset_index(drop=True), "areas": areas.table.reset_index(drop=True)}


def run_referrals(ctx: Ctx) -> Numbers:
    f, root = ctx.f, ctx.root
    _sidebar(ctx)
    referrals.require_referrals(f, root)
    out = {
        "volume": _cols(referrals.volume_panel(f, "year", root).table, ["Period", "People referred"]),
        "rolling": _cols(referrals.rolling_panel(f, root).table, ["12 months to the end of", "People referred in those 12 months",
                                                                   "People referred in the 12 months before"]),
        "areas": _cols(referrals.area_panel(f, root).table, ["Area", "People referred"]),
        "days": referrals.days_to_workshop_panel(f, "year", root).table.reset_index(drop=True),
    }
    for dimension in ("age_band", "sex", "dash_risk", "index_offence"):
        t = referrals.category_panel(f, dimension, root).table
        out[dimension] = _cols(t, [referrals.DIMENSIONS[dimension].heading, "People referred"])
    return out


RATE_COLS = ["People referred", "Closed cases", "Completed", "Completion rate (%)"]


def run_completion(ctx: Ctx) -> Numbers:
    f, root = ctx.f, ctx.root
    _sidebar(ctx)
    referrals.require_referrals(f, root)
    funnel = completion.funnel_panel(f, root)
    mix = completion.outcome_mix_panel(f, "quarter", root)
    rates = completion.rate_period_panel(f, "quarter", root)
    by_area = completion.rate_area_panel(f, root)
    days = completion.days_to_completion_panel(f, "quarter", root)
    repeats = completion.repeats_panel(f, "quarter", root)
    return {
        "funnel": _cols(funnel.table, ["Stage", "People"]),
        "outcomes": mix.table.reset_index(drop=True),
        "rates": _cols(rates.table, ["Period of caution"] + RATE_COLS),
        "areas": _cols(by_area.table, ["Area"] + RATE_COLS),
        "days": days.table.reset_index(drop=True),
        "repeats": _cols(repeats.table, ["Period of caution", "People referred", "Repeated the workshops", "Repeated (% of referred)"]),
    }


def run_survey(ctx: Ctx) -> Numbers:
    f, root = ctx.f, ctx.root
    _sidebar(ctx)
    survey.no_data_reason(f, root)
    tiles = survey.headline_tiles(f, root)
    agree = survey.agree_panel(f, root)
    dist = survey.distribution_panel(f, root)
    resp = survey.response_panel(f, "year", root)
    survey.question_choices(root)
    trend = survey.trend_panel(f, "year", survey.HEADLINE_QUESTION, root)
    areas = survey.area_panel(f, survey.HEADLINE_QUESTION, root)
    levels = list(contract.AGREE5_LABELS.values())
    return {
        "tiles": _tiles(tiles),
        "agree": _cols(agree.table, ["Statement", "Respondents", "Agreeing", "Agreeing (%)"]),
        "answers": _cols(dist.table, ["Statement", "Respondents"] + levels),
        "response": _cols(resp.table, ["Period of completion", "People who completed", "Answered the survey"]),
        "trend": _cols(trend.table, ["Period of response", "Respondents", "Agreeing"]),
        "areas": _cols(areas.table, ["Area", "Respondents", "Agreeing"]),
    }


_KM_ROWS = 4  # day 30, 91, 182 and 273: before anyone's follow-up ends, so the curve is the plain share


def _rate_cols(measure: str) -> list[str]:
    return ["Group", "People", "Reoffended within a year" if measure == "any" else "Domestic-abuse reoffence within a year", "Rate (%)"]


def run_reoffending(ctx: Ctx) -> Numbers:
    f, root = ctx.f, ctx.root
    _sidebar(ctx)
    reoffending.no_data_reason(f, root)
    reoffending.follow_up_note(f, root)
    tiles = reoffending.headline_tiles(f, root)
    itt = reoffending.rate_panel(f, root=root)
    comp = reoffending.comparison_panel(f, root)
    da = reoffending.rate_panel(f, "da", root=root)
    freq = reoffending.frequency_panel(f, root)
    time_ = reoffending.time_panel(f, root=root)
    harm = reoffending.harm_panel(f, root)
    trend = reoffending.trend_panel(f, root)
    areas = reoffending.area_panel(f, root)
    completers = reoffending.rate_panel(f, "any", "completers", root=root)
    km_cols = [c for c in time_.table.columns if c.endswith(": reoffended (%)")]
    return {
        "tiles": _tiles(tiles),
        "itt": _cols(itt.table, _rate_cols("any")),
        "comparison": _cols(comp.table, ["Measure", "Referred to CARA", "Comparison group", "People referred to CARA", "People in comparison group"]),
        "da": _cols(da.table, _rate_cols("da")),
        "frequency": _cols(freq.table, ["Group", "People", "Proven reoffences", "People who reoffended"]),
        "time": _cols(time_.table, ["Time since caution"] + km_cols).head(_KM_ROWS),
        "harm": _cols(harm.table, ["Group", "People", "Crime-harm days in total"]),
        "trend": _cols(trend.table, ["Quarter of caution", "People referred", "Reoffended within a year"]),
        "areas": _cols(areas.table, ["Area", "People referred", "Reoffended within a year", "People in comparison group"]),
        "completers": _cols(completers.table, _rate_cols("any")),
    }


def run_value(ctx: Ctx) -> Numbers:
    f, root = ctx.f, ctx.root
    _sidebar(ctx)
    measured = value.compute(f, root=root)
    effect = measured.da_effect.estimate if measured.da_effect is not None else None
    v = value.compute(f, value.Assumptions(unit_cost_gbp=value.HOME_OFFICE_COST_PER_VICTIM, price_index=1.0, effect_per_person=effect), root)
    value.tiles(v)
    value.sentences(v)
    costs = value.costs_panel(v)
    value.avoided_table(v)
    if v.da_effect is not None:
        value.tornado(v)
    value.published_table()
    value.assumption_lines(v)
    est = lambda d: np.nan if d is None else float(d.estimate)  # noqa: E731
    return {
        "costs": _cols(costs.table, ["Financial year", "Programme cost, cash (£)", "People referred", "People completing"]),
        "effects": pd.DataFrame({"cara_n": [measured.cara_n], "comparison_n": [measured.comparison_n],
                                 "da_effect": [est(measured.da_effect)], "any_effect": [est(measured.any_effect)],
                                 "harm_effect": [est(measured.harm_effect)]}),
    }


def run_quality(ctx: Ctx) -> Numbers:
    q = quality.compute(ctx.root)
    quality.status_text(q)
    quality.sources_table(q)
    quality.last_ingest_text(q)
    return {
        "freshness": _cols(q.freshness, ["Table", "Rows", "First date", "Last date"]),
        "completeness": _cols(q.completeness, ["Table", "Field", "Expected", "Present"]),
        "open_cohorts": _cols(q.open_cohorts, ["Cohort quarter starting", "Group", "People"]),
    }


def run_about(ctx: Ctx) -> Numbers:
    about.sections(ctx.root)
    return {}


#: What each page computes: page name -> its data work for one area and the default filters,
#: returning the numbers it shows. This is the one place the bench learns what a page does:
#: cold, warm and uncached timings, the profile and the baseline check all look a page up
#: here. The ``run_*`` functions above copy the calls of ``views/*.py`` by hand; when the
#: product has a page-result function of its own, point the entry at it (it must take a
#: ``Ctx`` and return the same ``Numbers``, or be wrapped to).
PAGE_WORK: dict[str, Callable[[Ctx], Numbers]] = {
    "overview": run_overview,
    "crime": run_crime,
    "referrals": run_referrals,
    "completion": run_completion,
    "survey": run_survey,
    "reoffending": run_reoffending,
    "value": run_value,
    "quality": run_quality,
    "about": run_about,
}
#: The pages, in the order the report lists them (the order of the navigation).
PAGES: tuple[str, ...] = tuple(PAGE_WORK)


# =========================================================================================
# The plain-pandas baseline: the same questions from the same Parquet files
# =========================================================================================


def read(ctx: Ctx, table: str, columns: list[str]) -> pd.DataFrame:
    df = pd.read_parquet(ctx.version / f"{table}.parquet", columns=columns)
    for c in columns:  # read_parquet gives DATE columns as Python dates: make them datetimes
        if df[c].dtype == object:
            present = df[c].dropna()
            if len(present) and isinstance(present.iloc[0], dt.date):
                df[c] = pd.to_datetime(df[c])
    return df


def data_as_at(ctx: Ctx) -> dt.date:
    m = json.loads((ctx.version / "manifest.json").read_text(encoding="utf-8"))
    return dt.date.fromisoformat(str(m["data_as_at"])[:10])


class Areas:
    """Current areas, each with the current local authorities inside it (an LA contains itself).

    A council in several CSPs (``area_memberships``) has its force as parent and counts for no
    CSP; a CSP that shares such a council holds no council at all (its figure would be part
    of a council). Names repeated across areas get their kind, as the pages show them."""

    ORDER = {"force": 0, "community_safety_partnership": 1}

    def __init__(self, ctx: Ctx):
        a = read(ctx, "areas", ["area_code", "area_name", "area_type", "parent_code", "successor_code"])
        cur = a[a["successor_code"].isna()]
        cur = cur.assign(rank=cur["area_type"].map(self.ORDER).fillna(2)).sort_values(["rank", "area_name"], kind="stable")
        self.current = cur.reset_index(drop=True)
        self.parent = {c: (None if pd.isna(p) else p) for c, p in zip(cur["area_code"], cur["parent_code"])}
        kind_words = {"force": "police force area", "community_safety_partnership": "community safety partnership",
                      "local_authority": "council"}
        uses = cur["area_name"].value_counts()
        self.name = {c: (f"{n} ({kind_words[t]})" if uses[n] > 1 else n)
                     for c, n, t in zip(cur["area_code"], cur["area_name"], cur["area_type"])}
        self.current = self.current.assign(area_name=[self.name[c] for c in self.current["area_code"]])
        self.kind = dict(zip(cur["area_code"], cur["area_type"]))
        self.members: dict[str, set[str]] = {c: set() for c in cur["area_code"]}
        for la in cur.loc[cur["area_type"] == "local_authority", "area_code"]:
            node = la
            while node is not None and node in self.members:
                self.members[node].add(la)
                node = self.parent.get(node)
        shared = ctx.version / "area_memberships.parquet"
        if shared.is_file():
            for csp in set(pd.read_parquet(shared, columns=["parent_code"])["parent_code"]):
                if csp in self.members:
                    self.members[csp] = set()

    def force_of(self, code: str) -> str:
        while self.parent.get(code) is not None:
            code = self.parent[code]
        return code

    def shown(self, force: str, selected: str) -> pd.DataFrame:
        """What an area chart shows: the force, then the areas of one level (the selected
        area's level; councils when the force itself is selected)."""
        level = self.kind.get(selected, "force")
        level = level if level != "force" else "local_authority"
        df = self.in_force(force)
        return df[(df["area_code"] == force) | (df["area_type"] == level)]

    def in_force(self, force: str) -> pd.DataFrame:
        """Areas with at least one local authority in the force, force first, then CSPs, then LAs."""
        las = self.members[force]
        return self.current[[bool(self.members[c] & las) for c in self.current["area_code"]]]


def fy_start_date(d: pd.Series) -> pd.Series:
    year = d.dt.year - (d.dt.month < 4)
    return pd.to_datetime({"year": year, "month": 4, "day": 1})


def period_start(d: pd.Series, grain: str) -> pd.Series:
    if grain == "year":
        return fy_start_date(d)
    if grain == "quarter":
        return d.dt.to_period("Q").dt.start_time
    return d.dt.to_period("M").dt.start_time


def fill(df: pd.DataFrame, f: Filters, grain: str, counts: list[str]) -> pd.DataFrame:
    """Every period of the selection, 0 where there were none, with its label first."""
    out = pd.DataFrame({"period_start": pd.to_datetime(period_starts(f.date_from, f.date_to, grain))})
    out = out.merge(df, on="period_start", how="left")
    for c in counts:
        out[c] = out[c].fillna(0).astype("int64")
    out.insert(1, "period", [period_label(d.date(), grain) for d in out["period_start"]])
    return out


def in_dates(df: pd.DataFrame, col: str, f: Filters) -> pd.DataFrame:
    return df[(df[col] >= pd.Timestamp(f.date_from)) & (df[col] <= pd.Timestamp(f.date_to))]


def quartiles(days: pd.Series) -> dict:
    return {"n": len(days), "q1": days.quantile(0.25), "median": days.quantile(0.5), "q3": days.quantile(0.75)}


def days_table(sel: pd.DataFrame, f: Filters, grain: str, start: str, end: str, who: str) -> pd.DataFrame:
    """Median and quartiles of days from ``start`` to ``end`` per period and overall."""
    sel = sel.assign(days=(sel[end] - sel[start]).dt.days, period_start=period_start(sel[start], grain))
    per = pd.DataFrame([{"period_start": p, **quartiles(g["days"])} for p, g in sel.groupby("period_start")],
                       columns=["period_start", "n", "q1", "median", "q3"])
    per = fill(per, f, grain, ["n"])
    tot = quartiles(sel["days"])
    return pd.DataFrame({
        "Period": list(per["period"]) + [f"All of {f.label}"],
        who: list(per["n"]) + [tot["n"]],
        "Median (days)": list(per["median"].round(1)) + [round(tot["median"], 1)],
        "Lower quartile (days)": list(per["q1"].round(1)) + [round(tot["q1"], 1)],
        "Upper quartile (days)": list(per["q3"].round(1)) + [round(tot["q3"], 1)],
    })


def sidebar_baseline(ctx: Ctx) -> Areas:
    """The sidebar: first and last dates of crime, referrals and the cohort; the areas."""
    for table, col in (("crime", "month"), ("referrals", "caution_date"), ("cohort", "index_date")):
        d = read(ctx, table, [col])[col]
        d.min(), d.max()
    return Areas(ctx)


# --- crime ---------------------------------------------------------------------------------


def _crime_by_year(crime_df: pd.DataFrame, pop: pd.DataFrame, las: set[str]) -> pd.DataFrame:
    c = crime_df[crime_df["area_code"].isin(las)]
    monthly = c.groupby("month").agg(all_offences=("offences", "sum"))
    monthly["da_offences"] = c[c["da_flag"]].groupby("month")["offences"].sum()
    monthly = monthly.fillna({"da_offences": 0}).reset_index()
    p = pop[pop["area_code"].isin(las)].groupby("year")["population"].sum()
    monthly["population"] = (monthly["month"].dt.year - (monthly["month"].dt.month < 4)).map(p)
    monthly["period_start"] = fy_start_date(monthly["month"])
    g = monthly.groupby("period_start").agg(all_offences=("all_offences", "sum"), da_offences=("da_offences", "sum"),
                                           pop=("population", "sum"), pop_n=("population", "count"), n=("month", "size")).reset_index()
    g["population_years"] = (g["pop"] / 12.0).where(g["pop_n"] == g["n"])
    g["share"] = g["da_offences"] / g["all_offences"].where(g["all_offences"] > 0)
    g["rate_per_1000"] = 1000 * g["da_offences"] / g["population_years"]
    g["period"] = [period_label(d.date(), "year") for d in g["period_start"]]
    return g


def base_crime(ctx: Ctx) -> Numbers:
    f = ctx.f
    areas = sidebar_baseline(ctx)
    crime_df = in_dates(read(ctx, "crime", ["month", "area_code", "offence_group", "da_flag", "offences"]), "month", f)
    pop = read(ctx, "population", ["area_code", "year", "population"])
    breaks = read(ctx, "series_breaks", ["break_date", "series", "description"])
    in_dates(breaks, "break_date", f)
    df = _crime_by_year(crime_df, pop, areas.members[f.area_code])
    force = areas.force_of(f.area_code)
    share = pd.DataFrame({"Period": df["period"], "Domestic-abuse crimes": df["da_offences"], "All recorded crimes": df["all_offences"],
                          "Domestic-abuse share (%)": (100 * df["share"]).round(1)})
    if force != f.area_code:
        comp = _crime_by_year(crime_df, pop, areas.members[force])[["period_start", "share"]]
        merged = df[["period_start"]].merge(comp, on="period_start", how="left")
        share[f"{areas.name[force]} share (%)"] = (100 * merged["share"]).round(1).to_numpy()
    rate = pd.DataFrame({"Period": df["period"], "Domestic-abuse crimes": df["da_offences"],
                         "Population-years": df["population_years"].round(0), "Per 1,000 residents a year": df["rate_per_1000"].round(1)})
    # offence mix
    c = crime_df[crime_df["area_code"].isin(areas.members[f.area_code])]
    mix = c[c["da_flag"]].groupby("offence_group", as_index=False)["offences"].sum().rename(columns={"offences": "da"})
    mix = mix[mix["da"] > 0].sort_values(["da", "offence_group"], ascending=[False, True])
    mix["share"] = mix["da"] / mix["da"].sum()
    mix_t = pd.DataFrame({"Offence group": mix["offence_group"], "Domestic-abuse crimes": mix["da"],
                          "Share of domestic-abuse crime (%)": (100 * mix["share"]).round(1)})
    # areas of the force: each LA-month with its population, summed per area
    las = areas.members[force]
    lm = crime_df[crime_df["area_code"].isin(las)]
    lm = lm.assign(da=lm["offences"].where(lm["da_flag"], 0)).groupby(["area_code", "month"], as_index=False).agg(
        all_offences=("offences", "sum"), da_offences=("da", "sum"))
    lm["year"] = lm["month"].dt.year - (lm["month"].dt.month < 4)
    lm = lm.merge(pop, on=["area_code", "year"], how="left")
    rows = []
    for r in areas.shown(force, f.area_code).itertuples():  # the force and one level of area
        part = lm[lm["area_code"].isin(areas.members[r.area_code])]
        if not len(part):
            continue
        py = part["population"].sum() / 12.0 if part["population"].notna().all() else np.nan
        rows.append({"area_name": r.area_name, "area_type": r.area_type, "all": part["all_offences"].sum(),
                     "da": part["da_offences"].sum(), "py": py})
    a = pd.DataFrame(rows)
    a = a[a["all"] > 0]
    a_share, a_rate = a["da"] / a["all"], 1000 * a["da"] / a["py"]
    # The pages' words for each kind of area, restated here so the baseline checks them too.
    kinds = {"force": "Police force area", "community_safety_partnership": "Community safety partnership",
             "local_authority": "Council"}
    areas_t = pd.DataFrame({"Area": a["area_name"], "Area type": a["area_type"].map(kinds),
                            "Domestic-abuse crimes": a["da"], "All recorded crimes": a["all"],
                            "Domestic-abuse share (%)": (100 * a_share).round(1), "Per 1,000 residents a year": a_rate.round(1)})
    return {"share": share, "rate": rate, "mix": mix_t.reset_index(drop=True), "areas": areas_t.reset_index(drop=True)}


# --- referrals and completion --------------------------------------------------------------


def _referrals(ctx: Ctx, cols: list[str]) -> pd.DataFrame:
    return read(ctx, "referrals", cols)


def base_referrals(ctx: Ctx) -> Numbers:
    f = ctx.f
    areas = sidebar_baseline(ctx)
    ref = _referrals(ctx, ["area_code", "caution_date", "workshop1_date", "age_band", "sex", "dash_risk", "index_offence"])
    mine = ref[ref["area_code"].isin(areas.members[f.area_code])]
    sel = in_dates(mine, "caution_date", f)
    vol = sel.groupby(period_start(sel["caution_date"], "year")).size().rename("referrals").rename_axis("period_start").reset_index()
    vol = fill(vol, f, "year", ["referrals"])
    out = {"volume": pd.DataFrame({"Period": vol["period"], "People referred": vol["referrals"]})}
    # 12-month totals for each whole month of the selection (cut at the data date)
    first = pd.Timestamp(f.date_from).to_period("M").start_time
    months = pd.date_range(first - pd.DateOffset(months=24), pd.Timestamp(f.date_to).to_period("M").start_time, freq="MS")
    per_month = mine.groupby(mine["caution_date"].dt.to_period("M").dt.start_time).size().reindex(months, fill_value=0)
    last12 = per_month.rolling(12, min_periods=1).sum()
    prev12 = per_month.shift(12).rolling(12, min_periods=1).sum()
    last = pd.Timestamp(min(f.date_to, data_as_at(ctx)))
    keep = [(m >= first) and (m + pd.offsets.MonthEnd(0) <= last) for m in months]
    out["rolling"] = pd.DataFrame({"12 months to the end of": [f"{m:%b %Y}" for m in months[keep]],
                                   "People referred in those 12 months": last12[keep].astype("int64").to_numpy(),
                                   "People referred in the 12 months before": prev12[keep].fillna(0).astype("int64").to_numpy()})
    force = areas.force_of(f.area_code)
    in_period = in_dates(ref, "caution_date", f)
    rows = [{"Area": r.area_name, "People referred": int(in_period["area_code"].isin(areas.members[r.area_code] & areas.members[force]).sum())}
            for r in areas.shown(force, f.area_code).itertuples()]
    out["areas"] = pd.DataFrame(rows)
    attended = sel[sel["workshop1_date"].notna()]
    out["days"] = days_table(attended, f, "year", "caution_date", "workshop1_date", "People who attended workshop 1")
    for dimension, dim in referrals.DIMENSIONS.items():
        counts = sel[dimension].fillna("not_recorded").value_counts()
        order = list(dim.categories) + sorted(k for k in counts.index if k not in dim.categories)
        labels = {**dim.labels, "not_recorded": "Not recorded"}
        out[dimension] = pd.DataFrame({dim.heading: [labels.get(c, c.replace("_", " ").capitalize()) for c in order],
                                       "People referred": [int(counts.get(c, 0)) for c in order]})
    return out


def _outcomes(df: pd.DataFrame) -> pd.DataFrame:
    """Counts per group of referrals (df has a ``key`` column to group by)."""
    return df.assign(
        attended=df["workshop1_date"].notna(), completed=df["outcome"] == "completed", breached=df["outcome"] == "breached",
        withdrawn=df["outcome"] == "withdrawn", in_progress=df["outcome"] == "in_progress", repeated=df["repeats"] > 0,
    ).groupby("key").agg(referred=("outcome", "size"), attended_workshop1=("attended", "sum"), completed=("completed", "sum"),
                         breached=("breached", "sum"), withdrawn=("withdrawn", "sum"), in_progress=("in_progress", "sum"),
                         repeated=("repeated", "sum"))


def _rates(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["closed"] = df["completed"] + df["breached"] + df["withdrawn"]
    df["rate"] = df["completed"] / df["closed"].where(df["closed"] > 0)
    return df


def _rate_table(first: dict, df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(first)
    out["People referred"] = df["referred"].to_numpy()
    out["Closed cases"] = df["closed"].to_numpy()
    out["Completed"] = df["completed"].to_numpy()
    out["Completion rate (%)"] = (100 * df["rate"]).round(1).to_numpy()
    return out


COUNTS = ["referred", "attended_workshop1", "completed", "breached", "withdrawn", "in_progress", "repeated"]


def base_completion(ctx: Ctx) -> Numbers:
    f = ctx.f
    areas = sidebar_baseline(ctx)
    ref = _referrals(ctx, ["area_code", "caution_date", "workshop1_date", "outcome", "outcome_date", "repeats"])
    in_period = in_dates(ref, "caution_date", f)
    sel = in_period[in_period["area_code"].isin(areas.members[f.area_code])]
    q = _outcomes(sel.assign(key=period_start(sel["caution_date"], "quarter"))).rename_axis("period_start").reset_index()
    q = _rates(fill(q, f, "quarter", COUNTS))
    # A quarter with under 90% of its cases closed is provisional: marked [p] in the tables.
    still_open = (q["referred"] > 0) & (q["closed"] < 0.9 * q["referred"])
    marked = [f"{p} [p]" if o else p for p, o in zip(q["period"], still_open)]
    tot = {c: int(q[c].sum()) for c in COUNTS}
    out = {"funnel": pd.DataFrame({"Stage": ["Referred", "Attended workshop 1", "Completed both workshops"],
                                   "People": [tot["referred"], tot["attended_workshop1"], tot["completed"]]}),
           "outcomes": pd.DataFrame({"Period of caution": marked, "People referred": q["referred"], "Completed": q["completed"],
                                     "Breached": q["breached"], "Withdrawn": q["withdrawn"], "In progress": q["in_progress"]}),
           "rates": _rate_table({"Period of caution": marked}, q)}
    force = areas.force_of(f.area_code)
    force_rows = in_period[in_period["area_code"].isin(areas.members[force])]
    rows = []
    for r in areas.shown(force, f.area_code).itertuples():
        part = force_rows[force_rows["area_code"].isin(areas.members[r.area_code])]
        counts = _outcomes(part.assign(key=0)).reindex([0], fill_value=0).iloc[0].to_dict() if len(part) else {c: 0 for c in COUNTS}
        rows.append({"Area": r.area_name, **counts})
    a = _rates(pd.DataFrame(rows))
    out["areas"] = _rate_table({"Area": a["Area"]}, a)
    done = sel[sel["outcome"] == "completed"]
    out["days"] = days_table(done, f, "quarter", "caution_date", "outcome_date", "People who completed")
    share = q["repeated"] / q["referred"].where(q["referred"] > 0)
    out["repeats"] = pd.DataFrame({
        "Period of caution": list(q["period"]) + [f"All of {f.label}"],
        "People referred": list(q["referred"]) + [tot["referred"]],
        "Repeated the workshops": list(q["repeated"]) + [tot["repeated"]],
        "Repeated (% of referred)": list((100 * share).round(1)) + [round(100 * tot["repeated"] / tot["referred"], 1)],
    })
    return out


# --- survey ----------------------------------------------------------------------------------


def base_survey(ctx: Ctx) -> Numbers:
    f = ctx.f
    areas = sidebar_baseline(ctx)
    resp = read(ctx, "survey_responses", ["person_id", "question_id", "response_date", "answer"])
    ref = _referrals(ctx, ["person_id", "area_code", "outcome", "workshop2_date"])
    questions = read(ctx, "survey_questions", ["question_id", "text", "agree_min"]).sort_values("question_id")
    answers = in_dates(resp, "response_date", f).merge(ref[["person_id", "area_code"]], on="person_id").merge(questions, on="question_id")
    answers["agree"] = answers["answer"] >= answers["agree_min"]
    mine = answers[answers["area_code"].isin(areas.members[f.area_code])]
    order = [survey.HEADLINE_QUESTION] + [q for q in questions["question_id"] if q != survey.HEADLINE_QUESTION]
    g = mine.groupby(["question_id", "text"], as_index=False).agg(n=("agree", "size"), agree=("agree", "sum"))
    g = g.set_index("question_id").reindex([q for q in order if q in set(g["question_id"])]).reset_index()
    g["share"] = g["agree"] / g["n"]
    out = {"agree": pd.DataFrame({"Statement": g["text"], "Respondents": g["n"], "Agreeing": g["agree"],
                                  "Agreeing (%)": (100 * g["share"]).round(1)})}
    counts = mine.groupby(["question_id", "answer"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=list(g["question_id"]), columns=list(contract.AGREE5_LABELS), fill_value=0)
    answers_t = pd.DataFrame({"Statement": g["text"].to_numpy(), "Respondents": counts.sum(axis=1).to_numpy()})
    for code, label in contract.AGREE5_LABELS.items():
        answers_t[label] = counts[code].to_numpy()
    out["answers"] = answers_t
    # response rate: completers in the period (by workshop 2 date) who answered the survey at all
    done = in_dates(ref[(ref["outcome"] == "completed") & ref["area_code"].isin(areas.members[f.area_code])], "workshop2_date", f)
    done = done.assign(responded=done["person_id"].isin(set(resp["person_id"])))
    per = done.groupby(period_start(done["workshop2_date"], "year")).agg(completers=("responded", "size"), respondents=("responded", "sum"))
    per = fill(per.rename_axis("period_start").reset_index(), f, "year", ["completers", "respondents"])
    per = per.iloc[np.flatnonzero(per["completers"] > 0)[0]:] if (per["completers"] > 0).any() else per
    out["response"] = pd.DataFrame({"Period of completion": per["period"], "People who completed": per["completers"],
                                    "Answered the survey": per["respondents"]})
    head = mine[mine["question_id"] == survey.HEADLINE_QUESTION]
    t = head.groupby(period_start(head["response_date"], "year")).agg(agree=("agree", "sum"), n=("agree", "size"))
    t = fill(t.rename_axis("period_start").reset_index(), f, "year", ["agree", "n"])
    t = t.iloc[np.flatnonzero(t["n"] > 0)[0]:] if (t["n"] > 0).any() else t
    out["trend"] = pd.DataFrame({"Period of response": t["period"], "Respondents": t["n"], "Agreeing": t["agree"]})
    force = areas.force_of(f.area_code)
    head_force = answers[(answers["question_id"] == survey.HEADLINE_QUESTION) & answers["area_code"].isin(areas.members[force])]
    rows = []
    for r in areas.shown(force, f.area_code).itertuples():
        part = head_force[head_force["area_code"].isin(areas.members[r.area_code])]
        if len(part):
            rows.append({"Area": r.area_name, "Respondents": len(part), "Agreeing": int(part["agree"].sum())})
    out["areas"] = pd.DataFrame(rows, columns=["Area", "Respondents", "Agreeing"])
    tiles = []
    for qid, label in (("attitude", "Attitude changed"), ("relationship", "Helped relationship")):
        hit = g[g["question_id"] == qid]
        if len(hit):
            tiles.append({"label": label, "value": float(hit["agree"].iloc[0] / hit["n"].iloc[0])})
    n_done, n_resp = len(done), int(done["responded"].sum())
    tiles.append({"label": "Response rate", "value": n_resp / n_done if n_done else np.nan})
    out["tiles"] = pd.DataFrame(tiles)
    return out


# --- reoffending ------------------------------------------------------------------------------


def last_complete_index(ctx: Ctx) -> dt.date:
    return add_months(data_as_at(ctx), -(reoffending.FOLLOW_UP_MONTHS + reoffending.WAITING_MONTHS))


class Cohort:
    """The tables behind the reoffending measure, read once."""

    def __init__(self, ctx: Ctx):
        self.cohort = read(ctx, "cohort", ["person_id", "group", "index_date", "area_code"])
        self.ref = _referrals(ctx, ["person_id", "outcome"])
        self.reoff = read(ctx, "reoffences", ["person_id", "offence_date", "proven_date", "da_flag", "harm_days"])

    def people(self, las: set[str], date_from: dt.date, date_to: dt.date, lci: dt.date) -> pd.DataFrame:
        """One row per person with a complete follow-up: CARA in the period, the whole comparison group."""
        c = self.cohort[self.cohort["area_code"].isin(las) & (self.cohort["index_date"] <= pd.Timestamp(lci))]
        in_period = (c["index_date"] >= pd.Timestamp(date_from)) & (c["index_date"] <= pd.Timestamp(date_to))
        p = c[(c["group"] == "comparison") | in_period].merge(self.ref, on="person_id", how="left")
        p["completed"] = (p["outcome"] == "completed").fillna(False).astype(bool)
        o = self.reoff.merge(p[["person_id", "index_date"]], on="person_id")
        o = o[(o["offence_date"] > o["index_date"]) & (o["offence_date"] <= o["index_date"] + pd.DateOffset(months=12))
              & o["proven_date"].notna() & (o["proven_date"] <= o["index_date"] + pd.DateOffset(months=18))]
        o = o.assign(days=(o["offence_date"] - o["index_date"]).dt.days)
        per = o.groupby("person_id").agg(reoffences=("days", "size"), da_reoffences=("da_flag", "sum"), harm_days=("harm_days", "sum"),
                                         days_to_first=("days", "min"))
        per["days_to_first_da"] = o[o["da_flag"]].groupby("person_id")["days"].min()
        p = p.merge(per, left_on="person_id", right_index=True, how="left")
        p[["reoffences", "da_reoffences"]] = p[["reoffences", "da_reoffences"]].fillna(0).astype("int64")
        p["harm_days"] = p["harm_days"].fillna(0.0).astype(float)
        return p.rename(columns={"group": "cohort_group"}).sort_values(["index_date", "person_id"]).reset_index(drop=True)


def _groups(df: pd.DataFrame, completers: bool = False) -> list[tuple[str, pd.DataFrame]]:
    cara = df[df["cohort_group"] == "cara"]
    if completers:
        cara = cara[cara["completed"]]
    label = "Completed CARA" if completers else "Referred to CARA"
    return [(lab, part) for lab, part in ((label, cara), ("Comparison group", df[df["cohort_group"] == "comparison"])) if len(part)]


def _rate(df: pd.DataFrame, col: str, title: str, completers: bool = False) -> pd.DataFrame:
    rows = [{"Group": lab, "People": len(part), title: int((part[col] > 0).sum())} for lab, part in _groups(df, completers)]
    t = pd.DataFrame(rows)
    t["Rate (%)"] = (100 * (t[title] / t["People"])).round(1)
    return t


def base_reoffending(ctx: Ctx) -> Numbers:
    f = ctx.f
    areas = sidebar_baseline(ctx)
    co = Cohort(ctx)
    lci = last_complete_index(ctx)
    df = co.people(areas.members[f.area_code], f.date_from, f.date_to, lci)
    # which cohorts are still in follow-up (the note above the page)
    c = co.cohort[co.cohort["area_code"].isin(areas.members[f.area_code])]
    c.groupby([period_start(c["index_date"], "quarter"), "group"])["index_date"].max()
    cara, comp = df[df["cohort_group"] == "cara"], df[df["cohort_group"] == "comparison"]
    out = {"itt": _rate(df, "reoffences", "Reoffended within a year"),
           "da": _rate(df, "da_reoffences", "Domestic-abuse reoffence within a year"),
           "completers": _rate(df, "reoffences", "Reoffended within a year", completers=True)}
    rate = lambda part, col: 100 * (part[col] > 0).mean() if len(part) else None  # noqa: E731
    out["comparison"] = pd.DataFrame({
        "Measure": ["Proven reoffending within a year (%)", "Domestic-abuse reoffending within a year (%)",
                    "Proven reoffences per 100 people", "Crime-harm days per person"],
        "Referred to CARA": [round(v, 1) for v in (rate(cara, "reoffences"), rate(cara, "da_reoffences"),
                                                   100 * cara["reoffences"].mean(), cara["harm_days"].mean())],
        "Comparison group": [None if v is None or pd.isna(v) else round(v, 1) for v in (
            rate(comp, "reoffences"), rate(comp, "da_reoffences"), 100 * comp["reoffences"].mean() if len(comp) else None,
            comp["harm_days"].mean() if len(comp) else None)],
        "People referred to CARA": [len(cara)] * 4, "People in comparison group": [len(comp)] * 4})
    out["frequency"] = pd.DataFrame([{"Group": lab, "People": len(p), "Proven reoffences": int(p["reoffences"].sum()),
                                      "People who reoffended": int((p["reoffences"] > 0).sum())} for lab, p in _groups(df)])
    out["harm"] = pd.DataFrame([{"Group": lab, "People": len(p), "Crime-harm days in total": round(float(p["harm_days"].sum()), 1)}
                                for lab, p in _groups(df)])
    time_t = pd.DataFrame({"Time since caution": [label for _, label in reoffending.MILESTONES[:_KM_ROWS]]})
    for lab, p in _groups(df):
        time_t[f"{lab}: reoffended (%)"] = [round(100 * float((p["days_to_first"] <= day).mean()), 1)
                                            for day, _ in reoffending.MILESTONES[:_KM_ROWS]]
    out["time"] = time_t
    q = cara.groupby(cara["index_date"].dt.to_period("Q").dt.start_time).agg(n=("reoffences", "size"),
                                                                             x=("reoffences", lambda s: int((s > 0).sum())))
    sel = Filters(f.date_from, min(f.date_to, lci), f.area_code)
    q = fill(q.rename_axis("period_start").reset_index(), sel, "quarter", ["n", "x"])
    nz = np.flatnonzero(q["n"] > 0)
    q = q.iloc[nz[0]:nz[-1] + 1]
    out["trend"] = pd.DataFrame({"Quarter of caution": q["period"], "People referred": q["n"], "Reoffended within a year": q["x"]})
    force = areas.force_of(f.area_code)
    dff = df if force == f.area_code else co.people(areas.members[force], f.date_from, f.date_to, lci)
    rows = []
    for r in areas.shown(force, f.area_code).itertuples():  # the force and one level of area
        m = areas.members[r.area_code]
        part = dff[dff["area_code"].isin(m)]
        pc, pk = part[part["cohort_group"] == "cara"], part[part["cohort_group"] == "comparison"]
        if len(pc):
            rows.append({"Area": r.area_name, "People referred": len(pc), "Reoffended within a year": int((pc["reoffences"] > 0).sum()),
                         "People in comparison group": len(pk)})
    out["areas"] = pd.DataFrame(rows)
    tiles = [{"label": "Referred to CARA", "value": (cara["reoffences"] > 0).mean()}]
    if len(comp):
        tiles.append({"label": "Comparison group", "value": (comp["reoffences"] > 0).mean()})
    enough = len(cara) >= reoffending.MIN_GROUP and len(comp) >= reoffending.MIN_GROUP
    tiles.append({"label": "Difference (points)", "value": (cara["reoffences"] > 0).mean() - (comp["reoffences"] > 0).mean() if enough else np.nan})
    out["tiles"] = pd.DataFrame(tiles)
    return out


# --- value for money --------------------------------------------------------------------------


def base_value(ctx: Ctx) -> Numbers:
    f = ctx.f
    areas = sidebar_baseline(ctx)
    force = areas.force_of(f.area_code)
    costs = read(ctx, "costs", ["financial_year", "cost_gbp"])
    money = costs.assign(fy=costs["financial_year"].str[:4].astype(int)).groupby("fy")["cost_gbp"].sum()
    ref = _referrals(ctx, ["area_code", "caution_date", "outcome"])
    ref = ref[ref["area_code"].isin(areas.members[force])]
    ref = ref.assign(fy=ref["caution_date"].dt.year - (ref["caution_date"].dt.month < 4), completed=ref["outcome"] == "completed")
    people = ref.groupby("fy").agg(referred=("completed", "size"), completed=("completed", "sum"))
    years = pd.concat([money, people], axis=1).fillna(0).sort_index()
    years = years[(years.index >= fy_of(f.date_from)) & (years.index <= fy_of(f.date_to))]
    costs_t = pd.DataFrame({"Financial year": [financial_year_label(int(y)) for y in years.index],
                            "Programme cost, cash (£)": years["cost_gbp"].round(0).to_numpy(),
                            "People referred": years["referred"].astype("int64").to_numpy(),
                            "People completing": years["completed"].astype("int64").to_numpy()})
    co = Cohort(ctx)
    df = co.people(areas.members[force], value.EARLIEST, f.date_to, last_complete_index(ctx))
    cara, comp = df[df["cohort_group"] == "cara"], df[df["cohort_group"] == "comparison"]

    def effect(col: str) -> float:  # comparison minus CARA: positive = fewer with CARA
        if len(cara) < 2 or len(comp) < 2:
            return np.nan
        return float(comp[col].astype(float).mean() - cara[col].astype(float).mean())

    effects = pd.DataFrame({"cara_n": [len(cara)], "comparison_n": [len(comp)], "da_effect": [effect("da_reoffences")],
                            "any_effect": [effect("reoffences")], "harm_effect": [effect("harm_days")]})
    return {"costs": costs_t, "effects": effects}


# --- overview ---------------------------------------------------------------------------------


def base_overview(ctx: Ctx) -> Numbers:
    f = ctx.f
    areas = sidebar_baseline(ctx)
    las = areas.members[f.area_code]
    last = fy_of(f.date_to)
    start, end = pd.Timestamp(dt.date(last, 4, 1)), pd.Timestamp(dt.date(last + 1, 3, 31))
    cr = read(ctx, "crime", ["month", "area_code", "da_flag", "offences"])
    cr = cr[cr["area_code"].isin(las) & (cr["month"] >= start) & (cr["month"] <= end)]
    share = cr.loc[cr["da_flag"], "offences"].sum() / cr["offences"].sum() if cr["offences"].sum() else np.nan
    ref = _referrals(ctx, ["person_id", "area_code", "caution_date", "outcome", "workshop2_date"])
    mine = ref[ref["area_code"].isin(las)]
    year = mine[(mine["caution_date"] >= start) & (mine["caution_date"] <= end)]
    closed = year["outcome"].isin(["completed", "breached", "withdrawn"]).sum()
    resp = read(ctx, "survey_responses", ["person_id", "question_id", "response_date", "answer"])
    questions = read(ctx, "survey_questions", ["question_id", "agree_min"])
    a = resp[(resp["question_id"] == survey.HEADLINE_QUESTION) & (resp["response_date"] >= start) & (resp["response_date"] <= end)]
    a = a.merge(mine[["person_id"]], on="person_id").merge(questions, on="question_id")
    co = Cohort(ctx)
    df = co.people(las, f.date_from, f.date_to, last_complete_index(ctx))
    cara = df[df["cohort_group"] == "cara"]
    tiles = pd.DataFrame({
        "label": ["Domestic-abuse share of crime", "People referred to CARA", "Completion rate", "Said their attitude changed",
                  "Reoffended within a year"],
        "value": [share, float(len(year)), (year["outcome"] == "completed").sum() / closed if closed else np.nan,
                  (a["answer"] >= a["agree_min"]).mean() if len(a) else np.nan,
                  (cara["reoffences"] > 0).mean() if len(cara) else np.nan],
    })
    return {"tiles": tiles}


# --- data quality -----------------------------------------------------------------------------


def base_quality(ctx: Ctx) -> Numbers:
    from cara_metrics.periods import format_date

    fmt_date = lambda d: format_date(pd.Timestamp(d).date()) if pd.notna(d) else "–"  # noqa: E731
    rows = []
    for table, col in (("crime", "month"), ("referrals", "caution_date"), ("survey_responses", "response_date"),
                       ("cohort", "index_date"), ("reoffences", "offence_date")):
        d = read(ctx, table, [col])[col]
        rows.append({"Table": table, "Rows": len(d), "First date": fmt_date(d.min()), "Last date": fmt_date(d.max())})
    costs = read(ctx, "costs", ["financial_year"])
    fy = costs["financial_year"].str[:4].astype(int)
    rows.append({"Table": "costs", "Rows": len(costs), "First date": fmt_date(dt.date(fy.min(), 4, 1)) if len(fy) else "–",
                 "Last date": fmt_date(dt.date(fy.max() + 1, 3, 31)) if len(fy) else "–"})
    ref = _referrals(ctx, ["person_id", "outcome", "workshop1_date", "workshop2_date", "outcome_date"])
    done = ref["outcome"] == "completed"
    reoff = read(ctx, "reoffences", ["proven_date"])
    resp = read(ctx, "survey_responses", ["person_id"])
    completeness = pd.DataFrame({
        "Table": ["referrals", "referrals", "referrals", "reoffences", "survey_responses"],
        "Field": ["workshop1_date", "workshop2_date", "outcome_date", "proven_date", "person_id"],
        "Expected": [int(done.sum()), int(done.sum()), int((ref["outcome"] != "in_progress").sum()), len(reoff), int(done.sum())],
        "Present": [int(ref.loc[done, "workshop1_date"].notna().sum()), int(ref.loc[done, "workshop2_date"].notna().sum()),
                    int(ref.loc[ref["outcome"] != "in_progress", "outcome_date"].notna().sum()), int(reoff["proven_date"].notna().sum()),
                    resp["person_id"].nunique()],
    })
    areas = Areas(ctx)
    forces = areas.current.loc[areas.current["area_type"] == "force", "area_code"]
    cohort = read(ctx, "cohort", ["group", "index_date", "area_code"])
    cohort = cohort[cohort["area_code"].isin(areas.members[forces.iloc[0]] if len(forces) else set())]
    lci = pd.Timestamp(last_complete_index(ctx))
    g = cohort.assign(q=period_start(cohort["index_date"], "quarter"), ok=cohort["index_date"] <= lci).groupby(
        ["q", "group"], as_index=False).agg(people=("ok", "size"), complete=("ok", "all"))
    g = g[~g["complete"]].sort_values(["q", "group"])
    open_t = pd.DataFrame({"Cohort quarter starting": [format_date(d.date()) for d in g["q"]], "Group": g["group"].to_numpy(),
                           "People": g["people"].to_numpy()})
    return {"freshness": pd.DataFrame(rows), "completeness": completeness, "open_cohorts": open_t}


BASELINE: dict[str, Callable[[Ctx], Numbers] | None] = {
    "overview": base_overview, "crime": base_crime, "referrals": base_referrals, "completion": base_completion,
    "survey": base_survey, "reoffending": base_reoffending, "value": base_value, "quality": base_quality, "about": None,
}


# =========================================================================================
# Comparing the page's numbers with the baseline's
# =========================================================================================

#: Columns that are a rounded function of counts computed two ways (e.g. a Kaplan-Meier
#: product against a plain share): equal up to the last rounding step.
ROUNDED = 0.051


def compare(page: Numbers, base: Numbers) -> list[str]:
    """Differences between the page's numbers and the baseline's (empty when they agree)."""
    problems = []
    if set(page) != set(base):
        return [f"different panels: page {sorted(page)}, baseline {sorted(base)}"]
    for key in page:
        a, b = page[key].reset_index(drop=True), base[key].reset_index(drop=True)
        if list(a.columns) != list(b.columns):
            problems.append(f"{key}: columns {list(a.columns)} != {list(b.columns)}")
            continue
        if len(a) != len(b):
            problems.append(f"{key}: {len(a)} rows != {len(b)} rows")
            continue
        for col in a.columns:
            x, y = a[col], b[col]
            xn, yn = pd.to_numeric(x, errors="coerce"), pd.to_numeric(y, errors="coerce")
            numeric = (xn.notna() | x.isna()).all() and (yn.notna() | y.isna()).all() and (xn.notna().any() or yn.notna().any())
            if numeric:
                xs, ys = xn.to_numpy(dtype=float), yn.to_numpy(dtype=float)
                tol = ROUNDED if key == "time" and col != "Time since caution" else 1e-9
                ok = np.isclose(xs, ys, rtol=1e-9, atol=tol, equal_nan=True)
            else:
                norm = lambda s: ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in s]  # noqa: E731
                ok = np.array([p == q for p, q in zip(norm(x), norm(y))])
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                problems.append(f"{key}.{col} row {i}: page {x.iloc[i]!r} != baseline {y.iloc[i]!r}")
    return problems


# =========================================================================================
# The bare scan: the columns each page reads
# =========================================================================================

_SIDEBAR = {"crime": ["month"], "referrals": ["caution_date"], "cohort": ["index_date"],
            "areas": ["area_code", "area_name", "area_type", "parent_code", "successor_code"]}
_REOFF = {"cohort": ["person_id", "group", "index_date", "area_code"], "referrals": ["person_id", "outcome"],
          "reoffences": ["person_id", "offence_date", "proven_date", "da_flag", "harm_days"]}


def _merge(*specs: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in specs:
        for t, cols in s.items():
            out.setdefault(t, [])
            out[t] += [c for c in cols if c not in out[t]]
    return out


SCAN: dict[str, dict[str, list[str]]] = {
    "overview": _merge(_SIDEBAR, _REOFF, {"crime": ["area_code", "da_flag", "offences"],
                                          "referrals": ["area_code", "workshop1_date", "workshop2_date", "repeats"],
                                          "survey_responses": ["person_id", "question_id", "response_date", "answer"],
                                          "survey_questions": ["question_id", "agree_min"]}),
    "crime": _merge(_SIDEBAR, {"crime": ["area_code", "offence_group", "da_flag", "offences"], "population": ["area_code", "year", "population"],
                               "series_breaks": ["break_date", "series", "description"]}),
    "referrals": _merge(_SIDEBAR, {"referrals": ["area_code", "workshop1_date", "age_band", "sex", "dash_risk", "index_offence"]}),
    "completion": _merge(_SIDEBAR, {"referrals": ["person_id", "area_code", "workshop1_date", "outcome", "outcome_date", "repeats"]}),
    "survey": _merge(_SIDEBAR, {"survey_responses": ["person_id", "question_id", "response_date", "answer"],
                                "referrals": ["person_id", "area_code", "outcome", "workshop2_date"],
                                "survey_questions": ["question_id", "text", "agree_min"]}),
    "reoffending": _merge(_SIDEBAR, _REOFF),
    "value": _merge(_SIDEBAR, _REOFF, {"costs": ["financial_year", "cost_gbp"], "referrals": ["area_code", "caution_date", "outcome"]}),
    "quality": _merge({"crime": ["month", "offences"], "referrals": ["caution_date", "outcome", "workshop1_date", "workshop2_date", "outcome_date"],
                       "survey_responses": ["response_date", "person_id"], "cohort": ["index_date", "group", "area_code"],
                       "reoffences": ["offence_date", "proven_date"], "costs": ["financial_year"]},
                      {"areas": _SIDEBAR["areas"]}),
    "about": {},
}
