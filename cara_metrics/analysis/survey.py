"""Question 4: what do participants say?

The end-of-workshop survey asks people who completed both workshops how far they agree with
a few statements, on a five-point scale. "Agreeing" is an answer at or above the question's
``agree_min`` (Agree or Strongly agree). Shares carry a Wilson 95% interval and their n;
the response rate (respondents out of completers) says how far the answers can be trusted to
speak for everyone who completed. Responses count in the period of the survey date and the
area of the person's referral.
"""

from __future__ import annotations

from functools import partial

import textwrap
from pathlib import Path

import pandas as pd

from .. import charts, contract, formatting as fmt, metrics, registry, stats
from ..metrics import lookups
from ..panels import NoData, Panel, Tile
from ..areas import area_names, display_names, fill_periods, force_of, cached_on_version as cached_panel
from ..periods import Filters, Grain
from .area_level import kind_column, level_for, level_words, one_level, partnerships_not_shown, shared_council_reason
from .provisional import labels, not_ended_flags
from .tiles import ci_text, year_tile

HEADLINE_QUESTION = "attitude"
#: The two statements Dorset's launch material quoted (94% and 91%), shown as tiles.
TILE_QUESTIONS = ("attitude", "relationship")
#: Short tile labels (a tile has room for about 20 characters; the caption quotes the statement).
SHORT_LABELS = {"attitude": "Attitude changed", "relationship": "Helped relationship",
                "understand_impact": "Understand impact", "would_recommend": "Would recommend"}
#: Events that explain a survey line (the April 2019 break is in the crime series, not here).
EVENTS = charts.PROGRAMME_EVENTS
GRAIN_WORDS = {"month": "month", "quarter": "quarter", "year": "financial year"}
LEVELS = tuple(contract.AGREE5_LABELS.values())
NEUTRAL = contract.AGREE5_LABELS[3]


def tile(f: Filters, root: Path | None = None, question_id: str = HEADLINE_QUESTION) -> Tile:
    return year_tile("survey_agree", f, "Said their attitude changed",
                     lambda r: f"{fmt.count(r['numerator'])} of {fmt.count(r['denominator'])} respondents ({ci_text(r)})",
                     category=question_id, root=root)


# --- helpers --------------------------------------------------------------------------------


def statement(text: str) -> str:
    """A question's text as a phrase to quote inside a sentence (no full stop, lower case)."""
    s = str(text).strip().rstrip(".")
    if s[:2] not in ("I ", "I'") and s[:1].isupper() and not s[1:2].isupper():
        s = s[0].lower() + s[1:]
    return s


def during(f: Filters) -> str:
    """'in 2019/20 to 2024/25' for whole financial years, else 'from 1 May 2016 to 30 June 2016'."""
    return f"in {f.label}" if f.is_whole_financial_years else f"from {f.label}"


def _wrap(text: str, width: int = 42) -> str:
    """Line breaks for long category labels on a chart axis."""
    return "<br>".join(textwrap.wrap(str(text).rstrip("."), width))


def _trend_chart(shown: pd.DataFrame, grain: Grain, name: str, y_title: str):
    """A share over time with its 95% band, the survey's own events and financial years named as such;
    periods not yet ended (``provisional``) drawn apart, as open markers."""
    return charts.line_chart(shown, "period_start", ["share"], names=[name], percent=True, events=EVENTS,
                             bands={"share": ("low", "high")}, y_title=y_title, yaxis=dict(range=[0, 1.02]),
                             tick_text=list(shown["period"]) if grain == "year" else None, provisional="provisional")


def _trend_table(df: pd.DataFrame, headings: dict[str, str], share_heading: str) -> pd.DataFrame:
    """A trend chart's table: the named columns (a provisional period marked [p]), then the share and
    its 95% limits in per cent."""
    table = pd.DataFrame({heading: labels(df[col], df["provisional"]) if col == "period" else df[col]
                          for col, heading in headings.items()})
    table[share_heading] = (100 * df["share"]).round(1)
    table["Lower 95% limit (%)"] = (100 * df["low"]).round(1)
    table["Upper 95% limit (%)"] = (100 * df["high"]).round(1)
    return table


def _area(f: Filters, root: Path | None) -> str:
    return area_names(root).get(f.area_code, f.area_code)


def _n_text(n: pd.Series, what: str = "respondents") -> str:
    lo, hi = int(n.min()), int(n.max())
    return f"n = {hi:,} {what}" if lo == hi else f"n = {lo:,} to {hi:,} {what} per statement"


