"""Numbers the British way: 55,028 · 12.5% · £34,015 · 8.4 days · −3.2 (a true minus sign).

Pages never round or format numbers themselves; they call these.

One rule for decimals, on staff pages, the board pack and the public pages alike:

* counts and money: whole numbers with thousands separators (55,028; £34,015);
* a percentage or a difference in percentage points calculated from exact counts: one
  decimal place (12.5%, 4.1 points); a percentage calculated from rounded counts (public
  figures below force level) is a whole number, as the methodology page says, because a
  decimal would claim a precision the rounded counts do not have;
* an interval's ends take the decimals of the figure they belong to; an interval given in
  words for people ("likely between 2 and 11 fewer per 100") is in whole numbers;
* a ratio: two decimal places in tables, one in words;
* negative numbers carry a true minus sign (U+2212), never a hyphen.
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


#: The true minus sign (U+2212): a hyphen is too short to read as one, and screen readers say "hyphen".
MINUS = "\u2212"


def count(x: float | int | None) -> str:
    if _missing(x):
        return "–"
    v = round(float(x))
    return f"{MINUS if v < 0 else ''}{abs(v):,}"


def pct(fraction: float | None, dp: int = 1) -> str:
    """0.125 -> '12.5%'; -0.02 -> '−2.0%'."""
    return "–" if _missing(fraction) else number(100 * float(fraction), dp) + "%"


def signed(x: float | None, dp: int = 1) -> str:
    """A change with its sign always shown: '+4.1', '−0.3', '0.0'."""
    if _missing(x):
        return "–"
    text = number(x, dp)
    return text if text.startswith(MINUS) or float(text.replace(",", "")) == 0 else f"+{text}"


def and_list(items) -> str:
    """Names joined as a sentence says them: 'A', 'A and B', 'A, B and C'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def points(fraction_diff: float | None, dp: int = 1) -> str:
    """A difference of two percentages in percentage points: 0.041 -> '4.1 points'."""
    if _missing(fraction_diff):
        return "–"
    v = 100 * float(fraction_diff)
    return f"{abs(v):.{dp}f} point{'s' if round(abs(v), dp) != 1 else ''}"


def gbp(x: float | None, dp: int = 0) -> str:
    if _missing(x):
        return "–"
    text = f"{abs(float(x)):,.{dp}f}"
    negative = float(x) < 0 and text.strip("0.,") != ""
    return f"{MINUS if negative else ''}£{text}"


def number(x: float | None, dp: int = 1) -> str:
    """55028.4 -> '55,028.4'; a negative number with a true minus sign (never '−0.0')."""
    if _missing(x):
        return "–"
    text = f"{abs(float(x)):,.{dp}f}"
    negative = float(x) < 0 and text.strip("0.,") != ""
    return f"{MINUS if negative else ''}{text}"


def decimals(values, most: int = 2) -> int:
    """The decimals a table column's figures carry, at most ``most``: 0 for counts, 1 for a
    column of percentages rounded to one place, 2 for ratios. The analysis layer has already
    rounded each column by the one rule above; this reads that rounding back, so a whole
    column shows the same number of places ('12.0' beside '12.5', never '12')."""
    shown = [float(v) for v in values if not _missing(v)]
    for dp in range(most + 1):
        # A tolerance, not equality: 94.4 is not exactly representable in binary.
        if all(abs(v * 10 ** dp - round(v * 10 ** dp)) < 1e-6 * max(1.0, abs(v) * 10 ** dp) for v in shown):
            return dp
    return most


def table_view(df):
    """A staff table as its reader sees it: a pandas Styler whose cells show every number the
    British way (55,028; 12.5; a true minus sign, '−3.2', where the browser would print a
    hyphen-minus) while the data under them stay numbers, so a column still sorts by value.

    A column's decimals, in this order: those the table declares (``df.attrs["decimals"]``,
    heading -> places, for a column whose values alone cannot tell, such as rates per 1,000 to
    two places that happen to be 0.30); whole numbers for integer columns; one place for a
    percentage or a difference in points (a heading with "(%" or "(points)", by the one rule);
    otherwise the places the column's values carry (:func:`decimals`), as the analysis layer
    rounded them. Booleans and text are left as they are. Streamlit shows a Styler's display
    values unless a column's ``column_config`` sets a format of its own, so the caller sets
    none for these. Returns the Styler and the names of the number columns it formats.
    """
    import pandas as pd

    declared = dict(df.attrs.get("decimals", {}))
    columns = [c for c in df.columns
               if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]

    def places_of(c) -> int:
        if c in declared:
            return int(declared[c])
        if pd.api.types.is_integer_dtype(df[c]):
            return 0
        if "(%" in str(c) or "(points)" in str(c):
            return 1
        return decimals(df[c])

    places = {c: places_of(c) for c in columns}
    # A missing figure (NaN, None or pd.NA) reads as an en dash, as on the pages. The index is
    # renumbered because a Styler formats by position and the staff tables hide it anyway.
    styler = df.reset_index(drop=True).style.format({c: (lambda x, dp=dp: number(x, dp)) for c, dp in places.items()},
                                                    na_rep="–")
    return styler, columns


def likely_between(low: float, high: float, *, fewer: str = "fewer", more: str = "more", unit: str = "per 100",
                   dp: int = 0) -> str:
    """A difference's 95% interval in the public pages' plain words, from its ``low`` and
    ``high`` ends (CARA minus comparison, already in the unit of ``unit``).

    'likely between 2 and 11 fewer per 100' when the whole interval is below zero, '... more
    per 100' when it is above; when it spans zero, 'likely between 4 fewer and 18 more per
    100' (never a negative number of 'fewer', as in '-4 to 18 fewer'). Reads after "is".
    """
    n = lambda v: number(abs(v), dp)  # noqa: E731
    tail = f" {unit}" if unit else ""
    if round(high, dp) < 0:
        return f"likely between {n(high)} and {n(low)} {fewer}{tail}"
    if round(low, dp) > 0:
        return f"likely between {n(low)} and {n(high)} {more}{tail}"
    return f"likely between {n(low)} {fewer} and {n(high)} {more}{tail}"


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
        # The change between the two percentages as shown (one decimal), as the public pages
        # work it out from the published figures: 93.8% to 93.7% is "down 0.1 points", never
        # "no change" beside two different numbers.
        shown = float(f"{100 * float(new):.1f}") - float(f"{100 * float(old):.1f}")
        return "no change" if abs(shown) < 0.05 else f"{'up' if shown > 0 else 'down'} {points(shown / 100)}"
    if metric.unit == "count":
        if old == 0:
            return f"up {count(d)}" if d > 0 else "no change"
        return "no change" if round(d) == 0 else f"{'up' if d > 0 else 'down'} {count(abs(d))} ({abs(d) / float(old):.0%})"
    return "no change" if round(d, 1) == 0 else f"{'up' if d > 0 else 'down'} {number(abs(d))}"
