"""CARA dashboard: entry point. Page config, who the viewer is, and the navigation only.

Audiences (env ``CARA_AUDIENCE``):
* ``public``: only the public pages, which read only the published release.
* default: the public pages, plus the commissioner pages for signed-in staff (or for
  anyone while the data is purely synthetic demo data; never with real data).
Commissioner pages left out of the navigation cannot be reached by URL (Streamlit shows
the default page instead), and each one checks the viewer again itself.
"""

import streamlit as st

from cara_metrics import audience, ui_auth

st.set_page_config(page_title="CARA dashboard", page_icon="📊", layout="wide", initial_sidebar_state="auto")  # "auto": collapsed on a phone, so the figures come first

staff_view = audience.staff_view()
staff_allowed = staff_view and ui_auth.commissioner_allowed()
has_release = audience.public_available()

pages = []
if staff_allowed:
    pages += [
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
if has_release:
    pages += [
        st.Page("views/public_overview.py", title="Published figures", url_path="public", default=not staff_allowed),
        st.Page("views/public_tables.py", title="Tables and downloads", url_path="public-tables"),
        st.Page("views/public_methodology.py", title="Methodology", url_path="methodology"),
        st.Page("views/accessibility.py", title="Accessibility statement", url_path="accessibility"),
    ]
if staff_view:
    pages.append(st.Page("views/sign_in.py", title="Staff sign-in", url_path="sign-in", default=not pages))

if not pages:
    st.title("CARA dashboard")
    st.error("No public release has been published in this data folder yet. The data team can publish one with "
             "`python -m cara_metrics publish --data-dir DIR`.")
    st.stop()
if staff_view:
    ui_auth.sign_out_button()
# One flat list, no section headings: Streamlit 1.67 draws those inside the navigation's
# <ul>, which axe-core reports as a serious list-structure violation (WCAG 1.3.1).
st.navigation(pages, position="sidebar", expanded=True).run()