def _with_wilson(df: pd.DataFrame, x: str = "agree", n: str = "n", prefix: str = "") -> pd.DataFrame:
    """Add share, low and high (fractions; empty where n is 0)."""
    df = df.copy()
    shares, lows, highs = [], [], []
    for a, b in zip(df[x], df[n]):
        if int(b) > 0:
            lo, hi = stats.wilson_interval(int(a), int(b))
            shares.append(int(a) / int(b)), lows.append(lo), highs.append(hi)
        else:
            shares.append(float("nan")), lows.append(float("nan")), highs.append(float("nan"))
    df[f"{prefix}share"], df[f"{prefix}low"], df[f"{prefix}high"] = shares, lows, highs
    return df


def _from_first(df: pd.DataFrame, n: str) -> pd.DataFrame:
    """Drop the empty periods before the first with any people (e.g. before CARA started)."""
    nonzero = (df[n] > 0).to_numpy().nonzero()[0]
    return df.iloc[nonzero[0]:].reset_index(drop=True) if len(nonzero) else df


def questions(root: Path | None = None) -> pd.DataFrame:
    """The question bank: question_id, text, agree_min."""
    return lookups.survey_questions(root)


def question_choices(root: Path | None = None) -> dict[str, str]:
    """Question id -> text, for a picker; the headline statement first."""
    q = questions(root)
    choices = dict(zip(q["question_id"], q["text"]))
    if HEADLINE_QUESTION in choices:
        choices = {HEADLINE_QUESTION: choices.pop(HEADLINE_QUESTION), **choices}
    return choices


def question_text(question_id: str, root: Path | None = None) -> str:
    q = questions(root)
    hit = q[q["question_id"] == question_id]
    if hit.empty:
        raise NoData(f"There is no survey question {question_id!r} in the question bank.")
    return str(hit.iloc[0]["text"])


def _answers(f: Filters, root: Path | None) -> pd.DataFrame:
    r = metrics.compute("survey_distribution", f, "category", root=root).table
    if r.empty or int(r["value"].sum()) == 0:
        reason = shared_council_reason(f.area_code, root)
        raise NoData(f"No one answered the participant survey in {_area(f, root)} {during(f)}." + (f" {reason}" if reason else ""))
    df = pd.DataFrame({"question_id": r["question_id"], "answer": r["answer"].astype("int64"),
                       "responses": r["value"].astype("int64")})
    return df.merge(questions(root)[["question_id", "text", "agree_min"]], on="question_id", how="left", sort=False)


def agreement(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """One row per question answered in the selection: n, agree, share, Wilson low and high."""
    df = _answers(f, root)
    df["agrees"] = df["answer"] >= df["agree_min"]
    g = (df.assign(agree=df["responses"].where(df["agrees"], 0))
           .groupby(["question_id", "text"], sort=False, as_index=False)
           .agg(agree=("agree", "sum"), n=("responses", "sum")))
    g["agree"], g["n"] = g["agree"].astype("int64"), g["n"].astype("int64")
    order = {q: i for i, q in enumerate(questions(root)["question_id"])}
    # The headline statement first, then the bank's order.
    g["_rank"] = [-1 if q == HEADLINE_QUESTION else order.get(q, len(order)) for q in g["question_id"]]
    g = g.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)
    return _with_wilson(g)


def response_rate(f: Filters, root: Path | None = None) -> tuple[int, int]:
    """(respondents, completers) for the selection."""
    # The per-year counts summed: every completer in the selection falls in exactly one year,
    # and the response panel's own query (at year grain) is then a cache hit.
    row = metrics.compute("survey_response_rate", f, "total", root=root).row()
    return (0, 0) if row is None else (int(row["numerator"]), int(row["denominator"]))


# --- headline tiles --------------------------------------------------------------------------


