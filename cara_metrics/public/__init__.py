"""What the public pages show, built from the public release ONLY.

Every function here reads the live release (``DATA_ROOT/release``) through
``warehouse.query(..., kind="release")`` and the ``sql/release_*.sql`` files; nothing
touches the warehouse, so a public instance runs with the warehouse folder deleted and no
page can show a figure that did not pass disclosure control in :mod:`cara_metrics.publish`.

Figures are shown exactly as released, symbols kept ("[c]", "85% [u]"). Choices are the
fixed breakdowns of the release: an area and a financial year, never a free date range.
Derived numbers (a change on the year before) are computed from the published values only.

A release file that is missing or damaged raises :class:`ReleaseFileError`, which names the
file in words a reader understands; the pages show it in place of the figures that need
that file and carry on with the rest. The downloads are built once per release version
(:func:`downloads`): a release never changes, so no reader pays for building them again.

Where each part lives:

* :mod:`.release`: reading release tables, the release's own facts (``ReleaseInfo``), and
  the area and year choices.
* :mod:`.figures`: one released figure (``Figure``, ``figure``) and its text (``cell_text``).
* :mod:`.headlines`: the Overview page's tiles and sentences, and ``headline_table``.
* :mod:`.table_panels`: the Tables page's panels (``panels``).
* :mod:`.download_cache`: the CSV and ODS downloads, built once per release (``downloads``).
* :mod:`.about`: the release's disclosure rules, suppression counts and revisions in words.
* :mod:`.methodology`: the methodology page's text and the symbols table.
* :mod:`.accessibility`: the accessibility statement.

Everything a page needs is importable from the package itself (``public.release_info``,
``public.headline_tiles``...), as it was when this was one module. Code that replaces one of
these names for a test replaces it here; :mod:`cara_metrics.export` reads ``public.table``
through the package, so a replaced ``table`` reaches the downloads.
"""

from __future__ import annotations

from .about import policy_lines, revisions_table, suppression_text
from .accessibility import CONTACT_ENV, LAST_TESTED, OWNER_ENV, STATEMENT_PREPARED, accessibility_sections
from .download_cache import clear_downloads, downloads
from .figures import (CRIME_METRICS, Figure, cell_text, ci_text, comparison_period, diff_words, dp_for, figure, missing,
                      number_text, pct_text, pooled_period)
from .headlines import (HEADLINE_QUESTION, Headline, headline, headline_sentences, headline_table, headline_table_notes, headline_tiles,
                        reoffending_sentence, reoffending_tile)
from .methodology import metric_descriptions, methodology_sections, published_metrics, symbols_table, table_specs
from .release import (AREA_TYPE_LABELS, FILE_WORDS, RELEASE_TABLES, ReleaseFileError, ReleaseInfo, area_name, area_options,
                      areas, release_info, resolve_root, table, year_options)
from .table_panels import (crime_panel, crime_quarters_panel, outcomes_panel, panels, referrals_panel, reoffending_panel,
                           survey_panel)

__all__ = [
    "AREA_TYPE_LABELS", "CONTACT_ENV", "CRIME_METRICS", "FILE_WORDS", "Figure", "HEADLINE_QUESTION", "Headline",
    "LAST_TESTED", "OWNER_ENV", "RELEASE_TABLES", "ReleaseFileError", "ReleaseInfo", "STATEMENT_PREPARED",
    "accessibility_sections", "area_name", "area_options", "areas", "cell_text", "ci_text", "clear_downloads",
    "comparison_period", "crime_panel", "crime_quarters_panel", "diff_words", "downloads", "dp_for", "figure", "headline",
    "headline_sentences", "headline_table", "headline_table_notes", "headline_tiles", "metric_descriptions", "methodology_sections", "missing",
    "number_text", "outcomes_panel", "panels", "pct_text", "policy_lines", "pooled_period", "published_metrics",
    "referrals_panel", "release_info", "reoffending_panel", "reoffending_sentence", "reoffending_tile", "resolve_root",
    "revisions_table", "suppression_text", "survey_panel", "symbols_table", "table", "table_specs", "year_options",
]
