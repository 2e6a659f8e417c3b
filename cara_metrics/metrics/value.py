"""Value for money: what CARA costs, and what harm it may avoid.

Method (every assumption is also printed on the page):

* Cost per referral and per completion: programme cost in the chosen financial years over
  the force's referrals (or completions) in those years. Costs are held for the whole
  contract, so they are not split by area.
* Effect: the intention-to-treat difference in proven reoffences per person (comparison
  minus everyone referred), measured on cohorts whose 18-month follow-up has ended, with a
  Welch 95% interval. Assumed to hold for everyone referred in the period.
* Reoffences avoided = effect x people referred. Domestic-abuse reoffences avoided likewise.
* Money: each domestic-abuse reoffence avoided is assumed to spare one victim the average
  social and economic cost of domestic abuse (Home Office 2019: £34,015 per victim at
  2016/17 prices).
* Prices: every pound is put in one stated price year (by default the selection's last
  financial year) with HM Treasury's GDP deflators (:mod:`.deflators`): each year's cash
  cost and the 2016/17 unit cost are converted to that year's prices. When no deflator
  table is installed, costs stay in cash, the unit cost is scaled by a price index the user
  sets (1.00 = 2016/17 prices), and every output says the pounds are not in one price year.
* Benefit-cost ratio = money avoided / programme cost, with the interval carried through
  from the effect's interval (the other inputs are treated as fixed, which understates
  the total uncertainty; the sensitivity chart shows how much each input matters).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .. import stats, warehouse
from ..areas import NoData, force_of
from ..contract import financial_year_label
from ..periods import Filters
from . import deflators as deflators_mod, reoffending
from .deflators import Deflators
from .reoffending import MIN_GROUP

#: Home Office Research Report 107 (Oliver et al. 2019): cost per victim of domestic abuse,
#: year ending March 2017 prices.
HOME_OFFICE_COST_PER_VICTIM = 34_015.0
#: The financial year of the Home Office prices (year ending March 2017).
UNIT_COST_FY = 2016
EARLIEST = dt.date(1990, 1, 1)
#: Published benefit-cost ratios for CARA (Karavias et al. 2023), for context.
PUBLISHED_BCR = {"Karavias et al. 2023, lower estimate": 2.75, "Karavias et al. 2023, upper estimate": 11.1}


@dataclass(frozen=True)
class Assumptions:
    """Inputs the user may change on the page."""

    unit_cost_gbp: float = HOME_OFFICE_COST_PER_VICTIM
    price_index: float = 1.0  # used only without a deflator table: 1.0 = 2016/17 prices
    effect_per_person: float | None = None  # DA reoffences avoided per person; None = as measured
    price_fy: int | None = None  # the price year (start year); None = the selection's last financial year


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Value:
    """Everything the value-for-money page and the board pack show."""

    period: str
    cost_gbp: float
    referred: int
    completed: int
    cost_per_referral: float | None
    cost_per_completion: float | None
    da_effect: stats.Difference | None  # DA reoffences per person avoided (comparison - CARA)
    any_effect: stats.Difference | None
    harm_effect: stats.Difference | None
    reoffences_avoided: Estimate | None
    da_reoffences_avoided: Estimate | None
    harm_days_avoided: Estimate | None
    benefit_gbp: Estimate | None
    bcr: Estimate | None
    cara_n: int
    comparison_n: int
    assumptions: Assumptions
    by_year: pd.DataFrame
    #: The cost per victim used, in the stated prices.
    unit_cost: float = HOME_OFFICE_COST_PER_VICTIM
    #: Short label of the prices every pound is in ("2024/25 prices"), or what they are when mixed.
    price_basis: str = ""
    #: One sentence on the prices, with the deflator table's title and date when one is used.
    price_note: str = ""
    #: True when every pound is in one price year (a deflator table was used).
    one_price_year: bool = False
    #: The price year used (start year), and the years a reader may choose instead: those the
    #: deflator table covers from the unit cost's year to the selection's last year (empty without a table).
    price_fy: int | None = None
    price_year_choices: tuple[int, ...] = ()

    @property
    def enough(self) -> bool:
        return self.cara_n >= MIN_GROUP and self.comparison_n >= MIN_GROUP


def difference(people: pd.DataFrame, column: str) -> stats.Difference | None:
    cara = people.loc[people["cohort_group"] == "cara", column].astype(float)
    comp = people.loc[people["cohort_group"] == "comparison", column].astype(float)
    if len(cara) < 2 or len(comp) < 2:
        return None
    # comparison minus CARA: positive = fewer reoffences with CARA
    return stats.mean_difference(comp.to_numpy(), cara.to_numpy())


def scaled(d: stats.Difference | None, n: int) -> Estimate | None:
    return None if d is None else Estimate(d.estimate * n, d.low * n, d.high * n)


def costs_by_year(f: Filters, root: Path | None = None) -> pd.DataFrame:
    df = warehouse.query("value_costs", f.params(force=force_of(f.area_code, root)), root=root)
    df["financial_year"] = [financial_year_label(int(y)) for y in df["fy"]]
    df["cost_per_referral"] = df["cost_gbp"] / df["referred"].where(df["referred"] > 0)
    df["cost_per_completion"] = df["cost_gbp"] / df["completed"].where(df["completed"] > 0)
    return df


_SHIPPED = object()


def _price_note(a: Assumptions, table: Deflators, unit: float, price_fy: int, years: list[int]) -> str:
    """One sentence on the prices, citing the deflator release and any forecast years used."""
    forecast = sorted({y for y in (*years, UNIT_COST_FY, price_fy) if table.is_forecast(y)})
    names = [financial_year_label(y) for y in forecast]
    # No brackets around the source: the release's own title carries some.
    note = (f"All pounds are in {financial_year_label(price_fy)} prices: each year's cash cost and Home Office 2019's "
            f"£{a.unit_cost_gbp:,.0f} per victim (2016/17 prices, now £{unit:,.0f}) are converted with the GDP deflator. "
            f"Source: {table.source()}.")
    if len(names) == 1:
        note += f" The deflator for {names[0]} is an OBR forecast, not outturn."
    elif names:
        note += (f" The deflators for {', '.join(names[:-1])} and {names[-1]} are OBR forecasts in that release, not outturn; "
                 "a later release replaces them.")
    return note


@dataclass(frozen=True)
class PricedCosts:
    """The force's costs by financial year in one stated price year (or cash, without a table)."""

    years: pd.DataFrame  # costs_by_year, cost_gbp in the stated prices, cash_cost_gbp as paid
    unit_cost: float  # the cost per victim in the same prices
    basis: str  # "2024/25 prices", or what the pounds are when mixed
    note: str  # one sentence on the prices, citing the deflator table
    price_fy: int | None  # the price year (start year); None when the pounds are not in one price year
    factor: dict[int, float]  # financial year -> multiplier from that year's cash to the stated prices
    #: The price years a reader may choose: those the table covers from the unit cost's year to
    #: the selection's last year (empty without a table).
    choices: tuple[int, ...] = ()

    @property
    def one_price_year(self) -> bool:
        return self.price_fy is not None