def headline_tiles(f: Filters, root: Path | None = None) -> list[Tile]:
    """Share agreeing with the two statements quoted at launch, and the response rate, for the whole selection."""
    m = registry.get("survey_agree")
    df = agreement(f, root)
    out = []
    for qid in TILE_QUESTIONS:
        hit = df[df["question_id"] == qid]
        if hit.empty:
            continue
        r = hit.iloc[0]
        out.append(Tile(m.id, SHORT_LABELS.get(qid, qid.replace("_", " ").capitalize()), float(r["share"]), fmt.pct(r["share"]), None,
                        f"agreed “{str(r['text']).rstrip('.')}”: {int(r['agree']):,} of {int(r['n']):,} respondents "
                        f"(likely between {fmt.pct(r['low'])} and {fmt.pct(r['high'])})",
                        f.label, m.definition))
    rm = registry.get("survey_response_rate")
    resp, comp = response_rate(f, root)
    if comp:
        lo, hi = stats.wilson_interval(resp, comp)
        out.append(Tile(rm.id, "Response rate", resp / comp, fmt.pct(resp / comp), None,
                        f"answered the survey: {resp:,} of {comp:,} who completed (likely between {fmt.pct(lo)} and {fmt.pct(hi)})", f.label, rm.definition))
    else:
        out.append(Tile(rm.id, "Response rate", None, "–", None, "no one completed in the period", f.label, rm.definition))
    return out


# --- panels ----------------------------------------------------------------------------------


@cached_panel
def agree_panel(f: Filters, root: Path | None = None) -> Panel:
    """Share agreeing with each statement, with Wilson 95% intervals."""
    m = registry.get("survey_agree")
    df = agreement(f, root)
    df["label"] = [_wrap(t) for t in df["text"]]
    df["value_text"] = [fmt.pct(s) for s in df["share"]]
    fig = partial(charts.bar_chart, df, "label", "share", percent=True, text="value_text", error=("low", "high"), inside="middle",
                           value_title="Respondents agreeing (Agree or Strongly agree), with 95% interval", xaxis=dict(range=[0, 1.02]))
    first = df.iloc[0]
    title = f"{fmt.pct(first['share'])} of respondents agreed that “{statement(first['text'])}”"
    if len(df) > 1:
        title += f"; agreement with the {len(df)} statements ranged from {fmt.pct(df['share'].min())} to {fmt.pct(df['share'].max())}"
    table = pd.DataFrame({
        "Statement": df["text"],
        "Respondents": df["n"],
        "Agreeing": df["agree"],
        "Agreeing (%)": (100 * df["share"]).round(1),
        "Lower 95% limit (%)": (100 * df["low"]).round(1),
        "Upper 95% limit (%)": (100 * df["high"]).round(1),
    })
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{_area(f, root)}, surveys {during(f)}; {_n_text(df['n'])}. Lines show the 95% confidence interval.",
        table=table, figure=fig,
        summary=f"{title}. " + " ".join(f"{r.text} {fmt.pct(r.share)} agreed ({r.agree:,} of {r.n:,})." for r in df.itertuples()),
    )


@cached_panel
def distribution_panel(f: Filters, root: Path | None = None) -> Panel:
    """Every answer on the five-point scale, as diverging bars."""
    m = registry.get("survey_distribution")
    ans = _answers(f, root)
    counts = ans.pivot_table(index=["question_id", "text"], columns="answer", values="responses", aggfunc="sum", fill_value=0)
    counts = counts.reindex(columns=list(contract.AGREE5_LABELS), fill_value=0).reset_index()
    order = list(agreement(f, root)["question_id"])
    counts = counts.set_index("question_id").loc[order].reset_index()
    total = counts[list(contract.AGREE5_LABELS)].sum(axis=1)
    shares = counts[list(contract.AGREE5_LABELS)].div(total, axis=0)
    fig_df = pd.DataFrame({"label": [_wrap(t, 36) for t in counts["text"]]})
    for code, lvl in contract.AGREE5_LABELS.items():
        fig_df[lvl] = shares[code].to_numpy()
    fig = partial(charts.diverging_bars, fig_df, "label", list(LEVELS), neutral=NEUTRAL)
    disagree = shares[1] + shares[2]
    modes = [contract.AGREE5_LABELS[int(c)] for c in shares.idxmax(axis=1)]
    if len(set(modes)) == 1:
        title = f"“{modes[0]}” was the most common answer to {'every statement' if len(modes) > 1 else 'the statement'}"
    else:
        title = f"The most common answer was “{modes[0]}” for “{statement(counts.iloc[0]['text'])}”"
    title += f"; no more than {fmt.pct(disagree.max())} disagreed with any" if len(modes) > 1 else f"; {fmt.pct(disagree.max())} disagreed"
    table = pd.DataFrame({"Statement": counts["text"], "Respondents": total.astype("int64")})
    for code, lvl in contract.AGREE5_LABELS.items():
        table[lvl] = counts[code].astype("int64").to_numpy()
        table[f"{lvl} (%)"] = (100 * shares[code]).round(1).to_numpy()
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{_area(f, root)}, surveys {during(f)}; {_n_text(total)}. Disagreement left of the centre line, agreement right; "
                 "“Neither” is split across it.",
        table=table, figure=fig, summary=title + ".",
    )


