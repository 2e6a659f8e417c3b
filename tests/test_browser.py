"""Real browser: the app starts, each commissioner page draws its charts, no exception is shown."""

from __future__ import annotations

import re

import pytest

from .browser import ARTIFACTS, app_server, wait_for_page
from .conftest import REPO

pytestmark = pytest.mark.browser

#: Commissioner pages (open on the synthetic demo) and whether each draws Plotly charts.
PAGES = {
    "overview": False, "crime": True, "referrals": True, "completion": True, "survey": True,
    "reoffending": True, "value-for-money": True, "data-quality": False, "about-the-data": False,
}


def test_pages_listed_here_are_the_registered_ones():
    registered = set(re.findall(r'url_path="([^"]+)"', (REPO / "app.py").read_text(encoding="utf-8")))
    assert set(PAGES) <= registered


@pytest.fixture(scope="module")
def server():
    with app_server() as base:
        yield base


@pytest.mark.parametrize("path", list(PAGES))
def test_page_draws_without_exception(browser, server, path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # The default page (Overview) lives at the root URL.
        url_path = "" if path == "overview" else path
        page.goto(f"{server}/{url_path}?area=E23000039&from=2019%2F20&to=2024%2F25")
        wait_for_page(page)
        if PAGES[path]:
            page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
        body = page.inner_text("body")
        assert "Synthetic demonstration data" in body and "Page not found" not in body
        page.screenshot(path=str(ARTIFACTS / f"page-{path}.png"), full_page=True)
    finally:
        page.close()


def test_phone_opens_with_the_sidebar_collapsed_and_the_figures_first(browser, server):
    """Issue 14 item 14 (in part): at 390 px the sidebar no longer covers the page on load;
    on a desktop it is open."""
    for width, expanded in ((390, False), (1400, True)):
        page = browser.new_page(viewport={"width": width, "height": 844}, is_mobile=width < 500, has_touch=width < 500)
        try:
            page.goto(server)
            wait_for_page(page)
            assert page.get_by_role("heading", name="CARA dashboard: overview").is_visible()
            assert page.locator("[data-testid='stSidebarNav']").is_visible() is expanded, width
        finally:
            page.close()


def test_url_filters_reach_the_page(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/crime?area=E06000059&from=2021%2F22&to=2023%2F24")
        wait_for_page(page)
        page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
        body = page.inner_text("body")
        assert "Dorset (council)" in body and "2021/22 to 2023/24" in body
    finally:
        page.close()


def test_staff_area_change_right_after_a_server_restart_is_kept(browser, tmp_path):
    """The server restarts under an open staff page; the user's first area change afterwards is
    applied, not replaced by the area still in the URL (the new session seeds from the URL only
    through widget defaults)."""
    from bench.browser.server import Server

    from .conftest import DEFAULT_DATA_DIR

    srv = Server(DEFAULT_DATA_DIR, audience="staff", log_dir=tmp_path)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        srv.start()
        page.goto(f"{srv.base}/referrals?area=E23000039&from=2019%2F20&to=2024%2F25")
        wait_for_page(page)
        assert "Dorset (police force area), 2019/20 to 2024/25" in page.inner_text("body")
        srv.stop()
        page.wait_for_timeout(1000)
        srv.start()
        # Wait until the browser has reconnected (the status widget stops saying so).
        page.wait_for_function("""() => { const w = document.querySelector("[data-testid='stStatusWidget']");
                                          return !/connect/i.test((w && w.innerText) || ''); }""", timeout=60_000)
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
        box.click()
        page.get_by_role("option", name=re.compile(r"^Dorset \(council\)")).click()
        page.wait_for_function("() => /Dorset \\(council\\), 2019\\/20 to 2024\\/25/.test(document.body.innerText)", timeout=30_000)
        wait_for_page(page)
        assert "Dorset (council), 2019/20 to 2024/25" in page.inner_text("body")
        assert "area=E06000059" in page.url
    finally:
        page.close()
        srv.stop()


#: Pages checked at phone width (few, to keep the suite fast): the public pages with tables and
#: charts, the sign-in page, the Overview, and the staff pages with the longest chart labels
#: (survey statements, areas) and the widest tables (reoffending). test_accessibility.py runs
#: axe on every public page at desktop width.
PHONE_PAGES = ("", "survey", "reoffending", "public", "public-tables", "sign-in")

#: Tables (Streamlit's HTML tables) and charts whose content is wider than their box, and chart
#: labels (ticks, axis titles) drawn outside the chart: each as a short description.
OVERFLOWS = """() => {
  const out = [];
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) out.push(`page ${page.scrollWidth} > ${page.clientWidth}`);
  for (const box of document.querySelectorAll("[data-testid='stTable'] > div")) {
    if (box.scrollWidth > box.clientWidth + 1)
      out.push(`table "${box.innerText.slice(0, 40)}" ${box.scrollWidth} > ${box.clientWidth}`);
  }
  for (const chart of document.querySelectorAll("[data-testid='stPlotlyChart']")) {
    const c = chart.getBoundingClientRect();
    if (c.right > page.clientWidth + 1) out.push(`chart right edge ${c.right} > ${page.clientWidth}`);
    for (const t of chart.querySelectorAll(".xtick text, .ytick text, .g-xtitle text, .g-ytitle text")) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < c.left - 1 || r.right > c.right + 1))
        out.push(`chart label "${t.textContent.slice(0, 30)}" cut (${Math.round(r.left)}..${Math.round(r.right)} outside ${Math.round(c.left)}..${Math.round(c.right)})`);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_phone_width_passes_axe_and_nothing_overflows(browser, server, path):
    """Issue 14 items 12 and 14: at 390 x 844 no serious or critical axe-core violation (the
    sign-in page's colour contrast among them), no table scrolling sideways, no chart or chart
    label running past its box. Full-page screenshots go to artifacts/phone-*.png."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page.goto(f"{server}/{path}?area=E23000039&from=2019%2F20&to=2024%2F25")
        wait_for_page(page, timeout_ms=90_000)
        page.wait_for_function("""() => Array.from(document.querySelectorAll("[data-testid='stPlotlyChart']"))
                                         .every(c => c.querySelector('.main-svg'))""", timeout=90_000)
        page.wait_for_timeout(1000)
        assert page.locator("[data-testid='stException']").count() == 0
        assert "Page not found" not in page.inner_text("body")
        if path == "public":  # figures first: the first headline figure starts on the first screen
            first = page.locator("[data-testid='stMetric']").first.bounding_box()
            assert first is not None and first["y"] < 844, first
        violations = Axe().run(page).response["violations"]
        blocking = [f"{v['impact']} {v['id']}: {v['help']} (e.g. {v['nodes'][0]['target']})"
                    for v in violations if v.get("impact") in ("serious", "critical")]
        overflows = page.evaluate(OVERFLOWS)
        height = page.evaluate("() => Math.max(...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight))")
        page.set_viewport_size({"width": 390, "height": min(int(height) + 40, 16_000)})
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / f"phone-{path or 'overview'}.png"), full_page=True)
        assert not blocking, blocking
        assert not overflows, overflows
    finally:
        page.close()
