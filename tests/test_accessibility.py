"""Real browser: axe-core on every public page; any serious or critical violation fails.

The public instance is run as it is deployed (``streamlit run app.py`` with
``CARA_AUDIENCE=public``) from a data root holding only a release (the warehouse folder is
deleted); every page the navigation offers is audited, and a failure names its URL. (Each
page file used to be audited again on its own server as well; that cost 45 s of the suite's
15 minutes and found nothing the instance run does not: `streamlit run views/<page>.py` is
the way to tell a page's fault from the app shell's by hand.) The staff pages and the
sign-in page are audited at phone width in tests/test_browser.py. Results and full-page
screenshots go to artifacts/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .browser import ARTIFACTS, app_server
from .conftest import REPO

pytestmark = pytest.mark.browser

PUBLIC_FILES = ("views/public_overview.py", "views/public_tables.py", "views/public_methodology.py", "views/accessibility.py")
BLOCKING = ("serious", "critical")


def registered_public_paths() -> dict[str, str]:
    """page file -> url_path, for the public pages app.py registers."""
    app = (REPO / "app.py").read_text(encoding="utf-8")
    found = re.findall(r'st\.Page\(\s*"(views/[^"]+)"[^)]*?url_path="([^"]+)"', app)
    return {f: u for f, u in found if f in PUBLIC_FILES}


def _env(root: Path) -> dict[str, str]:
    return {"CARA_DATA_DIR": str(root), "CARA_AUDIENCE": "public"}


def audit(browser, url: str, name: str) -> list[dict]:
    """Open ``url``, wait until drawn, run axe; save results and a full-page screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url)
        page.wait_for_selector("h1", timeout=90_000)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=90_000)
        if page.locator("[data-testid='stPlotlyChart']").count():
            page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=90_000)
        page.wait_for_timeout(1500)
        assert page.locator("[data-testid='stException']").count() == 0, name
        assert "Page not found" not in page.inner_text("body"), f"{url} is not a page of the app"
        results = Axe().run(page).response
        violations = results["violations"]
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
        # Streamlit scrolls an inner element: grow the viewport to the content for a full-page image.
        height = page.evaluate("() => Math.max(...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight))")
        page.set_viewport_size({"width": 1280, "height": min(int(height) + 40, 16_000)})
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / f"public-{name}.png"), full_page=True)
        return violations
    finally:
        page.close()


def _blocking(violations: list[dict]) -> list[str]:
    return [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} element(s), e.g. {v['nodes'][0]['target']})"
            for v in violations if v.get("impact") in BLOCKING]


def nav_links(browser, base: str) -> list[str]:
    """The page URLs the navigation offers (the default page is served at the root URL)."""
    page = browser.new_page()
    try:
        page.goto(base)
        page.wait_for_selector("[data-testid='stSidebarNavLink']", timeout=90_000)
        return [a.get_attribute("href") for a in page.locator("[data-testid='stSidebarNavLink']").all()]
    finally:
        page.close()


def test_public_instance_has_no_serious_or_critical_violations(browser, release_only):
    """The deployment: app.py with CARA_AUDIENCE=public, reading a release alone."""
    paths = registered_public_paths()
    assert set(paths) == set(PUBLIC_FILES), f"app.py must register every public page; found {paths}"
    failures = {}
    with app_server(env=_env(release_only), timeout=90) as base:
        links = nav_links(browser, base)
        assert len(links) == len(PUBLIC_FILES), links  # the public audience sees the public pages only
        for url in links:
            name = "app-" + (url.rstrip("/").rsplit("/", 1)[-1] if url.rstrip("/") != base else "home")
            found = _blocking(audit(browser, url, name))
            if found:
                failures[url] = found
    assert not failures, json.dumps(failures, indent=1)


def test_static_headlines_page_is_axe_clean_at_phone_width(browser, release_only):
    """The release's static headlines page (served by nginx at /headlines): no axe violation of
    any impact, and nothing wider than a 390 px phone (no sideways scrolling)."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page.goto((release_only / "release" / "headlines.html").resolve().as_uri())
        page.wait_for_selector("h1")
        violations = Axe().run(page).response["violations"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "headlines-390.png"), full_page=True)
        assert not violations, json.dumps([f"{v['impact']} {v['id']}: {v['help']} {v['nodes'][0]['target']}"
                                           for v in violations], indent=1)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert page.locator("[elementtiming='first-figure']").inner_text().strip()
    finally:
        page.close()
