"""The Tables page's panels, one or two per release table, for an area (and a year where the
table has one): message title, subtitle with period and n, the table as released, a chart,
a summary sentence and the notes on its symbols.

Each panel is built from the release only (:func:`~.release.table`); a panel that cannot be
built raises ``NoData`` with a reason, and :func:`panels` returns builders so that a page
shows the others when one fails. Charts plot the released values; a withheld value is a gap.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd

from .. import charts, registry
from ..panels import NoData, Panel
from .figures import Figure, cell_text, ci_text, comparison_period, diff_words, dp_for, figure, missing, pct_text, pooled_period
from .headlines import HEADLINE_QUESTION, reoffending_sentence
from .reasons import hidden_notes, policy, symbol_notes
from .release import area_name, release_info, table


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
    # A date axis (each year drawn at 1 April, labelled as a financial year), so a break in
    # the series is marked on the date it happened, as on the staff charts.
    starts = [_fy_start(p) for p in share["period"]]
    fig_df = pd.DataFrame({"start": starts, "share": (share["shown"] / 100).to_numpy(),
                           "provisional": ["[p]" in str(s).split() for s in share["symbol"]]})
    breaks = release_info(root).breaks
    crime_breaks = breaks[breaks["series"] == "crime"] if "series" in breaks else breaks
    events = [charts.Event(pd.Timestamp(d).date(), f"Break in series [b] ({pd.Timestamp(d):%B %Y})", breaks_series=True)
              for d in crime_breaks["break_date"]]
    fig = charts.line_chart(fig_df, "start", ["share"], names=[name], percent=True, y_title="Share of recorded crime",
                            events=events or False, tick_text=list(share["period"]), provisional="provisional",
                            xaxis=dict(title_text="Financial year"))
    title = _crime_title(share, name)
    last = _first_last(years, "da_share")[1]
    n_last = years[(years["measure"] == "all_crimes") & (years["period"] == last["period"])]["shown"].iloc[0]
    brk = _break_notes(table_, root)
    return Panel(m.id, title, f"{name}, financial years {years['period'].iloc[0]} to {years['period'].iloc[-1]}; "
                 f"n = {n_last:,.0f} recorded crimes in {last['period']}", table_, fig,
                 f"{title}. Counts of offences are published exactly.", brk)


def _break_notes(table_: pd.DataFrame, root: Path | None) -> tuple[str, ...]:
    """The crime series' breaks, described, when the table shows a [b] (and only then)."""
    if "[b]" not in table_.to_string():
        return ()
    b = release_info(root).breaks
    b = b[b["series"] == "crime"] if "series" in b else b
    return tuple(f"[b] Break in series: {r}" for r in b["description"])


def _fy_start(label: str) -> dt.date:
    """1 April of a financial year label such as '2019/20'."""
    return dt.date(int(str(label)[:4]), 4, 1)


