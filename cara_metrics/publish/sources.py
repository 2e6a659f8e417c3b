"""Reading the warehouse into cells and rows, table by table."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import disclosure, stats, warehouse
from ..metrics.reoffending import FOLLOW_UP_MONTHS, MIN_GROUP, WAITING_MONTHS
from ..contract import AGREE5_LABELS, financial_year_label
from ..periods import add_months, fy_end, fy_of, fy_start
from .model import (Force, GROUP_LABELS, OUTCOMES, OUTCOME_LABELS, PublishError, _pct, _quarter_start,
    quarter_label, years_label)
from .cells import Cells
from .rows import Period, Rows, _fy, _people_rows, _q, _rate_areas, _rate_row


# --------------------------------------------------------------------------------------
# The tables
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    root: Path
    data_as_at: dt.date
    policy: disclosure.Policy
    last_fy: int                     # last complete financial year
    breaks: pd.DataFrame
    #: Start of the earliest CARA launch year of any force: the people tables' queries read
    #: from here for every force at once (each force then keeps its own years).
    cara_from: dt.date | None = None
    #: True in a worker process (:mod:`.per_force`): every query must already be in ``cache``;
    #: a worker never opens the database its parent opened before forking.
    offline: bool = False

    #: Results by (query, parameters) for this build: forces ask the same national queries,
    #: and the warehouse version is pinned for the whole build, so a result cannot go stale.
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def q(self, name: str, **params) -> pd.DataFrame:
        """A query's result; callers filter it and never modify it in place."""
        key = (name, tuple(sorted(params.items())))
        if key not in self.cache:
            if self.offline:
                raise RuntimeError(f"publish: query {name} was not read before the forces were split between "
                                   "processes (national_queries must read every query the forces use)")
            self.cache[key] = warehouse.query(name, params, root=self.root)
        return self.cache[key]

    @staticmethod
    def of_force(df: pd.DataFrame, force: Force) -> pd.DataFrame:
        """The rows of a national result for the local authorities of ``force``."""
        return df[df["area_code"].isin(force.members[force.code])]

    def people_all(self, name: str) -> pd.DataFrame:
        """Query ``name`` (``publish_referrals``, ``_outcomes``, ``_survey``) from the earliest
        CARA year to the last complete one, for every force at once. A force's own years are
        a subset of these: its callers keep only those."""
        return self.q(name, date_from=self.cara_from, date_to=fy_end(self.last_fy))

    def reoffending_all(self) -> pd.DataFrame:
        """``publish_reoffending`` for every force at once: cohorts whose follow-up is complete
        by the last complete index date."""
        # date_from: the earliest CARA year of any force (as people_all), so the one result holds
        # every force's cohorts; each force's own start (its launch year) is applied by the caller.
        return self.q("publish_reoffending", date_from=self.cara_from or dt.date(1900, 1, 1),
                      last_complete_index=last_complete_index(self))

    def population(self) -> dict[tuple[str, int], int]:
        """Residents per (area, year) from ``publish_population``, made once per build."""
        key = ("publish_population as a dict", ())
        if key not in self.cache:
            pop = self.q("publish_population")
            self.cache[key] = {(a, int(y)): int(p) for a, y, p in zip(
                pop["area_code"].tolist(), pop["year"].tolist(), pop["population"].tolist())}
        return self.cache[key]

    def crime_all(self, first_fy: int) -> pd.DataFrame:
        """``publish_crime`` from ``first_fy`` to the last complete year, for every force at once."""
        return self.q("publish_crime", date_from=fy_start(first_fy), date_to=fy_end(self.last_fy))


def last_complete_index(ctx: Context) -> dt.date:
    """The last index date whose reoffending follow-up (and the wait for convictions) is complete."""
    return add_months(ctx.data_as_at, -(FOLLOW_UP_MONTHS + WAITING_MONTHS))


