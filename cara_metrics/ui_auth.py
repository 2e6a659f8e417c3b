"""Who the viewer is, and the sign-in gate for the commissioner pages (Streamlit).

Two ways to sign in, chosen by configuration:

- **OpenID Connect** (e.g. Microsoft Entra ID) when ``st.secrets`` has an ``[auth]``
  section: Streamlit's ``st.login()`` / ``st.user`` / ``st.logout()``. A signed-in user is
  let in only if their **subject** is on the staff allow-list (secrets
  ``[cara] staff_subjects`` and/or env ``CARA_STAFF_SUBJECTS``, comma-separated): the ID
  token's ``oid`` claim (Entra ID's immutable object ID) when it has one, else ``sub``.
  The email is shown, never trusted: an address can be renamed or reassigned. An empty
  list lets nobody in. An email allow-list (``staff_emails``, ``CARA_STAFF_EMAILS``, from
  before subjects) is refused outright, with a message on the sign-in page naming the
  fix, rather than half-honoured (see ``email_list_configured``).
- **Local accounts** otherwise (``cara_metrics.auth.UserStore``), with the signed-in
  email and times kept in ``st.session_state``; idle and absolute expiry are checked on
  every run by ``viewer()``.

The commissioner view is open without sign-in only on the demo data shipped in the
repository, or when the operator sets ``CARA_STAFF_OPEN=1`` (a banner names it); never
because a data file or manifest says "synthetic" (``cara_metrics.access``).
``CARA_DEMO_OPEN=0`` closes both.

Pages call ``require_commissioner()`` first; ``app.py`` also leaves commissioner pages out
of the navigation unless ``commissioner_allowed()``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

from . import access, auth

log = logging.getLogger("cara_metrics.auth")

Method = Literal["oidc", "local", "demo-open", "operator-open"]

# st.session_state keys of the local flow.
K_EMAIL = "cara_auth_email"
K_SIGNED_IN_AT = "cara_auth_signed_in_at"
K_LAST_ACTIVITY = "cara_auth_last_activity"
K_NOTICE = "cara_auth_notice"  # why the last session ended, shown once by the sign-in form

SIGN_IN_PAGE = "views/sign_in.py"
DEMO_OPEN_TEXT = ("**Open because this is the synthetic demonstration data shipped with the dashboard;** "
                  "with any other data, staff must sign in to see these pages.")
OPERATOR_OPEN_TEXT = (f"**Open without sign-in because this server was started with `{access.OPERATOR_SWITCH}=1`.** "
                      "Anyone who can reach it sees every staff figure. Unset it to require sign-in.")
#: Methods that let a viewer in without signing in.
OPEN_METHODS = ("demo-open", "operator-open")


@dataclass(frozen=True)
class Viewer:
    """The person looking at the app.

    ``signed_in`` is True only for a staff member signed in by OIDC (and on the
    allow-list) or with a local account. ``method`` is how access is granted:
    "oidc", "local", "demo-open" (not signed in, but this is the shipped demo data),
    "operator-open" (not signed in, the operator's ``CARA_STAFF_OPEN=1``), or None.
    """

    email: str | None
    signed_in: bool
    method: Method | None


ANONYMOUS = Viewer(email=None, signed_in=False, method=None)


# --- configuration ------------------------------------------------------------------------


def _secrets_section(name: str) -> dict[str, Any]:
    """A section of st.secrets as a dict; empty when absent or when there is no secrets file."""
    try:
        if name not in st.secrets:
            return {}
        value = st.secrets[name]
    except Exception:  # noqa: BLE001 - no secrets.toml at all, or an unreadable one
        return {}
    try:
        return dict(value)
    except (TypeError, ValueError):
        return {}


def oidc_configured() -> bool:
    """True when ``st.secrets`` has an ``[auth]`` section (then local accounts are off)."""
    return bool(_secrets_section("auth"))


def oidc_provider() -> str | None:
    """The provider name for ``st.login``: ``[cara] oidc_provider``, else the only
    ``[auth.NAME]`` subsection, else None (the flat ``[auth]`` default provider)."""
    named = _secrets_section("cara").get("oidc_provider")
    if named:
        return str(named)
    subsections = [k for k, v in _secrets_section("auth").items() if hasattr(v, "keys")]
    return subsections[0] if len(subsections) == 1 else None


SUBJECTS_ENV = "CARA_STAFF_SUBJECTS"
LEGACY_EMAILS_ENV = "CARA_STAFF_EMAILS"


def _listed(value: Any) -> list[str]:
    """A TOML list or a comma-separated string, as stripped non-empty strings."""
    if isinstance(value, str):
        value = value.split(",")
    try:
        return [str(v).strip() for v in value or [] if str(v).strip()]
    except TypeError:
        return []


def staff_subjects() -> frozenset[str]:
    """The OIDC allow-list: secrets ``[cara] staff_subjects`` plus env ``CARA_STAFF_SUBJECTS``.

    Each entry is a subject as the ID token carries it (Entra ID: the user's *Object ID*,
    a GUID; other providers: ``sub``), compared exactly: subjects are opaque, so no case
    folding (Entra writes GUIDs in lower case; ``tests`` use the same spelling)."""
    return frozenset(_listed(_secrets_section("cara").get("staff_subjects"))
                     + _listed(os.environ.get(SUBJECTS_ENV, "")))


def email_list_configured() -> bool:
    """True when an email allow-list is set (``[cara] staff_emails`` or ``CARA_STAFF_EMAILS``).

    Such a list is no longer accepted, even beside ``staff_subjects``: an email claim is not
    a stable identity (Entra lets it be renamed, reassigned, or set by a guest's home
    tenant, and sends no ``email_verified``), so honouring it "with a verified email"
    would still let in whoever holds the address next. Refusing everyone with a clear
    message is safer than a list that silently means something different."""
    return bool(_listed(_secrets_section("cara").get("staff_emails"))
                or _listed(os.environ.get(LEGACY_EMAILS_ENV, "")))


def _user_store() -> auth.UserStore:
    return auth.UserStore()


def _now() -> dt.datetime:
    return auth.utcnow()


# --- OIDC -----------------------------------------------------------------------------------


OidcProblem = Literal["email-list", "no-subject", "unverified", "wrong-tenant", "too-old", "not-on-list"]


@dataclass(frozen=True)
class OidcState:
    """What st.user says, and whether that is enough to let the person in.

    ``subject`` is the identity the allow-list is keyed on (``oid``, else ``sub``);
    ``email`` is for display only (the email claim, else Entra's ``preferred_username``).
    """

    logged_in: bool
    email: str | None
    allowed: bool
    problem: OidcProblem | None
    subject: str | None = None


_warned_email_list = False


def oidc_state() -> OidcState:
    """Check the signed-in identity: configuration, subject, verified email, tenant,
    age of the sign-in, then the allow-list (in that order: the first problem is shown)."""
    global _warned_email_list
    user = st.user
    if not bool(user.get("is_logged_in", False)):
        return OidcState(False, None, False, None)
    email = auth.normalise_email(str(user.get("email") or user.get("preferred_username") or "")) or None
    subject = str(user.get("oid") or user.get("sub") or "").strip() or None
    if email_list_configured():
        if not _warned_email_list:
            _warned_email_list = True
            log.error("OIDC sign-in refused for everyone: [cara] staff_emails / %s is set; list staff by "
                      "subject in [cara] staff_subjects instead (docs/deploy-commissioner.md)", LEGACY_EMAILS_ENV)
        return OidcState(True, email, False, "email-list", subject)
    if subject is None:
        return OidcState(True, email, False, "no-subject", None)
    if user.get("email_verified") is False:
        return OidcState(True, email, False, "unverified", subject)
    tenant = str(_secrets_section("cara").get("allowed_tenant_id") or "").strip().lower()
    if tenant and str(user.get("tid") or "").strip().lower() != tenant:
        return OidcState(True, email, False, "wrong-tenant", subject)
    iat = user.get("iat")
    if isinstance(iat, (int, float)) and not isinstance(iat, bool):
        issued = dt.datetime.fromtimestamp(iat, dt.timezone.utc)
        if _now() - issued >= auth.SESSION_ABSOLUTE:
            return OidcState(True, email, False, "too-old", subject)
    if subject not in staff_subjects():
        return OidcState(True, email, False, "not-on-list", subject)
    return OidcState(True, email or subject, True, None, subject)


# --- local sessions -----------------------------------------------------------------------


def _end_local_session(notice: str | None = None) -> None:
    for k in (K_EMAIL, K_SIGNED_IN_AT, K_LAST_ACTIVITY):
        st.session_state.pop(k, None)
    if notice:
        st.session_state[K_NOTICE] = notice


def _local_viewer() -> Viewer:
    """The locally signed-in viewer, ending the session if it has expired or the account
    was removed. Each call counts as activity."""
    ss = st.session_state
    email = ss.get(K_EMAIL)
    if not email:
        return ANONYMOUS
    signed_in_at, last = ss.get(K_SIGNED_IN_AT), ss.get(K_LAST_ACTIVITY)
    if not isinstance(signed_in_at, dt.datetime) or not isinstance(last, dt.datetime):
        _end_local_session()
        return ANONYMOUS
    now = _now()
    reason = auth.session_expiry(signed_in_at, last, now)
    if reason is not None:
        _end_local_session("Your session has expired: " + (
            f"you were inactive for more than {_hours(auth.SESSION_IDLE)}." if reason == "idle"
            else f"sessions last at most {_hours(auth.SESSION_ABSOLUTE)}.") + " Please sign in again.")
        return ANONYMOUS
    try:
        still_there = _user_store().exists(email)
    except (auth.AuthError, auth.UserStoreError) as exc:
        log.error("cannot check the account of a signed-in user: %s", exc)
        still_there = False
    if not still_there:
        _end_local_session("Your account is no longer active. Ask an administrator if you need access.")
        return ANONYMOUS
    ss[K_LAST_ACTIVITY] = now
    return Viewer(email=email, signed_in=True, method="local")


def md_escape(text: str) -> str:
    """Text shown inside Markdown exactly as written (emails can hold * _ ~ and the like)."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|~:$<>" else c for c in text)


def _hours(td: dt.timedelta) -> str:
    h = td.total_seconds() / 3600
    if h < 1:
        return f"{round(h * 60)} minutes"
    return "1 hour" if h == 1 else f"{h:g} hours"


# --- public API -----------------------------------------------------------------------------


def viewer() -> Viewer:
    """Who is looking: signed in by OIDC or a local account, demo-open, or anonymous."""
    if oidc_configured():
        s = oidc_state()
        if s.allowed:
            return Viewer(email=s.email, signed_in=True, method="oidc")
    else:
        v = _local_viewer()
        if v.signed_in:
            return v
    reason = access.open_reason()
    if reason == "shipped-demo":
        return Viewer(email=None, signed_in=False, method="demo-open")
    if reason == "operator-switch":
        return Viewer(email=None, signed_in=False, method="operator-open")
    return ANONYMOUS


def commissioner_allowed() -> bool:
    """Signed-in staff, or anyone on the shipped demo data or under the operator's switch."""
    v = viewer()
    return v.signed_in or v.method in OPEN_METHODS


def demo_open_banner() -> None:
    """An info banner when the commissioner view is open without sign-in, saying why."""
    v = viewer()
    if not v.signed_in and v.method == "demo-open":
        st.info(DEMO_OPEN_TEXT, icon="🔓")
    elif not v.signed_in and v.method == "operator-open":
        st.warning(OPERATOR_OPEN_TEXT, icon="🔓")


def require_commissioner(*, banner: bool = True) -> Viewer:
    """Call first on every commissioner page: stops the page unless the viewer may see it.

    Shows the open-access banner when access is open without sign-in
    (pass ``banner=False`` if the page shows it itself). Returns the viewer.
    """
    v = viewer()
    if not (v.signed_in or v.method in OPEN_METHODS):
        st.warning("This page is for PCC office staff. Please sign in to see it. "
                   "The public figures need no sign-in.", icon="🔒")
        try:
            st.page_link(SIGN_IN_PAGE, label="Go to staff sign-in")
        except Exception:  # noqa: BLE001 - the sign-in page is not in this navigation
            pass
        st.stop()
    if banner and not v.signed_in:
        demo_open_banner()
    return v


def sign_in_form() -> Viewer:
    """The local email-and-password form. Signs the viewer in (and reruns) on success."""
    notice = st.session_state.pop(K_NOTICE, None)
    if notice:
        st.info(notice)
    with st.form("cara-sign-in", clear_on_submit=True, enter_to_submit=True):
        email = st.text_input("Email address", autocomplete="username", max_chars=254)
        password = st.text_input("Password", type="password", autocomplete="current-password",
                                 max_chars=auth.MAX_PASSWORD_LENGTH)
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return viewer()
    if not email.strip() or not password:
        st.error("Enter your email address and your password.")
        return viewer()
    try:
        result = _user_store().verify(email, password)
    except (auth.AuthError, auth.UserStoreError) as exc:
        log.error("local sign-in unavailable: %s", exc)
        st.error("Sign-in is not available right now because of a problem on the server. "
                 "Please tell the dashboard administrator.")
        return viewer()
    if result.ok:
        now = _now()
        st.session_state[K_EMAIL] = result.email
        st.session_state[K_SIGNED_IN_AT] = now
        st.session_state[K_LAST_ACTIVITY] = now
        log.info("local sign-in: %s", result.email)
        st.rerun()
    if result.locked:
        minutes = result.locked_minutes
        st.error(f"Too many failed attempts: sign-in for this account is locked for {minutes} "
                 f"minute{'s' if minutes != 1 else ''}. Try again later, or ask an administrator to unlock it.")
    else:
        st.error("That email address and password do not match an account. Check both and try again.")
    return viewer()


def oidc_sign_in_button(label: str = "Sign in with Microsoft") -> None:
    """A button that starts the OpenID Connect sign-in (``st.login``)."""
    if st.button(label, type="primary", key="cara-oidc-login"):
        try:
            provider = oidc_provider()
            st.login(provider) if provider else st.login()
        except Exception as exc:  # noqa: BLE001 - e.g. Authlib missing, incomplete [auth]
            log.error("OIDC sign-in failed to start: %s", exc)
            st.error("Sign-in with Microsoft is not working on this server. "
                     "Please tell the dashboard administrator.")


def sign_out(*, notice: str | None = "You have signed out.") -> None:
    """End the session: clear the whole session state and, for OIDC, log out."""
    oidc = oidc_configured() and bool(st.user.get("is_logged_in", False))
    for k in list(st.session_state.keys()):
        del st.session_state[k]
    if notice:
        st.session_state[K_NOTICE] = notice
    if oidc:
        st.logout()
    else:
        st.rerun()


def sign_out_button(container=None, *, key: str = "cara-sign-out", caption: bool = True) -> None:
    """In the sidebar (or ``container``): who is signed in, and a Sign out button.

    Shown to anyone signed in by OIDC (even if not on the allow-list, so they can switch
    account) or with a local account; shows nothing otherwise. Call it once per run per
    ``key`` (app.py: once, in the sidebar).
    """
    where = container if container is not None else st.sidebar
    if oidc_configured():
        s = oidc_state()
        email = s.email if s.logged_in else None
        if not s.logged_in:
            return
    else:
        v = _local_viewer()
        if not v.signed_in:
            return
        email = v.email
    with where:
        if email and caption:
            st.caption(f"Signed in as **{md_escape(email)}**")
        if st.button("Sign out", key=key):
            sign_out()


OIDC_PROBLEMS: dict[str, str] = {
    "email-list": "Staff sign-in is switched off on this server: its staff list names email addresses "
                  "(`staff_emails`), which this dashboard no longer accepts because an email address can "
                  "change hands. Please tell the dashboard administrator: staff must be listed by their "
                  "account's object ID (`staff_subjects`).",
    "no-subject": "Your identity provider did not say who you are (no subject in the sign-in), so we cannot "
                  "check the staff list. Please tell the dashboard administrator.",
    "not-on-list": "You are signed in as **{email}**, but that account is not on this dashboard's staff "
                   "list. Ask the dashboard administrator to add it (quote your account ID "
                   "**{subject}**), or sign out and use another account.",
    "unverified": "Your identity provider says the email address **{email}** is not verified, so it cannot "
                  "be used here.",
    "wrong-tenant": "You signed in with an account from another organisation (**{email}**). Sign out and use "
                    "your work account.",
    "too-old": "Your sign-in is more than {hours} old. Sign out and sign in again.",
}


def oidc_problem_text(s: OidcState) -> str | None:
    if s.problem is None:
        return None
    return OIDC_PROBLEMS[s.problem].format(email=md_escape(s.email or "this account"),
                                           subject=md_escape(s.subject or "unknown"),
                                           hours=_hours(auth.SESSION_ABSOLUTE))


def local_accounts_exist() -> bool | None:
    """Whether any local account is set up (None if the users file cannot be read)."""
    try:
        return bool(_user_store().list())
    except (auth.AuthError, auth.UserStoreError) as exc:
        log.error("cannot read the users file: %s", exc)
        return None
