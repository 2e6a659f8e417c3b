"""Public overview: headline figures for one area and financial year, from the public release only."""

import streamlit as st

from cara_metrics import public, ui_public

# Figures first: title, banner, the two choices, then the headline figures, so a phone reader
# sees them on the first screen; what CARA is and the release's dates follow the figures.
info = ui_public.start("CARA: public figures", status=False)

area, year = ui_public.choose_area_and_year()

with ui_public.guard("the headline figures"):
    heading, tiles = f"Headline figures: {public.area_name(area)}, {year}", public.headline_tiles(area, year)
    st.header(heading)
    ui_public.tiles(tiles)

st.header("In plain English")
with ui_public.guard("the headline figures in words"):
    ui_public.bullets(public.headline_sentences(area, year))

st.header(f"Every area, {year}")
with ui_public.guard("the headline figures for every area"):
    every = public.headline_table(year)
    ui_public.tables_by_column(every, ("Area", "Kind of area"), alt=f"Headline figures for every area in {year}")
    for note in public.headline_table_notes(every):
        st.markdown(f"*{note}*")
st.caption("Figures about people below force level are rounded to the nearest 5. A count of 1 to 4 people is shown as "
           "[c], and so is a figure hidden so that such a count cannot be worked out, or a percentage that could "
           "identify people: the notes under each table say which. The full tables, with downloads, are on the tables "
           "page; the symbols are explained below.")

st.header("About this release")
st.markdown("Cautioning and Relationship Abuse (CARA) is a pair of workshops that some people are required to attend as "
            "part of a police caution for a first, lower-risk domestic-abuse offence. These pages show how many people "
            "are referred, how many complete the workshops, what they say about them and whether they reoffend less.")
ui_public.release_status(info)
st.subheader("Revisions")
st.markdown(info.revisions_text)
if len(info.revisions):
    with ui_public.guard("the list of revised figures"):
        ui_public.table(public.revisions_table(info), alt="Figures revised since the previous release")
st.subheader("Breaks in series")
st.markdown(info.breaks_text)
st.subheader("Symbols")
ui_public.symbols_key()
