"""How the reoffending page words its figures: group labels, periods, differences, verdicts."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ... import formatting as fmt, registry, stats
from ...panels import NoData
from ...areas import area_names
from ..area_level import shared_council_reason
from ...periods import Filters, format_date
from ...metrics.reoffending import Comparison, Counts, Group, MIN_GROUP, MeanComparison, counts, last_complete_index


# --- panels for the Reoffending page ---------------------------------------------------------
#
# Every builder reads the same counts of the selection (metrics.reoffending.counts: sums and
# Kaplan-Meier counts worked out in SQL, never one row per person), and the MoJ window is
# defined once, in _setup_reoffending.sql.

_WHO = {"itt": "referred to CARA", "completers": "who completed CARA"}
_WHAT = {"any": ("reoffended", "reoffend"),
         "da": ("committed a domestic-abuse reoffence", "commit a domestic-abuse reoffence")}
_RATE_METRIC = {"any": "reoffending_rate", "da": "reoffending_rate_da"}
#: Points on the time-to-reoffence curve given in its table. The follow-up is 12 calendar
#: months, which is 366 days when it spans 29 February, so "12 months" is read at day 366.
MILESTONES = ((30, "1 month (day 30)"), (91, "3 months (day 91)"), (182, "6 months (day 182)"),
              (273, "9 months (day 273)"), (366, "12 months (end of follow-up)"))


def _area(f: Filters, root: Path | None) -> str:
    return area_names(root).get(f.area_code, f.area_code)


def _wrap(text: str, width: int = 24) -> str:
    return "<br>".join(textwrap.wrap(str(text), width))


def during(f: Filters) -> str:
    """'in 2019/20 to 2024/25' for whole financial years, else 'from 1 May 2016 to 30 June 2016'."""
    return f"in {f.label}" if f.is_whole_financial_years else f"from {f.label}"


def persons(n: int) -> str:
    """'1 person', '1,026 people'."""
    return f"{int(n):,} {'person' if int(n) == 1 else 'people'}"


def period_text(f: Filters, root: Path | None = None) -> str:
    """The cautions a figure covers: the selection, cut at the last date with a complete follow-up."""
    lci = last_complete_index(root)
    if f.date_to <= lci:
        return f"cautions {during(f)}"
    return f"cautions from {format_date(f.date_from)} to {format_date(lci)} (the latest with a complete follow-up)"


def _cohort(f: Filters, root: Path | None) -> Counts:
    """counts() of the selection, or NoData saying why no one referred to CARA in it can be counted."""
    c = counts(f, root)
    if c.cara.n == 0:
        lci = last_complete_index(root)
        if f.date_from > lci:
            raise NoData(f"No one cautioned {during(f)} has had the full 18 months yet (12 months to reoffend and "
                         f"6 more for the offence to be proven): reoffending is counted for cautions up to {format_date(lci)}.")
        reason = shared_council_reason(f.area_code, root)
        raise NoData(f"No one referred to CARA in {_area(f, root)} {during(f)} has a complete reoffending follow-up "
                     f"(cautions up to {format_date(lci)} count)." + (f" {reason}" if reason else ""))
    return c


def comparison_text(c: Counts) -> str:
    """'cautioned April 2017 to July 2019': when the comparison group's cautions were."""
    comp = c.comparison
    if not comp.n:
        return "no comparison group for this area"
    return f"cautioned {comp.first_index:%B %Y} to {comp.last_index:%B %Y}"


def _subtitle(f: Filters, c: Counts, root: Path | None, group: Group = "itt") -> str:
    return (f"{_area(f, root)}; {period_text(f, root)}; n = {persons(c.group(group).n)} {_WHO[group]} and "
            f"{c.comparison.n:,} in the comparison group ({comparison_text(c)})")


def _ci_words(d: stats.Difference, unit: str, scale: float = 1.0, dp: int = 1) -> str:
    """A difference's 95% interval in words: '2.4 to 11.8 points lower'."""
    lo, hi = scale * d.low, scale * d.high
    n = lambda v: fmt.number(abs(v), dp)  # noqa: E731
    if hi < 0:
        return f"{n(hi)} to {n(lo)} {unit} lower"
    if lo > 0:
        return f"{n(lo)} to {n(hi)} {unit} higher"
    return f"{n(lo)} {unit} lower to {n(hi)} {unit} higher"


def difference_text(d: stats.Difference, unit: str, scale: float = 1.0, dp: int = 1) -> str:
    """'CARA minus comparison: 7.0 points lower (95% CI 2.4 to 11.8 points lower); p = 0.002.'"""
    est = scale * d.estimate
    way = "lower" if est < 0 else "higher" if est > 0 else "different"
    verdict = "statistically significant" if d.significant else "not statistically significant: the interval includes no difference"
    return (f"Difference, CARA minus comparison: {fmt.number(abs(est), dp)} {unit} {way} "
            f"(95% CI {_ci_words(d, unit, scale, dp)}); {stats.format_p(d.p_value)}; {verdict}.")


def _why_not(cara_n: int, comparison_n: int, group: Group = "itt") -> str:
    """The sentence saying why no comparison is made (the Justice Data Lab minimum of 60)."""
    return Comparison("any", group, cara_n, 0, comparison_n, 0, None).sentence()


def _verdict(d: stats.Difference | None, enough: bool) -> str:
    if not enough or d is None:
        return f"Not compared: fewer than {MIN_GROUP} people in a group"
    if d.significant:
        return f"{'Lower' if d.estimate < 0 else 'Higher'} for CARA (statistically significant)"
    return "No clear difference: more people are needed to tell"


def _rate_title(c: Comparison) -> str:
    who, (did, do) = _WHO[c.group], _WHAT[c.measure]
    a = fmt.pct(c.cara_rate, 0)
    if c.comparison_n == 0:
        return f"{a} of people {who} {did} within a year; there is no comparison group for this area"
    b = fmt.pct(c.comparison_rate, 0)
    if not c.enough:
        return f"{a} of people {who} {did} within a year, against {b} of the comparison group: too few people to compare"
    d = c.difference
    if d.significant:
        return f"People {who} were {'less' if d.estimate < 0 else 'more'} likely to {do} within a year: {a} against {b} in the comparison group"
    return f"{a} of people {who} {did} within a year, against {b} in the comparison group: not a clear difference"


def _mean_clause(mc: MeanComparison) -> str:
    if mc.comparison_n == 0:
        return "there is no comparison group for this area"
    if not mc.enough:
        return "too few people to compare"
    if mc.difference.significant:
        return f"{'lower' if mc.difference.estimate < 0 else 'higher'} for CARA, a clear difference"
    return "not a clear difference"


def _mean_notes(mc: MeanComparison, unit: str) -> list[str]:
    if mc.enough and mc.difference is not None:
        return [difference_text(mc.difference, unit)]
    return [_why_not(mc.cara_n, mc.comparison_n, mc.group)]

def completers_caveat() -> str:
    """The selection-bias warning shown next to any completers-only figure (from the registry)."""
    return f"Read with care. {registry.get('reoffending_completers').caveats.split(' Measured as')[0]}"


#: Said beside every reoffending headline and every saving (staff pages and the board pack):
#: the comparison group is not randomised.
NOT_A_TRIAL = ("A before-and-after comparison, not a trial: the comparison group was cautioned before CARA began, "
               "so the difference is associated with CARA, not proven to be caused by it.")
SAVINGS_ASSUME = ("These savings assume the whole difference in reoffending is due to CARA. The comparison group was "
                  "cautioned before CARA began and is not randomised, so part of the difference may come from other "
                  "changes over time.")
