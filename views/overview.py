"""Overview: one headline tile per question, for the last financial year chosen."""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import overview

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("CARA dashboard: overview", "Cautioning and Relationship Abuse (CARA) workshops: what they reach, who completes, and whether people reoffend less.")
f = ui.filters()
st.caption(f"Latest financial year in your selection, against the year before. Area and years are chosen in the sidebar. Data as at {ui.data_as_at_text()}.")
with ui.guard("the headline figures"):
    ui.tiles(overview.tiles(f), columns=3)
with ui.guard("the summary"):
    st.markdown("#### In plain English")
    for line in overview.summary(f):
        st.markdown(f"- {line}")
