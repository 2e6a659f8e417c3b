"""Question 1: domestic abuse in recorded crime."""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import crime, public_series
from cara_metrics.registry import QUESTIONS

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("Domestic abuse in recorded crime", QUESTIONS["crime"])
f = ui.filters()
grain = ui.grain_picker()
if crime.has_force_extract():
    ui.show(lambda: crime.share_panel(f, grain), "share", "the domestic-abuse share")
    ui.show(lambda: crime.rate_panel(f, grain), "rate", "the rate per 1,000 residents")
    level = ui.level_picker(f)
    col1, col2 = st.columns(2)
    with col1:
        ui.show(lambda: crime.offence_mix_panel(f), "mix", "the offence mix")
    with col2:
        ui.show(lambda: crime.area_panel(f, level=level), "areas", "the comparison of areas")
else:
    st.info("The force's domestic-abuse-flagged crime extract is not loaded yet, so the domestic-abuse share, rate "
            "and offence mix cannot be shown. All recorded crime from the public data that is loaded is below.")
with ui.guard("the ONS comparison of forces"):  # the force against every force, when the ONS series is loaded
    if note := public_series.ons_note(f):
        st.info(note)
    else:
        ui.panel(public_series.ons_force_panel(f), "ons-forces")
# All recorded crime, from whichever source is loaded (the force extract, Home Office or police.uk).
ui.show(lambda: crime.recorded_panel(f, grain), "recorded", "all recorded crime")
ui.show(lambda: crime.recorded_area_panel(f), "recorded-areas", "all recorded crime by area")
