"""The Overview page: a headline tile per question, and the same figures as sentences."""

from __future__ import annotations

from pathlib import Path

from .. import formatting as fmt
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


def in_tens(fraction: float) -> str:
    """A share as a natural frequency, for readers who do not think in percentages:
    0.844 -> 'about 8 in 10'; 0.03 -> 'about 3 in 100'."""
    tens = round(10 * fraction)
    return f"about {tens} in 10" if 1 <= tens <= 9 else f"about {round(100 * fraction)} in 100"


def _sentence(t: Tile) -> str:
    """What a tile means in everyday words: a natural frequency, what the figure is about, and
    why it is or is not compared (the tile itself gives the figure, its n and its change)."""
    v, when = t.value, t.period_text
    provisional = "[p]" in t.value_text
    change = f", {t.delta_text}" if t.delta_text and not t.delta_text.startswith(("provisional", "break")) else ""
    if t.metric_id == "da_share":
        out = (f"{in_tens(v).capitalize()} crimes recorded in {when} ({t.value_text}) were flagged by the police as "
               f"domestic abuse{change}.")
    elif t.metric_id == "referrals":
        out = (f"{fmt.count(v)} people were given a caution with a condition to attend CARA in {when}, about "
               f"{fmt.count(v / 12)} a month{change}.")
    elif t.metric_id == "completion_rate":
        out = (f"Of the people referred in {when} whose case has closed, {in_tens(v)} ({t.value_text}) completed both "
               f"workshops{change}.")
    elif t.metric_id == "survey_agree":
        out = (f"{in_tens(v).capitalize()} people who answered the survey at the end of the workshops in {when} "
               f"({t.value_text}) said the "
               f"workshops changed their attitude towards their partner{change}. That is what they say, not how they "
               "behave afterwards.")
    else:
        out = f"{t.label}, {when}: {t.value_text}{change}."
    if provisional:
        out += " Some cases are still open, so this figure can still change and is not compared with the year before."
    elif t.delta_text and t.delta_text.startswith("break"):
        out += " The way the figures are counted changed between the two years, so they are not compared."
    return out


def summary(f: Filters, root: Path | None = None) -> list[str]:
    """The tiles' figures said in everyday words (used by the page and the board pack): natural
    frequencies, what each figure is about, and what cannot be concluded from it."""
    out, reoffended = [], None
    for t in tiles(f, root):
        if t.metric_id == "reoffending_rate":
            reoffended = t  # said below, with the Justice Data Lab sentence
            continue
        out.append(f"{t.label}: no data for {t.period_text}." if t.value is None else _sentence(t))
    c = reoffending.compare(f, root=root)
    lead = (f"Reoffending ({reoffended.period_text}: {reoffended.value_text} of people referred reoffended within a "
            "year). " if reoffended is not None and reoffended.value is not None else "")
    out.append(lead + c.sentence() + (" " + reoffending.NOT_A_TRIAL if c.enough else ""))
    return out
