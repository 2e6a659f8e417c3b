"""Real browser against a real OpenID Connect provider: staff sign-in end to end (issue 16).

`oidc-provider-mock` (a real OpenID Connect provider built for tests: discovery, signed ID
tokens, PKCE/nonce, client registration, RP-initiated logout) runs on 127.0.0.1 in a thread.
The app runs from the repository with a `secrets.toml` generated in a temporary folder and
passed by `--secrets.files` (never written in the checkout), shaped like the Entra ID one in
docs/deploy-commissioner.md: `[auth]` at the provider's discovery URL, `[cara]` a subject
allow-list and a tenant. The client is *registered* at the provider with one redirect URI,
as in an Entra app registration, so a wrong redirect URI is refused there as Entra refuses it
(AADSTS50011).

Each person signs in through a fresh browser context (its own cookies) by typing a subject
on the provider's form; the claims in their ID token are set per subject beforehand
(`PUT /users/<sub>`), so one provider and one app server serve the whole module. The
demo-open rule is switched off (`CARA_DEMO_OPEN=0`): the staff pages need sign-in.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from .browser import ARTIFACTS, app_server, free_port, wait_for_page

pytestmark = pytest.mark.browser

TENANT = "5f1c0e2a-7b3d-4c8e-9a10-3e2d1c0b9a87"
# Entra object IDs (the `oid` claim: immutable, unlike the email).
STAFF_OID = "0c2f9b1e-6d3a-4a8e-9f50-1a2b3c4d5e6f"
UNVERIFIED_OID = "1d3e0c2f-7e4b-4b9f-8a61-2b3c4d5e6f70"
OTHER_TENANT_OID = "2e4f1d30-8f5c-4ca0-9b72-3c4d5e6f7081"
OLD_SIGN_IN_OID = "3f502e41-9a6d-4db1-8c83-4d5e6f708192"
OUTSIDER_OID = "4a613f52-ab7e-4ec2-9d94-5e6f708192a3"
LISTED = [STAFF_OID, UNVERIFIED_OID, OTHER_TENANT_OID, OLD_SIGN_IN_OID]

STAFF_NAV = ("Overview", "Value for money", "Data quality")


def claims(oid: str, email: str, **extra: object) -> dict[str, object]:
    """ID token claims shaped like Entra ID's (oid, tid, email, name)."""
    return {"oid": oid, "tid": TENANT, "email": email, "email_verified": True, "name": email.split("@")[0],
            "preferred_username": email, **extra}


# The subject typed on the provider's form -> the claims its ID token carries.
PEOPLE: dict[str, dict[str, object]] = {
    "jane": claims(STAFF_OID, "jane.smith@pcc.example.gov.uk"),
    "outsider": claims(OUTSIDER_OID, "someone@pcc.example.gov.uk"),
    "unverified": claims(UNVERIFIED_OID, "unverified@pcc.example.gov.uk", email_verified=False),
    "other-tenant": claims(OTHER_TENANT_OID, "guest@elsewhere.example.com", tid="another-tenant-entirely"),
    # A sign-in older than the absolute session limit (12 hours): the mock copies user
    # claims over the token's own, so this sets the ID token's `iat`.
    "old-sign-in": claims(OLD_SIGN_IN_OID, "early@pcc.example.gov.uk", iat=int(time.time()) - 13 * 3600),
}


