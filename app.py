"""CARA dashboard: entry point. Page config, who the viewer is, and the navigation only.

Audiences (env ``CARA_AUDIENCE``):
* ``public``: only the public pages, which read only the published release.
* default: the public pages, plus the commissioner pages for signed-in staff (or for
  anyone while the data is purely synthetic demo data; never with real data).
Commissioner pages left out of the navigation cannot be reached by URL, and each one
checks the viewer again itself.
"""

import streamlit as st

from cara_metrics import audience, ui_auth

st.set_page_config(page_title="CARA dashboard", page_icon="📊", layout="wide", initial_sidebar_state="expanded")

public_home = audience.public_available()
public_pages = [
    st.Page("views/public_overview.py", title="Published figures", url_path="public", default=public_home and not audience.staff_view()),
    st.Page("views/public_tables.py", title="Tables and downloads", url_path="public-tables"),
    st.Page("views/public_methodology.py", title="Methodology", url_path="methodology"),
    st.Page("views/accessibility.py", title="Accessibility statement", url_path="accessibility"),
] if public_home else []

pages: dict[str, list] = {}
if audience.staff_view():
    if ui_auth.commissioner_allowed():
        pages["Commissioner"] = [
            st.Page("views/overview.py", title="Overview", url_path="overview", default=True),
            st.Page("views/crime.py", title="Domestic abuse in recorded crime", url_path="crime"),
            st.Page("views/referrals.py", title="Referrals to CARA", url_path="referrals"),
            st.Page("views/completion.py", title="Workshop completion", url_path="completion"),
            st.Page("views/survey.py", title="Participant survey", url_path="survey"),
            st.Page("views/reoffending.py", title="Reoffending", url_path="reoffending"),
            st.Page("views/value.py", title="Value for money", url_path="value-for-money"),
            st.Page("views/data_quality.py", title="Data quality", url_path="data-quality"),
            st.Page("views/about_data.py", title="About the data", url_path="about-the-data"),
        ]
    pages["Staff"] = [st.Page("views/sign_in.py", title="Staff sign-in", url_path="sign-in", default=not pages and not public_home)]
if public_pages:
    pages["Public"] = public_pages

if not pages:
    st.title("CARA dashboard")
    st.error("No public release has been published in this data folder yet. The data team can publish one with "
             "`python -m cara_metrics publish --data-dir DIR`.")
    st.stop()
if audience.staff_view():
    ui_auth.sign_out_button()
st.navigation(pages, position="sidebar", expanded=True).run()
