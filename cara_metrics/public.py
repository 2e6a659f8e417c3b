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
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow.parquet as pq

from . import charts, disclosure, registry, warehouse
from .dataroot import data_root
from .disclosure import SYMBOLS
from .panels import NoData, Panel, Tile
from .periods import format_date

if TYPE_CHECKING:
    from .export import Download

log = logging.getLogger("cara_metrics")

RELEASE_TABLES = ("crime", "referrals", "outcomes", "survey", "reoffending")
HEADLINE_QUESTION = "attitude"
AREA_TYPE_LABELS = {"force": "Police force area", "community_safety_partnership": "Community safety partnership",
                    "local_authority": "Local authority"}


def _root(root: Path | None) -> Path:
    return root or data_root()


#: What each release file holds, in words (the figures tables' titles come from the manifest).
FILE_WORDS = {"areas": "the list of areas", "series_breaks": "the breaks in series", "revisions": "the revised figures"}


class ReleaseFileError(warehouse.QueryError):
    """A file of the live release is missing or cannot be read. The message names it for a reader."""

    def __init__(self, name: str, words: str, version: str) -> None:
        self.name, self.version = name, version
        super().__init__(f"The published file for {name} ({words}) is missing or damaged.")


def table(name: str, root: Path | None = None) -> pd.DataFrame:
    """One release table, every row (as released).

    Raises :class:`ReleaseFileError` when its file is missing or unreadable: its message is
    for a reader of the public pages, the technical detail goes to the log.

    The warehouse watches every file a release should hold (warehouse.RELEASE_SUPPORT_FILES
    and the manifest's tables), so the first page run after a restore reads it again.
    """
    if name not in (*RELEASE_TABLES, "areas", "series_breaks", "revisions"):
        raise KeyError(f"no release table {name!r}")
    try:
        return warehouse.query(f"release_{name}", root=_root(root), kind="release")
    except warehouse.QueryError as exc:
        version = warehouse.current_version(_root(root), "release")
        if _readable(version.table_path(name)):
            raise  # the file is whole: something else failed
        words = FILE_WORDS.get(name) or version.manifest.get("tables", {}).get(name, {}).get("title", name)
        log.error("release %s: %s is missing or damaged (%s)", version.path, version.table_path(name).name, exc)
        raise ReleaseFileError(name, str(words)[:1].lower() + str(words)[1:], version.name) from exc


def _readable(path: Path) -> bool:
    """Whether ``path`` is a Parquet file whose footer can be read (cheap: the footer only)."""
    try:
        pq.read_metadata(path)
    except (OSError, ValueError):  # missing, truncated or not Parquet (pyarrow raises ArrowInvalid, a ValueError)
        return False
    return True


# --------------------------------------------------------------------------------------
# The release's own facts
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    release_date: dt.date
    data_as_at: dt.date
    next_update: dt.date
    period_text: str
    synthetic: bool
    revisions: pd.DataFrame
    compared_with: str | None
    breaks: pd.DataFrame
    suppression: dict
    notes: tuple[str, ...]
    manifest: dict

    @property
    def revisions_text(self) -> str:
        n = len(self.revisions)
        if self.compared_with is None:
            return "None: this is the first release."
        if n == 0:
            return f"None since the previous release ({self.compared_with})."
        return (f"{n:,} figure{'s' if n != 1 else ''} revised since the previous release, marked [r]; "
                "the list is under 'About this release'.")

    @property
    def breaks_text(self) -> str:
        if self.breaks.empty:
            return "None."
        return " ".join(f"{pd.Timestamp(r.break_date):%B %Y} ({r.series}): {r.description}" for r in self.breaks.itertuples())

    def status(self) -> list[tuple[str, str]]:
        """(label, text) pairs every public page shows."""
        return [
            ("Data as at", format_date(self.data_as_at)),
            ("Published", format_date(self.release_date)),
            ("Next update", format_date(self.next_update)),
            ("Period covered", self.period_text),
            ("Revisions", self.revisions_text),
            ("Breaks in series", self.breaks_text),
        ]


def release_info(root: Path | None = None) -> ReleaseInfo:
    v = warehouse.current_version(_root(root), "release")
    m = v.manifest
    rev = table("revisions", root)
    return ReleaseInfo(
        version=v.name,
        release_date=dt.date.fromisoformat(m["release_date"]),
        data_as_at=dt.date.fromisoformat(m["data_as_at"]),
        next_update=dt.date.fromisoformat(m["next_update"]),
        period_text=m["period_covered"]["text"],
        synthetic=bool(m.get("synthetic", False)),
        revisions=rev,
        compared_with=m.get("revisions", {}).get("compared_with"),
        breaks=table("series_breaks", root),
        suppression=m.get("suppression", {}),
        notes=tuple(m.get("notes", ())),
        manifest=m,
    )


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


# --------------------------------------------------------------------------------------
# Choices: the fixed breakdowns of the release
# --------------------------------------------------------------------------------------


