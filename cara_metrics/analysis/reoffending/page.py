"""What the Reoffending page says around its charts: follow-up, headline tiles, caveats."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ... import formatting as fmt, metrics, registry
from ...metrics import lookups
from ...metrics.reoffending import MIN_GROUP, comparison_of, last_complete_index
from ...panels import NoData, Tile
from ...areas import data_as_at
from ...periods import Filters, format_date, period_label
from .wording import _area, _cohort, _why_not, comparison_text, during, period_text, persons


# --- what the page says about follow-up, and its headline tiles ----------------------------------


def follow_up_note(f: Filters, root: Path | None = None) -> str:
    """Which cohorts are left out because their 18-month follow-up has not ended, in a sentence."""
    lci = last_complete_index(root)
    as_at = data_as_at(root)
    df = lookups.cohorts(f.area_code, root)
    q_from, q_to = pd.Timestamp(f.date_from).to_period("Q").start_time, pd.Timestamp(f.date_to)
    # (quarter, people, follow-up complete) of everyone referred, quarters in the selection: a few
    # dozen rows, read as plain lists
    rows = [(pd.Timestamp(q), n, bool(done)) for q, g, n, done in zip(df["cohort_quarter"].tolist(), df["cohort_group"].tolist(),
                                                                       df["people"].tolist(), df["follow_up_complete"].tolist())
            if g == "cara" and q_from <= pd.Timestamp(q) <= q_to]
    rule = (f"Reoffending is counted as the Ministry of Justice counts it: an offence within 12 months of the caution, "
            f"proven within a further 6 months. The data runs to {format_date(as_at)}, so only cautions up to "
            f"{format_date(lci)} have a complete follow-up.")
    if not rows:
        return f"No one was referred to CARA in {_area(f, root)} {during(f)}. {rule}"
    left = [(q, n) for q, n, done in rows if not done]
    if not left:
        return f"Every caution {during(f)} has a complete follow-up and is counted. {rule}"
    first, last = min(q for q, _ in left).date(), max(q for q, _ in left).date()
    quarters = period_label(first, "quarter") if first == last else f"{period_label(first, 'quarter')} to {period_label(last, 'quarter')}"
    partly = " (partly)" if first <= lci else ""
    return (f"Not yet counted: {persons(sum(n for _, n in left))} referred in {quarters}{partly}, whose follow-up has not ended yet. "
            f"{rule}")


def headline_tiles(f: Filters, root: Path | None = None) -> list[Tile]:
    """Intention to treat against comparison: CARA rate, comparison rate, and the difference."""
    m = registry.get("reoffending_rate")
    counts = _cohort(f, root)
    c = comparison_of(counts)
    period = period_text(f, root).removeprefix("cautions ").split(" (")[0]
    tiles = [Tile(m.id, "Referred to CARA", c.cara_rate, fmt.pct(c.cara_rate), None,
                  f"reoffended within a year: {c.cara_events:,} of {c.cara_n:,} people referred", f"cautions {period}", m.definition)]
    if c.comparison_n:
        tiles.append(Tile(m.id, "Comparison group", c.comparison_rate, fmt.pct(c.comparison_rate), None,
                          f"reoffended within a year: {c.comparison_events:,} of {c.comparison_n:,} people", comparison_text(counts), m.definition))
    if c.enough:
        d = c.difference
        way = "lower" if d.estimate < 0 else "higher"
        # The public pages' plain words, not "95% CI ... ; p = ...": the glossary and the
        # comparison table below carry the interval and p-value for those who want them.
        tiles.append(Tile(m.id, "Difference (points)", d.estimate, fmt.signed(100 * d.estimate), None,
                          f"{way} for CARA: the true difference is "
                          f"{fmt.likely_between(100 * d.low, 100 * d.high, unit='per 100 people')}",
                          "a clear difference" if d.significant else "no clear difference: it could be chance", m.definition))
    else:
        tiles.append(Tile(m.id, "Difference (points)", None, "Not compared", None,
                          _why_not(c.cara_n, c.comparison_n), f"at least {MIN_GROUP} people needed in each group", m.definition))
    return tiles


def no_data_reason(f: Filters, root: Path | None = None) -> str | None:
    """One friendly sentence when nothing on the page can be shown for the selection, else None."""
    try:
        _cohort(f, root)
    except NoData as exc:
        return f"No data for this selection. {exc} Try a wider period or another area."
    return None


def tile(f: Filters, root: Path | None = None) -> Tile:
    """Everyone referred against the comparison group, from the metric's result (the same
    figure as the Reoffending page, the board pack and ``figures reoffending_rate``)."""
    m = registry.get("reoffending_rate")
    r = metrics.compute("reoffending_rate", f, "total", root=root)
    period = f"cautions to {format_date(min(f.date_to, last_complete_index(root)))}"
    cara, comp, diff = r.row(category="cara"), r.row(category="comparison"), r.row(category="difference")
    if cara is None or not cara["denominator"]:
        return Tile(m.id, "Reoffended within a year", None, "–", None,
                    "no one in the period has a complete 18-month follow-up yet", period, m.definition)
    delta, interval = None, ""
    if diff is not None and not pd.isna(diff["value"]):
        d = diff["value"]
        delta = f"{fmt.points(abs(d))} {'lower' if d < 0 else 'higher'} than the comparison group"
        interval = f"; the true difference is {fmt.likely_between(100 * diff['ci_low'], 100 * diff['ci_high'])}"
    return Tile(
        m.id, "Reoffended within a year", cara["value"], fmt.pct(cara["value"]), delta,
        f"{fmt.count(cara['numerator'])} of {fmt.count(cara['denominator'])} referred; comparison group "
        f"{fmt.pct(comp['value'])}, {fmt.count(comp['numerator'])} of {fmt.count(comp['denominator'])} "
        f"(not randomised){interval}",
        period, m.definition, delta_is_good=None,
        delta_arrow="off" if delta is None else ("down" if diff["value"] < 0 else "up"),
    )