@cached_panel
def response_panel(f: Filters, grain: Grain = "year", root: Path | None = None) -> Panel:
    """Respondents as a share of people who completed, by period of completion."""
    m = registry.get("survey_response_rate")
    resp, comp = response_rate(f, root)
    if comp == 0:
        raise NoData(f"No one completed the workshops in {_area(f, root)} {during(f)}, so no one was surveyed.")
    r = metrics.compute("survey_response_rate", f, "period", grain, root=root).table
    df = pd.DataFrame({"period_start": pd.to_datetime(r["period_start"]), "completers": r["denominator"].astype("int64"),
                       "respondents": r["numerator"].astype("int64")})
    df = _from_first(fill_periods(df, f, grain, ["completers", "respondents"]), "completers")
    df = _with_wilson(df, "respondents", "completers")
    df["provisional"] = not_ended_flags(df["period_start"], grain, root)
    shown = df[df["completers"] > 0]
    fig = partial(_trend_chart, shown, grain, "Completers who answered", "Share of completers who answered")
    lo, hi = stats.wilson_interval(resp, comp)
    title = f"{fmt.pct(resp / comp)} of people who completed the workshops answered the survey ({resp:,} of {comp:,})"
    table = _trend_table(df, {"period": "Period of completion", "completers": "People who completed",
                              "respondents": "Answered the survey"}, "Response rate (%)")
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"{_area(f, root)}, completions {during(f)}, by {GRAIN_WORDS[grain]}; n = {comp:,} people who completed. "
                 f"95% interval for the whole period {fmt.pct(lo)} to {fmt.pct(hi)}; the band shows it for each {GRAIN_WORDS[grain]}.",
        table=table, figure=fig, summary=title + ".",
    )


@cached_panel
def trend_panel(f: Filters, grain: Grain = "year", question_id: str = HEADLINE_QUESTION, root: Path | None = None) -> Panel:
    """Share agreeing with one statement by period of response, with a Wilson band."""
    m = registry.get("survey_agree")
    text = question_text(question_id, root)
    r = metrics.compute("survey_agree", f, "period", grain, root=root).table
    r = r[r["category"] == question_id]
    df = pd.DataFrame({"period_start": pd.to_datetime(r["period_start"]), "question_id": r["category"],
                       "agree": r["numerator"].astype("int64"), "n": r["denominator"].astype("int64")})
    if df.empty or int(df["n"].sum()) == 0:
        raise NoData(f"No one answered “{statement(text)}” in {_area(f, root)} {during(f)}.")
    df = _from_first(fill_periods(df.drop(columns=["question_id"]), f, grain, ["agree", "n"]), "n")
    df = _with_wilson(df)
    df["provisional"] = not_ended_flags(df["period_start"], grain, root)
    shown = df[df["n"] > 0]
    fig = partial(_trend_chart, shown, grain, "Agreeing", "Respondents agreeing")
    # Compare final periods only: a period not yet ended is provisional [p] and never compared.
    final = shown[~shown["provisional"]]
    compared = final if len(final) else shown
    first, last = compared.iloc[0], compared.iloc[-1]
    if len(compared) == 1:
        title = f"{fmt.pct(last['share'], 0)} agreed that “{statement(text)}” in {labels([last['period']], [last['provisional']])[0]}"
    else:
        d = stats.newcombe_difference(int(last["agree"]), int(last["n"]), int(first["agree"]), int(first["n"]))
        if fmt.pct(last["share"], 0) == fmt.pct(first["share"], 0):
            title = (f"{fmt.pct(last['share'], 0)} agreed that “{statement(text)}” in {last['period']}, "
                     f"as in {first['period']}")
        elif d.significant:
            title = (f"Agreement that “{statement(text)}” {'rose' if d.estimate > 0 else 'fell'} from "
                     f"{fmt.pct(first['share'], 0)} in {first['period']} to {fmt.pct(last['share'], 0)} in {last['period']}")
        else:
            title = (f"{fmt.pct(last['share'], 0)} agreed that “{statement(text)}” in {last['period']}: "
                     f"no clear change from {fmt.pct(first['share'], 0)} in {first['period']}")
    table = _trend_table(df, {"period": "Period of response", "n": "Respondents", "agree": "Agreeing"}, "Agreeing (%)")
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"“{text.rstrip('.')}”: {_area(f, root)}, {f.label}, by {GRAIN_WORDS[grain]} of response; "
                 f"n = {int(df['n'].sum()):,} respondents. The band is the 95% confidence interval.",
        table=table, figure=fig, summary=title + ".",
    )