def areas(root: Path | None = None) -> pd.DataFrame:
    return table("areas", root)


def area_options(root: Path | None = None) -> dict[str, str]:
    """area code -> 'Name (kind of area)', force first."""
    a = areas(root)
    return {c: f"{n} ({AREA_TYPE_LABELS.get(t, t)})" for c, n, t in zip(a["area_code"], a["area_name"], a["area_type"])}


def area_name(code: str, root: Path | None = None) -> str:
    a = areas(root)
    hit = a.loc[a["area_code"] == code, "area_name"]
    return str(hit.iloc[0]) if len(hit) else code


def year_options(root: Path | None = None) -> list[str]:
    """Financial years in the release, latest first.

    A table whose file cannot be read is left out (the figures that need it say so where
    they would be shown), so one damaged file does not take away every choice; only when
    no table can be read is the error raised."""
    years: set[str] = set()
    failed: list[ReleaseFileError] = []
    for name in RELEASE_TABLES:
        try:
            t = table(name, root)
        except ReleaseFileError as exc:
            failed.append(exc)
            continue
        years |= set(t.loc[t["period_type"] == "financial year", "period"].dropna())
    if failed and not years:
        raise failed[0]
    return sorted(years, reverse=True)


# --------------------------------------------------------------------------------------
# Formatting a released figure
# --------------------------------------------------------------------------------------


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


#: Metrics about offences, not people: their percentages have one decimal place everywhere.
CRIME_METRICS = ("da_crimes", "da_share", "da_rate_per_1000")


def dp_for(area_type: object, metric_id: object = None) -> int:
    """Decimal places of a released percentage: one for crime and at force level; none for
    people below force level (those are calculated from rounded counts)."""
    return 1 if area_type == "force" or metric_id in CRIME_METRICS else 0


def number_text(v: float, unit: str, dp: int | None = None) -> str:
    """A released value in its unit, British style, at the precision it was released."""
    if unit in ("people", "offences"):
        return f"{int(round(v)):,}"
    if unit == "per 1,000 residents":
        return f"{v:,.1f}"
    if unit in ("percent", "percentage points"):
        if dp is None:
            dp = 0 if float(v).is_integer() else 1
        return f"{v:,.{dp}f}"
    return f"{v:,}"


def cell_text(v: object, unit: str, symbol: object = "", dp: int | None = None) -> str:
    """'1,234', '85 [u]', '[c]': the value (when released) with its symbols."""
    sym = "" if _missing(symbol) else str(symbol)
    if _missing(v):
        return sym or "[x]"
    return f"{number_text(float(v), unit, dp)} {sym}".strip()


def pct_text(v: object, symbol: object = "", dp: int | None = None) -> str:
    """'84.4%', '86% [p]', '[c]'."""
    sym = "" if _missing(symbol) else str(symbol)
    if _missing(v):
        return sym or "[x]"
    return f"{number_text(float(v), 'percent', dp)}% {sym}".strip()


# --------------------------------------------------------------------------------------
# Looking up released figures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One released figure: its value (None when not released) and symbols."""

    value: float | None
    symbol: str
    unit: str
    dp: int | None = None

    @property
    def text(self) -> str:
        if self.unit == "percent":
            return pct_text(self.value, self.symbol, self.dp)
        return cell_text(self.value, self.unit, self.symbol, self.dp)

    @property
    def shown(self) -> bool:
        return self.value is not None


def figure(name: str, measure: str, area_code: str, period: str, category: str | None = None,
           root: Path | None = None) -> Figure:
    t = table(name, root)
    m = (t["measure"] == measure) & (t["area_code"] == area_code) & (t["period"] == period)
    m &= t["category"].isna() if category is None else (t["category"] == category)
    hit = t[m]
    if hit.empty:
        return Figure(None, "[x]", "")
    r = hit.iloc[0]
    return Figure(None if _missing(r["shown"]) else float(r["shown"]), "" if _missing(r["symbol"]) else str(r["symbol"]),
                  str(r["unit"]), dp_for(r["area_type"], r["metric_id"]))


def _prev_year(fy: str) -> str:
    a = int(fy[:4]) - 1
    return f"{a}/{(a + 1) % 100:02d}"


# --------------------------------------------------------------------------------------
# Headline tiles (Overview)
# --------------------------------------------------------------------------------------


def _change(new: Figure, old: Figure, prev: str, unit: str) -> tuple[str | None, str]:
    """('up 0.4 points on 2023/24', 'up') from two released figures; (None, 'off') if either is withheld."""
    if not (new.shown and old.shown):
        return None, "off"
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
                    f"of {h.closed.text} closed cases" if h.closed.shown else "closed cases not published",
                    fy, m.definition, None, arrow))
    m = registry.get("survey_agree")
    delta, arrow = _change(h.agree, h.agree0, h.prev, "points")
    out.append(Tile(m.id, "Said their attitude changed", h.agree.value, h.agree.text, delta,
                    f"of {h.respondents.text} survey respondents" if h.respondents.shown else "respondents not published",
                    fy, m.definition, None, arrow))
    out.append(reoffending_tile(area_code, root))
    return out


