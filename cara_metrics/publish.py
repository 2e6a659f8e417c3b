"""Publish: the public release, computed from the live warehouse with disclosure control.

The public dashboard reads only what this module writes (``DATA_ROOT/release/rNNNN/``), so
a public instance can run with the warehouse absent and no page bug can leak an
unprotected count. The release holds FIXED breakdowns only, never anything a reader could
cut finer:

* ``crime``: domestic-abuse-flagged and all recorded crime, the share and the rate per
  1,000 residents, by area (force, partnerships, local authorities) x financial year and
  quarter. Offences, not people: published exactly, as the police publish them; the first
  period of a new series carries [b].
* ``referrals``: people referred to CARA by area x financial year and quarter.
* ``outcomes``: people referred by current outcome and financial year of caution, and the
  completion rate (completed / closed cases).
* ``survey``: respondents and the percentage agreeing with each survey statement, by area
  x financial year of the survey.
* ``reoffending``: proven reoffending within a year, everyone referred (intention to
  treat) per financial-year cohort whose follow-up is complete, against the comparison
  group, with the difference and its 95% interval.

Every data table is long (tidy), one published figure a row, with the same columns
(:data:`COLUMNS`): the registered ``metric_id`` it comes from, what it measures and its
unit, the area, the period, an optional category, ``shown`` (the published value, null when
not published) and ``symbol`` (Analysis Function symbols, space-separated when more than
one applies). The unrounded value is never written. Only complete financial years are
published (and their quarters); quarters before CARA began carry [z]; outcomes of a year
with cases still in progress carry [p].

How counts of people are protected (``config/disclosure.toml``, via
:func:`disclosure.protect_counts`):

* Each table is protected with rows = the local authorities in a force (total: the force,
  published exactly) and columns = quarters under their financial year, or categories
  under their total. Totals are sums of the unrounded leaves.
* Tables cut from the same people share cells (the people referred in a local authority
  and year appear in ``referrals``, in ``outcomes`` and as the reoffending cohort). A cell
  suppressed in one table is suppressed in every table that publishes it, so the same
  number is never published under two rules; then every suppressed cell is checked, over
  all the tables of the force together, to be underivable by any combination of the
  published additive relations (a rank test). Where one would be derivable, the whole
  block below force level is suppressed; if even that fails, the release is refused.
* A community safety partnership that contains exactly one local authority is the same
  people as that authority (as in Dorset): it is published as an exact copy of the
  authority's protected figures, never protected a second time. People figures for a
  partnership of several authorities are not published (they would be a third level that
  the two-level protection does not cover); its crime figures are.
* Rates go through :func:`disclosure.protect_rate`. Below force level a rate the rules
  withhold withholds its numerator too, and that numerator is then protected like any
  suppressed count (a numerator a published rate implies counts as published in the
  check). A rate is also withheld when a count it rests on is suppressed. Below force
  level a rate is computed from the published (rounded) counts and shown as a whole
  percentage, so it reveals nothing the counts do not; force-level rates use the exact
  counts and one decimal place. Closed cases (the completion rate's denominator) are
  worked out from published counts only.

The manifest records the release date, the period covered, the data date, the next update,
the revisions since the previous release (cells whose shown value changed, also marked
[r]), breaks in series, whether the data is synthetic, the policy used and how many cells
primary and secondary suppression hid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from . import disclosure, registry, stats, warehouse
from .analysis.reoffending import FOLLOW_UP_MONTHS, MIN_GROUP, WAITING_MONTHS
from .contract import AGREE5_LABELS, financial_year_label
from .dataroot import Version, has_version, live_version, write_version
from .periods import add_months, format_date, fy_end, fy_of, fy_quarter, fy_start

RELEASE_FORMAT = "1"
NEXT_UPDATE_MONTHS = 3

#: The columns of every data table in the release, in order.
COLUMNS = ("metric_id", "measure", "measure_label", "unit", "area_code", "area_name", "area_type",
           "period", "period_type", "financial_year", "quarter", "category", "category_label",
           "shown", "symbol")
#: The columns that identify a published cell (used to find revisions).
CELL_KEY = ("metric_id", "measure", "area_code", "period", "category")


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    description: str
    metric_ids: tuple[str, ...]


#: The public tables, in the order the public pages show them.
TABLES: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("crime", "Domestic abuse in recorded crime",
              "Domestic-abuse-flagged crimes, all recorded crimes, the domestic-abuse share and the rate per 1,000 "
              "residents, by area and financial year or quarter. Counts of offences, published exactly.",
              ("da_crimes", "da_share", "da_rate_per_1000")),
    TableSpec("referrals", "People referred to CARA",
              "People given a caution with a condition to attend the CARA workshops, by area and financial year or "
              "quarter of the caution.", ("referrals",)),
    TableSpec("outcomes", "Outcomes of referrals and completion rate",
              "People referred by their current outcome, by area and financial year of caution, and the completion "
              "rate: people who completed both workshops as a percentage of closed cases.",
              ("outcome_mix", "completion_rate")),
    TableSpec("survey", "What participants said",
              "Survey respondents and the percentage who agreed or strongly agreed with each statement, by area and "
              "financial year of the survey.", ("survey_agree",)),
    TableSpec("reoffending", "Proven reoffending within a year",
              "Proven reoffending within 12 months of the caution: everyone referred to CARA, per financial-year "
              "cohort whose follow-up is complete, against the comparison group, with the difference and its 95% "
              "confidence interval.", ("reoffending_rate",)),
)}

AREA_TYPE_ORDER = {"force": 0, "community_safety_partnership": 1, "local_authority": 2}
OUTCOMES = ("completed", "breached", "withdrawn", "in_progress")
OUTCOME_LABELS = {"completed": "Completed both workshops", "breached": "Breached (case returned to the police)",
                  "withdrawn": "Withdrawn", "in_progress": "In progress", "all": "All people referred"}
GROUP_LABELS = {"cara": "Referred to CARA (everyone, whether or not they completed)",
                "comparison": "Comparison group (cautioned before CARA began)",
                "difference": "CARA minus comparison group"}


class PublishError(RuntimeError):
    """The release cannot be built safely; nothing was written. The message says why."""


# --------------------------------------------------------------------------------------
# Geography and periods
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    type: str
    parent: str | None


@dataclass(frozen=True)
class Force:
    """A police force area and what lies in it."""

    area: Area
    las: tuple[Area, ...]
    csps: tuple[Area, ...]
    members: dict[str, tuple[str, ...]]      # any area in the force -> its local authorities
    csp_alias: dict[str, str]                # partnership with one authority -> that authority

    @property
    def code(self) -> str:
        return self.area.code

    def people_areas(self) -> list[Area]:
        """Areas with figures about people: the force, single-authority partnerships, authorities."""
        if len(self.las) < 2:
            return [self.area]  # an only authority is the force itself: publish it once
        return [self.area, *(c for c in self.csps if c.code in self.csp_alias), *self.las]


def _forces(areas: pd.DataFrame) -> list[Force]:
    rows = [Area(r.area_code, r.area_name, r.area_type, None if pd.isna(r.parent_code) else r.parent_code)
            for r in areas.itertuples()]
    by_code = {a.code: a for a in rows}
    force_of = dict(zip(areas["area_code"], areas["force_code"]))
    out = []
    for f in (a for a in rows if a.type == "force"):
        inside = [a for a in rows if force_of.get(a.code) == f.code and a.code != f.code]
        las = tuple(sorted((a for a in inside if a.type == "local_authority"), key=lambda a: a.name))
        if not las:
            continue
        csps = tuple(sorted((a for a in inside if a.type == "community_safety_partnership"), key=lambda a: a.name))

        def ancestors(code: str) -> set[str]:
            seen, cur = set(), by_code.get(code)
            while cur is not None and cur.code not in seen:
                seen.add(cur.code)
                cur = by_code.get(cur.parent) if cur.parent else None
            return seen

        members = {f.code: tuple(a.code for a in las)}
        for c in csps:
            members[c.code] = tuple(a.code for a in las if c.code in ancestors(a.code))
        for a in las:
            members[a.code] = (a.code,)
        alias = {c.code: members[c.code][0] for c in csps if len(members[c.code]) == 1}
        out.append(Force(f, las, csps, members, alias))
    return out


def quarter_label(fy: int, q: int) -> str:
    return f"{financial_year_label(fy)} Q{q}"


def years_label(a: int, b: int) -> str:
    return financial_year_label(a) if a == b else f"{financial_year_label(a)} to {financial_year_label(b)}"


def _quarter_of(d: object) -> tuple[int, int]:
    d = pd.Timestamp(d).date()
    return fy_of(d), fy_quarter(d)


def _quarter_start(fy: int, q: int) -> dt.date:
    return add_months(fy_start(fy), 3 * (q - 1))


def _pct(fraction: float, top_level: bool) -> float:
    """A percentage as published: one decimal place at force level, whole below it (halves up)."""
    dp = 1 if top_level else 0
    return math.floor(100 * fraction * 10 ** dp + 0.5 + 1e-9) / 10 ** dp


# --------------------------------------------------------------------------------------
# Protected counts of people, across the tables of one force
# --------------------------------------------------------------------------------------


class Cells:
    """Every protected count of people for one force, across all the release's tables.

    Each :meth:`protect` call runs :func:`disclosure.protect_counts` on one table and
    records, per cell, a *canonical id* naming the statistic (e.g. ``referred|E06000058|
    2019/20``): two tables that publish the same statistic give it the same id. Then
    :meth:`finalise` makes suppression agree across tables and proves, by a rank test over
    every additive relation of every table, that no suppressed cell can be worked out.
    """

    def __init__(self, force: Force, policy: disclosure.Policy) -> None:
        self.force = force
        self.policy = policy
        self._frames: list[pd.DataFrame] = []
        self.frame = pd.DataFrame()
        self.values: dict[str, int] = {}                      # canonical id -> true value
        self._ids: dict[tuple[str, str, str], str] = {}       # (table, row, col) -> canonical id
        self._by_canon: dict[str, tuple[int, int | None, str]] = {}
        self._rates: dict[tuple[str, tuple[str, ...]], disclosure.ProtectedRate] = {}

    def protect(self, table: str, leaves: pd.DataFrame, col_parent: dict[str, str],
                canon: Callable[[str, str, bool, int], str], publish_totals: bool = True,
                displayed: bool = True) -> None:
        """Protect a table; ``leaves`` has columns row (local authority), col, value.

        ``canon(row, col, is_total_col, true_value)`` names each cell's statistic.
        ``publish_totals``: whether the total column is released. ``displayed``: whether
        the counts are released as rows (False for numerators released only inside a
        rate; they are still treated as known wherever the rate is published).
        """
        out = disclosure.protect_counts(
            leaves, "row", "col", "value",
            row_parent={la.code: self.force.code for la in self.force.las},
            col_parent=col_parent, top_level_rows={self.force.code}, policy=self.policy,
        )
        out["table"] = table
        out["block"] = [c if tot else col_parent[c] for c, tot in zip(out["col"], out["is_total_col"])]
        out["canon"] = [canon(r, c, tot, int(v)) for r, c, tot, v in
                        zip(out["row"], out["col"], out["is_total_col"], out["value"])]
        out["published"] = publish_totals | ~out["is_total_col"]
        out["displayed"] = out["published"] & displayed
        if len(self.force.las) < 2:
            # An only authority is the force itself: only the force row is published.
            out["published"] &= out["is_total_row"]
        for r, c, k, v in zip(out["row"], out["col"], out["canon"], out["value"]):
            self._ids[(table, r, c)] = k
            self.values.setdefault(k, int(v))
        self._frames.append(out)

    def canon(self, table: str, row: str, col: str) -> str:
        return self._ids[(table, row, col)]

    def rate(self, numerator: str, denominator: tuple[str, ...], area_code: str) -> None:
        """Declare a rate to publish: numerator / sum of the denominator cells.

        Call before :meth:`finalise`. When :func:`disclosure.protect_rate` withholds the
        rate, its numerator is withheld too (in every table), and then protected against
        differencing like any suppressed count: otherwise the numerator, and so the rate,
        could be worked out from the other published counts and totals.
        """
        num = self.values[numerator]
        den = sum(self.values[d] for d in denominator)
        self._rates[(numerator, denominator)] = disclosure.protect_rate(
            num, den, top_level=area_code == self.force.code, policy=self.policy)

    def rate_result(self, numerator: str, denominator: tuple[str, ...],
                    denominator_shown: int | None = None) -> tuple[str, float | None]:
        """(status, fraction): status "" (published), "[u]", "rule" or "count" (withheld
        because a count it rests on is suppressed). Below force level the fraction is that
        of the published counts (``denominator_shown`` when the caller derives the
        published denominator another way); at force level that of the exact counts."""
        pr = self._rates[(numerator, denominator)]
        if pr.symbol == disclosure.SUPPRESSED:
            return "rule", None
        n_true, n_shown, _ = self.get(numerator)
        parts = [self.get(d) for d in denominator]
        d_true = sum(p[0] for p in parts)
        d_shown = denominator_shown if denominator_shown is not None else (
            None if any(p[1] is None for p in parts) else sum(p[1] for p in parts))
        if n_shown is None or d_shown is None or d_shown == 0:
            return "count", None
        top = numerator.split("|")[1] == self.force.code
        return pr.symbol, (n_true / d_true if top else n_shown / d_shown)

    def finalise(self, max_rounds: int = 20) -> None:
        self.frame = pd.concat(self._frames, ignore_index=True)
        # Below force level a withheld rate withholds its numerator (protect_rate's rule);
        # at force level counts are exact by policy, and a rate is only withheld there for
        # having too few people to mean anything.
        withheld = {num for (num, _), pr in self._rates.items()
                    if pr.symbol == disclosure.SUPPRESSED and num.split("|")[1] != self.force.code}
        m = self.frame["canon"].isin(withheld) & (self.frame["suppression"] == "")
        self.frame.loc[m, "suppression"] = "rate"
        for _ in range(max_rounds):
            self._reconcile()
            bad = derivable(self.frame)
            if not bad:
                break
            # Hide the whole block below force level wherever a derivable cell appears.
            hit = self.frame.loc[self.frame["canon"].isin(bad), ["table", "block"]].drop_duplicates()
            for t, b in hit.itertuples(index=False):
                m = (self.frame["table"] == t) & (self.frame["block"] == b) & ~self.frame["is_total_row"] \
                    & (self.frame["suppression"] == "")
                self.frame.loc[m, "suppression"] = "secondary"
        else:
            raise PublishError(f"Disclosure control could not protect {self.force.area.name}: suppressed cells "
                               f"{', '.join(sorted(bad)[:5])} could still be worked out. Nothing was published.")
        self.frame["shown"] = self.frame["shown"].where(self.frame["suppression"] == "", pd.NA).astype("Int64")
        self.frame["symbol"] = np.where(self.frame["suppression"] == "", "", disclosure.SUPPRESSED)
        self._by_canon = {c: (int(v), None if pd.isna(s) else int(s), st)
                          for c, v, s, st in zip(self.frame["canon"], self.frame["value"],
                                                 self.frame["shown"], self.frame["suppression"])}

    def tally(self) -> dict[str, int]:
        """Suppressed cells among the counts released as rows (each statistic once)."""
        shown = self.frame[self.frame["displayed"]].drop_duplicates("canon")
        rates = [self.rate_result(n, d)[0] for (n, d) in self._rates if n.split("|")[1] in
                 {self.force.code, *(la.code for la in self.force.las)}]
        return {"primary": int((shown["suppression"] == "primary").sum()),
                "secondary": int((shown["suppression"] == "secondary").sum()),
                "rate": int((shown["suppression"] == "rate").sum()),
                "rates_rule": rates.count("rule"), "rates_count": rates.count("count")}

    def _reconcile(self) -> None:
        """A statistic suppressed in any table is suppressed in all (as secondary there)."""
        f = self.frame
        hidden = set(f.loc[f["suppression"] != "", "canon"])
        m = f["canon"].isin(hidden) & (f["suppression"] == "")
        f.loc[m, "suppression"] = "secondary"

    def get(self, canon: str) -> tuple[int, int | None, str]:
        """(true value, published value or None when suppressed, suppression reason)."""
        return self._by_canon[canon]


def relations(cells: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """Every additive relation of the protected tables: (variables, coefficient matrix).

    One equation per (table, block, row): the row's leaves minus its total; and per
    (table, block, column): the local authorities minus the force. Cells of different
    tables with the same canonical id are one variable.
    """
    names = list(dict.fromkeys(cells["canon"]))
    idx = {c: i for i, c in enumerate(names)}
    eqs: list[np.ndarray] = []
    for (_, _), g in cells.groupby(["table", "block"], sort=False):
        for _, r in g.groupby("row", sort=False):
            e = np.zeros(len(names))
            for c, tot in zip(r["canon"], r["is_total_col"]):
                e[idx[c]] += -1 if tot else 1
            eqs.append(e)
        for _, col in g.groupby("col", sort=False):
            e = np.zeros(len(names))
            for c, tot in zip(col["canon"], col["is_total_row"]):
                e[idx[c]] += -1 if tot else 1
            eqs.append(e)
    return names, np.array(eqs) if eqs else np.zeros((0, len(names)))


def derivable(cells: pd.DataFrame) -> list[str]:
    """Suppressed statistics that the published ones pin down exactly (rank test).

    Unknowns are the suppressed and the unpublished cells. With A_U the relation matrix on
    the unknowns, an unknown is determined iff every vector of A_U's null space is zero at
    it, i.e. no alternative table consistent with everything published changes it.
    """
    names, a = relations(cells)
    hidden = set(cells.loc[cells["suppression"] != "", "canon"])
    known = set(cells.loc[(cells["suppression"] == "") & cells["published"], "canon"])
    unknown = [i for i, c in enumerate(names) if c not in known]
    if not hidden or a.shape[0] == 0:
        return []  # nothing hidden, or no relation that could reveal anything
    a_u = a[:, unknown]
    _, s, vt = np.linalg.svd(a_u, full_matrices=True)
    rank = int((s > 1e-9).sum())
    null = vt[rank:].T  # columns span the null space
    out = []
    for k, i in enumerate(unknown):
        if names[i] in hidden and (null.shape[1] == 0 or np.all(np.abs(null[k]) < 1e-9)):
            out.append(names[i])
    return out


# --------------------------------------------------------------------------------------
# Building rows
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    type: str               # "financial year" | "quarter" | "financial years" | "comparison group"
    fy: int | None = None
    quarter: int | None = None


def _fy(fy: int) -> Period:
    return Period(financial_year_label(fy), "financial year", fy)


def _q(fy: int, q: int) -> Period:
    return Period(quarter_label(fy, q), "quarter", fy, q)


class Rows:
    """Collects the published rows of one table."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, metric_id: str, measure: str, label: str, unit: str, area: Area, period: Period,
            shown: float | None, symbols: Iterable[str] = (), category: str | None = None,
            category_label: str | None = None) -> None:
        registry.get(metric_id)  # every published figure comes from a registered metric
        self.rows.append({
            "metric_id": metric_id, "measure": measure, "measure_label": label, "unit": unit,
            "area_code": area.code, "area_name": area.name, "area_type": area.type,
            "period": period.label, "period_type": period.type,
            "financial_year": financial_year_label(period.fy) if period.fy is not None else None,
            "quarter": period.quarter, "category": category, "category_label": category_label,
            "shown": None if shown is None or (isinstance(shown, float) and math.isnan(shown)) else float(shown),
            "symbol": join_symbols(symbols),
        })

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=list(COLUMNS))
        return _typed(df)


