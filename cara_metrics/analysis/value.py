"""Value for money on the page and in the board pack: tiles, sentences, the sensitivity
(tornado) chart, the costs chart and the estimates table. The method and every assumption
are stated once, in ``cara_metrics.metrics.value``, which computes the figures shown here."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from .. import charts, formatting as fmt, registry
from ..metrics.reoffending import MIN_GROUP
from ..metrics.value import (EARLIEST, HOME_OFFICE_COST_PER_VICTIM, PUBLISHED_BCR, Assumptions, Estimate, Value, bcr_for,
                             compute, costs_by_year)
from ..panels import NoData, Panel, Tile

__all__ = ["EARLIEST", "HOME_OFFICE_COST_PER_VICTIM", "PUBLISHED_BCR", "Assumptions", "Estimate", "Value", "bcr_for", "compute",
           "costs_by_year", "tiles", "sentences", "tornado", "costs_panel", "avoided_table", "published_table",
           "assumption_lines"]

def tiles(v: Value) -> list[Tile]:
    m = registry.get
    out = [
        Tile("programme_cost", "Programme cost", v.cost_gbp, fmt.gbp(v.cost_gbp), None, f"{v.referred:,} referred, {v.completed:,} completed", v.period, m("programme_cost").definition),
        Tile("cost_per_referral", "Cost per person referred", v.cost_per_referral, fmt.gbp(v.cost_per_referral), None, f"n = {v.referred:,} referred", v.period, m("cost_per_referral").definition),
        Tile("cost_per_completion", "Cost per person completing", v.cost_per_completion, fmt.gbp(v.cost_per_completion), None, f"n = {v.completed:,} completed", v.period, m("cost_per_completion").definition),
    ]
    if v.bcr is not None and v.enough:
        out.append(Tile("benefit_cost_ratio", "Benefit-cost ratio (estimate)", v.bcr.value, fmt.number(v.bcr.value, 2), None,
                        f"95% CI {fmt.number(v.bcr.low, 2)} to {fmt.number(v.bcr.high, 2)}; CARA n = {v.cara_n:,}, comparison n = {v.comparison_n:,}",
                        v.period, m("benefit_cost_ratio").definition))
    return out


def sentences(v: Value) -> list[str]:
    """Plain-English statements for the page and the board pack."""
    if not v.enough or v.da_reoffences_avoided is None:
        return [f"No estimate of savings is made: at least {MIN_GROUP} people are needed in each group with a complete follow-up "
                f"(CARA {v.cara_n:,}, comparison {v.comparison_n:,})."]
    r, d, h, b = v.reoffences_avoided, v.da_reoffences_avoided, v.harm_days_avoided, v.bcr
    return [
        f"CARA cost {fmt.gbp(v.cost_gbp)} in {v.period}: {fmt.gbp(v.cost_per_referral)} per person referred and {fmt.gbp(v.cost_per_completion)} per person completing.",
        f"If the measured difference holds, about {fmt.count(r.value)} proven reoffences were avoided among the {v.referred:,} people referred "
        f"(95% CI {fmt.count(r.low)} to {fmt.count(r.high)}), {fmt.count(d.value)} of them domestic abuse (95% CI {fmt.count(d.low)} to {fmt.count(d.high)}).",
        f"That is about {fmt.count(h.value)} crime-harm days avoided (95% CI {fmt.count(h.low)} to {fmt.count(h.high)})." if h else "",
        f"At {fmt.gbp(v.assumptions.unit_cost_today)} per victim, the estimated benefit is {fmt.gbp(v.benefit_gbp.value)}, "
        f"a benefit-cost ratio of {fmt.number(b.value, 2)} (95% CI {fmt.number(b.low, 2)} to {fmt.number(b.high, 2)}); "
        f"published ratios for CARA are 2.75 and 11.1 (Karavias et al. 2023).",
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
    u = v.assumptions.unit_cost_today
    rows = [
        ("Effect on domestic-abuse reoffending (95% CI)", bcr_for(v, effect=v.da_effect.low), bcr_for(v, effect=v.da_effect.high),
         f"{v.da_effect.low:.3f} to {v.da_effect.high:.3f} per person"),
        ("Cost per victim (half to one and a half times)", bcr_for(v, unit_cost=0.5 * u), bcr_for(v, unit_cost=1.5 * u), f"{fmt.gbp(0.5 * u)} to {fmt.gbp(1.5 * u)}"),
        ("Programme cost (20% higher to 20% lower)", bcr_for(v, cost_factor=1.2), bcr_for(v, cost_factor=0.8), "±20%"),
    ]
    df = pd.DataFrame(rows, columns=["Input", "Low", "High", "Range tested"])
    df["Swing"] = (df["High"] - df["Low"]).abs()
    df = df.sort_values("Swing", ascending=True)
    traces = [
        go.Bar(y=df["Input"], x=df["Low"] - base, base=base, orientation="h", name="Input at its low end",
               marker=dict(color=charts.TWO_SERIES[1], pattern_shape="/"), hovertemplate="%{x:.2f}<extra>low end</extra>"),
        go.Bar(y=df["Input"], x=df["High"] - base, base=base, orientation="h", name="Input at its high end",
               marker=dict(color=charts.TWO_SERIES[0]), hovertemplate="%{x:.2f}<extra>high end</extra>"),
    ]
    lines = [dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=line)
             for x, line in ((base, dict(color="#0b0c0c", width=2)), (1, dict(color=charts.INK, width=1, dash="dot")))]
    fig = partial(charts.figure, traces, charts.layout(x_title="Benefit-cost ratio", height=320, hovermode="closest"),
                        yaxis=dict(rangemode="normal", gridcolor="rgba(0,0,0,0)"),
                        extra=dict(barmode="overlay", shapes=lines,
                                   annotations=[dict(x=1, y=1.02, xref="x", yref="paper", text="Break-even (1)", showarrow=False,
                                                     xanchor="left", font=dict(size=11))]))
    top = df.iloc[-1]
    table = df[["Input", "Range tested", "Low", "High"]].rename(columns={"Low": "Ratio at low end", "High": "Ratio at high end"}).round(2)
    title = f"The estimate is most sensitive to the {top['Input'].split(' (')[0].lower()}"
    return Panel(m.id, title, f"Central estimate {fmt.number(base, 2)}; {v.period}", table.iloc[::-1].reset_index(drop=True), fig,
                 f"{title}: across its range the ratio runs from {fmt.number(min(top['Low'], top['High']), 2)} to {fmt.number(max(top['Low'], top['High']), 2)}.")


def costs_panel(v: Value) -> Panel:
    m = registry.get("cost_per_referral")
    df = v.by_year
    fig = partial(charts.bar_chart, df.assign(label=[fmt.gbp(x) for x in df["cost_gbp"]]), "financial_year", "cost_gbp", horizontal=False,
                           text="label", y_title="Programme cost (£)")
    table = pd.DataFrame({
        "Financial year": df["financial_year"], "Programme cost (£)": df["cost_gbp"].round(0),
        "People referred": df["referred"], "People completing": df["completed"],
        "Cost per referral (£)": df["cost_per_referral"].round(0), "Cost per completion (£)": df["cost_per_completion"].round(0),
    })
    title = f"CARA cost {fmt.gbp(v.cost_per_referral)} per person referred in {v.period}"
    return Panel(m.id, title, f"Whole force, {v.period}; n = {v.referred:,} referred, {v.completed:,} completed", table, fig,
                 f"{title}, and {fmt.gbp(v.cost_per_completion)} per person completing.")


def avoided_table(v: Value) -> pd.DataFrame:
    """The estimates with their intervals, as one table (page and board pack). NoData when
    either group has fewer than 60 people with a complete follow-up (true counts)."""
    if not v.enough:
        raise NoData(too_few(v))
    rows = []
    for label, e, unit in (("Proven reoffences avoided", v.reoffences_avoided, "reoffences"),
                           ("Domestic-abuse reoffences avoided", v.da_reoffences_avoided, "reoffences"),
                           ("Crime-harm days avoided", v.harm_days_avoided, "days"),
                           ("Benefit (£)", v.benefit_gbp, "£"),
                           ("Benefit-cost ratio", v.bcr, "ratio")):
        if e is None:
            continue
        dp = 2 if unit == "ratio" else 0
        rows.append({"Estimate": label, "Central": round(e.value, dp), "95% CI low": round(e.low, dp), "95% CI high": round(e.high, dp)})
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
        f"(Home Office 2019, 2016/17 prices) x price index {a.price_index:.2f} = {fmt.gbp(a.unit_cost_today)}.",
        "Only domestic-abuse reoffences are valued in money; other reoffences avoided and crime-harm days are shown but not priced.",
        "Costs are what the PCC paid in the financial years chosen, for the whole force; the interval on the ratio reflects only "
        "the uncertainty in the effect, so the sensitivity chart shows the other inputs.",
    ]
