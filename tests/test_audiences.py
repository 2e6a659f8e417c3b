"""Audiences through app.py: public only; staff pages absent with real data until sign-in."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from cara_metrics import warehouse
from cara_metrics.auth import UserStore
from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version

from .conftest import REPO

COMMISSIONER = ["views/overview.py", "views/crime.py", "views/referrals.py", "views/completion.py", "views/survey.py",
                "views/reoffending.py", "views/value.py", "views/data_quality.py", "views/about_data.py"]
PUBLIC = ["views/public_overview.py", "views/public_tables.py", "views/public_methodology.py", "views/accessibility.py"]


def _registered(at: AppTest) -> set[str]:
    known = set()
    for p in COMMISSIONER + PUBLIC + ["views/sign_in.py"]:
        try:
            at.switch_page(p)
            known.add(p)
        except ValueError:
            pass
    return known


@pytest.fixture
def real_root(tmp_path, monkeypatch):
    """A copy of the demo whose manifest says it is real (not synthetic) data."""
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    v = live_version(root, "warehouse")
    m = dict(v.manifest, synthetic=False)
    (v.path / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    monkeypatch.setenv("CARA_DATA_DIR", str(root))
    monkeypatch.setenv("CARA_USERS_FILE", str(tmp_path / "users" / "users.json"))
    yield root
    warehouse.clear_cache()


def test_public_audience_runs_from_the_release_alone(tmp_path, monkeypatch):
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    shutil.rmtree(root / "warehouse")
    monkeypatch.setenv("CARA_DATA_DIR", str(root))
    monkeypatch.setenv("CARA_AUDIENCE", "public")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    assert not at.exception and not at.error
    assert _registered(at) == set(PUBLIC)
    warehouse.clear_cache()


def test_default_audience_on_synthetic_demo_opens_staff_pages():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    assert not at.exception
    assert _registered(at) == set(COMMISSIONER + PUBLIC + ["views/sign_in.py"])


def test_real_data_hides_staff_pages_without_sign_in(real_root):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    assert not at.exception
    # The default page is the public one: published figures, from the release.
    assert [t.value for t in at.title] == ["CARA: public figures"]
    assert _registered(at) == set(PUBLIC + ["views/sign_in.py"])


def test_real_data_staff_page_refuses_itself_when_run_directly(real_root):
    """Defence in depth: a commissioner page checks the viewer even outside the navigation."""
    at = AppTest.from_file(str(REPO / "views" / "crime.py"), default_timeout=90).run()
    assert not at.exception
    assert any("Please sign in" in w.value for w in at.warning)
    assert not at.get("plotly_chart")


def test_signed_in_local_user_sees_staff_pages(real_root):
    UserStore().add("analyst@pcc.example.gov.uk", "correct horse battery staple")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    now = dt.datetime.now(dt.timezone.utc)
    at.session_state["cara_auth_email"] = "analyst@pcc.example.gov.uk"
    at.session_state["cara_auth_signed_in_at"] = now
    at.session_state["cara_auth_last_activity"] = now
    at.run()
    assert not at.exception
    assert set(COMMISSIONER) <= _registered(at)
    at.switch_page("views/crime.py").run()
    assert not at.exception and at.get("plotly_chart")
    assert not any("Synthetic demonstration data" in w.value for w in at.warning)