def _pooled_period(root: Path | None) -> str | None:
    t = table("reoffending", root)
    p = t.loc[t["period_type"] == "financial years", "period"]
    return str(p.iloc[0]) if len(p) else None


def _comparison_period(root: Path | None) -> str | None:
    t = table("reoffending", root)
    p = t.loc[t["period_type"] == "comparison group", "period"]
    return str(p.iloc[0]) if len(p) else None


def reoffending_tile(area_code: str, root: Path | None = None) -> Tile:
    m = registry.get("reoffending_rate")
    pooled, comp_p = _pooled_period(root), _comparison_period(root)
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
        ci = f"; comparison group {comp.text}, difference 95% CI {_ci_text(d[1], d[2])}"
    return Tile(m.id, "Reoffended within a year", cara.value, cara.text, delta,
                f"of {n.text} people referred, against the comparison group{ci}", f"cautions {pooled}", m.definition, None, arrow)


def _ci_text(low: Figure, high: Figure) -> str:
    """A difference interval in points: '11.4 to 1.8 points lower'."""
    t = lambda f: number_text(abs(f.value), "percentage points", f.dp)  # noqa: E731
    if high.value <= 0:
        return f"{t(high)} to {t(low)} points lower"
    if low.value >= 0:
        return f"{t(low)} to {t(high)} points higher"
    return f"{t(low)} points lower to {t(high)} points higher"


def _diff_words(d: Figure) -> str:
    """'6.5 points lower', or the symbol when the difference is not published."""
    if not d.shown:
        return d.symbol or "[x]"
    if d.value == 0:
        return "no difference"
    return f"{number_text(abs(d.value), 'percentage points', d.dp)} points {'lower' if d.value < 0 else 'higher'}"


def _withheld(what: str, f: Figure) -> str:
    reason = {"[c]": "to protect the people it describes", "[x]": "it is not available", "[z]": "it does not apply"}
    return f"{what} is not published ({f.symbol.split()[0] if f.symbol else '[x]'}): {reason.get(f.symbol.split()[0] if f.symbol else '[x]', 'it is not available')}."


def headline_sentences(area_code: str, fy: str, root: Path | None = None) -> list[str]:
    """The headline figures as plain-English sentences, from the released values only."""
    h = headline(area_code, fy, root)
    out = []
    if h.share.shown:
        ch, _ = _change(h.share, h.share0, h.prev, "points")
        out.append(f"In {fy}, {h.share.text} of crime recorded in {h.area} was flagged as domestic abuse "
                   f"({h.da.text} of {h.all_crimes.text} crimes){', ' + ch if ch else ''}.")
    else:
        out.append(_withheld(f"The domestic-abuse share of crime in {h.area} in {fy}", h.share))
    if h.referrals.shown:
        ch, _ = _change(h.referrals, h.referrals0, h.prev, "count")
        out.append(f"{h.referrals.text} people were referred to CARA in {h.area} in {fy}{' (' + ch + ')' if ch else ''}.")
    else:
        out.append(_withheld(f"The number of people referred to CARA in {h.area} in {fy}", h.referrals))
    if h.completion.shown:
        prov = " Some cases are still in progress, so this figure is provisional [p]." if "[p]" in h.completion.symbol else ""
        out.append(f"Of the people referred in {fy} whose case has closed ({h.closed.text}), {h.completion.text} completed "
                   f"both workshops.{prov}")
    else:
        out.append(_withheld(f"The completion rate for people referred in {h.area} in {fy}", h.completion))
    if h.agree.shown:
        out.append(f"{h.agree.text} of the {h.respondents.text} people who answered the end-of-workshop survey in {fy} agreed "
                   "that the workshops changed their attitude towards their partner.")
    else:
        out.append(_withheld(f"The share of survey respondents in {h.area} in {fy} who said their attitude changed", h.agree))
    out.append(reoffending_sentence(area_code, root))
    return out


def reoffending_sentence(area_code: str, root: Path | None = None) -> str:
    """The Justice Data Lab style headline, from the released figures."""
    pooled, comp_p = _pooled_period(root), _comparison_period(root)
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
        rows.append({"Area": name, "Kind of area": AREA_TYPE_LABELS.get(kind, kind),
                     "Domestic-abuse share of crime": tiles[0].value_text,
                     "People referred": tiles[1].value_text,
                     "Completion rate": tiles[2].value_text,
                     "Said their attitude changed": tiles[3].value_text,
                     "Reoffended within a year (CARA)": tiles[4].value_text})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# Panels (Tables page): message title, subtitle with period and n, table, summary, footer
# --------------------------------------------------------------------------------------


