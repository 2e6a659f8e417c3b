"""The reoffending measure (no charts, no wording for pages): who counts, proven reoffending within a year, and the
comparisons (rates, means per person, time to first reoffence) with their intervals."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Mapping

import numpy as np
import pandas as pd

from .. import stats, warehouse
from ..areas import cached_on_version, data_as_at, force_of
from ..periods import Filters, add_months

FOLLOW_UP_MONTHS = 12
WAITING_MONTHS = 6
MIN_GROUP = 60

Group = Literal["itt", "completers"]
Measure = Literal["any", "da"]

GROUP_LABEL = {"itt": "Referred to CARA", "completers": "Completed CARA"}
COMPARISON_LABEL = "Comparison group"


def last_complete_index(root: Path | None = None) -> dt.date:
    """Latest index date whose 12-month follow-up and 6-month waiting period have ended."""
    return add_months(data_as_at(root), -(FOLLOW_UP_MONTHS + WAITING_MONTHS))


def people(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """One row per person with complete follow-up (CARA in the period; all comparison)."""
    return warehouse.query("reoffending_people", f.params(last_complete_index=last_complete_index(root)), root=root)


@dataclass(frozen=True)
class Survival:
    """Kaplan-Meier counts of one group for one measure: each distinct number of days to the
    first proven reoffence or to the end of follow-up (``times``, ascending), how many people
    it is (``people``) and how many of them reoffended on that day (``events``)."""

    times: np.ndarray
    events: np.ndarray
    people: np.ndarray

    def km(self) -> pd.DataFrame:
        """:func:`stats.kaplan_meier_from_counts`: the same table as from one duration per person."""
        return stats.kaplan_meier_from_counts(self.times, self.events, self.people)


def _survival(days: np.ndarray, events: np.ndarray, people: np.ndarray) -> Survival:
    """Counts by day from rows of (days, event flag, people), days in any order and repeated."""
    times, inverse = np.unique(days, return_inverse=True)
    # bincount sums in float; the counts are whole numbers far below 2**53, so exactly
    n = np.bincount(inverse, weights=people, minlength=times.size).astype(np.int64)
    x = np.bincount(inverse, weights=np.where(events, people, 0), minlength=times.size).astype(np.int64)
    return Survival(times.astype(float), x, n)


@dataclass(frozen=True)
class GroupCounts:
    """Sums over the people of one group (everyone referred, completers, or the comparison
    group) with a complete follow-up: what every figure of the page needs, without the people.

    ``reoffences_squared`` and ``harm_days_squared`` are sums of squares, for the sample
    variance of the per-person means. ``first_index``/``last_index`` bound the index dates.
    ``moments`` (mean and sample variance by measure) is filled only when the counts come
    from one row per person (:func:`counts_of_people`): worked out from the values, to the
    last bit as stats.mean_difference does, so the metrics' results stay exactly as they were.
    """

    n: int = 0
    reoffended: int = 0
    da_reoffended: int = 0
    reoffences: int = 0
    reoffences_squared: int = 0
    harm_days: float = 0.0
    harm_days_squared: float = 0.0
    first_index: dt.date | None = None
    last_index: dt.date | None = None
    survival: Mapping[str, Survival] = field(default_factory=dict, compare=False)
    moments: Mapping[str, tuple[float, float]] = field(default_factory=dict, compare=False)

    def events(self, measure: Measure) -> int:
        """People with a proven reoffence (``any``) or domestic-abuse reoffence (``da``) within a year."""
        return self.reoffended if measure == "any" else self.da_reoffended

    def summary(self, measure: Literal["frequency", "harm"]) -> tuple[float, float]:
        """Mean and sample variance (n - 1) of reoffences per 100 people, or of crime-harm days.

        From the sums: variance = (sum of squares - sum^2 / n) / (n - 1). The sums of whole
        numbers are exact, so this equals the variance of the values to rounding (1e-15).
        """
        if measure in self.moments:
            return self.moments[measure]
        scale = 100.0 if measure == "frequency" else 1.0
        total = scale * (self.reoffences if measure == "frequency" else self.harm_days)
        squares = scale * scale * (self.reoffences_squared if measure == "frequency" else self.harm_days_squared)
        mean = total / self.n
        variance = max(0.0, (squares - total * total / self.n) / (self.n - 1)) if self.n >= 2 else math.nan
        return mean, variance


@dataclass(frozen=True)
class Counts:
    """Everything the Reoffending page shows for one selection, as counts and sums: the three
    groups, and everyone referred by quarter of caution (``quarters``: the quarter's first
    day -> people, of whom reoffended within a year)."""

    cara: GroupCounts
    completers: GroupCounts
    comparison: GroupCounts
    quarters: Mapping[dt.date, tuple[int, int]]

    def group(self, group: Group) -> GroupCounts:
        return self.completers if group == "completers" else self.cara

    def labelled(self) -> list[tuple[str, GroupCounts]]:
        """Everyone referred and the comparison group, with their labels, leaving out an empty group."""
        return [(label, g) for label, g in ((GROUP_LABEL["itt"], self.cara), (COMPARISON_LABEL, self.comparison)) if g.n]


# --- counts from SQL (the page) ---------------------------------------------------------------


@cached_on_version
def area_members(force: str, root: Path | None = None) -> Mapping[str, tuple[str, ...]]:
    """The current councils of every area wholly inside ``force`` (itself included)."""
    df = warehouse.query("reoffending_area_members", {"area": force}, root=root)
    out: dict[str, list[str]] = {}
    for area, council in zip(df["area_code"].tolist(), df["council_code"].tolist()):
        out.setdefault(area, []).append(council)
    return {k: tuple(v) for k, v in out.items()}


def force_cells(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """reoffending_counts.sql for the force of ``f.area_code``: one query per force, period
    and data version (the result cache keeps it), whichever area inside it is chosen."""
    force = force_of(f.area_code, root)
    return warehouse.query("reoffending_counts", f.with_area(force).params(last_complete_index=last_complete_index(root)),
                           root=root)


class _Cells:
    """reoffending_counts.sql's rows as plain arrays (read once per query result): summing
    a few thousand rows in NumPy costs less than a pandas group-by per figure."""

    def __init__(self, df: pd.DataFrame):
        # Councils as small integers: selecting an area's rows is then an array lookup
        # (np.isin on strings sorts Python objects: about 7 ms a selection nationally).
        area, self.councils = pd.factorize(df["area_code"], sort=True)
        self.area = area.astype(np.intp)
        self.council_index = {code: i for i, code in enumerate(self.councils.tolist())}
        self.cara = df["cara"].to_numpy(dtype=bool)
        self.completed = df["completed"].to_numpy(dtype=bool)
        self.quarter = df["quarter"].to_numpy()
        for c in ("any_days", "da_days", "people", "reoffences", "reoffences_squared"):
            setattr(self, c, df[c].to_numpy(dtype=np.int64))
        self.any_event = df["any_event"].to_numpy(dtype=bool)
        self.da_event = df["da_event"].to_numpy(dtype=bool)
        self.harm_days = df["harm_days"].to_numpy(dtype=float)
        self.harm_days_squared = df["harm_days_squared"].to_numpy(dtype=float)
        self.first_index = df["first_index"].to_numpy()
        self.last_index = df["last_index"].to_numpy()
        self._by_council: dict[str, np.ndarray] | None = None

    def group(self, rows: np.ndarray, with_survival: bool = True) -> GroupCounts:
        """:class:`GroupCounts` of the people in the ``rows`` (a boolean mask)."""
        if not rows.any():
            return GroupCounts()
        people = self.people[rows]
        surv = {}
        if with_survival:
            weights = people.astype(float)
            surv = {"any": _survival(self.any_days[rows], self.any_event[rows], weights),
                    "da": _survival(self.da_days[rows], self.da_event[rows], weights)}
        return GroupCounts(
            n=int(people.sum()), reoffended=int(people[self.any_event[rows]].sum()),
            da_reoffended=int(people[self.da_event[rows]].sum()), reoffences=int(self.reoffences[rows].sum()),
            reoffences_squared=int(self.reoffences_squared[rows].sum()), harm_days=float(self.harm_days[rows].sum()),
            harm_days_squared=float(self.harm_days_squared[rows].sum()),
            first_index=pd.Timestamp(self.first_index[rows].min()).date(),
            last_index=pd.Timestamp(self.last_index[rows].max()).date(), survival=surv)

    def counts(self, councils: tuple[str, ...]) -> Counts:
        """:class:`Counts` of the people of these councils."""
        wanted = np.zeros(len(self.councils), dtype=bool)
        wanted[[self.council_index[c] for c in councils if c in self.council_index]] = True
        inside = wanted[self.area]
        cara = inside & self.cara
        rows = cara & (self.people > 0)
        starts, inverse = np.unique(self.quarter[rows], return_inverse=True)
        people = self.people[rows].astype(float)
        n = np.bincount(inverse, weights=people, minlength=starts.size).astype(np.int64)
        x = np.bincount(inverse, weights=np.where(self.any_event[rows], people, 0.0), minlength=starts.size).astype(np.int64)
        quarters = {pd.Timestamp(d).date(): (int(a), int(b)) for d, a, b in zip(starts, n, x)}
        return Counts(cara=self.group(cara), completers=self.group(cara & self.completed, with_survival=False),
                      comparison=self.group(inside & ~self.cara), quarters=quarters)

    def by_council(self) -> dict[str, np.ndarray]:
        """For each council: people referred, of whom reoffended within a year, people in the
        comparison group, of whom reoffended (worked out once per force)."""
        if self._by_council is None:
            x = np.where(self.any_event, self.people, 0)
            k = len(self.councils)
            sums = [np.bincount(self.area, weights=np.where(cara, v, 0), minlength=k).astype(np.int64)
                    for cara, v in ((self.cara, self.people), (self.cara, x), (~self.cara, self.people), (~self.cara, x))]
            self._by_council = {code: np.array([s[i] for s in sums]) for i, code in enumerate(self.councils.tolist())}
        return self._by_council


@cached_on_version
def _force_cells(f: Filters, root: Path | None = None) -> _Cells:
    return _Cells(force_cells(f, root))


@cached_on_version
def counts(f: Filters, root: Path | None = None) -> Counts:
    """:class:`Counts` of the selection, from the force's council rows (no row per person).

    Assumes every area's councils lie inside its force (they do: an area is wholly inside
    the force it belongs to). The same figures as :func:`counts_of_people` of :func:`people`.
    """
    force = force_of(f.area_code, root)
    councils = area_members(force, root).get(f.area_code, ())
    return _force_cells(f.with_area(force), root).counts(councils)


def area_sums(f: Filters, root: Path | None = None) -> dict[str, tuple[int, int, int, int]]:
    """Every area wholly inside the force of ``f.area_code`` with anyone counted -> people
    referred, of whom reoffended within a year, people in its comparison group, of whom
    reoffended: summed from the force's council rows (one query per force and period)."""
    force = force_of(f.area_code, root)
    per = _force_cells(f.with_area(force), root).by_council()
    out = {}
    for area, councils in sorted(area_members(force, root).items()):
        found = [per[c] for c in councils if c in per]
        if found:
            out[area] = tuple(int(v) for v in np.sum(found, axis=0))
    return out