_SYMBOL_ORDER = ["[c]", "[x]", "[z]", "[u]", "[p]", "[b]", "[r]"]


def join_symbols(symbols: Iterable[str]) -> str:
    """'[u] [p]': distinct symbols in the Analysis Function's usual order."""
    s = {x for sym in symbols for x in str(sym).split() if x}
    return " ".join(sorted(s, key=lambda x: _SYMBOL_ORDER.index(x) if x in _SYMBOL_ORDER else 99))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in COLUMNS:
        if c == "shown":
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        elif c == "quarter":
            df[c] = pd.array(df[c], dtype="Int64")
        else:
            df[c] = df[c].astype("string")
    df["symbol"] = df["symbol"].fillna("")
    return df


def _people_rows(rows: Rows, cells: Cells, force: Force, metric_id: str, measure: str, label: str,
                 period: Period, canon_of: Callable[[str], str], extra: Iterable[str] = (),
                 category: str | None = None, category_label: str | None = None,
                 not_applicable: bool = False) -> None:
    """One protected count per people-area (partnership rows copy their authority's cell)."""
    for area in force.people_areas():
        src = force.csp_alias.get(area.code, area.code)
        if not_applicable:
            rows.add(metric_id, measure, label, "people", area, period, None, ["[z]"], category, category_label)
            continue
        _, shown, _ = cells.get(canon_of(src))
        rows.add(metric_id, measure, label, "people", area, period, shown,
                 ["[c]"] if shown is None else list(extra), category, category_label)