def _subset(name: str, area_code: str, root: Path | None, **eq) -> pd.DataFrame:
    t = table(name, root)
    m = t["area_code"] == area_code
    for k, v in eq.items():
        m &= t[k] == v
    out = t[m]
    if out.empty:
        raise NoData(f"The release has no {name} figures for {area_name(area_code, root)}.")
    return out


def _pivot(df: pd.DataFrame, index: str, columns: dict[str, str], text=cell_text) -> pd.DataFrame:
    """Rows = ``index`` values (in order); one text column per measure (measure -> header)."""
    keys = list(dict.fromkeys(df[index]))
    out = pd.DataFrame({index: keys})
    for measure, header in columns.items():
        part = df[df["measure"] == measure].drop_duplicates(index).set_index(index)
        out[header] = [text(part.at[k, "shown"], part.at[k, "unit"], part.at[k, "symbol"], dp_for(part.at[k, "area_type"], part.at[k, "metric_id"]))
                       if k in part.index else "[z]" for k in keys]
    return out


def _values(df: pd.DataFrame, measure: str) -> pd.Series:
    return df.loc[df["measure"] == measure, "shown"]


def _first_last(years: pd.DataFrame, measure: str) -> tuple[pd.Series | None, pd.Series | None]:
    part = years[(years["measure"] == measure) & years["shown"].notna()]
    return (part.iloc[0], part.iloc[-1]) if len(part) else (None, None)


def crime_panel(area_code: str, root: Path | None = None) -> Panel:
    m = registry.get("da_share")
    name = area_name(area_code, root)
    years = _subset("crime", area_code, root, period_type="financial year")
    table_ = _pivot(years, "period", {"da_crimes": "Domestic-abuse crimes", "all_crimes": "All recorded crimes",
                                      "da_share": "Domestic-abuse share (%)", "da_per_1000": "Per 1,000 residents"})
    table_ = table_.rename(columns={"period": "Financial year"})
    share = years[years["measure"] == "da_share"]
    fig_df = pd.DataFrame({"period": share["period"].to_numpy(), "share": (share["shown"] / 100).to_numpy()})
    fig = charts.line_chart(fig_df, "period", ["share"], names=[name], percent=True, y_title="Share of recorded crime", events=False)
    fig.update_xaxes(type="category")
    first, last = _first_last(years, "da_share")
    title = (f"Domestic abuse was {last['shown']:.1f}% of recorded crime in {name} in {last['period']}, "
             f"{'up' if last['shown'] > first['shown'] else 'down'} from {first['shown']:.1f}% in {first['period']}")
    n_last = years[(years["measure"] == "all_crimes") & (years["period"] == last["period"])]["shown"].iloc[0]
    brk = [f"[b] Break in series: {r}" for r in release_info(root).breaks["description"]]
    return Panel(m.id, title, f"{name}, financial years {years['period'].iloc[0]} to {years['period'].iloc[-1]}; "
                 f"n = {n_last:,.0f} recorded crimes in {last['period']}", table_, fig,
                 f"{title}. Counts of offences are published exactly.", tuple(brk))


def crime_quarters_panel(area_code: str, fy: str, root: Path | None = None) -> Panel:
    m = registry.get("da_crimes")
    name = area_name(area_code, root)
    q = _subset("crime", area_code, root, period_type="quarter", financial_year=fy)
    table_ = _pivot(q, "period", {"da_crimes": "Domestic-abuse crimes", "all_crimes": "All recorded crimes",
                                  "da_share": "Domestic-abuse share (%)"}).rename(columns={"period": "Quarter"})
    da = q[q["measure"] == "da_crimes"]
    top = da.loc[da["shown"].idxmax()]
    title = f"The most domestic-abuse crimes in {fy} in {name} were recorded in {top['period'][-2:]} ({top['shown']:,.0f})"
    return Panel(m.id, title, f"{name}, quarters of {fy} (Q1 is April to June); n = {da['shown'].sum():,.0f} domestic-abuse crimes",
                 table_, None, title + ".")


def referrals_panel(area_code: str, root: Path | None = None) -> Panel:
    m = registry.get("referrals")
    name = area_name(area_code, root)
    df = _subset("referrals", area_code, root)
    years = df[df["period_type"] == "financial year"]
    quarters = df[df["period_type"] == "quarter"]
    rows = []
    for fy in years["period"]:
        row = {"Financial year": fy}
        for q in range(1, 5):
            hit = quarters[quarters["period"] == f"{fy} Q{q}"]
            row[f"Q{q}"] = cell_text(hit["shown"].iloc[0], "people", hit["symbol"].iloc[0]) if len(hit) else "[x]"
        y = years[years["period"] == fy].iloc[0]
        row["Whole year"] = cell_text(y["shown"], "people", y["symbol"])
        rows.append(row)
    table_ = pd.DataFrame(rows)
    fig_df = pd.DataFrame({"period": quarters["period"].to_numpy(), "people": quarters["shown"].to_numpy()})
    fig = charts.line_chart(fig_df, "period", ["people"], names=[name], y_title="People referred in the quarter", events=False)
    q1 = [p for p in fig_df["period"] if str(p).endswith("Q1")]
    fig.update_xaxes(type="category", tickvals=q1, ticktext=[p[:7] for p in q1], automargin=True,
                     title_text="Financial year (one point per quarter)")
    first, last = _first_last(years, "referrals")
    if last is None:
        raise NoData(f"No referral figures are published for {name}.")
    title = f"{last['shown']:,.0f} people were referred to CARA in {name} in {last['period']}"
    if first is not None and first["period"] != last["period"]:
        title += f", against {first['shown']:,.0f} in {first['period']}, the year it began"
    return Panel(m.id, title, f"{name}, by quarter and financial year of caution, {years['period'].iloc[0]} to "
                 f"{years['period'].iloc[-1]}; n = {last['shown']:,.0f} people referred in {last['period']}",
                 table_, fig, title + ".",
                 ("[z]: CARA had not started in that quarter.",))


