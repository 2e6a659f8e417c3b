"""Public tables: every table of the public release for an area, with CSV and ODS downloads."""

import streamlit as st

from cara_metrics import public, ui_public

ui_public.start(
    "CARA: tables and downloads",
    "Each table below is shown for the area you choose. The downloads hold the whole table for every area, with a "
    "metadata sheet explaining each column and symbol.",
)

st.header("Choose an area and a financial year")
area, year = ui_public.choose_area_and_year()

panels = public.panels(area, year)
for name, spec in public.table_specs().items():
    st.header(spec["title"])
    st.markdown(spec["description"])
    ui_public.table_section(name, panels[name], spec["title"].lower())

st.header("Symbols")
ui_public.symbols_key()