def _rate_row(rows: Rows, cells: Cells, force: Force, area: Area, num: str, den: tuple[str, ...], metric_id: str,
              measure: str, label: str, period: Period, extra: Iterable[str] = (), category: str | None = None,
              category_label: str | None = None, den_shown: int | None = None) -> float | None:
    """Add one published rate (a percentage) or its [c]; returns the fraction or None."""
    status, frac = cells.rate_result(num, den, den_shown)
    top = num.split("|")[1] == force.code
    if frac is None:
        rows.add(metric_id, measure, label, "percent", area, period, None, ["[c]"], category, category_label)
        return None
    rows.add(metric_id, measure, label, "percent", area, period, _pct(frac, top), [status, *extra], category, category_label)
    return frac


def _rate_areas(force: Force) -> list[str]:
    """Rows whose rates are computed: the force and, when there are several, its authorities."""
    return [force.code] + ([la.code for la in force.las] if len(force.las) > 1 else [])


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

    def q(self, name: str, **params) -> pd.DataFrame:
        return warehouse.query(name, params, root=self.root)


def _break_symbol(ctx: Context, series: str, start: dt.date, end: dt.date) -> list[str]:
    b = ctx.breaks[ctx.breaks["series"] == series]
    return ["[b]"] if any(start <= pd.Timestamp(d).date() <= end for d in b["break_date"]) else []


