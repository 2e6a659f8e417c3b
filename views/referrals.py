"""Question 2: how many people are referred to CARA?"""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import referrals
from cara_metrics.registry import QUESTIONS

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("Referrals to CARA", QUESTIONS["referrals"], needs=("referrals",))
f = ui.filters()
grain = ui.grain_picker()
with ui.guard("the referrals"):
    referrals.require_referrals(f)
    ui.show(lambda: referrals.volume_panel(f, grain), "volume", "referrals over time")
    ui.show(lambda: referrals.rolling_panel(f), "rolling", "the 12-month totals")
    level = ui.level_picker(f)
    ui.show(lambda: referrals.area_panel(f, level=level), "areas", "referrals by area")
    ui.show(lambda: referrals.days_to_workshop_panel(f, grain), "days", "the time to the first workshop")
    st.header("Who is referred")
    for row in (("age_band", "sex"), ("dash_risk", "index_offence")):
        for col, dimension in zip(st.columns(2), row):
            with col:
                ui.show(lambda: referrals.category_panel(f, dimension), dimension, "this breakdown of referrals")
