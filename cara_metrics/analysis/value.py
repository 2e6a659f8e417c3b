"""Value for money on the page and in the board pack: tiles, sentences, the sensitivity
(tornado) chart, the costs chart and the estimates table. The method and every assumption
are stated once, in ``cara_metrics.metrics.value``, which computes the figures shown here."""

from __future__ import annotations

import textwrap
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from .. import charts, formatting as fmt, registry
from ..contract import financial_year_label
from ..metrics.reoffending import MIN_GROUP
from ..metrics.value import (EARLIEST, HOME_OFFICE_COST_PER_VICTIM, PUBLISHED_BCR, UNIT_COST_FY, Assumptions, Estimate, Value,
                             bcr_for, compute, costs_by_year)
from ..panels import NoData, Panel, Tile

__all__ = ["EARLIEST", "HOME_OFFICE_COST_PER_VICTIM", "PUBLISHED_BCR", "UNIT_COST_FY", "Assumptions", "Estimate", "Value", "bcr_for",
           "compute", "costs_by_year", "tiles", "sentences", "tornado", "costs_panel", "avoided_table", "published_table",
           "assumption_lines", "money", "ratio", "per_pound", "published_range"]


def price_year_label(fy: int) -> str:
    """A price-year choice as the page offers it ("2022/23 prices")."""
    return f"{financial_year_label(fy)} prices"


def money(x: float | None) -> str:
    """Pounds as a board reads them: £100,000 and over in millions to one decimal ('£0.8 million'),
    smaller sums to the pound ('£713'). One rule for the page, its sentences and the board pack."""
    if x is None:
        return "–"
    if abs(x) >= 100_000:
        return f"{'−' if x < 0 else ''}£{fmt.number(abs(x) / 1e6, 1)} million"
    return fmt.gbp(x)


def ratio(x: float | None) -> str:
    """A benefit-cost ratio to one decimal ('4.7'): the inputs do not support more."""
    return fmt.number(x, 1)


def per_pound(x: float) -> str:
    """'about £5 back for every £1 spent' (or pence, below £1)."""
    if x >= 1:
        return f"about £{round(x):,} back for every £1 spent"
    return f"about {max(round(100 * x), 0)}p back for every £1 spent"


def published_range() -> str:
    """The published ratios as one range, each as published ('2.75 to 11.1')."""
    lo, hi = min(PUBLISHED_BCR.values()), max(PUBLISHED_BCR.values())
    return f"{lo:g} to {hi:g}"


def tiles(v: Value) -> list[Tile]:
    m = registry.get
    out = [
        Tile("programme_cost", "Programme cost", v.cost_gbp, money(v.cost_gbp), None, f"{v.referred:,} referred, {v.completed:,} completed; {v.price_basis}", v.period, m("programme_cost").definition),
        Tile("cost_per_referral", "Cost per person referred", v.cost_per_referral, money(v.cost_per_referral), None, f"n = {v.referred:,} referred", v.period, m("cost_per_referral").definition),
        Tile("cost_per_completion", "Cost per person completing", v.cost_per_completion, money(v.cost_per_completion), None, f"n = {v.completed:,} completed", v.period, m("cost_per_completion").definition),
    ]
    if v.bcr is not None and v.enough:
        out.append(Tile("benefit_cost_ratio", "Benefit-cost ratio (estimate)", v.bcr.value, ratio(v.bcr.value), None,
                        f"{per_pound(v.bcr.value)}; likely between {ratio(v.bcr.low)} and {ratio(v.bcr.high)}",
                        v.period, m("benefit_cost_ratio").definition))
    return out


