"""Publish: the public release, computed from the live warehouse with disclosure control.

The public dashboard reads only what this module writes (``DATA_ROOT/release/rNNNN/``), so
a public instance can run with the warehouse absent and no page bug can leak an
unprotected count. The release holds FIXED breakdowns only, never anything a reader could
cut finer:

* ``crime``: domestic-abuse-flagged and all recorded crime, the share and the rate per
  1,000 residents, by area (force, partnerships, local authorities) x financial year and
  quarter. Offences, not people: published exactly, as the police publish them; the first
  period of a new series carries [b].
* ``referrals``: people referred to CARA by area x financial year and quarter.
* ``outcomes``: people referred by current outcome and financial year of caution, and the
  completion rate (completed / closed cases).
* ``survey``: respondents and the percentage agreeing with each survey statement, by area
  x financial year of the survey.
* ``reoffending``: proven reoffending within a year, everyone referred (intention to
  treat) per financial-year cohort whose follow-up is complete, against the comparison
  group, with the difference and its 95% interval.

Every data table is long (tidy), one published figure a row, with the same columns
(:data:`COLUMNS`): the registered ``metric_id`` it comes from, what it measures and its
unit, the area, the period, an optional category, ``shown`` (the published value, null when
not published) and ``symbol`` (Analysis Function symbols, space-separated when more than
one applies). The unrounded value is never written. Only complete financial years are
published (and their quarters); quarters before CARA began carry [z]; outcomes of a year
with cases still in progress carry [p].

How counts of people are protected (``config/disclosure.toml``, via
:func:`disclosure.protect_counts`):

* Each table is protected with rows = the local authorities in a force (total: the force,
  published exactly) and columns = quarters under their financial year, or categories
  under their total. Totals are sums of the unrounded leaves.
* Tables cut from the same people share cells (the people referred in a local authority
  and year appear in ``referrals``, in ``outcomes`` and as the reoffending cohort). A cell
  suppressed in one table is suppressed in every table that publishes it, so the same
  number is never published under two rules; then every suppressed cell is checked, over
  all the tables of the force together, to be underivable by any combination of the
  published additive relations (a rank test). Where one would be derivable, the whole
  block below force level is suppressed; if even that fails, the release is refused.
  Then a bounds audit (integer programs over rounding intervals, whole non-negative
  counts, exact force figures and the previous release's figures) proves that no hidden
  count of 1 to 4 people can be narrowed to that range (``disclosure_bounds``); failures are handled alike.
* A community safety partnership that contains exactly one local authority is the same
  people as that authority (as in Dorset): it is published as an exact copy of the
  authority's protected figures, never protected a second time. People figures for a
  partnership of several authorities are not published (they would be a third level that
  the two-level protection does not cover); its crime figures are.
* Rates go through :func:`disclosure.protect_rate`. Below force level a rate the rules
  withhold withholds its numerator too, and that numerator is then protected like any
  suppressed count (a numerator a published rate implies counts as published in the
  check). A rate is also withheld when a count it rests on is suppressed. Below force
  level a rate is computed from the published (rounded) counts and shown as a whole
  percentage, so it reveals nothing the counts do not; force-level rates use the exact
  counts and one decimal place. Closed cases (the completion rate's denominator) are
  worked out from published counts only.

The manifest records the release date, the period covered, the data date, the next update,
the revisions since the previous release (cells whose shown value changed, also marked
[r]), breaks in series, whether the data is synthetic, the policy used and how many cells
primary and secondary suppression hid.
"""

from ..contract import financial_year_label
from ..periods import fy_of
from .cells import Cells, derivable, relations
from .command import register, run
from .model import AREA_TYPE_ORDER, CELL_KEY, COLUMNS, OUTCOMES, TABLES, Area, Force, PublishError, TableSpec
from .release import Release, build_release, compute_release, mark_revisions
from .sources import completion_denominator

__all__ = [
    "financial_year_label", "fy_of", "Cells", "derivable", "relations", "register", "run", "AREA_TYPE_ORDER", "CELL_KEY",
    "COLUMNS", "OUTCOMES", "TABLES", "Area", "Force", "PublishError", "TableSpec", "Release", "build_release",
    "compute_release", "mark_revisions", "completion_denominator",
]