def by_area_counts(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """:func:`by_area` (same columns and rows) from the force's council rows (:func:`area_sums`)."""
    cols = ["area_code", "cara_n", "cara_x", "comparison_n", "comparison_x"]
    return pd.DataFrame([(a, *v) for a, v in area_sums(f, root).items()], columns=cols).astype({c: "int64" for c in cols[1:]})


# --- counts from a people() frame (the metrics' results, the tests) -------------------------------


_of_people: "OrderedDict[int, tuple[pd.DataFrame, Counts]]" = OrderedDict()
_of_people_lock = threading.Lock()


def counts_of_people(df: pd.DataFrame) -> Counts:
    """:class:`Counts` of a people() frame, summed here; computed once per frame object (the
    frame is kept with its counts, so its id is not reused)."""
    with _of_people_lock:
        hit = _of_people.get(id(df))
        if hit is not None and hit[0] is df:
            _of_people.move_to_end(id(df))
            return hit[1]
    g = df["cohort_group"]
    cara, comp = df[g == "cara"], df[g == "comparison"]

    def group(part: pd.DataFrame, with_survival: bool = True) -> GroupCounts:
        if part.empty:
            return GroupCounts()
        r = part["reoffences"].to_numpy(dtype=np.int64)
        h = part["harm_days"].to_numpy(dtype=float)
        idx = pd.to_datetime(part["index_date"])
        surv = {}
        if with_survival:
            for m in ("any", "da"):
                d, e = durations(part, m)
                surv[m] = _survival(d, e, np.ones(len(d)))
        moments = {}
        for measure, v in (("frequency", 100.0 * r.astype(float)), ("harm", h)):
            moments[measure] = (float(v.mean()), float(v.var(ddof=1)) if len(v) >= 2 else math.nan)
        return GroupCounts(n=len(part), reoffended=int((r > 0).sum()), da_reoffended=int((part["da_reoffences"] > 0).sum()),
                           reoffences=int(r.sum()), reoffences_squared=int((r * r).sum()), harm_days=float(h.sum()),
                           harm_days_squared=float((h * h).sum()), first_index=idx.min().date(), last_index=idx.max().date(),
                           survival=surv, moments=moments)

    q = cara.assign(period_start=pd.to_datetime(cara["index_date"]).dt.to_period("Q").dt.start_time,
                    x=(cara["reoffences"] > 0).astype("int64"))
    g = q.groupby("period_start").agg(n=("person_id", "size"), x=("x", "sum"))
    quarters = {d.date(): (int(a), int(b)) for d, a, b in zip(g.index, g["n"], g["x"])}
    out = Counts(cara=group(cara), completers=group(cara[cara["completed"].astype(bool)], with_survival=False),
                 comparison=group(comp), quarters=quarters)
    with _of_people_lock:
        _of_people[id(df)] = (df, out)
        while len(_of_people) > 16:
            _of_people.popitem(last=False)
    return out


def _source(f: Filters, root: Path | None, frame: pd.DataFrame | None) -> Counts:
    """The selection's counts: from SQL, or from a person-level frame the caller already has."""
    return counts(f, root) if frame is None else counts_of_people(frame)


@dataclass(frozen=True)
class Comparison:
    """One reoffending comparison between the CARA group and the comparison group."""

    measure: Measure
    group: Group
    cara_n: int
    cara_events: int
    comparison_n: int
    comparison_events: int
    difference: stats.Difference | None

    @property
    def enough(self) -> bool:
        return self.cara_n >= MIN_GROUP and self.comparison_n >= MIN_GROUP

    @property
    def cara_rate(self) -> float | None:
        return self.cara_events / self.cara_n if self.cara_n else None

    @property
    def comparison_rate(self) -> float | None:
        return self.comparison_events / self.comparison_n if self.comparison_n else None

    def sentence(self) -> str:
        """The Justice Data Lab style headline, or why no comparison is made."""
        who = "referred to CARA" if self.group == "itt" else "who completed CARA"
        what = "reoffended" if self.measure == "any" else "committed a domestic-abuse reoffence"
        if not self.enough:
            def people(n: int) -> str:
                return f"{n:,} {'person' if n == 1 else 'people'}"

            small = [f"the CARA group has {people(self.cara_n)}" if self.cara_n < MIN_GROUP else "",
                     f"the comparison group has {people(self.comparison_n)}" if self.comparison_n < MIN_GROUP else ""]
            return (f"No comparison is made: {' and '.join(s for s in small if s)} with a complete follow-up, "
                    f"and at least {MIN_GROUP} in each group are needed for a reliable comparison (Justice Data Lab guidance).")
        a, b = round(100 * self.cara_rate), round(100 * self.comparison_rate)
        d = self.difference
        lo, hi = -100 * d.high, -100 * d.low  # "fewer per 100" is the negative of CARA minus comparison
        head = (f"For every 100 people {who}, {a} {what} within a year, compared with {b} of every 100 "
                f"in the comparison group")
        if d.significant and d.estimate < 0:
            return f"{head}; the true difference is likely between {lo:.0f} and {hi:.0f} fewer per 100."
        if d.significant and d.estimate > 0:
            return f"{head}; the true difference is likely between {-hi:.0f} and {-lo:.0f} more per 100."
        return (f"{head}. The difference could be anywhere from {max(hi, 0):.0f} fewer to {max(-lo, 0):.0f} more per 100, "
                f"so more people are needed to tell whether CARA made a difference.")


def compare(f: Filters, measure: Measure = "any", group: Group = "itt", root: Path | None = None,
            frame: pd.DataFrame | None = None) -> Comparison:
    """CARA (everyone referred, or completers) against the comparison group; ``frame`` is a
    people() frame or the selection's :class:`Counts` (default: :func:`counts`)."""
    return comparison_of(_source(f, root, frame), measure, group)


def comparison_of(c: Counts, measure: Measure = "any", group: Group = "itt") -> Comparison:
    cara = c.group(group)
    return from_counts(measure, group, cara.n, cara.events(measure), c.comparison.n, c.comparison.events(measure))


def from_counts(measure: Measure, group: Group, cara_n: int, cara_x: int, comparison_n: int, comparison_x: int) -> Comparison:
    """A comparison from its four counts (the Newcombe interval needs people in both groups)."""
    diff = stats.newcombe_difference(cara_x, cara_n, comparison_x, comparison_n) if cara_n and comparison_n else None
    return Comparison(measure, group, cara_n, cara_x, comparison_n, comparison_x, diff)


def by_area(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """Counts for everyone referred and the comparison group in each area wholly inside ``f.area_code``.

    Columns: area_code, cara_n, cara_x, comparison_n, comparison_x (x: people with a proven
    reoffence within a year). Aggregated in SQL: one small row per area.
    """
    return warehouse.query("reoffending_by_area", f.params(last_complete_index=last_complete_index(root)), root=root)


@dataclass(frozen=True)
class MeanComparison:
    """A per-person mean (reoffences per 100 people, or crime-harm days) for CARA and comparison."""

    measure: Literal["frequency", "harm"]
    group: Group
    cara_n: int
    cara_mean: float | None
    comparison_n: int
    comparison_mean: float | None
    difference: stats.Difference | None

    @property
    def enough(self) -> bool:
        return self.cara_n >= MIN_GROUP and self.comparison_n >= MIN_GROUP


def compare_means(f: Filters, measure: Literal["frequency", "harm"], group: Group = "itt", root: Path | None = None,
                  frame: pd.DataFrame | None = None) -> MeanComparison:
    """Frequency is proven reoffences per 100 people; harm is crime-harm days per person.

    The difference uses stats.mean_difference_from_summary (Welch standard error, normal
    approximation) on each group's mean and variance from its sums, which needs large
    groups: it is only reported when both have at least 60 people.
    """
    return mean_comparison_of(_source(f, root, frame), measure, group)


def mean_comparison_of(c: Counts, measure: Literal["frequency", "harm"], group: Group = "itt") -> MeanComparison:
    a, b = c.group(group), c.comparison
    sa = a.summary(measure) if a.n else (None, None)
    sb = b.summary(measure) if b.n else (None, None)
    diff = stats.mean_difference_from_summary(a.n, sa[0], sa[1], b.n, sb[0], sb[1]) if a.n >= 2 and b.n >= 2 else None
    return MeanComparison(measure, group, a.n, sa[0], b.n, sb[0], diff)


# --- time to first reoffence ----------------------------------------------------------------


def durations(part: pd.DataFrame, measure: Measure) -> tuple[pd.Series, pd.Series]:
    """Days to the first proven reoffence, or the length of the 12-month follow-up if none."""
    col = "days_to_first" if measure == "any" else "days_to_first_da"
    idx = pd.to_datetime(part["index_date"])
    follow = (idx + pd.DateOffset(months=FOLLOW_UP_MONTHS) - idx).dt.days
    first = part[col].astype("Float64")
    events = first.notna().to_numpy(dtype=bool)
    durations = first.fillna(follow.astype("Float64")).to_numpy(dtype=float)
    return durations, events


def km_groups(c: Counts, measure: Measure) -> dict[str, pd.DataFrame]:
    """stats.kaplan_meier of everyone referred and of the comparison group (leaving out an empty
    group), from each group's counts by day: survival with its 95% limits (low, high)."""
    return {label: g.survival[measure].km() for label, g in c.labelled()}


def cumulative(km: pd.DataFrame) -> pd.DataFrame:
    """Survival table -> cumulative share reoffended: estimate = 1 - S, band (1 - high, 1 - low)."""
    return pd.DataFrame({"time": km["time"], "at_risk": km["at_risk"], "events": km["events"],
                         "estimate": 1.0 - km["survival"], "low": 1.0 - km["high"], "high": 1.0 - km["low"]})


def km_curves(f: Filters, measure: Measure = "any", root: Path | None = None,
              frame: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Kaplan-Meier curves of the cumulative share reoffended, for CARA (everyone referred) and comparison.

    Columns: time (days since caution), at_risk, events, estimate (= 1 - survival) and its
    95% band low/high (= 1 - the survival limits, Greenwood variance on the log-log scale).
    Everyone here has a complete follow-up, so no one is censored before the end of their
    year and each curve ends at the group's binary rate.
    """
    return {label: cumulative(curve) for label, curve in km_groups(_source(f, root, frame), measure).items()}