def sentences(v: Value) -> list[str]:
    """Plain-English statements for the page and the board pack."""
    if not v.enough or v.da_reoffences_avoided is None:
        return [f"No estimate of savings is made: at least {MIN_GROUP} people are needed in each group with a complete follow-up "
                f"(CARA {v.cara_n:,}, comparison {v.comparison_n:,})."]
    r, d, h, b = v.reoffences_avoided, v.da_reoffences_avoided, v.harm_days_avoided, v.bcr
    return [
        f"CARA cost {money(v.cost_gbp)} in {v.period} ({v.price_basis}): {money(v.cost_per_referral)} per person referred and {money(v.cost_per_completion)} per person completing.",
        f"If the measured difference holds, about {fmt.count(r.value)} proven reoffences were avoided among the {v.referred:,} people referred "
        f"(likely between {fmt.count(r.low)} and {fmt.count(r.high)}), {fmt.count(d.value)} of them domestic abuse (likely between {fmt.count(d.low)} and {fmt.count(d.high)}).",
        f"That is about {fmt.count(h.value)} crime-harm days avoided (likely between {fmt.count(h.low)} and {fmt.count(h.high)})." if h else "",
        f"At {money(v.unit_cost)} per victim, the estimated benefit is {money(v.benefit_gbp.value)}: a benefit-cost ratio of {ratio(b.value)}, "
        f"{per_pound(b.value)} (likely between {ratio(b.low)} and {ratio(b.high)}); published ratios for CARA run from "
        f"{published_range()} (Karavias et al. 2023).",
    ]


def too_few(v: Value) -> str:
    return (f"No estimate of savings is made: at least {MIN_GROUP} people are needed in each group with a complete "
            f"follow-up (CARA {v.cara_n:,}, comparison {v.comparison_n:,}).")


def tornado(v: Value) -> Panel:
    """How far the benefit-cost ratio moves as each input runs across a plausible range."""
    m = registry.get("benefit_cost_ratio")
    if v.da_effect is None or not v.enough:
        raise NoData(too_few(v))
    base = bcr_for(v)
    u = v.unit_cost
    rows = [
        ("Effect on domestic-abuse reoffending (its likely range)", bcr_for(v, effect=v.da_effect.low), bcr_for(v, effect=v.da_effect.high),
         f"{v.da_effect.low:.3f} to {v.da_effect.high:.3f} per person"),
        ("Cost per victim (half to one and a half times)", bcr_for(v, unit_cost=0.5 * u), bcr_for(v, unit_cost=1.5 * u), f"{fmt.gbp(0.5 * u)} to {fmt.gbp(1.5 * u)}"),
        ("Programme cost (20% lower to 20% higher)", bcr_for(v, cost_factor=0.8), bcr_for(v, cost_factor=1.2),
         f"{fmt.gbp(0.8 * v.cost_gbp)} to {fmt.gbp(1.2 * v.cost_gbp)}"),
    ]
    # "Low" and "High" are the ratio with the INPUT at its low and high end, for every row: a
    # cheaper programme (cost at its low end) gives a higher ratio, so that bar points right.
    df = pd.DataFrame(rows, columns=["Input", "Low", "High", "Range tested"])
    df["Swing"] = (df["High"] - df["Low"]).abs()
    df = df.sort_values("Swing", ascending=True)
    # Short row labels, wrapped, so they fit beside the bars on a phone; the table keeps the ranges.
    rows_y = ["<br>".join(textwrap.wrap(i.split(" (")[0], 18)) for i in df["Input"]]
    traces = [
        go.Bar(y=rows_y, x=df["Low"] - base, base=base, orientation="h", name="Input at its low end",
               marker=dict(color=charts.TWO_SERIES[1], pattern_shape="/"), hovertemplate="%{x:.1f}<extra>input at its low end</extra>"),
        go.Bar(y=rows_y, x=df["High"] - base, base=base, orientation="h", name="Input at its high end",
               marker=dict(color=charts.TWO_SERIES[0]), hovertemplate="%{x:.1f}<extra>input at its high end</extra>"),
    ]
    lines = [dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=line)
             for x, line in ((base, dict(color="#0b0c0c", width=2)), (1, dict(color=charts.INK, width=1, dash="dot")))]
    fig = partial(charts.figure, traces, charts.layout(x_title="Benefit-cost ratio", height=320, hovermode="closest"),
                        yaxis=dict(rangemode="normal", gridcolor="rgba(0,0,0,0)"),
                        extra=dict(barmode="overlay", shapes=lines,
                                   annotations=[dict(x=1, y=1.02, xref="x", yref="paper", text="Break-even (1)", showarrow=False,
                                                     xanchor="left", font=dict(size=11))]))
    top = df.iloc[-1]
    table = df[["Input", "Range tested", "Low", "High"]].rename(
        columns={"Low": "Ratio with the input at its low end", "High": "Ratio with the input at its high end"}).round(1)
    title = f"The estimate is most sensitive to the {top['Input'].split(' (')[0].lower()}"
    return Panel(m.id, title, f"Central estimate {ratio(base)}; {v.period}; {v.price_basis}", table.iloc[::-1].reset_index(drop=True), fig,
                 f"{title}: across its range the ratio runs from {ratio(min(top['Low'], top['High']))} to {ratio(max(top['Low'], top['High']))}.")