def crime_rows(ctx: Context, force: Force, first_fy: int) -> pd.DataFrame:
    """Recorded crime: offences, so exact at every level (no rounding or suppression)."""
    leaves = ctx.q("publish_crime", date_from=fy_start(first_fy), date_to=fy_end(ctx.last_fy))
    pop = ctx.q("publish_population")
    popd = {(a, int(y)): int(p) for a, y, p in zip(pop["area_code"], pop["year"], pop["population"])}
    counts: dict[tuple[str, int, int], tuple[int, int]] = {}
    for a, qs, al, da in zip(leaves["area_code"], leaves["quarter_start"], leaves["all_offences"], leaves["da_offences"]):
        counts[(a, *_quarter_of(qs))] = (int(al), int(da))
    rows = Rows()
    areas = [force.area, *force.csps, *force.las]
    for area in areas:
        las = force.members.get(area.code, ())
        if not las:
            continue
        for fy in range(first_fy, ctx.last_fy + 1):
            periods = [(_q(fy, q), [q]) for q in range(1, 5)] + [(_fy(fy), [1, 2, 3, 4])]
            for period, qs in periods:
                al = sum(counts.get((la, fy, q), (0, 0))[0] for la in las for q in qs)
                da = sum(counts.get((la, fy, q), (0, 0))[1] for la in las for q in qs)
                start = _quarter_start(fy, qs[0])
                end = add_months(_quarter_start(fy, qs[-1]), 3) - dt.timedelta(days=1)
                b = _break_symbol(ctx, "crime", start, end)
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


