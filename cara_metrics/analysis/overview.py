"""The Overview page: a headline tile per question, and the same figures as sentences."""

from __future__ import annotations

from pathlib import Path

from ..panels import Tile
from ..periods import Filters
from . import completion, crime, referrals, reoffending, survey


def tiles(f: Filters, root: Path | None = None) -> list[Tile]:
    """One tile per question, in the order of the five questions."""
    return [
        crime.tile(f, root),
        referrals.tile(f, root),
        completion.tile(f, root),
        survey.tile(f, root),
        reoffending.tile(f, root),
    ]


def summary(f: Filters, root: Path | None = None) -> list[str]:
    """Plain-English sentences built from the same tiles (used by the page and the board pack)."""
    out = []
    for t in tiles(f, root):
        if t.value is None:
            out.append(f"{t.label}: no data for {t.period_text}.")
            continue
        change = f", {t.delta_text}" if t.delta_text else ""
        out.append(f"{t.label}, {t.period_text}: {t.value_text}{change}; {t.n_text}.")
    c = reoffending.compare(f, root=root)
    out.append(c.sentence())
    return out
