"""Security: a forged ``cara-export.json`` never opens the staff pages.

An uploader who can drop files in the extracts folder can also write the marker that
export-raw leaves beside synthetic files, listing real files' SHA-256 with
``"synthetic": true``. Ingest may carry that label, but access never depends on it: only
the shipped demo root (checked against hashes committed in the code) or the operator's
``CARA_STAFF_OPEN=1`` opens the staff pages without sign-in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cara_metrics import auth, publish, warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version
from cara_metrics.ingest.commands import main

from .browser import ARTIFACTS, app_server, wait_for_page
from .conftest import REPO

STAFF_TITLES = ["Overview", "Domestic abuse in recorded crime", "Referrals to CARA", "Workshop completion",
                "Participant survey", "Reoffending", "Value for money", "Data quality", "About the data"]


@pytest.fixture(scope="module")
def forged_root(tmp_path_factory) -> Path:
    """A data root loaded from 'real' extracts (the demo export with one crime count
    changed) beside a marker forged to call them synthetic."""
    base = tmp_path_factory.mktemp("forged")
    raw, root = base / "raw", base / "root"
    assert main(["export-raw", "--data-dir", str(DEFAULT_DATA_DIR), "--out", str(raw)]) == 0
    crime = raw / "crime.csv"
    lines = crime.read_text(encoding="utf-8").splitlines()
    head, first = lines[0].split(","), lines[1].split(",")
    first[head.index("offences")] = str(int(first[head.index("offences")]) + 7)  # no longer the demo's data
    crime.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    marker = raw / "cara-export.json"
    forged = json.loads(marker.read_text(encoding="utf-8"))
    forged["files"] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.glob("*.csv")}
    forged["synthetic"] = True
    marker.write_text(json.dumps(forged), encoding="utf-8")
    assert main(["ingest", "--data-dir", str(root), "--quiet", "--report", str(base / "report.csv"), str(raw)]) == 0
    publish.build_release(root, dt.date(2025, 6, 30))  # a real office publishes too: public pages exist
    yield root
    warehouse.clear_cache()


def test_forged_marker_does_not_open_the_staff_pages(forged_root):
    assert live_version(forged_root).synthetic is True  # the label came through ingest...
    assert auth.demo_open(forged_root, {}) is False  # ...but it is not a key


def test_forged_marker_app_shows_no_staff_page(forged_root, monkeypatch):
    monkeypatch.setenv("CARA_DATA_DIR", str(forged_root))
    monkeypatch.delenv("CARA_STAFF_OPEN", raising=False)
    monkeypatch.delenv("CARA_DEMO_OPEN", raising=False)
    warehouse.clear_cache()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    assert not at.exception
    for page in ("views/overview.py", "views/crime.py"):
        with pytest.raises(ValueError):
            at.switch_page(page)  # not registered: unreachable
    warehouse.clear_cache()


@pytest.mark.browser
def test_forged_marker_anonymous_browser_sees_no_staff_page(browser, forged_root):
    env = {"CARA_DATA_DIR": str(forged_root), "CARA_STAFF_OPEN": "", "CARA_DEMO_OPEN": "",
           "CARA_USERS_FILE": str(forged_root.parent / "users.json")}
    with app_server(env=env) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        try:
            for path in ("", "/overview", "/crime", "/value-for-money", "/data-quality"):
                page.goto(base + path)
                wait_for_page(page)
                nav = page.locator("[data-testid='stSidebarNav']").inner_text()
                assert "Staff sign-in" in nav
                for title in STAFF_TITLES:
                    assert page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).count() == 0, title
                body = page.inner_text("body")
                assert "Open because this is" not in body
                assert page.locator("[data-testid='stPlotlyChart']").count() == 0 or "public figures" in body.lower()
                assert "Value for money" not in page.locator("h1").all_inner_texts()
            page.screenshot(path=str(ARTIFACTS / "forged-marker-anonymous.png"), full_page=True)
        finally:
            page.close()
