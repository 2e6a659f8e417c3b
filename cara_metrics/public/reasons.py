"""Why each hidden cell of a public table is hidden, and which symbol notes a table needs.

A table's notes say, cell by cell (grouped by column and reason), why a figure shows [c]:

* a count of people: it is 1 to 4 people, or it is hidden so that such a count cannot be
  worked out from the totals and other tables (secondary suppression);
* a percentage whose group is published (e.g. "90 respondents" beside a hidden percentage):
  the group is not small; the percentage is hidden because between 1 and 4 of the group did,
  or did not, have the outcome, because it would be 0% or 100%, or because the count it
  rests on is hidden to protect another figure;
* a percentage of a group too small for a rate, or of a group that is itself hidden.

The reasons use only what the release itself shows. A release does not say which hidden
counts are the 1 to 4 and which are secondary, nor which rate rule fired, on purpose:
knowing that a hidden count is *not* 1 to 4 can give a small one away (a force total of 6
split between a primary and a secondary cell leaves only 1 + 5), and the publish audit does
not assume the reader knows it. So the reasons are as specific as is safe, never more.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterable

import pandas as pd

from .. import disclosure, formatting as fmt
from .release import ReleaseInfo

#: What the notes say each symbol means in a table (only for the symbols the table shows).
SYMBOL_NOTES = {
    "[x]": "[x]: not available.",
    "[z]": "[z]: not applicable.",
    "[u]": "[u]: low reliability: based on few people, so one person more or less moves it noticeably.",
    "[b]": "[b]: break in series: the figure is not comparable with earlier years.",
    "[r]": "[r]: revised since the previous release.",
    "[p]": "[p]: provisional: it can still change.",
}


def policy(info: ReleaseInfo) -> disclosure.Policy:
    """The disclosure policy the release was built with (the current file for an older manifest)."""
    keys = ("suppress_min", "suppress_max", "rounding_base", "rate_min_denominator",
            "rate_low_reliability_below", "suppress_extreme_rates")
    used = info.manifest.get("policy", {})
    try:
        return disclosure.Policy(**{k: used[k] for k in keys})
    except (KeyError, TypeError, ValueError):
        return disclosure.load_policy()


def count_reason(p: disclosure.Policy) -> str:
    return (f"{p.suppress_min} to {p.suppress_max} people, or hidden so that a figure of {p.suppress_min} to "
            f"{p.suppress_max} people cannot be worked out from the totals")


def rate_reason(group_text: str | None, did: str, p: disclosure.Policy, group_word: str = "people") -> str:
    """Why a percentage is hidden, given how its group was published ('90', '[c]'; None when
    the group's size is not beside it)."""
    extreme = ", or it would be 0% or 100%" if p.suppress_extreme_rates else ""
    if group_text is None:
        return (f"a percentage is hidden when its group has fewer than {p.rate_min_denominator} {group_word}, when "
                f"between {p.suppress_min} and {p.suppress_max} of them {did}, or did not{extreme} (either would "
                f"identify people), or when the number who {did} is hidden to protect another figure")
    text = str(group_text).strip()
    if "[c]" in text.split() or not text or text[0] not in "0123456789":
        return f"the number of {group_word} it is a percentage of is hidden too"
    n = int(text.split()[0].replace(",", ""))
    if n < p.rate_min_denominator:
        return f"{n:,} {group_word} are too few for a percentage"
    return (f"not because the group is small ({n:,} {group_word}), but because between {p.suppress_min} and "
            f"{p.suppress_max} of them {did}, or did not{extreme} (either would identify people), or because the number "
            f"who {did} is hidden to protect another figure")


def short_rate_reason(did: str, p: disclosure.Policy) -> str:
    """The reason for a hidden percentage beside its published group, short enough for a tile."""
    extreme = ", all or none did" if p.suppress_extreme_rates else ""
    return (f"the percentage is hidden, not the group: {p.suppress_min} to {p.suppress_max} of them {did} or did "
            f"not{extreme}, or it protects another hidden figure")


def hidden_notes(table: pd.DataFrame, row_col: str, rates: dict[str, tuple[str | None, str, str]],
                 p: disclosure.Policy) -> tuple[str, ...]:
    """One note per (column, reason) listing the rows whose cell shows [c].

    ``rates`` maps a percentage column to (the column holding its group's published size, or
    None when the table does not show it; what the group did, e.g. "agreed"; and the word for
    the group, e.g. "respondents"); every other column is a count of people.
    """
    groups: "OrderedDict[tuple[str, str], list[str]]" = OrderedDict()
    for _, row in table.iterrows():
        for col in table.columns:
            if col == row_col or "[c]" not in str(row[col]).split():
                continue
            if col in rates:
                size_col, did, word = rates[col]
                why = rate_reason(row[size_col] if size_col is not None else None, did, p, word)
            else:
                why = count_reason(p)
            groups.setdefault((col, why), []).append(str(row[row_col]))
    n_rows = len(table)
    return tuple(f"[c] {col} ({'every row' if len(rows) == n_rows > 1 else _and(rows)}): {why}."
                 for (col, why), rows in groups.items())


def symbol_notes(table: pd.DataFrame, extra: dict[str, str] | None = None) -> tuple[str, ...]:
    """A note for each symbol other than [c] that appears in the table, and only those."""
    seen = {s for v in table.to_numpy().ravel() for s in str(v).split() if s.startswith("[") and s.endswith("]")}
    notes = {**SYMBOL_NOTES, **(extra or {})}
    return tuple(notes[s] for s in notes if s in seen and s != "[c]")


def _and(items: Iterable[str]) -> str:
    return fmt.and_list(str(i).rstrip(".") for i in items)
