"""About the data: the methodology page, generated from the metric registry."""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import about

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("About the data")
with ui.guard("the data description"):
    for section in about.sections():
        st.header(section.heading)
        st.markdown(section.body)
        if section.table is not None:
            ui.dataframe(section.table)
