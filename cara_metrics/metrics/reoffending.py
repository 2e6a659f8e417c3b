"""The reoffending measure (no charts, no wording for pages): who counts, proven reoffending within a year, and the
comparisons (rates, means per person, time to first reoffence) with their intervals."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import stats, warehouse
from ..areas import cached_on_version, data_as_at
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


@cached_on_version
def cohort_frame(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """:func:`people`, evaluated once per selection and data version and shared (read-only):
    every figure of the Reoffending page reads this one frame, so :func:`split` of it is
    worked out once too."""
    return people(f, root)


@dataclass(frozen=True)
class Split:
    """The groups of one people() frame, each selected once."""

    cara: pd.DataFrame
    completers: pd.DataFrame
    comparison: pd.DataFrame
    _durations: dict = field(default_factory=dict, compare=False, repr=False)

    def group(self, group: Group) -> pd.DataFrame:
        return self.completers if group == "completers" else self.cara

    def durations(self, which: str, measure: Measure) -> tuple[np.ndarray, np.ndarray]:
        """:func:`durations` of the group ``which`` ("cara" or "comparison"), computed once."""
        key = (which, measure)
        if key not in self._durations:
            self._durations[key] = durations(self.cara if which == "cara" else self.comparison, measure)
        return self._durations[key]


_splits: "OrderedDict[int, tuple[pd.DataFrame, Split]]" = OrderedDict()
_splits_lock = threading.Lock()


def split(df: pd.DataFrame) -> Split:
    """The CARA, completer and comparison rows of a people() frame; computed once per frame
    object (the page's builders share :func:`cohort_frame`'s frame, and used to filter it
    again in every figure). The frame is kept with its split, so its id is not reused."""
    with _splits_lock:
        hit = _splits.get(id(df))
        if hit is not None and hit[0] is df:
            _splits.move_to_end(id(df))
            return hit[1]
    g = df["cohort_group"]
    cara = df[g == "cara"]
    out = Split(cara=cara, completers=cara[cara["completed"]], comparison=df[g == "comparison"])
    with _splits_lock:
        _splits[id(df)] = (df, out)
        while len(_splits) > 16:
            _splits.popitem(last=False)
    return out


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


def flag(df: pd.DataFrame, measure: Measure) -> pd.Series:
    col = "reoffences" if measure == "any" else "da_reoffences"
    return df[col] > 0


def compare(f: Filters, measure: Measure = "any", group: Group = "itt", root: Path | None = None, frame: pd.DataFrame | None = None) -> Comparison:
    parts = split(people(f, root) if frame is None else frame)
    cara, comp = parts.group(group), parts.comparison
    return from_counts(measure, group, len(cara), int(flag(cara, measure).sum()), len(comp), int(flag(comp, measure).sum()))


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

    The difference uses stats.mean_difference (Welch standard error, normal approximation),
    which needs large groups: it is only reported when both have at least 60 people.
    """
    parts = split(people(f, root) if frame is None else frame)
    cara, comp = parts.group(group), parts.comparison
    value = (lambda d: 100.0 * d["reoffences"].astype(float)) if measure == "frequency" else (lambda d: d["harm_days"].astype(float))
    a, b = value(cara), value(comp)
    diff = stats.mean_difference(a, b) if len(a) >= 2 and len(b) >= 2 else None
    return MeanComparison(measure, group, len(a), float(a.mean()) if len(a) else None,
                          len(b), float(b.mean()) if len(b) else None, diff)


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


def km(part: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """stats.kaplan_meier for one group: survival with its 95% limits (low, high)."""
    return stats.kaplan_meier(*durations(part, measure))


def groups(df: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    s = split(df)
    return [(label, part) for label, part in ((GROUP_LABEL["itt"], s.cara), (COMPARISON_LABEL, s.comparison)) if len(part)]


def km_groups(df: pd.DataFrame, measure: Measure) -> dict[str, pd.DataFrame]:
    """:func:`km` of each group of :func:`groups`, from durations worked out once per frame."""
    s = split(df)
    return {label: stats.kaplan_meier(*s.durations(which, measure))
            for label, which, part in ((GROUP_LABEL["itt"], "cara", s.cara), (COMPARISON_LABEL, "comparison", s.comparison))
            if len(part)}


def cumulative(km: pd.DataFrame) -> pd.DataFrame:
    """Survival table -> cumulative share reoffended: estimate = 1 - S, band (1 - high, 1 - low)."""
    return pd.DataFrame({"time": km["time"], "at_risk": km["at_risk"], "events": km["events"],
                         "estimate": 1.0 - km["survival"], "low": 1.0 - km["high"], "high": 1.0 - km["low"]})


def km_curves(f: Filters, measure: Measure = "any", root: Path | None = None, frame: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Kaplan-Meier curves of the cumulative share reoffended, for CARA (everyone referred) and comparison.

    Columns: time (days since caution), at_risk, events, estimate (= 1 - survival) and its
    95% band low/high (= 1 - the survival limits, Greenwood variance on the log-log scale).
    Everyone here has a complete follow-up, so no one is censored before the end of their
    year and each curve ends at the group's binary rate.
    """
    df = people(f, root) if frame is None else frame
    return {label: cumulative(curve) for label, curve in km_groups(df, measure).items()}


