"""Making text fit its box: measuring text, wrapping it as PowerPoint does, and choosing sizes.

Sizes are chosen by measuring the text with the Arial metrics (Liberation Sans, which has the
same widths) where the font file is present, and a conservative average width otherwise.
Wrapping is greedy and breaks after spaces and hyphens, as PowerPoint does. The same
measures lay out tables (:func:`table_layout`) and re-check a saved deck
(:func:`~.readback.fit_problems`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import pandas as pd

from .theme import CELL_X, CELL_Y, INSET_X, INSET_Y, LINE, MIN_PT

_FONT_FILES = {
    False: ("/usr/share/fonts/truetype/msttcorefonts/Arial.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", "/Library/Fonts/Arial.ttf", "C:/Windows/Fonts/arial.ttf"),
    True: ("/usr/share/fonts/truetype/msttcorefonts/Arial_Bold.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
           "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf", "/Library/Fonts/Arial Bold.ttf", "C:/Windows/Fonts/arialbd.ttf"),
}


@lru_cache(maxsize=None)
def _font(bold: bool):
    """Arial (or the metric-compatible Liberation Sans) at 100 px, or None when neither is installed."""
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow comes with python-pptx
        return None
    for path in _FONT_FILES[bold]:
        if os.path.exists(path):
            return ImageFont.truetype(path, 100)
    return None


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of one line of text in inches (a conservative estimate without the font file)."""
    f = _font(bold)
    if f is None:
        return len(text) * size_pt * (0.58 if bold else 0.55) / 72
    return f.getlength(text) / 100 * size_pt / 72


def _tokens(runs: Sequence[tuple[str, bool]]) -> list[list[tuple[str, bool, bool]]]:
    """Paragraph lines (split at hard breaks) as pieces a line may break after: words, and
    the parts of hyphenated words (PowerPoint breaks after a hyphen). Each piece carries its
    boldness and whether a space comes before it."""
    lines: list[list[tuple[str, bool, bool]]] = [[]]
    for text, bold in runs:
        for k, part in enumerate(str(text).split("\n")):
            if k:
                lines.append([])
            for word in part.split(" "):
                for j, piece in enumerate(re.findall(r"[^-]+-?|-", word)):
                    lines[-1].append((piece, bold, j == 0))
    return lines


def wrap_runs(runs: Sequence[tuple[str, bool]], width_in: float, size_pt: float) -> list[str]:
    """Greedy word wrap, as PowerPoint does it, into lines no wider than ``width_in``;
    ``runs`` are (text, bold) pieces of one paragraph."""
    out: list[str] = []
    for pieces in _tokens(runs):
        line, used = "", 0.0
        for piece, bold, spaced in pieces:
            w = text_width(piece, size_pt, bold)
            space = text_width(" ", size_pt, bold) if (line and spaced) else 0.0
            if line and used + space + w > width_in:
                out.append(line)
                line, used, space = "", 0.0, 0.0
            while w > width_in and len(piece) > 1:  # a word longer than the line is broken
                cut = len(piece)
                while cut > 1 and text_width(piece[:cut], size_pt, bold) > width_in:
                    cut -= 1
                out.append(piece[:cut])  # the line is empty here: it was flushed above
                piece = piece[cut:]
                w = text_width(piece, size_pt, bold)
            line = f"{line}{' ' if space else ''}{piece}" if line else piece
            used += space + w
        out.append(line)
    return out


def longest_piece(text: str, size: float, bold: bool = False) -> float:
    """Width of the widest piece of ``text`` a line cannot break inside."""
    return max([text_width(p, size, bold) for line in _tokens([(text, bold)]) for p, _, _ in line] or [0.0])


def wrap(text: str, width_in: float, size_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of plain text (one font weight)."""
    return wrap_runs([(text, bold)], width_in, size_pt)


@dataclass(frozen=True)
class Para:
    """A paragraph: text (after an optional bold ``head``), size, weight, bullet indent, space after."""

    text: str
    size: float
    bold: bool = False
    indent: float = 0.0  # inches taken by a bullet
    after: float = 0.0  # points of space after
    head: str = ""

    @property
    def runs(self) -> list[tuple[str, bool]]:
        return ([(self.head, True)] if self.head else []) + [(self.text, self.bold)]


def text_height(paras: Sequence[Para], width_in: float) -> float:
    """Height in inches the paragraphs need in a box ``width_in`` wide (insets excluded)."""
    h = 0.0
    for p in paras:
        n = len(wrap_runs(p.runs, width_in - p.indent, p.size)) if (p.text or p.head) else 1
        h += n * p.size * LINE / 72 + p.after / 72
    return h


def box_height(paras: Sequence[Para], width_in: float) -> float:
    """Height of a text box holding ``paras`` (with its insets)."""
    return text_height(paras, width_in - 2 * INSET_X) + 2 * INSET_Y + 0.02


def largest_fitting(make: Callable[[float], list[Para]], width_in: float, height_in: float,
                    sizes: Sequence[float]) -> tuple[float, list[Para]]:
    """The largest font size (of ``sizes``, largest first) at which the text fits the box;
    the smallest if none does (the caller checks)."""
    for s in sizes:
        paras = make(s)
        if box_height(paras, width_in) <= height_in:
            return s, paras
    return sizes[-1], make(sizes[-1])


def table_layout(df: pd.DataFrame, width: float, size: float = MIN_PT) -> tuple[list[float], list[float]]:
    """Column widths and row heights for a table ``width`` wide.

    Each column first gets what its longest value needs on one line (never less than its
    longest word); spare width then goes, a little at a time, to the column whose heading
    wraps onto the most lines, and what is left is shared in proportion. When the table
    is too narrow for that, columns shrink in proportion, but never below their longest word.
    """
    inner = lambda c, w: len(wrap(str(c), w - 2 * CELL_X, size, True))  # noqa: E731 - heading lines at width w
    need, floor = [], []
    for c in df.columns:
        cells = [str(x) for x in df[c]]
        longest_word = max([longest_piece(str(c), size, True)] + [longest_piece(x, size) for x in cells])
        floor.append(longest_word + 2 * CELL_X + 0.02)
        need.append(max([text_width(x, size) for x in cells] + [longest_word]) + 2 * CELL_X + 0.02)
    if sum(need) >= width:
        widths = [n * width / sum(need) for n in need]
        for i in [k for k, (w, f) in enumerate(zip(widths, floor)) if w < f]:
            widest = max(range(len(widths)), key=lambda k: widths[k])
            widths[widest] -= floor[i] - widths[i]
            widths[i] = floor[i]
    else:
        widths, spare, step = list(need), width - sum(need), 0.05
        while spare >= step:
            lines = [inner(c, w) for c, w in zip(df.columns, widths)]
            if max(lines) <= 1:
                break
            k = max(range(len(widths)), key=lambda j: lines[j])
            widths[k] += step
            spare -= step
        widths = [w + spare * w / sum(widths) for w in widths]
    heights = [max(text_height([Para(str(c), size, True)], w - 2 * CELL_X) for c, w in zip(df.columns, widths)) + 2 * CELL_Y + 0.02]
    for row in df.itertuples(index=False):
        heights.append(max(text_height([Para(str(x), size)], w - 2 * CELL_X) for x, w in zip(row, widths)) + 2 * CELL_Y + 0.02)
    return widths, heights
