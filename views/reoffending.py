"""Question 5: do people referred to CARA reoffend less?"""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import reoffending
from cara_metrics.registry import QUESTIONS

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("Reoffending", QUESTIONS["reoffending"], needs=("cohort",))
f = ui.filters()
with ui.guard("this page"):
    reason = reoffending.no_data_reason(f)
    if reason:
        st.info(reason)
        st.stop()
with ui.guard("which cautions are counted"):
    st.info(reoffending.follow_up_note(f), icon="ℹ️")

st.header("Everyone referred, against the comparison group")
st.warning(reoffending.NOT_A_TRIAL, icon="⚖️")
st.caption("Intention to treat: everyone referred to CARA counts, whether or not they completed the workshops, so the "
           "comparison is not flattered by leaving out those who dropped out.")
with ui.guard("the headline figures"):
    ui.tiles(reoffending.headline_tiles(f), columns=3)
ui.show(lambda: reoffending.rate_panel(f), "itt", "the reoffending rate")
ui.show(lambda: reoffending.comparison_panel(f), "comparison", "the comparison table")

st.header("Each measure in detail")
ui.show(lambda: reoffending.rate_panel(f, "da"), "da", "domestic-abuse reoffending")
ui.show(lambda: reoffending.frequency_panel(f), "frequency", "reoffences per 100 people")
ui.show(lambda: reoffending.time_panel(f), "time", "time to first reoffence")
ui.show(lambda: reoffending.harm_panel(f), "harm", "crime harm")

st.header("Over time and by area")
ui.show(lambda: reoffending.trend_panel(f), "trend", "reoffending by quarter of caution")
level = ui.level_picker(f)
ui.show(lambda: reoffending.area_panel(f, level=level), "areas", "reoffending by area")

st.header("Only those who completed the workshops")
st.warning(reoffending.completers_caveat(), icon="⚠️")
ui.show(lambda: reoffending.rate_panel(f, "any", "completers"), "completers", "completers against comparison")
