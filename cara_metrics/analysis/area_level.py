"""Comparing areas fairly: one level of area at a time, and no "highest" that the
intervals cannot carry (issue 14 item 5).

A force's community safety partnerships and its councils can cover the same ground (in
Dorset each partnership is one council), so a chart that mixes them shows the same people
twice and invites "X had the highest share" when X and its own council are identical. Area
charts therefore show the force (as the reference) and the areas of one chosen level.

:func:`stands_out` is the rule for naming a top area: its 95% interval must lie wholly above
every other area's interval; otherwise the title gives the range and says no area stands out.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from .. import formatting as fmt
from ..areas import areas_frame
from ..contract import area_kind, area_label
from ..metrics import lookups
from ..periods import Filters

#: The levels below the force a reader can choose, in words (plural, for titles and pickers),
#: in the titles' wording (``contract.area_kind``): "councils", "community safety partnerships".
LEVELS: dict[str, str] = {t: area_kind(t, plural=True) for t in ("local_authority", "community_safety_partnership")}
DEFAULT_LEVEL = "local_authority"


def level_for(f: Filters, level: str | None, root: Path | None = None) -> str:
    """The level asked for; otherwise the level of the selected area; otherwise councils."""
    if level in LEVELS:
        return level
    a = areas_frame(root)
    kind = a.loc[a["area_code"] == f.area_code, "area_type"]
    return str(kind.iloc[0]) if len(kind) and str(kind.iloc[0]) in LEVELS else DEFAULT_LEVEL


def one_level(df: pd.DataFrame, force: str, level: str, type_col: str = "area_type",
              code_col: str = "area_code") -> pd.DataFrame:
    """The force's row first, then the areas of ``level`` (never two levels together)."""
    top = df[df[code_col] == force]
    return pd.concat([top, df[(df[type_col] == level) & (df[code_col] != force)]], ignore_index=True)


def stands_out(parts: pd.DataFrame, value: str = "value", low: str = "low", high: str = "high") -> pd.Series | None:
    """The area with the highest ``value`` when its interval lies wholly above every other
    area's interval; None when they overlap (or there are fewer than two areas)."""
    if len(parts) < 2:
        return None
    ranked = parts.sort_values(value, ascending=False, kind="stable")
    top, rest = ranked.iloc[0], ranked.iloc[1:]
    return top if bool((rest[high] < top[low]).all()) else None


def level_words(level: str) -> str:
    return LEVELS.get(level, area_kind(level, plural=True))


def kind_column(types) -> list[str]:
    """A table's "Area type" column in the titles' words: 'Police force area', 'Council'."""
    return [area_kind(t, capital=True) for t in types]


def chart_label(name: str, width: int = 22) -> str:
    """An area name broken over lines for a bar chart's axis, so a phone never cuts it
    ("Bournemouth, Christchurch<br>and Poole Council")."""
    return "<br>".join(textwrap.wrap(str(name), width))


def shared_council_reason(area_code: str, root: Path | None = None) -> str:
    """Why a partnership has no figure held by council, or "" when that is not the reason.

    A council that sits in several CSPs (Bournemouth, Christchurch and Poole: three, in the ONS
    lookup) counts for the council and the force, never for one of its partnerships picked
    silently, so a partnership sharing it has no council-held figure of its own."""
    shared = lookups.shared_councils(root)
    hits = shared[shared["csps"].str.contains(f"({area_code})", regex=False)]
    if not len(hits):
        return ""
    names = " and ".join(hits["council_name"])
    return (f"{names} {'sits' if len(hits) == 1 else 'sit'} in more than one community safety partnership, "
            "so figures held by council count for the council and the force, not for a partnership. "
            "Choose a council or the force.")


def level_note(level: str, root: Path | None = None) -> str:
    """A sentence for an area chart at ``level`` when councils in several partnerships leave
    partnerships without council-held figures; "" otherwise."""
    if level != "community_safety_partnership":
        return ""
    shared = lookups.shared_councils(root)
    if not len(shared):
        return ""
    names = " and ".join(shared["council_name"])
    return (f" {names} {'sits' if len(shared) == 1 else 'sit'} in more than one community safety partnership, "
            "so its figures count for the council and the force only; a partnership that shares it is not shown.")


def partnerships_not_shown(metric_id: str, force: str, level: str, root: Path | None = None) -> str:
    """The sentence under an area chart of a council-held metric at partnership level that
    names the force's partnerships left out and why; "" when none is left out.

    From the data, never typed: the metric's question is council-held (``metrics.COUNCIL_HELD``),
    a partnership holds no council's figures (``lookups.holds_councils``, the test
    ``metrics.compute`` applies before it returns no rows and its flag), and the councils they
    share come from the lookup's memberships (``lookups.shared_councils``). In the demo:
    "The Bournemouth, Dorset and Poole community safety partnerships are not shown: they share
    Bournemouth, Christchurch and Poole (council), and these figures are held by council."
    """
    from .. import registry
    from ..metrics import COUNCIL_HELD

    if level != "community_safety_partnership" or registry.get(metric_id).question not in COUNCIL_HELD:
        return ""
    a = areas_frame(root)
    csps = a[(a["area_type"] == "community_safety_partnership") & (a["parent_code"] == force)]
    left = csps[[not lookups.holds_councils(c, root) for c in csps["area_code"]]]
    if not len(left):
        return ""
    shared = lookups.shared_councils(root)
    shares = [any(f"({c})" in str(csps_text) for c in left["area_code"]) for csps_text in shared["csps"]]
    councils = [area_label(n, "local_authority") for n in shared.loc[shares, "council_name"]]
    one = len(left) == 1
    said = (f"The {fmt.and_list(sorted(left['area_name']))} community safety partnership{'' if one else 's'} "
            f"{'is' if one else 'are'} not shown: {'it shares' if one else 'they share'} ")
    # Without a shared council in the lookup the reason is still that no council is held whole.
    said += (f"{fmt.and_list(councils)}{' with another partnership' if one else ''}, and these figures are held by council."
             if councils else f"{'its' if one else 'their'} councils with other partnerships, and these figures are held by council.")
    return said