def _crime_title(share: pd.DataFrame, name: str) -> str:
    """The latest published final share, compared only like with like: with the first year of
    the same series (the year a break in series starts, marked [b], or later), never with a
    provisional year ([p]), and not at all when there is no earlier year in that series."""
    rows = share[share["shown"].notna()].reset_index(drop=True)
    marks = [str(s).split() for s in rows["symbol"]]
    final = [i for i, m in enumerate(marks) if "[p]" not in m]
    last_i = final[-1] if final else len(rows) - 1
    last = rows.iloc[last_i]
    head = f"Domestic abuse was {last['shown']:.1f}% of recorded crime in {name} in {last['period']}"
    if "[p]" in marks[last_i]:
        return head + " (provisional [p])"
    starts = [i for i in final if "[b]" in marks[i] and i <= last_i]
    first_i = starts[-1] if starts else (final[0] if final else last_i)
    if first_i >= last_i:
        return head
    first = rows.iloc[first_i]
    way = "up" if last["shown"] > first["shown"] else "down" if last["shown"] < first["shown"] else "the same as"
    since = " (the first year after the break in series [b])" if starts else ""
    return head + f", {way}{' from' if way != 'the same as' else ''} {first['shown']:.1f}% in {first['period']}{since}"


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
                 table_, None, title + ".", _break_notes(table_, root))


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
    q1 = [p for p in fig_df["period"] if str(p).endswith("Q1")]
    fig = charts.line_chart(fig_df, "period", ["people"], names=[name], y_title="People referred in the quarter", events=False,
                            xaxis=dict(type="category", tickvals=q1, ticktext=[p[:7] for p in q1], automargin=True,
                                       title_text="Financial year (one point per quarter)"))
    first, last = _first_last(years, "referrals")
    if last is None:
        raise NoData(f"No referral figures are published for {name}.")
    title = f"{last['shown']:,.0f} people were referred to CARA in {name} in {last['period']}"
    if first is not None and first["period"] != last["period"]:
        title += f", against {first['shown']:,.0f} in {first['period']}, the year it began"
    return Panel(m.id, title, f"{name}, by quarter and financial year of caution, {years['period'].iloc[0]} to "
                 f"{years['period'].iloc[-1]}; n = {last['shown']:,.0f} people referred in {last['period']}",
                 table_, fig, title + ".",
                 hidden_notes(table_, "Financial year", {}, policy(release_info(root)))
                 + symbol_notes(table_, {"[z]": "[z]: CARA had not started in that quarter."}))


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
    fig_df = pd.DataFrame({"period": rate["period"].to_numpy(), "rate": (rate["shown"] / 100).to_numpy(),
                           "provisional": ["[p]" in str(s).split() for s in rate["symbol"]]})
    fig = charts.line_chart(fig_df, "period", ["rate"], names=[name], percent=True, y_title="Completed, % of closed cases",
                            events=False, provisional="provisional")
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1])
    shown = rate[rate["shown"].notna()]
    if shown.empty:
        title = f"Completion rates for {name} are not published ([c]): the numbers are too small"
        n_text = "n not published"
    else:
        # The headline is the latest final year: a provisional one ([p]) can still change.
        final = shown[["[p]" not in str(s).split() for s in shown["symbol"]]]
        last = final.iloc[-1] if len(final) else shown.iloc[-1]
        closed = df[(df["measure"] == "closed_cases") & (df["period"] == last["period"])].iloc[0]
        mark = "" if len(final) else " [p]"
        title = f"{pct_text(last['shown'], '', dp)}{mark} of closed cases in {name} in {last['period']} completed both workshops"
        n_text = f"n = {cell_text(closed['shown'], 'people', closed['symbol'])} closed cases in {last['period']}"
    return Panel(m.id, title, f"{name}, by financial year of caution, {years[0]} to {years[-1]}; {n_text}", table_, fig,
                 title + ". Breached means the person did not attend and the case went back to the police.",
                 hidden_notes(table_, "Financial year of caution",
                              {"Completion rate": ("Closed cases", "completed both workshops", "closed cases")},
                              policy(release_info(root)))
                 + symbol_notes(table_, {"[p]": "[p]: provisional, some cases are still in progress and the figures will "
                                                "change as they close."}))


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
        plot.append({"statement": "<br>".join(textwrap.wrap(str(pct["category_label"]).rstrip("."), 34)), "share": None if missing(pct["shown"]) else pct["shown"] / 100,
                     "label": pct_text(pct["shown"], pct["symbol"], dp)})
    table_ = pd.DataFrame(rows)
    pdf = pd.DataFrame(plot)
    fig = charts.bar_chart(pdf, "statement", "share", percent=True, text="label", value_title="Agreed or strongly agreed",
                           xaxis=dict(range=[0, 1]))
    head = year[(year["category"] == HEADLINE_QUESTION) & (year["measure"] == "agree_pct")]
    if len(head) and not missing(head["shown"].iloc[0]):
        title = (f"{pct_text(head['shown'].iloc[0], head['symbol'].iloc[0], dp)} of respondents in {name} in {fy} said the "
                 "workshops changed their attitude towards their partner")
    else:
        title = f"Survey answers for {name} in {fy}: some percentages are not published to protect respondents"
    resp = _values(year[year["category"] == HEADLINE_QUESTION], "respondents")
    n_text = f"n = {resp.iloc[0]:,.0f} respondents" if len(resp) and not missing(resp.iloc[0]) else "n not published"
    return Panel(m.id, title, f"{name}, surveys in {fy}; {n_text} to the first statement", table_, fig,
                 title + ". The survey is answered by people who completed both workshops.",
                 hidden_notes(table_, "Statement", {"Agreed or strongly agreed": ("Respondents", "agreed", "respondents")},
                              policy(release_info(root))) + symbol_notes(table_))


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
            figs = {k: Figure(None if missing(v["shown"]) else float(v["shown"]), str(v["symbol"] or ""),
                              "percentage points", dp) for k, v in diff.items()} if diff and group == "cara" else {}
            rows.append({
                "Group": label, "People": cell_text(n["shown"], "people", n["symbol"]),
                "Reoffended within a year": pct_text(rate["shown"], rate["symbol"], dp),
                "Difference from the comparison group": diff_words(figs["difference"]) if figs else "[z]",
                "95% confidence interval of the difference": (ci_text(figs["difference_low"], figs["difference_high"])
                                                              if figs and figs["difference"].shown else
                                                              (figs["difference"].symbol if figs else "[z]")),
            })
            if period in (pooled_period(root), comparison_period(root)):
                plot.append({"group": ("Referred to CARA<br>cautioned " if group == "cara" else "Comparison group<br>cautioned ")
                             + str(period), "rate": None if missing(rate["shown"]) else rate["shown"] / 100,
                             "label": pct_text(rate["shown"], rate["symbol"], dp), "cara": group == "cara"})
    table_ = pd.DataFrame(rows)
    pdf = pd.DataFrame(plot)
    fig = charts.bar_chart(pdf, "group", "rate", percent=True, text="label", value_title="Proven reoffence within a year",
                           highlight=pdf.loc[pdf["cara"], "group"].iloc[0] if pdf["cara"].any() else None)
    sentence = reoffending_sentence(area_code, root)
    pooled = pooled_period(root)
    cara = figure("reoffending", "reoffending_rate", area_code, pooled, "cara", root=root)
    comp = figure("reoffending", "reoffending_rate", area_code, comparison_period(root), "comparison", root=root)
    title = (f"{cara.text} of people referred to CARA in {name} reoffended within a year, against {comp.text} of the comparison group"
             if cara.shown and comp.shown else f"Reoffending in {name}: rates are not published for groups this small")
    n = figure("reoffending", "people", area_code, pooled, "cara", root=root)
    cn = figure("reoffending", "people", area_code, comparison_period(root), "comparison", root=root)
    return Panel(m.id, title, f"{name}; cautions {pooled} (cohorts with a complete 18-month follow-up); n = {n.text} "
                 f"referred and {cn.text} in the comparison group (cautioned {comparison_period(root)})",
                 table_, fig, sentence,
                 ("Everyone referred is counted, whether or not they completed (intention to treat).",)
                 + hidden_notes(table_, "Group", {"Reoffended within a year": ("People", "reoffended", "people")},
                                policy(release_info(root)))
                 + symbol_notes(table_, {"[x]": "[x]: no comparison is made: a group has fewer than 60 people, or a rate "
                                                "the comparison needs is not published.",
                                         "[z]": "[z]: not applicable (the comparison group is not compared with itself)."}))


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
