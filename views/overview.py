"""Overview: one headline tile per question, for the last financial year chosen."""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import overview

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("CARA dashboard: overview", "Cautioning and Relationship Abuse (CARA) workshops: what they reach, who completes, and whether people reoffend less.", needs=("referrals",))
f = ui.filters()
st.caption(f"Latest financial year in your selection, against the year before. Area and years are chosen in the sidebar. Data as at {ui.data_as_at_text()}.")
with ui.guard("the headline figures"):
    ui.tiles(overview.tiles(f), columns=3)
with ui.guard("the summary"):
    st.markdown("#### In plain English")
    for line in overview.summary(f):
        st.markdown(f"- {line}")

with ui.guard("the board pack"):
    from cara_metrics import boardpack
    from cara_metrics.dataroot import data_root

    st.markdown("#### Board pack")
    pack_period = boardpack.period_of(f)
    boardpack.check(pack_period, f.area_code)  # a period or area with no data shows a message here, not a failed download
    pack_root = data_root()
    st.caption(f"A PowerPoint deck for {pack_period} (the last financial year you chose), for the area chosen: the headline "
               "figures against the year before, trends over the six years to it, reoffending, value for money and the "
               "data notes. It is built when you click, from the same figures as these pages.")
    st.download_button(
        "Download the board pack (PowerPoint)",
        data=lambda: boardpack.build(pack_period, area=f.area_code, root=pack_root),  # built on click
        file_name=boardpack.file_name(pack_period, f.area_code), mime=boardpack.MIME,
        on_click="ignore", icon=":material/download:", key="board_pack",
    )