def outcomes_panel(area_code: str, root: Path | None = None) -> Panel:
    m = registry.get("completion_rate")
    name = area_name(area_code, root)
    df = _subset("outcomes", area_code, root)
    dp = dp_for(df["area_type"].iloc[0])
    years = list(dict.fromkeys(df["period"]))
    rows = []
    for fy in years:
        y = df[df["period"] == fy]
        def get(measure: str, category: str | None = None, pct: bool = False) -> str:
            h = y[(y["measure"] == measure) & ((y["category"] == category) if category else y["category"].isna())]
            if h.empty:
                return "[x]"
            v, sym = h["shown"].iloc[0], h["symbol"].iloc[0]
            return pct_text(v, sym, dp) if pct else cell_text(v, "people", sym)
        rows.append({"Financial year of caution": fy, "People referred": get("people", "all"),
                     "Completed": get("people", "completed"), "Breached": get("people", "breached"),
                     "Withdrawn": get("people", "withdrawn"), "In progress": get("people", "in_progress"),
                     "Closed cases": get("closed_cases"), "Completion rate": get("completion_rate", pct=True)})
    table_ = pd.DataFrame(rows)
    rate = df[df["measure"] == "completion_rate"]
    fig_df = pd.DataFrame({"period": rate["period"].to_numpy(), "rate": (rate["shown"] / 100).to_numpy()})
    fig = charts.line_chart(fig_df, "period", ["rate"], names=[name], percent=True, y_title="Completed, % of closed cases", events=False)
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1])
    shown = rate[rate["shown"].notna()]
    if shown.empty:
        title = f"Completion rates for {name} are not published ([c]): the numbers are too small"
        n_text = "n not published"
    else:
        last = shown.iloc[-1]
        closed = df[(df["measure"] == "closed_cases") & (df["period"] == last["period"])].iloc[0]
        title = f"{pct_text(last['shown'], '', dp)} of closed cases in {name} in {last['period']} completed both workshops"
        n_text = f"n = {cell_text(closed['shown'], 'people', closed['symbol'])} closed cases in {last['period']}"
    return Panel(m.id, title, f"{name}, by financial year of caution, {years[0]} to {years[-1]}; {n_text}", table_, fig,
                 title + ". Breached means the person did not attend and the case went back to the police.",
                 ("[p]: provisional, some cases are still in progress and the figures will change as they close.",))


def survey_panel(area_code: str, fy: str, root: Path | None = None) -> Panel:
    m = registry.get("survey_agree")
    name = area_name(area_code, root)
    df = _subset("survey", area_code, root)
    dp = dp_for(df["area_type"].iloc[0])
    year = df[df["period"] == fy]
    if year.empty:
        raise NoData(f"No survey figures are published for {fy}.")
    stmts = list(dict.fromkeys(year["category"]))
    rows, plot = [], []
    for q in stmts:
        s = year[year["category"] == q]
        pct = s[s["measure"] == "agree_pct"].iloc[0]
        n = s[s["measure"] == "respondents"].iloc[0]
        rows.append({"Statement": pct["category_label"], "Respondents": cell_text(n["shown"], "people", n["symbol"]),
                     "Agreed or strongly agreed": pct_text(pct["shown"], pct["symbol"], dp)})
        plot.append({"statement": "<br>".join(textwrap.wrap(str(pct["category_label"]).rstrip("."), 34)), "share": None if _missing(pct["shown"]) else pct["shown"] / 100,
                     "label": pct_text(pct["shown"], pct["symbol"], dp)})
    table_ = pd.DataFrame(rows)
    pdf = pd.DataFrame(plot)
    fig = charts.bar_chart(pdf, "statement", "share", percent=True, text="label")
    fig.update_xaxes(title_text="Agreed or strongly agreed", range=[0, 1])
    fig.update_yaxes(automargin=True)
    head = year[(year["category"] == HEADLINE_QUESTION) & (year["measure"] == "agree_pct")]
    if len(head) and not _missing(head["shown"].iloc[0]):
        title = (f"{pct_text(head['shown'].iloc[0], head['symbol'].iloc[0], dp)} of respondents in {name} in {fy} said the "
                 "workshops changed their attitude towards their partner")
    else:
        title = f"Survey answers for {name} in {fy}: some percentages are not published to protect respondents"
    resp = _values(year[year["category"] == HEADLINE_QUESTION], "respondents")
    n_text = f"n = {resp.iloc[0]:,.0f} respondents" if len(resp) and not _missing(resp.iloc[0]) else "n not published"
    return Panel(m.id, title, f"{name}, surveys in {fy}; {n_text} to the first statement", table_, fig,
                 title + ". The survey is answered by people who completed both workshops.")