def priced_costs(f: Filters, a: Assumptions = Assumptions(), root: Path | None = None, deflators=_SHIPPED) -> PricedCosts:
    """The force's programme costs for the selection, every pound in one price year: the one
    definition the page's tiles, the figures command and the board pack share. Raises NoData
    when the force has no costs recorded in the selection."""
    years = costs_by_year(f.with_area(force_of(f.area_code, root)), root)
    if years.empty or float(years["cost_gbp"].sum()) == 0:
        raise NoData(f"There are no programme costs recorded for {f.label}.")
    years = years.assign(cash_cost_gbp=years["cost_gbp"])
    fys = [int(y) for y in years["fy"]]
    table = deflators_mod.shipped() if deflators is _SHIPPED else deflators
    if table is None:
        return PricedCosts(
            years, a.unit_cost_gbp * a.price_index, "cash costs; cost per victim in 2016/17 prices",
            f"Not in one price year: programme costs are cash (the prices of the year paid) and the cost per victim is "
            f"Home Office 2019's £{a.unit_cost_gbp:,.0f} in 2016/17 prices x price index {a.price_index:.2f}, because no "
            "HM Treasury GDP deflator table is installed.", None, {y: 1.0 for y in fys})
    price_fy = a.price_fy if a.price_fy is not None else max(fys)
    factor = {y: table.factor(y, price_fy) for y in fys}
    years["cost_gbp"] = years["cash_cost_gbp"] * [factor[y] for y in fys]
    for col, n in (("cost_per_referral", "referred"), ("cost_per_completion", "completed")):
        years[col] = years["cost_gbp"] / years[n].where(years[n] > 0)
    unit = a.unit_cost_gbp * table.factor(UNIT_COST_FY, price_fy)
    choices = tuple(y for y in sorted(table.index) if UNIT_COST_FY <= y <= max(fys))
    return PricedCosts(years, unit, f"{financial_year_label(price_fy)} prices", _price_note(a, table, unit, price_fy, fys),
                       price_fy, factor, choices)


