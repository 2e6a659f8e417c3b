"""A released figure: looking it up, and writing it as released ("1,234", "85% [u]", "[c]").

Figures are shown exactly as released, symbols kept. Percentages keep the precision they
were released at: one decimal place for crime and at force level, whole numbers for people
below force level (those were calculated from rounded counts; see :func:`dp_for`).
The reoffending figures are published for pooled years of caution and a comparison group,
whose periods :func:`pooled_period` and :func:`comparison_period` read from the release.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .release import table


def missing(v: object) -> bool:
    """Whether a released cell is empty (None, NaN or pandas' NA)."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


#: Metrics about offences, not people: their percentages have one decimal place everywhere.
CRIME_METRICS = ("da_crimes", "da_share", "da_rate_per_1000")


def dp_for(area_type: object, metric_id: object = None) -> int:
    """Decimal places of a released percentage: one for crime and at force level; none for
    people below force level (those are calculated from rounded counts)."""
    return 1 if area_type == "force" or metric_id in CRIME_METRICS else 0


def number_text(v: float, unit: str, dp: int | None = None) -> str:
    """A released value in its unit, British style, at the precision it was released."""
    if unit in ("people", "offences"):
        return f"{int(round(v)):,}"
    if unit == "per 1,000 residents":
        return f"{v:,.1f}"
    if unit in ("percent", "percentage points"):
        if dp is None:
            dp = 0 if float(v).is_integer() else 1
        return f"{v:,.{dp}f}"
    return f"{v:,}"


def cell_text(v: object, unit: str, symbol: object = "", dp: int | None = None) -> str:
    """'1,234', '85 [u]', '[c]': the value (when released) with its symbols."""
    sym = "" if missing(symbol) else str(symbol)
    if missing(v):
        return sym or "[x]"
    return f"{number_text(float(v), unit, dp)} {sym}".strip()


def pct_text(v: object, symbol: object = "", dp: int | None = None) -> str:
    """'84.4%', '86% [p]', '[c]'."""
    sym = "" if missing(symbol) else str(symbol)
    if missing(v):
        return sym or "[x]"
    return f"{number_text(float(v), 'percent', dp)}% {sym}".strip()


# --------------------------------------------------------------------------------------
# Looking up released figures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One released figure: its value (None when not released) and symbols."""

    value: float | None
    symbol: str
    unit: str
    dp: int | None = None

    @property
    def text(self) -> str:
        if self.unit == "percent":
            return pct_text(self.value, self.symbol, self.dp)
        return cell_text(self.value, self.unit, self.symbol, self.dp)

    @property
    def shown(self) -> bool:
        return self.value is not None


def figure(name: str, measure: str, area_code: str, period: str, category: str | None = None,
           root: Path | None = None) -> Figure:
    t = table(name, root)
    m = (t["measure"] == measure) & (t["area_code"] == area_code) & (t["period"] == period)
    m &= t["category"].isna() if category is None else (t["category"] == category)
    hit = t[m]
    if hit.empty:
        return Figure(None, "[x]", "")
    r = hit.iloc[0]
    return Figure(None if missing(r["shown"]) else float(r["shown"]), "" if missing(r["symbol"]) else str(r["symbol"]),
                  str(r["unit"]), dp_for(r["area_type"], r["metric_id"]))


def pooled_period(root: Path | None) -> str | None:
    """The pooled years of caution the reoffending figures cover ('2019/20 to 2022/23'), or None."""
    t = table("reoffending", root)
    p = t.loc[t["period_type"] == "financial years", "period"]
    return str(p.iloc[0]) if len(p) else None


def comparison_period(root: Path | None) -> str | None:
    """The period the comparison group was cautioned in, or None when the release has none."""
    t = table("reoffending", root)
    p = t.loc[t["period_type"] == "comparison group", "period"]
    return str(p.iloc[0]) if len(p) else None


# --------------------------------------------------------------------------------------
# A difference from the comparison group, in words
# --------------------------------------------------------------------------------------


def ci_text(low: Figure, high: Figure) -> str:
    """A difference interval in points, smaller end first: '1.8 to 11.4 points lower'."""
    t = lambda f: number_text(abs(f.value), "percentage points", f.dp)  # noqa: E731
    if high.value <= 0:
        return f"{t(high)} to {t(low)} points lower"
    if low.value >= 0:
        return f"{t(low)} to {t(high)} points higher"
    return f"{t(low)} points lower to {t(high)} points higher"


def diff_words(d: Figure) -> str:
    """'6.5 points lower', or the symbol when the difference is not published."""
    if not d.shown:
        return d.symbol or "[x]"
    if d.value == 0:
        return "no difference"
    return f"{number_text(abs(d.value), 'percentage points', d.dp)} points {'lower' if d.value < 0 else 'higher'}"
