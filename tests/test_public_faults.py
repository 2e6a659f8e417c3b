"""AppTest: a missing or damaged release file under the public pages.

Every page that needs the file says which published file is missing or damaged, in an
error box, in place of the figures that need it (no exception, no traceback); the pages
that do not need it show no error; and once the file is restored the next run is whole
again (not the run after). Also: the downloads are served from the release, never built.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cara_metrics import export, public, publish, warehouse
from cara_metrics.dataroot import live_version

from .conftest import REPO

PAGES = {"overview": "views/public_overview.py", "tables": "views/public_tables.py",
         "methodology": "views/public_methodology.py", "accessibility": "views/accessibility.py"}


@pytest.fixture
def env(release_only, monkeypatch):
    monkeypatch.setenv("CARA_DATA_DIR", str(release_only))
    monkeypatch.setenv("CARA_AUDIENCE", "public")
    warehouse.clear_cache()
    yield release_only
    warehouse.clear_cache()


def _run(page: str) -> AppTest:
    return AppTest.from_file(str(REPO / PAGES[page]), default_timeout=120).run()


def _damage(path: Path, how: str) -> None:
    if how == "missing":
        path.unlink()
    else:  # the first half of the file, then junk: no Parquet footer
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\x00not parquet\x00" * 64)


# (file, how it is damaged, the pages that need it)
CASES = [
    ("crime", "missing", {"overview", "tables"}),
    ("referrals", "damaged", {"overview", "tables"}),
    ("areas", "missing", {"overview", "tables"}),
    ("revisions", "missing", set(PAGES)),
]


@pytest.mark.parametrize("name,how,needed_by", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_broken_release_file_is_named_and_the_pages_recover(env, name, how, needed_by):
    path = live_version(env, "release").table_path(name)
    backup = path.read_bytes()
    _damage(path, how)
    try:
        for page in PAGES:
            at = _run(page)
            assert not at.exception, (page, [e.value for e in at.exception])
            errors = [e.value for e in at.error]
            if page in needed_by:
                assert errors, f"{page} shows no message for a {how} {name}.parquet"
                for text in errors:  # every message names the file, in words
                    assert f"The published file for {name} (" in text and "is missing or damaged" in text, (page, text)
                    assert "Traceback" not in text and "parquet" not in text.lower(), (page, text)
                assert len(at.title) == 1  # the page itself still shows: title, then the message
            else:
                assert not errors, (page, errors)
    finally:
        path.write_bytes(backup)
    for page in sorted(needed_by):  # restored: whole again on the first run (a reload), no cache cleared
        at = _run(page)
        assert not at.exception and not at.error, (page, [e.value for e in at.error])


def test_a_missing_figures_file_leaves_the_rest_of_the_tables_page(env):
    """One section says the crime file is missing; every other table keeps its downloads and panels."""
    path = live_version(env, "release").table_path("crime")
    backup = path.read_bytes()
    path.unlink()
    try:
        at = _run("tables")
        assert len(at.error) == 1 and "published file for crime" in at.error[0].value
        assert len(at.get("download_button")) == 3 * (len(publish.TABLES) - 1)
        assert len(at.selectbox(key="public_year").options) > 0  # the choices come from the other tables
        at = _run("overview")
        assert len(at.metric) == 0 and len(at.error) == 3  # tiles, sentences and every-area table need crime
        assert any(h.value == "About this release" for h in at.header)  # the rest of the page is there
    finally:
        path.write_bytes(backup)


def test_tables_page_serves_the_release_download_files_and_builds_none(env, monkeypatch):
    def build(name, root=None):
        raise AssertionError(f"built the downloads of {name} while serving a page")

    monkeypatch.setattr(export, "downloads", build)
    public.clear_downloads()
    at = _run("tables")
    assert not at.exception and len(at.error) == 0
    v = live_version(env, "release")
    for name in publish.TABLES:
        files = public.downloads(name)
        assert len(files) == 3 and all(f.data == (v.path / f.file_name).read_bytes() for f in files)
        assert public.downloads(name) is files  # read once per release


def test_a_missing_download_file_is_named(env):
    v = live_version(env, "release")
    path = v.path / public.downloads("survey")[1].file_name
    backup = path.read_bytes()
    public.clear_downloads()
    path.unlink()
    try:
        with pytest.raises(public.ReleaseFileError, match="survey downloads"):
            public.downloads("survey")
    finally:
        path.write_bytes(backup)
        public.clear_downloads()
