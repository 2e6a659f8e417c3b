"""Commissioner view: data quality."""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import public_series, quality
from cara_metrics.registry import QUESTIONS

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("Data quality", QUESTIONS["quality"])

with ui.guard("the data quality report"):
    q = quality.compute()
    st.markdown(quality.status_text(q))
    ui.table("Warehouse versions", q.history, "table_freshness", "history", caption="Every load makes a new version; older versions are kept for rollback.")
    ui.table("Source files in the live version", quality.sources_table(q), "table_freshness", "sources")
    ui.table("How up to date each table is", q.freshness, "table_freshness", "freshness", caption=f"Data as at {ui.format_date(q.data_as_at)}")
    ui.table("Completeness of key fields", q.completeness, "field_completeness", "completeness")
    ui.table("Reoffending cohorts still in follow-up", q.open_cohorts, "table_freshness", "open-cohorts",
             caption="These cohorts are left out of reoffending figures until their 18 months have passed.")
    st.subheader("Force extract against the official ONS series")
    st.markdown(public_series.reconciliation_text())
    recon = public_series.reconciliation_table()
    if recon is not None:
        ui.table("Domestic-abuse crimes: force extract and ONS, by year", recon, "da_reconciliation", "reconciliation")
    st.subheader("Last ingest")
    st.markdown(quality.last_ingest_text(q))

with ui.guard("the councils in more than one partnership"):
    shared = quality.shared_councils()
    if len(shared):
        ui.table("Councils in more than one community safety partnership", shared, "recorded_crimes", "shared-councils",
                 caption=quality.SHARED_COUNCILS_TEXT)
