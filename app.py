"""CARA dashboard: entry point. Page config, who the viewer is, and the navigation only."""

import streamlit as st

st.set_page_config(page_title="CARA dashboard", page_icon="📊", layout="wide", initial_sidebar_state="expanded")

pages = {
    "Overview": [
        st.Page("pages/overview.py", title="Overview", url_path="overview", default=True),
    ],
    "The five questions": [
        st.Page("pages/crime.py", title="Domestic abuse in recorded crime", url_path="crime"),
    ],
    "About": [
        st.Page("pages/about_data.py", title="About the data", url_path="about-the-data"),
    ],
}

st.navigation(pages, position="sidebar", expanded=True).run()
