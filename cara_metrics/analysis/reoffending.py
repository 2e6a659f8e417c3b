"""Question 5: do people referred to CARA reoffend less?

Measured as the Ministry of Justice measures proven reoffending: an offence committed in
the 12 months after the caution (the index date) and proven by a conviction or caution in
those 12 months or a further 6-month waiting period. A cohort counts only once its
18 months have passed by the date the data runs to.

The headline is intention to treat: everyone referred, whether or not they completed,
against the comparison group. Completers against the comparison group flatters CARA
(selection bias) and is shown only with that caveat. No comparison is claimed when
either group has fewer than 60 people (Justice Data Lab guidance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from .. import formatting as fmt, registry, stats, warehouse
from ..panels import NoData, Tile, data_as_at
from ..periods import Filters, add_months, format_date

FOLLOW_UP_MONTHS = 12
WAITING_MONTHS = 6
MIN_GROUP = 60

Group = Literal["itt", "completers"]
Measure = Literal["any", "da"]


def last_complete_index(root: Path | None = None) -> dt.date:
    """Latest index date whose 12-month follow-up and 6-month waiting period have ended."""
    return add_months(data_as_at(root), -(FOLLOW_UP_MONTHS + WAITING_MONTHS))


def people(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """One row per person with complete follow-up (CARA in the period; all comparison)."""
    return warehouse.query("reoffending_people", f.params(last_complete_index=last_complete_index(root)), root=root)


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
            small = [f"the CARA group has {self.cara_n:,}" if self.cara_n < MIN_GROUP else "",
                     f"the comparison group has {self.comparison_n:,}" if self.comparison_n < MIN_GROUP else ""]
            return (f"No comparison is made: {' and '.join(s for s in small if s)} people with a complete follow-up, "
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


def _flag(df: pd.DataFrame, measure: Measure) -> pd.Series:
    col = "reoffences" if measure == "any" else "da_reoffences"
    return df[col] > 0


def compare(f: Filters, measure: Measure = "any", group: Group = "itt", root: Path | None = None, frame: pd.DataFrame | None = None) -> Comparison:
    df = people(f, root) if frame is None else frame
    cara = df[df["cohort_group"] == "cara"]
    if group == "completers":
        cara = cara[cara["completed"]]
    comp = df[df["cohort_group"] == "comparison"]
    x1, n1 = int(_flag(cara, measure).sum()), len(cara)
    x2, n2 = int(_flag(comp, measure).sum()), len(comp)
    diff = stats.newcombe_difference(x1, n1, x2, n2) if n1 and n2 else None
    return Comparison(measure, group, n1, x1, n2, x2, diff)


def tile(f: Filters, root: Path | None = None) -> Tile:
    m = registry.get("reoffending_rate")
    c = compare(f, root=root)
    period = f"cautions to {format_date(min(f.date_to, last_complete_index(root)))}"
    if c.cara_n == 0:
        return Tile(m.id, "Reoffended within a year (referred to CARA)", None, "–", None,
                    "no one in the period has a complete 18-month follow-up yet", period, m.definition)
    delta = None
    if c.enough and c.difference is not None:
        d = c.difference
        delta = (f"{fmt.points(abs(d.estimate))} {'lower' if d.estimate < 0 else 'higher'} than comparison "
                 f"({fmt.pct(c.comparison_rate, 0)}); 95% CI {fmt.number(-100 * d.high, 0)} to {fmt.number(-100 * d.low, 0)} fewer per 100")
    return Tile(
        m.id, "Reoffended within a year (referred to CARA)", c.cara_rate, fmt.pct(c.cara_rate, 0), delta,
        f"{c.cara_events:,} of {c.cara_n:,} referred; comparison {c.comparison_events:,} of {c.comparison_n:,}",
        period, m.definition, delta_is_good=None,
        delta_arrow="off" if delta is None else ("down" if c.difference.estimate < 0 else "up"),
    )