def _la_grid(force: Force, cols: list[str], values: dict[tuple[str, str], int]) -> pd.DataFrame:
    return pd.DataFrame([{"row": la.code, "col": c, "value": int(values.get((la.code, c), 0))}
                         for la in force.las for c in cols])


def referral_cells(ctx: Context, cells: Cells, force: Force, fys: list[int]) -> None:
    df = ctx.q("publish_referrals", date_from=fy_start(fys[0]), date_to=fy_end(fys[-1]))
    values: dict[tuple[str, str], int] = {}
    for a, qs, n in zip(df["area_code"], df["quarter_start"], df["referrals"]):
        values[(a, quarter_label(*_quarter_of(qs)))] = int(n)
    cols = [quarter_label(fy, q) for fy in fys for q in range(1, 5)]
    parent = {quarter_label(fy, q): financial_year_label(fy) for fy in fys for q in range(1, 5)}
    cells.protect("referrals", _la_grid(force, cols, values), parent, lambda r, c, tot, v: f"referred|{r}|{c}")


def outcome_cells(ctx: Context, cells: Cells, force: Force, fys: list[int]) -> dict[int, int]:
    """Protect outcomes per year of caution; returns in-progress people per year at force level."""
    df = ctx.q("publish_outcomes", date_from=fy_start(fys[0]), date_to=fy_end(fys[-1]))
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
    df = ctx.q("publish_survey", date_from=fy_start(fys[0]), date_to=fy_end(fys[-1]))
    cols = [financial_year_label(fy) for fy in fys]
    # Each year is its own block: the all-years total is not published.
    parent = {c: f"{c} (all)" for c in cols}
    for qid in qs["question_id"]:
        part = df[df["question_id"] == qid]
        for what in ("respondents", "agree"):
            values = {(a, financial_year_label(fy_of(pd.Timestamp(y).date()))): int(v)
                      for a, y, v in zip(part["area_code"], part["year_start"], part[what])}
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


