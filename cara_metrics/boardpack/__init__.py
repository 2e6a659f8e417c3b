"""The board pack: a PowerPoint deck for one financial year, built from the dashboard's own figures.

``build("2024/25", area="E23000039")`` returns the bytes of a .pptx deck (and writes it when
``out`` is given). Every number in it comes from the same library functions the dashboard
pages call; this package only chooses which ones, and lays them out. It never imports
Streamlit, so the CLI (``python -m cara_metrics boardpack``) and the tests reuse it.

Where each part lives (planning first, drawing after; each module states its assumptions):

* :mod:`.selection`: the financial year and area, checked against the data (``check``,
  ``context``, ``period_of``, ``file_name``).
* :mod:`.specs`: what passes from planning to drawing (``Context``, ``SlideSpec``, ``ChartSpec``).
* :mod:`.slides`: one builder per question and for value for money, all figures from the library.
* :mod:`.planning`: the whole deck slide by slide (``plan``), the summary and the data notes.
* :mod:`.theme`: colours, slide grid and type sizes.
* :mod:`.fitting`: measuring and wrapping text so it fits its box (``Para``, ``largest_fitting``).
* :mod:`.drawing`: text boxes, native charts and tables with python-pptx.
* :mod:`.layout`: each kind of slide laid out, and ``render`` for a planned deck.
* :mod:`.readback`: a saved deck read back (``titles_of``, ``fit_problems``).
* :mod:`.command`: ``build`` and the ``boardpack`` command (``register``, ``run_cli``, ``MIME``).

Everything a caller needs is importable from the package itself (``boardpack.build``,
``boardpack.plan``, ``boardpack.BoardPackError``...), as it was when this was one module.
"""

from __future__ import annotations

from .command import MIME, build, register, run_cli, slide_titles
from .drawing import add_chart, add_table, add_text, rgb, style_run
from .fitting import (Para, box_height, largest_fitting, longest_piece, table_layout, text_height, text_width, wrap,
                      wrap_runs)
from .layout import (DRAW, add_footers, draw_caveats, draw_headline, draw_notes, draw_question, draw_summary, draw_value,
                     draw_value_detail, paginate, render)
from .planning import caveat_items, headline_slide, headline_statement, headline_tiles, notes_items, plan, summary_lines
from .readback import fit_problems, titles_of
from .selection import WINDOW_YEARS, check, context, coverage, default_area, file_name, period_of
from ..analysis.reoffending import NOT_A_TRIAL, SAVINGS_ASSUME
from .slides import (MAX_TABLE_ROWS, source_line, completion_slide, crime_slide, referrals_slide,
                     reoffending_slide, survey_slide, value_detail_slide, value_slide)
from .specs import BoardPackError, ChartSpec, Context, SlideSpec
from .theme import (BODY_PT, CELL_X, CELL_Y, CONTENT_BOTTOM, CONTENT_W, DARK_BLUE, DARK_PINK, FONT, FOOTER_TOP, GREY, GRID,
                    INSET_X, INSET_Y, LIGHT_GREY, LINE, MARGIN, MIN_PT, ORANGE, SLIDE_H, SLIDE_W, SYNTHETIC_MARK,
                    SYNTHETIC_TEXT, TEAL, TEXT, TITLE_PT)

__all__ = [
    "BODY_PT", "BoardPackError", "CELL_X", "CELL_Y", "CONTENT_BOTTOM", "CONTENT_W", "ChartSpec", "Context", "DARK_BLUE",
    "DARK_PINK", "DRAW", "FONT", "FOOTER_TOP", "GREY", "GRID", "INSET_X", "INSET_Y", "LIGHT_GREY", "LINE",
    "MARGIN", "MAX_TABLE_ROWS", "MIME", "MIN_PT", "NOT_A_TRIAL", "ORANGE", "Para", "SLIDE_H", "SLIDE_W", "SAVINGS_ASSUME", "SYNTHETIC_MARK",
    "SYNTHETIC_TEXT", "SlideSpec", "TEAL", "TEXT", "TITLE_PT", "WINDOW_YEARS", "add_chart", "add_footers", "add_table",
    "add_text", "box_height", "build", "check", "completion_slide", "context", "coverage", "crime_slide", "default_area",
    "caveat_items", "draw_caveats", "draw_headline", "draw_notes", "draw_question", "draw_summary", "draw_value", "draw_value_detail", "file_name",
    "fit_problems", "headline_slide", "headline_statement", "headline_tiles", "largest_fitting", "longest_piece", "notes_items", "paginate", "period_of", "plan", "referrals_slide",
    "register", "render", "reoffending_slide", "rgb", "run_cli", "slide_titles", "source_line", "style_run", "summary_lines",
    "survey_slide", "table_layout", "text_height", "text_width", "titles_of", "value_detail_slide", "value_slide", "wrap",
    "wrap_runs",
]
