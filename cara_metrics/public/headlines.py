"""The Overview page's headline figures for an area and year: tiles, sentences, and every
area's headlines in one table.

Everything is read from the released figures only; a derived number (a change on the year
before) is computed from the published values, and is not given when either is withheld.
A withheld figure is said to be withheld, with its symbol and the reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import contract as C, registry
from ..panels import Tile
from .figures import Figure, ci_text, comparison_period, figure, number_text, pooled_period
from .reasons import count_reason, hidden_notes, policy, rate_reason, short_rate_reason
from .release import area_name, areas, release_info

#: The survey statement the headline tile and sentence report.
HEADLINE_QUESTION = "attitude"


def _prev_year(fy: str) -> str:
    a = int(fy[:4]) - 1
    return f"{a}/{(a + 1) % 100:02d}"


# --------------------------------------------------------------------------------------
# Headline tiles (Overview)
# --------------------------------------------------------------------------------------


def _change(new: Figure, old: Figure, prev: str, unit: str) -> tuple[str | None, str]:
    """('up 0.4 points on 2023/24', 'up') from two released figures; (None, 'off') if either is withheld.

    Like is compared only with like: a provisional figure ([p]) is never compared, and a
    year marked [b] (a break in series inside it) is not compared with the year before.
    """
    if not (new.shown and old.shown):
        return None, "off"
    # Short: a tile's delta is one line (a phone cuts anything longer).
    if "[p]" in new.symbol.split():
        return "not compared: provisional [p]", "off"
    if "[p]" in old.symbol.split():
        return f"not compared: {prev} provisional", "off"
    if "[b]" in new.symbol.split():
        return "not compared: break in series [b]", "off"
    d = new.value - old.value
    if unit == "points":
        if abs(d) < 0.05:
            return f"no change on {prev}", "off"
        return f"{'up' if d > 0 else 'down'} {abs(d):.{new.dp if new.dp is not None else 1}f} points on {prev}", "up" if d > 0 else "down"
    if d == 0:
        return f"no change on {prev}", "off"
    return f"{'up' if d > 0 else 'down'} {abs(d):,.0f} on {prev}", "up" if d > 0 else "down"


@dataclass(frozen=True)
class Headline:
    """The released figures behind the headline tiles and sentences for one area and year."""

    area: str
    fy: str
    prev: str
    share: Figure
    share0: Figure
    da: Figure
    all_crimes: Figure
    referrals: Figure
    referrals0: Figure
    completion: Figure
    completion0: Figure
    closed: Figure
    agree: Figure
    agree0: Figure
    respondents: Figure


def headline(area_code: str, fy: str, root: Path | None = None) -> Headline:
    prev = _prev_year(fy)
    f = lambda *a, **k: figure(*a, root=root, **k)  # noqa: E731
    return Headline(
        area_name(area_code, root), fy, prev,
        f("crime", "da_share", area_code, fy), f("crime", "da_share", area_code, prev),
        f("crime", "da_crimes", area_code, fy), f("crime", "all_crimes", area_code, fy),
        f("referrals", "referrals", area_code, fy), f("referrals", "referrals", area_code, prev),
        f("outcomes", "completion_rate", area_code, fy), f("outcomes", "completion_rate", area_code, prev),
        f("outcomes", "closed_cases", area_code, fy),
        f("survey", "agree_pct", area_code, fy, HEADLINE_QUESTION), f("survey", "agree_pct", area_code, prev, HEADLINE_QUESTION),
        f("survey", "respondents", area_code, fy, HEADLINE_QUESTION),
    )


def headline_tiles(area_code: str, fy: str, root: Path | None = None) -> list[Tile]:
    """One tile per question for an area and financial year, read from the release.

    A tile's ``value`` is the released value (None when withheld) and ``value_text`` the
    value with its symbols, exactly as in the release.
    """
    h = headline(area_code, fy, root)
    out = []
    m = registry.get("da_share")
    delta, arrow = _change(h.share, h.share0, h.prev, "points")
    out.append(Tile(m.id, "Domestic abuse share", h.share.value, h.share.text, delta,
                    f"{h.da.text} of {h.all_crimes.text} recorded crimes" if h.da.shown and h.all_crimes.shown
                    else "recorded crime not available", fy, m.definition, None, arrow))
    m = registry.get("referrals")
    delta, arrow = _change(h.referrals, h.referrals0, h.prev, "count")
    out.append(Tile(m.id, "People referred to CARA", h.referrals.value, h.referrals.text, delta,
                    "cautions with a condition to attend CARA" if h.referrals.unit else "CARA had not started",
                    fy, m.definition, None, arrow))
    m = registry.get("completion_rate")
    delta, arrow = _change(h.completion, h.completion0, h.prev, "points")
    out.append(Tile(m.id, "Completed the workshops", h.completion.value, h.completion.text, delta,
                    _group_text(h.completion, h.closed, "closed cases", "completed both workshops", root),
                    fy, m.definition, None, arrow))
    m = registry.get("survey_agree")
    delta, arrow = _change(h.agree, h.agree0, h.prev, "points")
    out.append(Tile(m.id, "Said their attitude changed", h.agree.value, h.agree.text, delta,
                    _group_text(h.agree, h.respondents, "survey respondents", "agreed", root),
                    fy, m.definition, None, arrow))
    out.append(reoffending_tile(area_code, root))
    return out


def _group_text(rate: Figure, group: Figure, word: str, did: str, root: Path | None) -> str:
    """'of 90 survey respondents'; when the percentage is hidden beside a published group, why
    (so "[c]" beside 90 respondents is not read as "1 to 4 people")."""
    if not group.shown:
        return f"{word} not published"
    if rate.shown or "[c]" not in rate.symbol.split():
        return f"of {group.text} {word}"
    p = policy(release_info(root))
    if group.value is not None and group.value < p.rate_min_denominator:
        return f"{group.text} {word}; [c]: too few for a percentage"
    return f"{group.text} {word}; [c]: {short_rate_reason(did, p)}"


def reoffending_tile(area_code: str, root: Path | None = None) -> Tile:
    m = registry.get("reoffending_rate")
    pooled, comp_p = pooled_period(root), comparison_period(root)
    if pooled is None:
        return Tile(m.id, "Reoffended within a year", None, "[x]", None, "no cohort has a complete follow-up yet", "–", m.definition)
    cara = figure("reoffending", "reoffending_rate", area_code, pooled, "cara", root=root)
    n = figure("reoffending", "people", area_code, pooled, "cara", root=root)
    comp = figure("reoffending", "reoffending_rate", area_code, comp_p, "comparison", root=root)
    d = [figure("reoffending", k, area_code, pooled, "difference", root=root) for k in ("difference", "difference_low", "difference_high")]
    delta, arrow, ci = None, "off", ""
    if d[0].shown and comp.shown:
        way = "lower" if d[0].value < 0 else "higher"
        delta = f"{number_text(abs(d[0].value), 'percentage points', d[0].dp)} points {way}"
        arrow = "down" if d[0].value < 0 else "up" if d[0].value > 0 else "off"
        ci = f"; comparison group {comp.text}; the true difference is likely {ci_text(d[1], d[2])}"
    return Tile(m.id, "Reoffended within a year", cara.value, cara.text, delta,
                f"of {n.text} people referred, against the comparison group{ci}", f"cautions {pooled}", m.definition, None, arrow)


# --------------------------------------------------------------------------------------
# Headline sentences and the all-areas table
# --------------------------------------------------------------------------------------


def _withheld(what: str, f: Figure, why_c: str = "to protect the people it describes") -> str:
    """'X is not published ([c]): why.' ``why_c`` is the specific reason for a [c]."""
    reason = {"[c]": why_c, "[x]": "it is not available", "[z]": "it does not apply"}
    sym = f.symbol.split()[0] if f.symbol else "[x]"
    return f"{what} is not published ({sym}): {reason.get(sym, 'it is not available')}."


def headline_sentences(area_code: str, fy: str, root: Path | None = None) -> list[str]:
    """The headline figures as plain-English sentences, from the released values only."""
    h = headline(area_code, fy, root)
    out = []
    if h.share.shown:
        ch, _ = _change(h.share, h.share0, h.prev, "points")
        brk = ch is not None and ch.startswith("not compared") and "[b]" in ch
        ch = None if ch is not None and ch.startswith("not compared") else ch
        out.append(f"In {fy}, {h.share.text} of crime recorded in {h.area} was flagged as domestic abuse "
                   f"({h.da.text} of {h.all_crimes.text} crimes){', ' + ch if ch else ''}."
                   + (f" A break in series [b] falls in {fy}, so it is not compared with {h.prev}." if brk else ""))
    else:
        out.append(_withheld(f"The domestic-abuse share of crime in {h.area} in {fy}", h.share))
    if h.referrals.shown:
        ch, _ = _change(h.referrals, h.referrals0, h.prev, "count")
        ch = None if ch is not None and ch.startswith("not compared") else ch
        out.append(f"{h.referrals.text} people were referred to CARA in {h.area} in {fy}{' (' + ch + ')' if ch else ''}.")
    else:
        out.append(_withheld(f"The number of people referred to CARA in {h.area} in {fy}", h.referrals,
                             count_reason(policy(release_info(root)))))
    if h.completion.shown:
        prov = " Some cases are still in progress, so this figure is provisional [p]." if "[p]" in h.completion.symbol else ""
        out.append(f"Of the people referred in {fy} whose case has closed ({h.closed.text}), {h.completion.text} completed "
                   f"both workshops.{prov}")
    else:
        out.append(_withheld(f"The completion rate for people referred in {h.area} in {fy}", h.completion,
                             rate_reason(h.closed.text if h.closed.shown else "[c]", "completed both workshops",
                                         policy(release_info(root)), "closed cases")))
    if h.agree.shown:
        out.append(f"{h.agree.text} of the {h.respondents.text} people who answered the end-of-workshop survey in {fy} agreed "
                   "that the workshops changed their attitude towards their partner.")
    else:
        out.append(_withheld(f"The share of survey respondents in {h.area} in {fy} who said their attitude changed", h.agree,
                             rate_reason(h.respondents.text if h.respondents.shown else "[c]", "agreed",
                                         policy(release_info(root)), "respondents")))
    out.append(reoffending_sentence(area_code, root))
    return out


def reoffending_sentence(area_code: str, root: Path | None = None) -> str:
    """The Justice Data Lab style headline, from the released figures."""
    pooled, comp_p = pooled_period(root), comparison_period(root)
    if pooled is None:
        return "There are no reoffending figures yet: no one referred has had the full 18-month follow-up."
    cara = figure("reoffending", "reoffending_rate", area_code, pooled, "cara", root=root)
    comp = figure("reoffending", "reoffending_rate", area_code, comp_p, "comparison", root=root)
    d = [figure("reoffending", k, area_code, pooled, "difference", root=root) for k in ("difference", "difference_low", "difference_high")]
    if not (cara.shown and comp.shown):
        return f"Reoffending rates for {area_name(area_code, root)} are not published ([c]): the groups are too small."
    head = (f"For every 100 people referred to CARA (cautioned {pooled}), {cara.value:.0f} committed a proven reoffence "
            f"within a year, compared with {comp.value:.0f} of every 100 in the comparison group")
    if not d[0].shown:
        return head + "; no comparison is made because a group has fewer than 60 people."
    lo, hi = d[1].value, d[2].value
    if hi < 0:
        return head + f"; the true difference is likely between {abs(hi):.0f} and {abs(lo):.0f} fewer per 100."
    if lo > 0:
        return head + f"; the true difference is likely between {lo:.0f} and {hi:.0f} more per 100."
    return (head + f". The difference could be anywhere from {abs(lo):.0f} fewer to {hi:.0f} more per 100, so more "
            "people are needed to tell whether CARA made a difference.")


def headline_table(fy: str, root: Path | None = None) -> pd.DataFrame:
    """Every area's headline figures for one financial year (values with symbols, as text)."""
    a = areas(root)
    rows = []
    for code, name, kind in zip(a["area_code"], a["area_name"], a["area_type"]):
        tiles = headline_tiles(code, fy, root)
        rows.append({"Area": name, "Kind of area": C.area_kind(kind, capital=True),
                     "Domestic-abuse share of crime": tiles[0].value_text,
                     "People referred": tiles[1].value_text,
                     "Completion rate": tiles[2].value_text,
                     "Said their attitude changed": tiles[3].value_text,
                     "Reoffended within a year (CARA)": tiles[4].value_text})
    return pd.DataFrame(rows)


def headline_table_notes(table: pd.DataFrame, root: Path | None = None) -> tuple[str, ...]:
    """Why each hidden cell of :func:`headline_table` is hidden (the table shows no group sizes)."""
    return hidden_notes(table, "Area", {"Completion rate": (None, "completed both workshops", "closed cases"),
                                        "Said their attitude changed": (None, "agreed", "respondents"),
                                        "Reoffended within a year (CARA)": (None, "reoffended", "people")},
                        policy(release_info(root)))
