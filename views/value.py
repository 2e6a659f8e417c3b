"""Commissioner view: value for money."""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import reoffending, value
from cara_metrics.registry import QUESTIONS

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("Value for money", QUESTIONS["value"], needs=("costs", "referrals"))
f = ui.filters(allow_custom_dates=False)

v = None
with ui.guard("the value-for-money estimate"):
    measured = value.compute(f)
    with st.sidebar:
        st.header("Assumptions")
        unit_cost = st.number_input("Cost per victim of domestic abuse (£, 2016/17 prices)", min_value=0.0,
                                    value=value.HOME_OFFICE_COST_PER_VICTIM, step=1000.0, format="%.0f",
                                    help="Home Office Research Report 107 (Oliver et al. 2019): £34,015 per victim, year ending March 2017.")
        index, price_fy = 1.0, None
        if measured.one_price_year:  # the ratio is the same in any price year; the pounds are not
            price_fy = st.selectbox("Show pounds in the prices of", measured.price_year_choices,
                                    index=measured.price_year_choices.index(measured.price_fy), format_func=value.price_year_label,
                                    help="Every pound on this page is converted to this financial year's prices with HM Treasury's "
                                         "GDP deflators. The benefit-cost ratio does not change.")
        else:  # with a GDP deflator table installed, the prices are converted, not guessed
            index = st.number_input("Price index for the 2016/17 cost (1.00 = 2016/17 prices)", min_value=0.5, max_value=3.0, value=1.0,
                                    step=0.01, help="No HM Treasury GDP deflator table is installed, so the pounds on this page are "
                                                    "not in one price year; multiply the 2016/17 cost by this to bring it nearer the cash costs.")
        effect = None
        if measured.da_effect is not None:
            d = measured.da_effect
            effect = st.slider("Domestic-abuse reoffences avoided per person referred", min_value=float(min(d.low, 0.0)),
                               max_value=float(max(d.high, 0.01)), value=float(d.estimate), step=0.005, format="%.3f",
                               help="Defaults to the measured difference; the range is its 95% confidence interval.")
    v = value.compute(f, value.Assumptions(unit_cost_gbp=unit_cost, price_index=index, effect_per_person=effect, price_fy=price_fy))
    st.warning(reoffending.SAVINGS_ASSUME, icon="⚖️")
    ui.tiles(value.tiles(v), columns=4)
    st.caption(v.price_note)
    st.markdown("#### What this means")
    for line in value.sentences(v):
        if line:
            st.markdown(f"- {line}")
    ui.panel(value.costs_panel(v), "costs")
if v is not None:  # the estimates need at least 60 people in each group (true counts); each says why if not
    with ui.guard("the estimates of what was avoided"):
        ui.table("Estimated reoffending, harm and money avoided", value.avoided_table(v), "benefit_cost_ratio", "avoided",
                 caption=f"{v.period}; measured on cohorts with a complete follow-up (CARA n = {v.cara_n:,}, comparison n = {v.comparison_n:,})")
    ui.show(lambda: value.tornado(v), "tornado", "the sensitivity chart")
    ui.table("Published benefit-cost ratios for CARA, for context", value.published_table(), "benefit_cost_ratio", "published")
    st.markdown("#### Assumptions")
    for line in value.assumption_lines(v):
        st.markdown(f"- {line}")
