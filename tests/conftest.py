"""Shared fixtures: the embedded demo data, filters, and a hand-built tiny data root."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cara_metrics import warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR
from cara_metrics.periods import Filters

REPO = Path(__file__).resolve().parent.parent
FORCE = "E23000039"
BCP = "E06000058"
DORSET = "E06000059"
#: The force's CSPs as the ONS lookup gives them. BCP sits in all three (Christchurch was in
#: the Dorset CSP), so figures held by council are shown for the councils and the force, not
#: for these CSPs; hand-built test roots use the codes with one council per CSP.
CSP_BOURNEMOUTH = "E22000063"
CSP_POOLE = "E22000067"
CSP_DORSET = "E22000367"
#: Every kind of area the demo offers: the force, a CSP sharing BCP (no council-held figure),
#: and the two councils.
ALL_AREAS = (FORCE, CSP_DORSET, BCP, DORSET)


@pytest.fixture(autouse=True)
def _default_data_root(monkeypatch):
    """Tests read the embedded demo data unless they say otherwise."""
    monkeypatch.delenv("CARA_DATA_DIR", raising=False)
    monkeypatch.delenv("CARA_AUDIENCE", raising=False)
    yield


@pytest.fixture
def demo_root() -> Path:
    return DEFAULT_DATA_DIR


@pytest.fixture
def demo_filters() -> Filters:
    """Dorset force area, 2019/20 to 2024/25 (the demo's CARA years)."""
    return Filters.financial_years(2019, 2024, FORCE)


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    """A private copy of the demo data root, for tests that change or break it."""
    dst = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, dst)
    yield dst
    warehouse.clear_cache()


@pytest.fixture(scope="module")
def release_only(tmp_path_factory) -> Path:
    """A temp copy of data/demo, published, then with its warehouse folder deleted: what a
    public instance holds. One per test module, so a module may damage its copy."""
    from cara_metrics import public, publish

    root = tmp_path_factory.mktemp("release-only") / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    publish.build_release(root, dt.date(2025, 6, 30))
    shutil.rmtree(root / "warehouse")
    warehouse.clear_cache()
    yield root
    warehouse.clear_cache()
    public.clear_downloads()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, one per test module (fails, not skips, when CI is set and it is missing)."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: real-browser test (Playwright driving the system Chromium)")
