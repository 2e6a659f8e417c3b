"""Accessibility statement for the public CARA pages (GOV.UK model statement)."""

import streamlit as st

from cara_metrics import public, ui_public

ui_public.start("Accessibility statement for the public CARA figures")

for heading, body in public.accessibility_sections():
    st.header(heading)
    st.markdown(body)