def reoffending_panel(area_code: str, root: Path | None = None) -> Panel:
    m = registry.get("reoffending_rate")
    name = area_name(area_code, root)
    df = _subset("reoffending", area_code, root)
    dp = dp_for(df["area_type"].iloc[0])
    rows, plot = [], []
    for period in dict.fromkeys(df["period"]):
        p = df[df["period"] == period]
        for group in ("cara", "comparison"):
            g = p[p["category"] == group]
            if g.empty:
                continue
            rate, n = g[g["measure"] == "reoffending_rate"].iloc[0], g[g["measure"] == "people"].iloc[0]
            d = p[p["category"] == "difference"]
            diff = {k: d[d["measure"] == k].iloc[0] for k in ("difference", "difference_low", "difference_high")} if len(d) else {}
            label = ("Referred to CARA, cautioned " if group == "cara" else "Comparison group, cautioned ") + str(period)
            figs = {k: Figure(None if _missing(v["shown"]) else float(v["shown"]), str(v["symbol"] or ""),
                              "percentage points", dp) for k, v in diff.items()} if diff and group == "cara" else {}
            rows.append({
                "Group": label, "People": cell_text(n["shown"], "people", n["symbol"]),
                "Reoffended within a year": pct_text(rate["shown"], rate["symbol"], dp),
                "Difference from the comparison group": _diff_words(figs["difference"]) if figs else "[z]",
                "95% confidence interval of the difference": (_ci_text(figs["difference_low"], figs["difference_high"])
                                                              if figs and figs["difference"].shown else
                                                              (figs["difference"].symbol if figs else "[z]")),
            })
            if period in (_pooled_period(root), _comparison_period(root)):
                plot.append({"group": ("Referred to CARA<br>cautioned " if group == "cara" else "Comparison group<br>cautioned ")
                             + str(period), "rate": None if _missing(rate["shown"]) else rate["shown"] / 100,
                             "label": pct_text(rate["shown"], rate["symbol"], dp), "cara": group == "cara"})
    table_ = pd.DataFrame(rows)
    pdf = pd.DataFrame(plot)
    fig = charts.bar_chart(pdf, "group", "rate", percent=True, text="label",
                           highlight=pdf.loc[pdf["cara"], "group"].iloc[0] if pdf["cara"].any() else None)
    fig.update_xaxes(title_text="Proven reoffence within a year")
    fig.update_yaxes(automargin=True)
    sentence = reoffending_sentence(area_code, root)
    pooled = _pooled_period(root)
    cara = figure("reoffending", "reoffending_rate", area_code, pooled, "cara", root=root)
    comp = figure("reoffending", "reoffending_rate", area_code, _comparison_period(root), "comparison", root=root)
    title = (f"{cara.text} of people referred to CARA in {name} reoffended within a year, against {comp.text} of the comparison group"
             if cara.shown and comp.shown else f"Reoffending in {name}: rates are not published for groups this small")
    n = figure("reoffending", "people", area_code, pooled, "cara", root=root)
    cn = figure("reoffending", "people", area_code, _comparison_period(root), "comparison", root=root)
    return Panel(m.id, title, f"{name}; cautions {pooled} (cohorts with a complete 18-month follow-up); n = {n.text} "
                 f"referred and {cn.text} in the comparison group (cautioned {_comparison_period(root)})",
                 table_, fig, sentence,
                 ("Everyone referred is counted, whether or not they completed (intention to treat).",
                  "[x]: no comparison is made when a group has fewer than 60 people."))


def panels(area_code: str, fy: str, root: Path | None = None) -> dict[str, list]:
    """Every public table's panels for an area and year, keyed by release table name.

    Values are builder callables (so a page can show one failing panel without losing
    the others)."""
    return {
        "crime": [lambda: crime_panel(area_code, root), lambda: crime_quarters_panel(area_code, fy, root)],
        "referrals": [lambda: referrals_panel(area_code, root)],
        "outcomes": [lambda: outcomes_panel(area_code, root)],
        "survey": [lambda: survey_panel(area_code, fy, root)],
        "reoffending": [lambda: reoffending_panel(area_code, root)],
    }


# --------------------------------------------------------------------------------------
# Downloads, built once per release
# --------------------------------------------------------------------------------------

