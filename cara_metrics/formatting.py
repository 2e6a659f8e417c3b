"""Numbers the British way: 55,028 · 12.5% · £34,015 · 8.4 days.

Pages never round or format numbers themselves; they call these.
"""

from __future__ import annotations

import math

from .registry import Metric


def _missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def count(x: float | int | None) -> str:
    return "–" if _missing(x) else f"{round(float(x)):,}"


def pct(fraction: float | None, dp: int = 1) -> str:
    """0.125 -> '12.5%'."""
    return "–" if _missing(fraction) else f"{100 * float(fraction):.{dp}f}%"


def points(fraction_diff: float | None, dp: int = 1) -> str:
    """A difference of two percentages in percentage points: 0.041 -> '4.1 points'."""
    if _missing(fraction_diff):
        return "–"
    v = 100 * float(fraction_diff)
    return f"{abs(v):.{dp}f} point{'s' if round(abs(v), dp) != 1 else ''}"


def gbp(x: float | None, dp: int = 0) -> str:
    if _missing(x):
        return "–"
    sign = "-" if float(x) < 0 else ""
    return f"{sign}£{abs(float(x)):,.{dp}f}"


def number(x: float | None, dp: int = 1) -> str:
    return "–" if _missing(x) else f"{float(x):,.{dp}f}"


def value(metric: Metric, x: float | None) -> str:
    """Format ``x`` in the metric's unit (percent metrics take a fraction)."""
    if metric.unit == "percent":
        return pct(x)
    if metric.unit == "count":
        return count(x)
    if metric.unit == "gbp":
        return gbp(x)
    if metric.unit == "days":
        return f"{number(x, 0)} days" if not _missing(x) else "–"
    if metric.unit == "ratio":
        return number(x, 2)
    return number(x, 1)


def change(metric: Metric, new: float | None, old: float | None) -> str | None:
    """'up 4.1 points on 2023/24' style delta text, without the period (the caller adds it)."""
    if _missing(new) or _missing(old):
        return None
    d = float(new) - float(old)
    if metric.unit == "percent":
        return "no change" if round(100 * d, 1) == 0 else f"{'up' if d > 0 else 'down'} {points(d)}"
    if metric.unit == "count":
        if old == 0:
            return f"up {count(d)}" if d > 0 else "no change"
        return "no change" if round(d) == 0 else f"{'up' if d > 0 else 'down'} {count(abs(d))} ({abs(d) / float(old):.0%})"
    return "no change" if round(d, 1) == 0 else f"{'up' if d > 0 else 'down'} {number(abs(d))}"