def national_queries(ctx: Context, first_crime_fy: int) -> None:
    """Read every query the forces' tables use into ``ctx.cache`` (each once, for every force):
    the per-force work can then run in worker processes that never touch the database."""
    ctx.population()
    ctx.q("publish_launch")
    ctx.q("survey_questions")
    ctx.crime_all(first_crime_fy)
    if ctx.cara_from is not None:
        for name in ("publish_referrals", "publish_outcomes", "publish_survey"):
            ctx.people_all(name)
        ctx.reoffending_all()


def _break_dates(ctx: Context, series: str) -> list[dt.date]:
    """Dates of the breaks in ``series`` (read once per table, not once per cell)."""
    return [pd.Timestamp(d).date() for d in ctx.breaks.loc[ctx.breaks["series"] == series, "break_date"]]


def _break_symbol(breaks: list[dt.date], start: dt.date, end: dt.date) -> list[str]:
    return ["[b]"] if any(start <= d <= end for d in breaks) else []


def _fy_quarters(dates: pd.Series) -> tuple[list[int], list[int]]:
    """(financial year, quarter) of each date, vectorised (periods.fy_of and fy_quarter)."""
    ts = pd.to_datetime(pd.Series(dates))
    month, year = ts.dt.month.to_numpy(), ts.dt.year.to_numpy()
    return (year - (month < 4)).tolist(), ((month - 4) % 12 // 3 + 1).tolist()


def crime_rows(ctx: Context, force: Force, first_fy: int) -> pd.DataFrame:
    """Recorded crime: offences, so exact at every level (no rounding or suppression).

    Each area's counts are sums over its local authorities, taken with numpy from an array of
    the authorities' counts per year and quarter; the periods and their break symbols are
    worked out once per force, the populations once per build, not once per row.
    """
    leaves = ctx.of_force(ctx.crime_all(first_fy), force)
    popd = ctx.population()
    la_index = {la: i for i, la in enumerate(force.members[force.code])}
    years = list(range(first_fy, ctx.last_fy + 1))
    # Offences per local authority, financial year and quarter (index 0 unused): all, DA.
    counts = np.zeros((2, len(la_index), len(years), 5), dtype=np.int64)
    fys, qs = _fy_quarters(leaves["quarter_start"])
    for a, fy, q, al, da in zip(leaves["area_code"].tolist(), fys, qs, leaves["all_offences"].tolist(),
                                leaves["da_offences"].tolist()):
        # A later row for the same quarter replaces an earlier one, as the dict of counts did.
        counts[:, la_index[a], fy - first_fy, q] = (int(al), int(da))
    counts[:, :, :, 0] = counts[:, :, :, 1:].sum(axis=3)  # the year: its four quarters
    breaks = _break_dates(ctx, "crime")
    periods = []  # per year: (period, index into counts, break symbol) for Q1..Q4 and the year
    for fy in years:
        per = []
        for period, qs_ in [(_q(fy, q), [q]) for q in range(1, 5)] + [(_fy(fy), [1, 2, 3, 4])]:
            start = _quarter_start(fy, qs_[0])
            end = add_months(_quarter_start(fy, qs_[-1]), 3) - dt.timedelta(days=1)
            per.append((period, qs_[0] if len(qs_) == 1 else 0, _break_symbol(breaks, start, end)))
        periods.append(per)
    rows = Rows()
    areas = [a for a in (force.area, *force.csps, *force.las) if force.members.get(a.code, ())]
    for area in areas:
        las = force.members[area.code]
        sums = counts[:, [la_index[la] for la in las]].sum(axis=1).tolist()  # [all/da][year][period]
        for y, fy in enumerate(years):
            for period, k, b in periods[y]:
                al, da = sums[0][y][k], sums[1][y][k]
                rows.add("da_crimes", "da_crimes", "Domestic-abuse-flagged crimes", "offences", area, period, da, b)
                rows.add("da_share", "all_crimes", "All recorded crimes", "offences", area, period, al, b)
                share = da / al if al > 0 else None
                rows.add("da_share", "da_share", "Domestic-abuse share of recorded crime", "percent", area, period,
                         None if share is None else _pct(share, True), b if share is not None else ["[x]"])
                if period.type == "financial year":
                    pops = [popd.get((la, fy)) for la in las]
                    if all(p is not None for p in pops) and sum(pops) > 0:
                        rate = 1000 * da / sum(pops)
                        rows.add("da_rate_per_1000", "da_per_1000", "Domestic-abuse crimes per 1,000 residents",
                                 "per 1,000 residents", area, period, math.floor(rate * 10 + 0.5) / 10, b)
                    else:
                        rows.add("da_rate_per_1000", "da_per_1000", "Domestic-abuse crimes per 1,000 residents",
                                 "per 1,000 residents", area, period, None, ["[x]"])
    return rows.frame()


def _la_grid(force: Force, cols: list[str], values: dict[tuple[str, str], int]) -> dict[str, list]:
    """The leaves of a table (local authorities x ``cols``) as :meth:`Cells.protect` takes them;
    plain lists, not a DataFrame: publish builds hundreds of these nationally."""
    keys = [(la.code, c) for la in force.las for c in cols]
    return {"row": [k[0] for k in keys], "col": [k[1] for k in keys],
            "value": [int(values.get(k, 0)) for k in keys]}


def referral_cells(ctx: Context, cells: Cells, force: Force, fys: list[int]) -> None:
    df = ctx.of_force(ctx.people_all("publish_referrals"), force)
    values: dict[tuple[str, str], int] = {}
    for a, fy, q, n in zip(df["area_code"], *_fy_quarters(df["quarter_start"]), df["referrals"]):
        values[(a, quarter_label(fy, q))] = int(n)
    cols = [quarter_label(fy, q) for fy in fys for q in range(1, 5)]
    parent = {quarter_label(fy, q): financial_year_label(fy) for fy in fys for q in range(1, 5)}
    cells.protect("referrals", _la_grid(force, cols, values), parent, lambda r, c, tot, v: f"referred|{r}|{c}")


def outcome_cells(ctx: Context, cells: Cells, force: Force, fys: list[int]) -> dict[int, int]:
    """Protect outcomes per year of caution; returns in-progress people per year at force level."""
    df = ctx.of_force(ctx.people_all("publish_outcomes"), force)
    values: dict[tuple[str, str], int] = {}
    in_progress: dict[int, int] = defaultdict(int)
    for r in df.itertuples():
        fy = fy_of(pd.Timestamp(r.year_start).date())
        for o in OUTCOMES:
            values[(r.area_code, f"{financial_year_label(fy)}|{o}")] = int(getattr(r, o))
        if r.area_code in force.members[force.code]:
            in_progress[fy] += int(r.in_progress)
    cols = [f"{financial_year_label(fy)}|{o}" for fy in fys for o in OUTCOMES]
    parent = {c: c.split("|")[0] for c in cols}

    def canon(r: str, c: str, tot: bool, v: int) -> str:
        # The total of a year's outcomes is the people referred that year: the same
        # statistic as the referrals table's year total, so the same id.
        return f"referred|{r}|{c}" if tot else f"outcome:{c.split('|')[1]}|{r}|{c.split('|')[0]}"

    cells.protect("outcomes", _la_grid(force, cols, values), parent, canon)
    for fy in fys:
        y = financial_year_label(fy)
        for a in _rate_areas(force):
            cells.rate(f"outcome:completed|{a}|{y}", completion_denominator(a, y), a)
    return dict(in_progress)


def completion_denominator(area_code: str, y: str) -> tuple[str, ...]:
    """Closed cases: completed, breached and withdrawn (not in progress)."""
    return tuple(f"outcome:{o}|{area_code}|{y}" for o in ("completed", "breached", "withdrawn"))


def survey_cells(ctx: Context, cells: Cells, force: Force, fys: list[int]) -> pd.DataFrame:
    qs = ctx.q("survey_questions")
    df = ctx.of_force(ctx.people_all("publish_survey"), force)
    cols = [financial_year_label(fy) for fy in fys]
    # Each year is its own block: the all-years total is not published.
    parent = {c: f"{c} (all)" for c in cols}
    # Counts per question, then (authority, year): one pass over the force's rows.
    counts: dict[str, dict[str, dict[tuple[str, str], int]]] = {"respondents": defaultdict(dict), "agree": defaultdict(dict)}
    years = [financial_year_label(fy) for fy in _fy_quarters(df["year_start"])[0]]
    for q, a, y, n, k in zip(df["question_id"].tolist(), df["area_code"].tolist(), years,
                             df["respondents"].tolist(), df["agree"].tolist()):
        counts["respondents"][q][(a, y)] = int(n)
        counts["agree"][q][(a, y)] = int(k)
    for qid in qs["question_id"]:
        for what in ("respondents", "agree"):
            values = counts[what].get(qid, {})
            cells.protect(f"survey_{what}:{qid}", _la_grid(force, cols, values), parent,
                          lambda r, c, tot, v, w=what, q=qid: f"survey_{w}:{q}|{r}|{c}", publish_totals=False,
                          displayed=what == "respondents")
        for y in cols:
            for a in _rate_areas(force):
                cells.rate(f"survey_agree:{qid}|{a}|{y}", (f"survey_respondents:{qid}|{a}|{y}",), a)
    return qs


@dataclass(frozen=True)
class Cohorts:
    fys: list[int]                 # financial-year cohorts with complete follow-up
    pooled: str                    # label of all of them together
    comparison_label: str          # e.g. "2017/18 to 2019/20"
    last_complete_index: dt.date


def launch_date(ctx: Context, force: Force) -> dt.date | None:
    """The first caution date of any CARA referral in ``force`` (all time), or None."""
    first = ctx.q("publish_launch")
    hit = first.loc[first["area_code"] == force.code, "first_date"]
    return None if hit.empty or pd.isna(hit.iloc[0]) else pd.Timestamp(hit.iloc[0]).date()


def reoffending_cells(ctx: Context, cells: Cells, force: Force, first_fy: int) -> Cohorts | None:
    """Protect cohort sizes and reoffenders: CARA per complete FY cohort (and pooled); comparison.

    Counts come from one national query (``publish_reoffending``: people and reoffenders per
    local authority, group and financial year of the index date), cut here to the force's
    authorities and to CARA cohorts from its launch year: the same people as
    ``reoffending_people`` for the force with ``date_from`` at the launch year's start.
    """
    lci = last_complete_index(ctx)
    fys = [fy for fy in range(first_fy, ctx.last_fy + 1) if fy_end(fy) <= lci]
    people = ctx.of_force(ctx.reoffending_all(), force)
    people = people.assign(fy=_fy_quarters(people["year_start"])[0])
    cara = people[(people["cohort_group"] == "cara") & (people["fy"] >= first_fy)]
    comp = people[people["cohort_group"] == "comparison"]
    if not fys or (cara["people"].sum() + comp["people"].sum()) == 0:
        return None
    pooled = years_label(fys[0], fys[-1])
    cara = cara[cara["fy"].isin(fys)]
    cols = [financial_year_label(fy) for fy in fys]
    n_vals: dict[tuple[str, str], int] = defaultdict(int)
    x_vals: dict[tuple[str, str], int] = defaultdict(int)
    for a, fy, n, x in zip(cara["area_code"], cara["fy"], cara["people"], cara["reoffenders"]):
        n_vals[(a, financial_year_label(int(fy)))] += int(n)
        x_vals[(a, financial_year_label(int(fy)))] += int(x)
    parent = {c: pooled for c in cols}

    def n_canon(r: str, c: str, tot: bool, v: int) -> str:
        # The CARA cohort of a year is the people referred that year: when the counts agree
        # (they should), the cell is the same statistic as in the referrals table, so it is
        # protected as one (a conservative link: it only adds knowledge to the check).
        ref = f"referred|{r}|{c}"
        return ref if not tot and cells.values.get(ref) == v else f"cohort:cara|{r}|{c}"

    n_grid = _la_grid(force, cols, n_vals)
    cells.protect("reoffending_n:cara", n_grid, parent, n_canon)
    cells.protect("reoffending_x:cara", _la_grid(force, cols, x_vals), parent,
                  lambda r, c, tot, v: f"reoffended:cara|{r}|{c}", displayed=False)
    cn = {a: int(v) for a, v in comp.groupby("area_code")["people"].sum().items()}
    cx = {a: int(v) for a, v in comp.groupby("area_code")["reoffenders"].sum().items()}
    cpar = {"comparison": "comparison (all)"}
    cells.protect("reoffending_n:comparison", _la_grid(force, ["comparison"], {(a, "comparison"): v for a, v in cn.items()}),
                  cpar, lambda r, c, tot, v: f"cohort:comparison|{r}|{c}", publish_totals=False)
    cells.protect("reoffending_x:comparison", _la_grid(force, ["comparison"], {(a, "comparison"): v for a, v in cx.items()}),
                  cpar, lambda r, c, tot, v: f"reoffended:comparison|{r}|{c}", publish_totals=False, displayed=False)
    for a in _rate_areas(force):
        for col in [*cols, pooled]:
            cells.rate(cells.canon("reoffending_x:cara", a, col), (cells.canon("reoffending_n:cara", a, col),), a)
        cells.rate(cells.canon("reoffending_x:comparison", a, "comparison"),
                   (cells.canon("reoffending_n:comparison", a, "comparison"),), a)
    if comp.empty:
        comp_label = "no comparison group"
    else:
        a = fy_of(pd.Timestamp(comp["first_index"].min()).date())
        b = fy_of(pd.Timestamp(comp["last_index"].max()).date())
        comp_label = years_label(a, b)
    return Cohorts(fys, pooled, comp_label, lci)


def _check_shared_cells(cells: Cells) -> None:
    """Sanity: a shared id must hold one true value in every table that publishes it."""
    clash = cells.clashes()
    if clash:
        raise PublishError(f"Two tables disagree about the same statistic: {', '.join(clash[:5])}. Nothing was "
                           "published: this is a fault in the release's tables, not in your data; report it to the "
                           "dashboard's maintainers with this message.")


# --- rows of the people tables ---------------------------------------------------------------


def referral_rows(cells: Cells, force: Force, fys: list[int], launch: dt.date) -> pd.DataFrame:
    rows = Rows()
    for fy in fys:
        for q in range(1, 5):
            end = add_months(_quarter_start(fy, q), 3) - dt.timedelta(days=1)
            _people_rows(rows, cells, force, "referrals", "referrals", "People referred to CARA", _q(fy, q),
                         lambda a, c=quarter_label(fy, q): f"referred|{a}|{c}", not_applicable=end < launch)
        _people_rows(rows, cells, force, "referrals", "referrals", "People referred to CARA", _fy(fy),
                     lambda a, c=financial_year_label(fy): f"referred|{a}|{c}")
    return rows.frame()


def outcome_rows(cells: Cells, force: Force, fys: list[int], in_progress: dict[int, int]) -> pd.DataFrame:
    rows = Rows()
    for fy in fys:
        y = financial_year_label(fy)
        prov = ["[p]"] if in_progress.get(fy, 0) > 0 else []
        for o in (*OUTCOMES, "all"):
            canon = (lambda a, o=o: f"outcome:{o}|{a}|{y}") if o != "all" else (lambda a: f"referred|{a}|{y}")
            _people_rows(rows, cells, force, "outcome_mix", "people", "People referred", _fy(fy), canon, prov,
                         category=o, category_label=OUTCOME_LABELS[o])
        for area in force.people_areas():
            src = force.csp_alias.get(area.code, area.code)
            den = completion_denominator(src, y)
            closed = closed_cases_shown(cells, src, y)
            rows.add("completion_rate", "closed_cases", "Closed cases (completed, breached or withdrawn)", "people",
                     area, _fy(fy), closed, ["[c]"] if closed is None else prov)
            _rate_row(rows, cells, force, area, f"outcome:completed|{src}|{y}", den, "completion_rate", "completion_rate",
                      "Completion rate (completed as % of closed cases)", _fy(fy), prov, den_shown=closed)
    return rows.frame()


def closed_cases_shown(cells: Cells, area_code: str, y: str) -> int | None:
    """Closed cases as published: worked out from published figures only, so they reveal
    nothing more. Completed + breached + withdrawn when all three are published; otherwise
    people referred minus those in progress, when both are; otherwise not published."""
    parts = [cells.get(d)[1] for d in completion_denominator(area_code, y)]
    if all(v is not None for v in parts):
        return sum(parts)
    referred, in_progress = cells.get(f"referred|{area_code}|{y}")[1], cells.get(f"outcome:in_progress|{area_code}|{y}")[1]
    if referred is not None and in_progress is not None:
        return referred - in_progress
    return None


def survey_rows(cells: Cells, force: Force, fys: list[int], questions: pd.DataFrame) -> pd.DataFrame:
    rows = Rows()
    for qid, text in zip(questions["question_id"], questions["text"]):
        for fy in fys:
            y = financial_year_label(fy)
            _people_rows(rows, cells, force, "survey_agree", "respondents", "Respondents to the statement", _fy(fy),
                         lambda a: f"survey_respondents:{qid}|{a}|{y}", category=qid, category_label=text)
            for area in force.people_areas():
                src = force.csp_alias.get(area.code, area.code)
                _rate_row(rows, cells, force, area, f"survey_agree:{qid}|{src}|{y}", (f"survey_respondents:{qid}|{src}|{y}",),
                          "survey_agree", "agree_pct", f"Agreed or strongly agreed ({AGREE5_LABELS[4]} or {AGREE5_LABELS[5]})",
                          _fy(fy), category=qid, category_label=text)
    return rows.frame()


def reoffending_rows(cells: Cells, force: Force, co: Cohorts) -> pd.DataFrame:
    rows = Rows()
    comp_period = Period(co.comparison_label, "comparison group")
    periods = [(_fy(fy), financial_year_label(fy)) for fy in co.fys]
    periods.append((Period(co.pooled, "financial years"), co.pooled))
    rate_label = "Proven reoffending rate within a year"
    for area in force.people_areas():
        src = force.csp_alias.get(area.code, area.code)
        top = src == force.code
        # Comparison group: the fixed historical group of this area.
        cn = cells.canon("reoffending_n:comparison", src, "comparison")
        cx = cells.canon("reoffending_x:comparison", src, "comparison")
        cn_shown = cells.get(cn)[1]
        rows.add("reoffending_rate", "people", "People in the group", "people", area, comp_period, cn_shown,
                 ["[c]"] if cn_shown is None else [], "comparison", GROUP_LABELS["comparison"])
        c_rate = _rate_row(rows, cells, force, area, cx, (cn,), "reoffending_rate", "reoffending_rate", rate_label,
                           comp_period, category="comparison", category_label=GROUP_LABELS["comparison"])
        for period, col in periods:
            n_id = cells.canon("reoffending_n:cara", src, col)
            x_id = cells.canon("reoffending_x:cara", src, col)
            n_shown = cells.get(n_id)[1]
            rows.add("reoffending_rate", "people", "People in the group", "people", area, period, n_shown,
                     ["[c]"] if n_shown is None else [], "cara", GROUP_LABELS["cara"])
            rate = _rate_row(rows, cells, force, area, x_id, (n_id,), "reoffending_rate", "reoffending_rate", rate_label,
                             period, category="cara", category_label=GROUP_LABELS["cara"])
            # The difference, with its 95% interval: only when both rates are published and
            # both groups have at least MIN_GROUP people (Justice Data Lab guidance), counted
            # on the true sizes: a group of 58 is published as 60 but is still too small.
            diff = None
            if rate is not None and c_rate is not None and cells.get(n_id)[0] >= MIN_GROUP \
                    and cells.get(cn)[0] >= MIN_GROUP:
                pick = 0 if top else 1  # exact counts at force level, published ones below
                diff = stats.newcombe_difference(cells.get(x_id)[pick], cells.get(n_id)[pick],
                                                 cells.get(cx)[pick], cells.get(cn)[pick])
            for measure, label, attr in (("difference", "Difference in percentage points (CARA minus comparison)", "estimate"),
                                         ("difference_low", "Lower 95% confidence limit of the difference", "low"),
                                         ("difference_high", "Upper 95% confidence limit of the difference", "high")):
                v = None if diff is None else _pct(getattr(diff, attr), top)
                rows.add("reoffending_rate", measure, label, "percentage points", area, period, v,
                         [] if diff is not None else ["[x]"], "difference", GROUP_LABELS["difference"])
    return rows.frame()




# --- the previous release, for the bounds audit across two releases ---------------------------


def previous_tables(root: Path) -> dict[str, pd.DataFrame]:
    """The people tables of the live release (the one this publish will follow), or {}."""
    from ..dataroot import has_version, live_version

    if not has_version(root, "release"):
        return {}
    v = live_version(root, "release")
    return {n: pd.read_parquet(v.table_path(n)) for n in ("referrals", "outcomes", "survey", "reoffending")
            if v.table_path(n).exists()}


def prior_figures(tables: dict[str, pd.DataFrame], cells: Cells, force: Force
                  ) -> list[tuple[tuple[str, ...], int, int]]:
    """Counts of people the previous release published about ``force``, as (statistics, low, high).

    Each published count becomes the interval a reader knows it lies in (exact at force
    level, the rounding interval below), over the statistics it is the sum of today: one
    statistic, or a pooled reoffending cohort of several years. Counts in rates
    (numerators a published percentage implies) are not included. :meth:`Cells.prior`
    keeps only those today's true values still fit.
    """
    out: list[tuple[tuple[str, ...], int, int]] = []
    codes = {a.code for a in force.people_areas()}
    policy = cells.policy

    def add(canons: tuple[str, ...], shown: float, area: str) -> None:
        top = area == force.code
        lo, hi = (int(shown), int(shown)) if top else disclosure.published_interval(int(shown), policy)
        out.append((canons, lo, hi))

    for name, t in tables.items():
        t = t[t["area_code"].isin(codes) & t["shown"].notna() & (t["unit"] == "people")]
        for r in t.itertuples():
            src = force.csp_alias.get(r.area_code, r.area_code)
            canons: tuple[str, ...] = ()
            if name == "referrals":
                canons = (f"referred|{src}|{r.period}",)
            elif name == "outcomes" and r.measure == "people":
                canons = (f"referred|{src}|{r.period}",) if r.category == "all" else (f"outcome:{r.category}|{src}|{r.period}",)
            elif name == "outcomes" and r.measure == "closed_cases":
                canons = completion_denominator(src, str(r.period))
            elif name == "survey" and r.measure == "respondents":
                canons = (f"survey_respondents:{r.category}|{src}|{r.period}",)
            elif name == "reoffending" and r.measure == "people":
                try:
                    if r.category == "comparison":
                        canons = (cells.canon("reoffending_n:comparison", src, "comparison"),)
                    elif r.period_type == "financial year":
                        canons = (cells.canon("reoffending_n:cara", src, str(r.period)),)
                    else:  # a pooled cohort, "2019/20 to 2021/22": the sum of its years
                        a, _, b = str(r.period).partition(" to ")
                        first, last = int(a[:4]), int((b or a)[:4])
                        canons = tuple(cells.canon("reoffending_n:cara", src, financial_year_label(fy))
                                       for fy in range(first, last + 1))
                except KeyError:
                    canons = ()  # a cohort not in this release: nothing to link
            if canons:
                add(canons, r.shown, src)
    return out