_downloads: dict[tuple[str, str], list["Download"]] = {}
_downloads_lock = threading.Lock()
#: Releases whose downloads are kept (the live one and the few before it, for page runs
#: pinned to an older release while a publish lands); older ones are dropped.
_DOWNLOAD_RELEASES = 3


def downloads(name: str, root: Path | None = None) -> list["Download"]:
    """The CSV and ODS files of release table ``name`` (:func:`export.downloads`), built once
    per release version and kept in this process.

    A release never changes once published, so every reader of one release gets the same
    bytes. Building them (odfpy writing the spreadsheets) took about 2.6 s of CPU for the
    five tables, which made the tables page the slowest page by far when it was done for
    every reader on every run. One lock: while one session builds, the others wait for its
    result rather than building the same files again on the same CPU.
    """
    from . import export  # export imports this module

    key = (warehouse.current_version(_root(root), "release").id, name)
    with _downloads_lock:
        files = _downloads.get(key)
        if files is None:
            files = export.downloads(name, root)
            _downloads[key] = files
            releases = list(dict.fromkeys(k[0] for k in _downloads))
            for old in releases[:-_DOWNLOAD_RELEASES]:
                for k in [k for k in _downloads if k[0] == old]:
                    del _downloads[k]
    return files


def clear_downloads() -> None:
    """Forget the built downloads (tests)."""
    with _downloads_lock:
        _downloads.clear()


# --------------------------------------------------------------------------------------
# Methodology
# --------------------------------------------------------------------------------------


def table_specs(root: Path | None = None) -> dict[str, dict]:
    """Release table name -> its title, description, rows and metric ids (from the manifest),
    in the order the pages show them."""
    specs = release_info(root).manifest.get("tables", {})
    order = {n: i for i, n in enumerate(RELEASE_TABLES)}
    return {n: specs[n] for n in sorted(specs, key=lambda n: order.get(n, len(order)))}


def published_metrics(root: Path | None = None) -> list[registry.Metric]:
    ids = list(dict.fromkeys(i for t in table_specs(root).values() for i in t.get("metric_ids", ())))
    return [registry.get(i) for i in ids]


def metric_descriptions(root: Path | None = None) -> list[tuple[str, str]]:
    """(title, markdown) per published metric: definition, numerator, denominator, caveats,
    source and disclosure rule, straight from the registry."""
    return [(m.title, f"- **Definition:** {m.definition}\n- **Counted:** {m.numerator}\n- **Out of:** {m.denominator}\n"
                      f"- **Caveats:** {m.caveats}\n- **Source:** {m.source}\n- **Disclosure rule:** {m.disclosure_rule}")
            for m in published_metrics(root)]


def symbols_table() -> pd.DataFrame:
    return pd.DataFrame({"Symbol": list(SYMBOLS), "Meaning": list(SYMBOLS.values())})


def methodology_sections(root: Path | None = None) -> list[tuple[str, str]]:
    """(heading, markdown) pairs for the methodology page, generated from the release."""
    info = release_info(root)
    r = info.manifest.get("reoffending", {})
    FOLLOW_UP_MONTHS, WAITING_MONTHS, MIN_GROUP = r.get("follow_up_months", 12), r.get("waiting_months", 6), r.get("minimum_group", 60)

    status = ("These are **synthetic demonstration data**: made up at random and calibrated to published Dorset figures. "
              "They describe no real person or outcome." if info.synthetic else
              "The figures come from the police force's and the workshop provider's records, checked against a data "
              "contract before they are used.")
    return [
        ("What these figures are",
         "CARA (Cautioning and Relationship Abuse) is a pair of workshops attached to a police caution for a first, "
         "lower-risk domestic-abuse offence. These pages publish how many people are referred, how many complete, what "
         "participants say, and whether they reoffend less, alongside domestic abuse in recorded crime. " + status),
        ("Areas and periods",
         "Figures are published for the police force area, its community safety partnerships and its local authorities, "
         "by financial year (April to March) and, for crime and referrals, by quarter (Q1 is April to June). Only whole "
         "financial years are published. Crime counts before April 2019 are counted under today's councils. "
         + " ".join(info.notes)),
        ("How reoffending is measured",
         f"We follow the Ministry of Justice proven reoffending measure: an offence committed within {FOLLOW_UP_MONTHS} "
         f"months of the caution and proven by a conviction or caution within that time or a further {WAITING_MONTHS} "
         "months. A cohort is published only once everyone in it has had the full follow-up. Everyone referred to CARA is "
         "counted, whether or not they completed (intention to treat), against a comparison group of people given a "
         "domestic-abuse caution before CARA began who would have been eligible. The comparison group was not chosen at "
         "random, so differences may partly reflect other changes over time. The difference is given with its 95% "
         f"confidence interval (Newcombe's method); no comparison is made when either group has fewer than {MIN_GROUP} "
         "people (Justice Data Lab guidance)."),
        ("How rates are rounded",
         "Force-level percentages are calculated from exact counts and shown to one decimal place. Below force level a "
         "percentage is calculated from the published (rounded) counts and shown as a whole number, so it reveals nothing "
         "the counts do not; it can differ by a few points from the rate of the exact counts. A completion rate's closed "
         "cases are the published completed, breached and withdrawn counts added together."),
        ("Revisions",
         "Each release is compared with the one before. A published figure that changed is marked [r] and listed under "
         "'About this release' on the overview page; figures can change when late records arrive or cases close."),
    ]


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