def costs_panel(v: Value) -> Panel:
    m = registry.get("cost_per_referral")
    df = v.by_year
    # The title is about the cost per person referred, so the bars are too (the yearly totals are in the table).
    fig = partial(charts.bar_chart, df.assign(label=[money(x) for x in df["cost_per_referral"]]), "financial_year", "cost_per_referral",
                  horizontal=False, text="label", y_title="Cost per person referred (£)")
    table = pd.DataFrame({
        "Financial year": df["financial_year"], "Programme cost, cash (£)": df["cash_cost_gbp"].round(0),
        f"Programme cost (£, {v.price_basis})": df["cost_gbp"].round(0),
        "People referred": df["referred"], "People completing": df["completed"],
        "Cost per referral (£)": df["cost_per_referral"].round(0), "Cost per completion (£)": df["cost_per_completion"].round(0),
    })
    if not v.one_price_year:
        del table[f"Programme cost (£, {v.price_basis})"]
    title = f"CARA cost {money(v.cost_per_referral)} per person referred in {v.period}"
    return Panel(m.id, title, f"Whole force, {v.period}; n = {v.referred:,} referred, {v.completed:,} completed; {v.price_basis}", table, fig,
                 f"{title}, and {money(v.cost_per_completion)} per person completing ({v.price_basis}).")


def avoided_table(v: Value) -> pd.DataFrame:
    """The estimates with their intervals, as one table (page and board pack). NoData when
    either group has fewer than 60 people with a complete follow-up (true counts)."""
    if not v.enough:
        raise NoData(too_few(v))
    rows = []
    for label, e, unit in (("Proven reoffences avoided", v.reoffences_avoided, "reoffences"),
                           ("Domestic-abuse reoffences avoided", v.da_reoffences_avoided, "reoffences"),
                           ("Crime-harm days avoided", v.harm_days_avoided, "days"),
                           (f"Benefit (£, {v.price_basis})", v.benefit_gbp, "£"),
                           ("Benefit-cost ratio", v.bcr, "ratio")):
        if e is None:
            continue
        dp = 1 if unit == "ratio" else 0
        rows.append({"Estimate": label, "Central": round(e.value, dp), "Likely between (low)": round(e.low, dp),
                     "Likely between (high)": round(e.high, dp)})
    return pd.DataFrame(rows)


def published_table() -> pd.DataFrame:
    return pd.DataFrame({"Study": list(PUBLISHED_BCR), "Benefit-cost ratio (£ saved per £1)": list(PUBLISHED_BCR.values())})


def assumption_lines(v: Value) -> list[str]:
    """Every assumption behind the estimate, stated in words (page and board pack)."""
    a = v.assumptions
    return [
        "The effect is the intention-to-treat difference in proven reoffences per person between everyone referred to CARA "
        "and the comparison group, measured on cohorts whose 12-month follow-up and 6-month waiting period have ended.",
        "That difference is assumed to hold for everyone referred in the period, including people whose follow-up is not complete.",
        "The comparison group (domestic-abuse cautions before CARA started) is not randomised; other changes over time may explain part of the difference.",
        f"Each domestic-abuse reoffence avoided is assumed to spare one victim the average cost of domestic abuse: {fmt.gbp(a.unit_cost_gbp)} "
        "(Home Office 2019, 2016/17 prices)" + (f", {fmt.gbp(v.unit_cost)} in {v.price_basis}." if v.one_price_year else "."),
        v.price_note,
        "Only domestic-abuse reoffences are valued in money; other reoffences avoided and crime-harm days are shown but not priced.",
        "Costs are what the PCC paid in the financial years chosen, for the whole force; the interval on the ratio reflects only "
        "the uncertainty in the effect, so the sensitivity chart shows the other inputs.",
    ]
