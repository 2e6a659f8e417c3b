"""Public methodology: how the figures are made, the disclosure rules and the symbols."""

import streamlit as st

from cara_metrics import public, ui_public

info = ui_public.start("CARA: methodology")

with ui_public.guard("the methodology"):
    sections, metrics = public.methodology_sections(), public.metric_descriptions()
    for heading, body in sections:
        st.header(heading)
        st.markdown(body)
    st.header("What each figure means")
    for title, body in metrics:
        st.subheader(title)
        st.markdown(body)

st.header("What the words mean")
ui_public.glossary()

st.header("Protecting the people in the figures")
ui_public.bullets(public.policy_lines(info))
st.markdown(public.suppression_text(info))

st.header("Symbols")
ui_public.symbols_key()
