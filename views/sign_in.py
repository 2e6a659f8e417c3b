"""Staff sign-in: Microsoft (OpenID Connect) where configured, else a local account.

The sidebar's "Sign out" button is drawn by app.py (``ui_auth.sign_out_button()``) on
every page; this page has its own in the body, under a different key.
"""

import streamlit as st

from cara_metrics import ui_auth

st.title("Staff sign-in")
st.markdown("For PCC office staff: sign in to see the commissioner pages (live data, value for money, "
            "data quality, board pack). The public figures need no sign-in.")

viewer = ui_auth.viewer()

if viewer.signed_in:
    st.success(f"You are signed in as **{ui_auth.md_escape(viewer.email)}**.")
    ui_auth.sign_out_button(st.container(), key="cara-sign-out-page", caption=False)
elif ui_auth.oidc_configured():
    state = ui_auth.oidc_state()
    if state.logged_in:
        st.error(ui_auth.oidc_problem_text(state))
        ui_auth.sign_out_button(st.container(), key="cara-sign-out-page", caption=False)
    elif ui_auth.email_list_configured():  # refused for everyone: say so before they sign in
        st.error(ui_auth.OIDC_PROBLEMS["email-list"])
    else:
        ui_auth.oidc_sign_in_button("Sign in with Microsoft")
        st.caption("You will be taken to your organisation's Microsoft sign-in page and brought back here.")
else:
    if viewer.method in ui_auth.OPEN_METHODS:
        ui_auth.demo_open_banner()
    ui_auth.sign_in_form()
    if ui_auth.local_accounts_exist() is False:
        # Body text, not a caption: code inside Streamlit's dimmed caption fails colour contrast (2.98:1).
        st.markdown("No staff accounts are set up on this server yet. An administrator adds one with "
                    "`python -m cara_metrics users add EMAIL`.")