def compute(f: Filters, a: Assumptions = Assumptions(), root: Path | None = None, deflators=_SHIPPED) -> Value:
    """The value-for-money figures for the force containing the chosen area, every pound in
    one price year when a GDP deflator table is installed (``deflators``: a table, None for
    none, default the shipped one)."""
    force_f = f.with_area(force_of(f.area_code, root))
    pc = priced_costs(f, a, root, deflators)
    years, unit_cost = pc.years, pc.unit_cost
    cost, referred, completed = float(years["cost_gbp"].sum()), int(years["referred"].sum()), int(years["completed"].sum())
    # The effect is measured on every cohort with a complete follow-up up to the period's end.
    people = reoffending.people(force_f.with_dates(EARLIEST, force_f.date_to), root)
    da, any_, harm = difference(people, "da_reoffences"), difference(people, "reoffences"), difference(people, "harm_days")
    if da is not None and a.effect_per_person is not None:
        da = replace(da, estimate=a.effect_per_person)
    da_avoided = scaled(da, referred)
    benefit = None if da_avoided is None else Estimate(*(x * unit_cost for x in (da_avoided.value, da_avoided.low, da_avoided.high)))
    bcr = None if benefit is None else Estimate(benefit.value / cost, benefit.low / cost, benefit.high / cost)
    return Value(
        period=f.label, cost_gbp=cost, referred=referred, completed=completed,
        cost_per_referral=cost / referred if referred else None,
        cost_per_completion=cost / completed if completed else None,
        da_effect=da, any_effect=any_, harm_effect=harm,
        reoffences_avoided=scaled(any_, referred), da_reoffences_avoided=da_avoided,
        harm_days_avoided=scaled(harm, referred), benefit_gbp=benefit, bcr=bcr,
        cara_n=int((people["cohort_group"] == "cara").sum()), comparison_n=int((people["cohort_group"] == "comparison").sum()),
        assumptions=a, by_year=years, unit_cost=unit_cost, price_basis=pc.basis, price_note=pc.note,
        one_price_year=pc.one_price_year, price_fy=pc.price_fy, price_year_choices=pc.choices,
    )


def bcr_for(v: Value, *, effect: float | None = None, unit_cost: float | None = None, cost_factor: float = 1.0) -> float | None:
    """The benefit-cost ratio with one input changed (for sliders and the tornado chart)."""
    if v.da_effect is None:
        return None
    e = v.da_effect.estimate if effect is None else effect
    u = v.unit_cost if unit_cost is None else unit_cost
    return e * v.referred * u / (v.cost_gbp * cost_factor)
