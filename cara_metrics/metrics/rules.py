"""Rules every answer shares: when a period is provisional, where a series breaks, rates with
their Wilson intervals. Stated once here so each metric applies them the same way."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from .. import stats
from ..periods import Grain, add_months, fy_end, fy_of

#: A completion rate is final only once this share of the period's cases has closed.
MOSTLY_CLOSED = 0.9


def period_end(start: dt.date, grain: Grain) -> dt.date:
    if grain == "year":
        return fy_end(fy_of(start))
    return add_months(start, 1 if grain == "month" else 3) - dt.timedelta(days=1)


def as_date(x) -> dt.date:
    return pd.Timestamp(x).date()


def not_ended(start: dt.date, grain: Grain, as_at: dt.date) -> bool:
    """The period runs past the date the data is complete to."""
    return period_end(start, grain) > as_at


def break_inside(breaks: pd.DataFrame, start: dt.date, end: dt.date) -> bool:
    """A break in series falls after ``start`` and on or before ``end`` (so the span mixes two series)."""
    return any(start < as_date(d) <= end for d in breaks.get("break_date", []))


def break_starts(breaks: pd.DataFrame, start: dt.date, end: dt.date) -> bool:
    """A break in series falls inside the period ``start``-``end`` (its first day included)."""
    return any(start <= as_date(d) <= end for d in breaks.get("break_date", []))


def rate(x: float, n: float) -> dict:
    """value, numerator, denominator and the Wilson 95% interval of x out of n."""
    if not n:
        return {"value": math.nan, "numerator": x, "denominator": n, "ci_low": math.nan, "ci_high": math.nan}
    lo, hi = stats.wilson_interval(int(x), int(n))
    return {"value": x / n, "numerator": x, "denominator": n, "ci_low": lo, "ci_high": hi}


def share(x: float, n: float) -> dict:
    """x out of n as a share, no interval (counts of every recorded crime are not a sample)."""
    return {"value": x / n if n else math.nan, "numerator": x, "denominator": n}