@cached_panel
def area_panel(f: Filters, question_id: str = HEADLINE_QUESTION, root: Path | None = None,
               level: str | None = None) -> Panel:
    """Share agreeing with one statement in the force and the areas of one level (councils or
    partnerships, never both), with Wilson intervals."""
    m = registry.get("survey_agree")
    text = question_text(question_id, root)
    force = force_of(f.area_code, root)
    lvl = level_for(f, level, root)
    r = metrics.compute("survey_agree", f.with_area(force), "area", root=root).table
    r = r[(r["category"] == question_id) & (r["denominator"] > 0)] if len(r) else r
    df = pd.DataFrame({"area_code": r["area_code"], "area_name": display_names(r, root) if len(r) else [], "area_type": r.get("area_type", []),
                       "question_id": r["category"], "agree": r["numerator"].astype("int64"),
                       "n": r["denominator"].astype("int64")}).reset_index(drop=True)
    if df.empty:
        raise NoData(f"No one in the force area answered “{statement(text)}” {during(f)}.")
    df = _with_wilson(one_level(df, force, lvl))
    df["value_text"] = [f"{fmt.pct(s, 0)} (n = {n:,})" for s, n in zip(df["share"], df["n"])]
    df["label"] = [_wrap(n, 24) for n in df["area_name"]]
    selected = df.loc[df["area_code"] == f.area_code, "label"]
    fig = partial(charts.bar_chart, df, "label", "share", percent=True, text="value_text", error=("low", "high"), inside="middle",
                           highlight=selected.iloc[0] if len(selected) else None, height=max(300, 90 + 62 * len(df)),
                           value_title="Respondents agreeing, with 95% interval", xaxis=dict(range=[0, 1.02]))
    sub = df[df["area_type"] != "force"].sort_values("share", ascending=False, kind="stable")
    if len(sub) >= 2:
        hi, lo = sub.iloc[0], sub.iloc[-1]
        d = stats.newcombe_difference(int(hi["agree"]), int(hi["n"]), int(lo["agree"]), int(lo["n"]))
        if d.significant:
            title = (f"Agreement that “{statement(text)}” was higher in {hi['area_name']} ({fmt.pct(hi['share'], 0)}) "
                     f"than in {lo['area_name']} ({fmt.pct(lo['share'], 0)})")
        elif fmt.pct(lo["share"], 0) == fmt.pct(hi["share"], 0):
            title = f"Agreement that “{statement(text)}” was about {fmt.pct(hi['share'], 0)} in every area"
        else:
            title = (f"Agreement that “{statement(text)}” was similar across areas, from {fmt.pct(lo['share'], 0)} to "
                     f"{fmt.pct(hi['share'], 0)}: the differences are within the margin of error")
    else:
        title = f"{fmt.pct(df.iloc[0]['share'], 0)} agreed that “{statement(text)}” in {df.iloc[0]['area_name']}"
    table = pd.DataFrame({
        "Area": df["area_name"],
        "Area type": kind_column(df["area_type"]),
        "Respondents": df["n"],
        "Agreeing": df["agree"],
        "Agreeing (%)": (100 * df["share"]).round(1),
        "Lower 95% limit (%)": (100 * df["low"]).round(1),
        "Upper 95% limit (%)": (100 * df["high"]).round(1),
    })
    force_n = df.loc[df["area_type"] == "force", "n"]
    n_force = int(force_n.iloc[0]) if len(force_n) else int(df["n"].max())
    return Panel(
        metric_id=m.id, title=title,
        subtitle=f"“{text.rstrip('.')}”: the force and its {level_words(lvl)}, surveys {during(f)}; n = {n_force:,} respondents in the force. "
                 "Lines show the 95% confidence interval.",
        table=table, figure=fig, summary=title + ".",
        notes=tuple(n for n in (partnerships_not_shown(m.id, force, lvl, root),) if n),
    )


def no_data_reason(f: Filters, root: Path | None = None) -> str | None:
    """One friendly sentence when the selection has no survey answers and no completers, else None."""
    if response_rate(f, root)[1] > 0:
        return None
    try:
        _answers(f, root)
    except NoData as exc:
        return f"No data for this selection. {exc} Try a wider period or another area."
    return None