def reoffending_cells(ctx: Context, cells: Cells, force: Force, first_fy: int) -> Cohorts | None:
    """Protect cohort sizes and reoffenders: CARA per complete FY cohort (and pooled); comparison."""
    lci = add_months(ctx.data_as_at, -(FOLLOW_UP_MONTHS + WAITING_MONTHS))
    fys = [fy for fy in range(first_fy, ctx.last_fy + 1) if fy_end(fy) <= lci]
    people = ctx.q("reoffending_people", area=force.code, date_from=fy_start(first_fy), date_to=lci,
                   last_complete_index=lci)
    comp = people[people["cohort_group"] == "comparison"]
    if not fys or people.empty:
        return None
    pooled = years_label(fys[0], fys[-1])
    cara = people[people["cohort_group"] == "cara"].copy()
    cara["fy"] = [fy_of(pd.Timestamp(d).date()) for d in cara["index_date"]]
    cara = cara[cara["fy"].isin(fys)]
    cols = [financial_year_label(fy) for fy in fys]
    n_vals: dict[tuple[str, str], int] = defaultdict(int)
    x_vals: dict[tuple[str, str], int] = defaultdict(int)
    for a, fy, r in zip(cara["area_code"], cara["fy"], cara["reoffences"]):
        n_vals[(a, financial_year_label(fy))] += 1
        x_vals[(a, financial_year_label(fy))] += int(r > 0)
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
    cn = comp.groupby("area_code").size().to_dict()
    cx = comp.groupby("area_code")["reoffences"].apply(lambda s: int((s > 0).sum())).to_dict()
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
        a = fy_of(pd.Timestamp(comp["index_date"].min()).date())
        b = fy_of(pd.Timestamp(comp["index_date"].max()).date())
        comp_label = years_label(a, b)
    return Cohorts(fys, pooled, comp_label, lci)


