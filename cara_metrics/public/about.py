"""About this release: the disclosure rules it was protected with, how much it withheld, and
the figures revised since the previous release, each in words for the public pages.

The rules and counts come from the release's manifest, so they describe the policy the
release was actually built with (an older manifest without them falls back to the current
policy file, or says it does not know).
"""

from __future__ import annotations

import pandas as pd

from .. import disclosure
from .figures import cell_text
from .release import RELEASE_TABLES, ReleaseInfo, table


def policy_lines(info: ReleaseInfo) -> list[str]:
    """The disclosure rules this release was protected with, in words (disclosure.policy_text)."""
    keys = ("suppress_min", "suppress_max", "rounding_base", "rate_min_denominator",
            "rate_low_reliability_below", "suppress_extreme_rates")
    used = info.manifest.get("policy", {})
    try:
        policy = disclosure.Policy(**{k: used[k] for k in keys})
    except (KeyError, TypeError, ValueError):
        policy = None  # an older manifest: describe the current policy file
    return disclosure.policy_text(policy)


def revisions_table(info: ReleaseInfo) -> pd.DataFrame:
    """The revised figures, for reading on a page."""
    r = info.revisions
    if r.empty:
        return pd.DataFrame(columns=["Table", "Figure", "Area", "Period", "Was", "Now"])
    units = {}
    for name in RELEASE_TABLES:
        t = table(name)
        units.update({(name, m): u for m, u in zip(t["measure"], t["unit"])})
    return pd.DataFrame({
        "Table": r["table"],
        "Figure": [f"{m}" + (f" ({c})" if isinstance(c, str) else "") for m, c in zip(r["measure"], r["category"])],
        "Area": r["area_name"],
        "Period": r["period"],
        "Was": [cell_text(v, units.get((t, m), ""), s) for v, s, t, m in zip(r["previous_shown"], r["previous_symbol"], r["table"], r["measure"])],
        "Now": [cell_text(v, units.get((t, m), ""), s) for v, s, t, m in zip(r["shown"], r["symbol"], r["table"], r["measure"])],
    })


def suppression_text(info: ReleaseInfo) -> str:
    """How much this release withheld, in one sentence (from the manifest)."""
    s = info.suppression
    if not s:
        return "This release does not say how many figures were withheld."
    return (f"In this release {s.get('primary', 0):,} figures about people were withheld because they were 1 to 4 people "
            f"(primary suppression) and {s.get('secondary', 0):,} more so that those could not be worked out from "
            f"totals (secondary suppression); {s.get('rates_withheld_by_rate_rules', 0):,} percentages were withheld by "
            f"the rate rules and {s.get('rates_withheld_because_a_count_is_suppressed', 0):,} because a count they "
            "depend on is withheld.")