# --------------------------------------------------------------------------------------
# Accessibility statement (GOV.UK model statement)
# --------------------------------------------------------------------------------------

#: When the statement was prepared and the site last tested (update both after each audit).
STATEMENT_PREPARED = dt.date(2026, 11, 30)
LAST_TESTED = dt.date(2026, 11, 30)
#: Who runs the site and how to reach them; set per deployment (docs/deploy-public.md).
CONTACT_ENV = "CARA_ACCESSIBILITY_CONTACT"
OWNER_ENV = "CARA_PUBLISHER"


def _setting(name: str, default: str) -> str:
    import os

    return os.environ.get(name, "").strip() or default


def accessibility_sections() -> list[tuple[str, str]]:
    """(heading, markdown) pairs: the accessibility statement in the GOV.UK model form."""
    owner = _setting(OWNER_ENV, "the Office of the Police and Crime Commissioner")
    contact = _setting(CONTACT_ENV, f"us using the contact details on the website of {owner}")
    prepared, tested = format_date(STATEMENT_PREPARED), format_date(LAST_TESTED)
    return [
        ("About this statement",
         f"This accessibility statement applies to the public CARA figures pages, run by {owner}. We want as many people "
         "as possible to be able to use them. For example, that means you should be able to:\n\n"
         "- change colours, contrast levels and fonts using your browser or device settings\n"
         "- zoom in up to 400% without the text spilling off the screen\n"
         "- navigate most of the pages using just a keyboard\n"
         "- navigate most of the pages using speech recognition software\n"
         "- listen to most of the pages using a screen reader\n\n"
         "Every chart has a sentence saying what it shows and a table with the same figures, and every table can be "
         "downloaded as CSV or as an OpenDocument spreadsheet. AbilityNet has advice on making your device easier to "
         "use if you have a disability."),
        ("How accessible this website is",
         "We know some parts of these pages are not fully accessible:\n\n"
         "- the interactive charts cannot be fully explored with a screen reader or keyboard; the same figures are in the "
         "table and the sentence under each chart\n"
         "- the pages have been checked with automated tools but not yet by hand with assistive technology, so there may "
         "be problems we have not found"),
        ("Feedback and contact information",
         f"If you need information on these pages in a different format, like accessible PDF, large print, easy read, "
         f"audio recording or braille, contact {contact}. We will consider your request and get back to you within "
         "10 working days."),
        ("Reporting accessibility problems with this website",
         "We are always looking to improve the accessibility of these pages. If you find any problems not listed on this "
         f"page or think we are not meeting accessibility requirements, contact {contact}."),
        ("Enforcement procedure",
         "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites "
         "and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility regulations'). If you are not "
         "happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS)."),
        ("Technical information about this website's accessibility",
         f"{owner[0].upper() + owner[1:]} is committed to making its website accessible, in accordance with the Public "
         "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018."),
        ("Compliance status",
         "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due "
         "to the non-compliances listed below."),
        ("Non-accessible content",
         "The content listed below is non-accessible for the following reasons.\n\n"
         "**Non-compliance with the accessibility regulations**\n\n"
         "- Interactive charts: the points on a chart cannot be reached one by one with a keyboard or screen reader "
         "(WCAG 2.2 success criteria 1.1.1 Non-text content and 2.1.1 Keyboard). Each chart has a summary sentence and a "
         "table with every figure it shows. We plan to replace the interactive charts with static images with text "
         "alternatives.\n\n"
         "**Disproportionate burden**\n\nWe are not claiming disproportionate burden for any content.\n\n"
         "**Content that's not within the scope of the accessibility regulations**\n\n"
         "The downloadable CSV and OpenDocument files are data files, not documents; they carry a metadata sheet "
         "describing every column and symbol."),
        ("What we're doing to improve accessibility",
         "Every public page is checked automatically with the axe-core accessibility engine in a real browser whenever "
         "the pages change: a serious or critical problem fails the check and must be fixed before the change goes live. "
         "We plan a manual audit with keyboard and screen-reader users, and will review this statement after it."),
        ("Preparation of this accessibility statement",
         f"This statement was prepared on {prepared}. It was last reviewed on {prepared}. These pages were last tested on "
         f"{tested}, automatically, with the axe-core engine in the Chromium browser. Every public page was tested: the "
         "overview, the tables and downloads, the methodology and this statement. They have not yet been audited by hand."),
    ]
