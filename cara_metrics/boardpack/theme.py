"""The board pack's look: Analysis Function colours, the 16:9 slide grid, type sizes and the
synthetic-data marker. Every other board-pack module takes its measurements from here.

Sizes are in inches and points. Body text never goes below ``MIN_PT`` (14 pt), so a pack
stays readable when projected; ``LINE`` is the line height Arial gets at single spacing.
"""

from __future__ import annotations

FONT = "Arial"
DARK_BLUE, TEAL, DARK_PINK, ORANGE = "12436D", "28A197", "801650", "F46A25"
TEXT, GREY, LIGHT_GREY, GRID = "0B0C0C", "3D3D3D", "F2F2F2", "D9D9D9"
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
CONTENT_W = SLIDE_W - 2 * MARGIN
FOOTER_TOP = 6.95
CONTENT_BOTTOM = 6.85
TITLE_PT, BODY_PT, MIN_PT = 28, 16, 14
LINE = 1.2  # line height as a multiple of the font size (single spacing, Arial)
INSET_X, INSET_Y = 0.08, 0.05  # text box insets (inches)
CELL_X, CELL_Y = 0.06, 0.04  # table cell margins (inches)

SYNTHETIC_MARK = "SYNTHETIC DEMONSTRATION DATA"
SYNTHETIC_TEXT = ("Every figure in this pack is made up: drawn at random and calibrated to published figures. "
                  "It is not about real people or real outcomes.")