def _http(method: str, url: str, body: object) -> dict:
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
    return json.loads(text) if text else {}


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 (a free port) in a thread; yields its issuer URL.

    Clients must register (as an app registration in Entra) and send a nonce."""
    import oidc_provider_mock
    import werkzeug.serving

    app = oidc_provider_mock.app(require_client_registration=True, require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def write_secrets(folder: Path, *, issuer: str, client: dict, redirect_uri: str) -> Path:
    """The staff instance's secrets, as in docs/deploy-commissioner.md, in a temporary folder."""
    path = folder / "secrets.toml"
    path.write_text(f"""
[auth]
redirect_uri = "{redirect_uri}"
cookie_secret = "{secrets.token_urlsafe(48)}"
client_id = "{client['client_id']}"
client_secret = "{client['client_secret']}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[cara]
staff_subjects = {json.dumps(LISTED)}
allowed_tenant_id = "{TENANT}"
""", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider() as issuer:
        for sub, person in PEOPLE.items():
            _http("PUT", f"{issuer}/users/{quote(sub)}", person)
        yield issuer


@pytest.fixture(scope="module")
def client_registration(provider) -> dict:
    """One client registered at the provider for the app's real redirect URI."""
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    client = _http("POST", f"{provider}/oauth2/clients", {"redirect_uris": [redirect_uri]})
    return {**client, "port": port, "redirect_uri": redirect_uri}


def _env(tmp: Path) -> dict[str, str]:
    return {"CARA_DEMO_OPEN": "0", "CARA_USERS_FILE": str(tmp / "users.json"),
            "CARA_STAFF_SUBJECTS": "", "CARA_STAFF_EMAILS": "", "CARA_STAFF_OPEN": ""}


@pytest.fixture(scope="module")
def app(provider, client_registration, tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("oidc-app")
    path = write_secrets(tmp, issuer=provider, client=client_registration,
                         redirect_uri=client_registration["redirect_uri"])
    with app_server(env=_env(tmp), port=client_registration["port"], args=("--secrets.files", str(path))) as base:
        yield base


@contextlib.contextmanager
def fresh_page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        yield context, context.new_page()
    finally:
        context.close()


def nav(page) -> str:
    return page.locator("[data-testid='stSidebarNav']").inner_text()


def sees_staff_pages(page) -> bool:
    text = nav(page)
    return any(name in text for name in STAFF_NAV)


def sign_in(page, app: str, provider: str, sub: str) -> None:
    """Sign-in page -> "Sign in with Microsoft" -> the provider's form -> back to the app."""
    page.goto(f"{app}/sign-in")
    wait_for_page(page)
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.wait_for_url(f"{provider}/oauth2/authorize**", timeout=30_000)
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**", timeout=30_000)
    wait_for_page(page)


def test_listed_subject_signs_in_sees_staff_pages_and_signs_out(browser, app, provider):
    with fresh_page(browser) as (context, page):
        page.goto(app)
        wait_for_page(page)
        assert not sees_staff_pages(page) and "Published figures" in nav(page)

        sign_in(page, app, provider, "jane")
        page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Value for money", timeout=30_000)
        assert "jane.smith@pcc" in page.locator("[data-testid='stSidebar']").inner_text()
        page.goto(f"{app}/value-for-money")
        wait_for_page(page)
        page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(ARTIFACTS / "oidc-signed-in.png"), full_page=True)

        # Sign out: Streamlit clears its cookies and sends the browser to the provider's
        # end-session endpoint, which asks to confirm and then returns to the app.
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{provider}/oauth2/end_session**", timeout=30_000)
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{app}/**", timeout=30_000)
        wait_for_page(page)
        assert not sees_staff_pages(page)
        assert not [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]
        page.goto(f"{app}/value-for-money")
        wait_for_page(page)
        assert not sees_staff_pages(page) and "Value for money" not in page.inner_text("[data-testid='stMain']")

        # The back button does not bring them back: every step back is a fresh page load
        # (or a restored page that reconnects) with no identity cookie.
        for _ in range(6):
            if page.go_back(wait_until="load") is None and not page.url.startswith(app):
                break
            if page.url.startswith(app):
                wait_for_page(page)
                assert not sees_staff_pages(page), page.url
                assert page.locator("[data-testid='stPlotlyChart']").count() == 0, page.url


# Refusal case -> the words the person sees (the app's message in ui_auth.OIDC_PROBLEMS).
REFUSALS = {
    "outsider": "is not on this dashboard's staff list",
    "unverified": "is not verified, so it cannot be used here",
    "other-tenant": "from another organisation",
    "old-sign-in": "Your sign-in is more than 12 hours old. Sign out and sign in again.",
}


# In the browser: one refusal by the allow-list and one by a claim of the real token (its
# issue time). The other claim checks (unverified, other tenant, no subject) are exercised
# through the same ui_auth code by AppTest in tests/test_auth.py, at a fraction of the time.
IN_BROWSER = ("outsider", "old-sign-in")


@pytest.mark.parametrize("sub", IN_BROWSER)
def test_refused_with_a_clear_message_and_no_staff_page(browser, app, provider, sub):
    with fresh_page(browser) as (_, page):
        sign_in(page, app, provider, sub)
        assert not sees_staff_pages(page)
        page.goto(f"{app}/sign-in")
        wait_for_page(page)
        alert = page.locator("[data-testid='stAlertContentError']").inner_text()
        assert REFUSALS[sub] in alert, alert
        assert page.get_by_role("button", name="Sign out").count() >= 1  # so they can switch account
        page.goto(f"{app}/overview")  # a staff page's URL: the public default page instead
        wait_for_page(page)
        assert not sees_staff_pages(page)
        assert page.get_by_role("heading", name="CARA: public figures").is_visible()
        assert page.locator("[data-testid='stException']").count() == 0


def test_identity_cookie_flags(browser, app, provider):
    """HttpOnly and SameSite=Lax on the identity and token cookies, and on the session
    cookie that holds the sign-in's state and nonce while the browser is at the provider.
    Secure is not set by Streamlit 1.67 (deliberately, for Safari; its session cookie only
    with `server.sslCertFile`) and is impossible over plain HTTP: not checked here. Behind
    the HTTPS proxy of docs/deploy-commissioner.md (with HSTS) they travel only over TLS."""
    def flags(name: str) -> tuple[bool, str]:
        found = [c for c in context.cookies(app) if c["name"] == name]
        assert found, f"no {name} cookie; have {[c['name'] for c in context.cookies(app)]}"
        return found[0]["httpOnly"], found[0]["sameSite"]

    with fresh_page(browser) as (context, page):
        page.goto(f"{app}/sign-in")
        wait_for_page(page)
        page.get_by_role("button", name="Sign in with Microsoft").click()
        page.wait_for_url(f"{provider}/oauth2/authorize**", timeout=30_000)
        assert flags("_streamlit_session") == (True, "Lax")
        page.get_by_placeholder("sub").fill("jane")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{app}/**", timeout=30_000)
        wait_for_page(page)
        page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Value for money", timeout=30_000)
        for name in ("_streamlit_user", "_streamlit_user_tokens"):
            assert flags(name) == (True, "Lax"), name
        assert "_streamlit_user" not in page.evaluate("document.cookie")  # not readable by scripts


def test_a_redirect_uri_the_provider_does_not_know_is_refused(browser, provider, client_registration,
                                                            tmp_path_factory):
    """The app's redirect URI differs from the one registered at the provider (the app moved
    to another port, as it might to another host name): the provider refuses, and nobody
    reaches a staff page. A second, lighter server (the sign-in page alone) on another port."""
    tmp = tmp_path_factory.mktemp("oidc-wrong-redirect")
    port = free_port()
    path = write_secrets(tmp, issuer=provider, client=client_registration,
                         redirect_uri=f"http://127.0.0.1:{port}/oauth2callback")
    with app_server(env=_env(tmp), port=port, script="views/sign_in.py",
                    args=("--secrets.files", str(path))) as wrong, fresh_page(browser) as (context, page):
        page.goto(wrong)
        wait_for_page(page)
        page.get_by_role("button", name="Sign in with Microsoft").click()
        page.wait_for_url(f"{provider}/oauth2/authorize**", timeout=30_000)
        body = page.inner_text("body")
        assert "invalid_client" in body or "not supported" in body, body
        assert page.get_by_placeholder("sub").count() == 0  # no way on to the sign-in form
        assert not [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]
