"""Real browser: sign in with a local account through the form, then sign out.

Runs `streamlit run views/sign_in.py` on its own, and then the whole app.py on data marked real,
with a users file in a temporary folder and the demo-open rule switched off.
"""

from __future__ import annotations

import pytest

from cara_metrics.auth import UserStore

from .browser import ARTIFACTS, app_server, wait_for_page

pytestmark = pytest.mark.browser

EMAIL = "analyst@pcc.example.gov.uk"
PASSWORD = "plum tractor lantern 42"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    users = tmp_path_factory.mktemp("auth") / "users.json"
    UserStore(users).add(EMAIL, PASSWORD)
    with app_server(env={"CARA_USERS_FILE": str(users), "CARA_DEMO_OPEN": "0"}, script="views/sign_in.py") as base:
        yield base


def fill_and_submit(page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_timeout(300)
    wait_for_page(page)


def test_sign_in_and_sign_out_in_chromium(browser, server):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(server)
        wait_for_page(page)
        assert page.get_by_role("heading", name="Staff sign-in").is_visible()

        fill_and_submit(page, EMAIL, "not the right password")
        page.get_by_text("do not match an account").wait_for(timeout=30_000)
        assert "signed in as" not in page.inner_text("body")
        # The form was cleared after the failed attempt: the password is not kept on screen.
        assert page.get_by_label("Password", exact=True).input_value() == ""

        fill_and_submit(page, EMAIL, PASSWORD)
        page.get_by_text("You are signed in as").wait_for(timeout=30_000)
        assert EMAIL in page.inner_text("body")
        assert page.get_by_label("Password", exact=True).count() == 0
        page.screenshot(path=str(ARTIFACTS / "auth-signed-in.png"), full_page=True)

        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("You have signed out").wait_for(timeout=30_000)
        wait_for_page(page)
        assert page.get_by_label("Email address").is_visible()
        assert "You are signed in as" not in page.inner_text("body")
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    """app.py on a copy of the demo marked as real data: staff pages need sign-in."""
    import json
    import shutil

    from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version

    tmp = tmp_path_factory.mktemp("real")
    root = tmp / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    v = live_version(root, "warehouse")
    (v.path / "manifest.json").write_text(json.dumps(dict(v.manifest, synthetic=False)), encoding="utf-8")
    users = tmp / "users" / "users.json"
    UserStore(users).add(EMAIL, PASSWORD)
    with app_server(env={"CARA_USERS_FILE": str(users), "CARA_DATA_DIR": str(root)}) as base:
        yield base


def _nav(page) -> str:
    return page.locator("[data-testid='stSidebarNav']").inner_text()


def test_app_sign_in_reveals_staff_pages_and_sign_out_hides_them(browser, real_app):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        # A staff page's URL without sign-in: the public default page instead.
        page.goto(f"{real_app}/value-for-money")
        wait_for_page(page)
        assert "Value for money" not in _nav(page) and "Published figures" in _nav(page)
        assert page.get_by_role("heading", name="CARA: public figures").is_visible()

        page.goto(f"{real_app}/sign-in")
        wait_for_page(page)
        fill_and_submit(page, EMAIL, PASSWORD)
        page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Value for money", timeout=30_000)
        page.get_by_text("Value for money", exact=True).first.click()
        wait_for_page(page)
        page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        assert "Synthetic demonstration data" not in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "auth-app-signed-in.png"), full_page=True)

        page.get_by_role("button", name="Sign out").click()
        wait_for_page(page)
        page.wait_for_timeout(500)
        wait_for_page(page)
        assert "Value for money" not in _nav(page)
    finally:
        page.close()