def _check_shared_cells(cells: Cells) -> None:
    """Sanity: a shared id must hold one true value in every table that publishes it."""
    f = cells.frame
    clash = f.groupby("canon")["value"].nunique()
    clash = clash[clash > 1]
    if len(clash):
        raise PublishError(f"Two tables disagree about the same statistic: {', '.join(clash.index[:5])}.")


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
            # both groups have at least MIN_GROUP people (Justice Data Lab guidance).
            diff = None
            if rate is not None and c_rate is not None and n_shown >= MIN_GROUP and cn_shown >= MIN_GROUP:
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
    """Compute (but do not write) the release from the live warehouse under ``root``."""
    root = Path(root)
    release_date = release_date or dt.date.today()
    policy = policy or disclosure.load_policy()
    wh = live_version(root, "warehouse")
    as_at = warehouse.as_of(wh)
    last_fy = fy_of(as_at) if as_at >= fy_end(fy_of(as_at)) else fy_of(as_at) - 1
    breaks = warehouse.query("series_breaks", {"date_from": dt.date(1900, 1, 1), "date_to": dt.date(2999, 12, 31)}, root=root)
    ctx = Context(root, as_at, policy, last_fy, breaks)
    coverage = ctx.q("data_coverage").set_index("source")
    crime_first = coverage.loc["crime", "first_date"]
    if pd.isna(crime_first):
        raise PublishError("The warehouse has no recorded crime, so there is nothing to publish.")
    first_crime_fy = fy_of(pd.Timestamp(crime_first).date())
    if first_crime_fy > last_fy:
        raise PublishError(f"The data runs to {format_date(as_at)}: no complete financial year to publish yet.")

    forces = _forces(ctx.q("publish_areas"))
    if not forces:
        raise PublishError("The warehouse has no police force area with local authorities in it.")
    parts: dict[str, list[pd.DataFrame]] = defaultdict(list)
    area_rows, notes = [], []
    supp: dict[str, int] = defaultdict(int)
    cara_first: dt.date | None = None
    all_cells: list[pd.DataFrame] = []
    for force in forces:
        parts["crime"].append(crime_rows(ctx, force, first_crime_fy))
        first = ctx.q("referrals_first", area=force.code)
        launch = None if first.empty or pd.isna(first["first_date"].iloc[0]) else pd.Timestamp(first["first_date"].iloc[0]).date()
        if launch is not None and fy_of(launch) <= last_fy:
            cara_first = launch if cara_first is None else min(cara_first, launch)
            fys = list(range(fy_of(launch), last_fy + 1))
            cells = Cells(force, policy)
            referral_cells(ctx, cells, force, fys)
            in_progress = outcome_cells(ctx, cells, force, fys)
            questions = survey_cells(ctx, cells, force, fys)
            cohorts = reoffending_cells(ctx, cells, force, fy_of(launch))
            cells.finalise()
            _check_shared_cells(cells)
            parts["referrals"].append(referral_rows(cells, force, fys, launch))
            parts["outcomes"].append(outcome_rows(cells, force, fys, in_progress))
            parts["survey"].append(survey_rows(cells, force, fys, questions))
            if cohorts is not None:
                parts["reoffending"].append(reoffending_rows(cells, force, cohorts))
            for k, v in cells.tally().items():
                supp[k] += v
            all_cells.append(cells.frame.assign(force=force.code))
        people_areas = {a.code for a in force.people_areas()}
        names = {a.code: a.name for a in force.las}
        for a in [force.area, *force.csps, *force.las]:
            if a.code not in people_areas:
                people = "not published"
            elif a.code in force.csp_alias:
                people = f"same as {names[force.csp_alias[a.code]]}"
            else:
                people = "published"
            area_rows.append({"area_code": a.code, "area_name": a.name, "area_type": a.type,
                              "parent_code": a.parent, "force_code": force.code, "people_figures": people})
        for c in force.csps:
            if c.code in force.csp_alias:
                la = next(x.name for x in force.las if x.code == force.csp_alias[c.code])
                notes.append(f"{c.name} covers exactly one local authority ({la}); its figures about people are "
                             f"the same as that authority's and are protected once.")
            else:
                notes.append(f"{c.name} covers several local authorities; figures about people are published for "
                             "those authorities and the force, not for the partnership.")
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


