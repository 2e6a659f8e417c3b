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

# The package's public face: pages, the board pack, publish and tests import from here.
from ...metrics.reoffending import (COMPARISON_LABEL, FOLLOW_UP_MONTHS, GROUP_LABEL, MIN_GROUP, WAITING_MONTHS, Comparison, Group,
                      MeanComparison, Measure, compare, compare_means, km_curves, last_complete_index, people)
from .page import follow_up_note, headline_tiles, no_data_reason, tile
from .panels import (area_panel, comparison_panel, comparisons, frequency_panel, harm_panel, rate_panel, time_panel,
                     trend_panel)
from .wording import MILESTONES, NOT_A_TRIAL, SAVINGS_ASSUME, completers_caveat, difference_text, period_text

__all__ = [
    "COMPARISON_LABEL", "FOLLOW_UP_MONTHS", "GROUP_LABEL", "MIN_GROUP", "WAITING_MONTHS", "Comparison", "Group", "MeanComparison",
    "Measure", "compare", "compare_means", "km_curves", "last_complete_index", "people", "tile", "follow_up_note",
    "headline_tiles", "no_data_reason", "area_panel", "comparison_panel", "comparisons", "frequency_panel", "harm_panel",
    "rate_panel", "time_panel", "trend_panel", "MILESTONES", "NOT_A_TRIAL", "SAVINGS_ASSUME", "completers_caveat", "difference_text", "period_text",
]