def build_release(root: Path, release_date: dt.date | None = None, *,
                  policy: disclosure.Policy | None = None) -> Version:
    """Compute the release from the live warehouse and write it as the new live release."""
    rel = compute_release(root, release_date, policy)
    return write_version(Path(root), "release", {k: _arrow(v) for k, v in rel.tables.items()}, rel.manifest)


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    import argparse

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2025-06-30: {text!r}") from None


def register(subparsers) -> None:
    """Add ``publish`` to the ``python -m cara_metrics`` command line."""
    p = subparsers.add_parser(
        "publish", help="build the public release (disclosure-controlled) from the live warehouse",
        description="Compute the fixed public breakdowns from the live warehouse, apply disclosure control "
                    "(config/disclosure.toml) and write them as a new release version, made live atomically. "
                    "A public instance then needs only DIR/release (see docs/deploy-public.md).")
    p.add_argument("--data-dir", type=Path, required=True, help="the data root (holding warehouse/ and release/)")
    p.add_argument("--release-date", type=_date, default=None, help="publication date, YYYY-MM-DD (default today)")
    p.set_defaults(run=run)


def run(args) -> int:
    """Run ``publish``: 0 written; 1 refused (the message says why)."""
    import sys

    from .dataroot import DataRootError

    try:
        v = build_release(Path(args.data_dir), args.release_date)
    except (PublishError, DataRootError, warehouse.QueryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    m = v.manifest
    s = m["suppression"]
    print(f"released {v.path} (live)")
    print(f"  period {m['period_covered']['text']}; data as at {m['data_as_at']}; next update {m['next_update']}")
    print(f"  suppressed cells: {s['primary']} primary, {s['secondary']} secondary; rates withheld: "
          f"{s['rates_withheld_by_rate_rules']} by the rate rules, {s['rates_withheld_because_a_count_is_suppressed']} "
          "because a count is suppressed")
    print(f"  revisions since {m['previous_release'] or 'no previous release'}: {m['revisions']['count']}")
    if m["synthetic"]:
        print("  SYNTHETIC data: every public page will say so")
    return 0
