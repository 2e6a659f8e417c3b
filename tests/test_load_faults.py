"""Real browser, bounded: the public view under load (during an ingest + publish), and faults.

The full forms (20 sessions, a minute, the cold/warm page timings) are run by
``python -m bench browser`` and written up in docs/performance-browser.md; this
file runs the same code small enough for CI (5 sessions, seconds not minutes; the whole file
takes about two minutes on 2 cores). Timings are printed and saved under artifacts/, never
asserted: these machines are shared and noisy. What is asserted is what a user must never
see: an error, a timeout, a half-updated figure, a traceback.

The defects this work first found are fixed and their tests are plain tests now: a page
run reads one release even across a publish (``warehouse.pin``), a missing release file
gives a message naming it (``public.ReleaseFileError``, ``ui_public.guard``), and the first
area change after a server restart is kept (``ui_public._choose``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bench import browser as bb
from cara_metrics import public, warehouse
from cara_metrics.dataroot import set_live

from .browser import ARTIFACTS, chromium_path

pytestmark = pytest.mark.browser

SESSIONS = 5


def _save(name: str, text: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(text + "\n", encoding="utf-8")
    print(text)


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_path()  # a missing browser fails when CI is set, never skips


def test_public_pages_are_the_registered_ones():
    pages = bb.public_pages()
    assert [p.path for p in pages] == ["", "public-tables", "methodology", "accessibility"]
    assert pages[0].tiles and any(p.charts for p in pages)


def test_sessions_during_ingest_and_publish_see_no_error_and_no_mix(chromium, tmp_path):
    """5 sessions visit every public page and change the area while an ingest and a publish
    run on the same data root; every page view shows one release's figures, never a mix."""
    r = bb.run_load(SESSIONS, 10, during_ingest=True, chromium=chromium, workdir=tmp_path)
    _save("load-during-ingest.md", bb.format_load(r))

    assert not r.errors, [f"{s.kind} {s.page}: {s.error}" for s in r.errors]
    assert not r.incomplete_sessions and not r.aborted
    for i in range(SESSIONS):  # every session loaded, switched to every page and changed the area
        seen = {(s.kind, s.page) for s in r.steps if s.session == i}
        assert ("load", "Published figures") in seen and ("filter", "Published figures") in seen
        assert {p.title for p in bb.public_pages()[1:]} <= {page for kind, page in seen if kind == "switch"}
    assert r.publishes and all(p["rc"] == 0 for p in r.publishes), r.publishes
    c = r.consistency
    assert c["n_mismatches"] == 0, c["mismatches"]
    old, new = c["versions"][-2], c["versions"][-1]  # the release before the publish, and the one it made
    assert c["matched"].get(old, 0) > 0 and c["matched"].get(new, 0) > 0, c["matched"]
    assert 0 < r.server_peak_mb < bb.TARGET_SERVER_MB


# A missing or damaged release file under the public pages ("public-file" in the bench) is
# tested without a browser, page by page, in tests/test_public_faults.py.
@pytest.fixture(scope="module")
def faults(chromium, tmp_path_factory) -> bb.FaultsResult:
    f = bb.run_faults(("file", "restart"), chromium=chromium, workdir=tmp_path_factory.mktemp("faults"))
    _save("faults.md", bb.format_faults(f))
    return f


def test_damaged_warehouse_file_gives_a_clear_message_and_recovers(faults):
    """Deleted, then corrupted, under a running staff instance: a message on the affected page
    (no traceback, no exception box), the other page works, and a reload recovers."""
    r = faults.get("file")
    assert r.ok, f"{r.summary}\n" + "\n".join(r.details)
    assert r.facts["deleted_reloads_to_recover"] and r.facts["corrupted_reloads_to_recover"]


def test_server_restart_shows_connection_status_then_reconnects_and_reruns(faults):
    r = faults.get("restart")
    assert r.ok, f"{r.summary}\n" + "\n".join(r.details)
    assert "connect" in r.facts["status_text"].lower()
    assert r.facts["reconnected_after_s"] is not None


def test_first_area_change_after_a_restart_is_kept(faults):
    assert faults.get("restart").facts["first_choice_kept"], faults.get("restart").details


def test_duckdb_cursors_from_32_threads_over_two_data_roots(tmp_path):
    f = bb.run_faults(("threads",), workdir=tmp_path, threads=32, thread_seconds=4)
    r = f.get("threads")
    _save("faults-threads.md", bb.format_faults(f))
    assert r.ok, r.summary
    assert r.facts["exit_code"] == 0 and r.facts["threads"] == 32 and len(r.facts["roots"]) == 2
    assert r.facts["queries"] > 100 and len(r.facts["sql_files"]) >= 5


@pytest.fixture
def two_releases(tmp_path) -> Path:
    """A data root with two live-able releases whose Dorset figures differ (one ingest + publish)."""
    root = bb.prepare_root(tmp_path / "root", keep_warehouse=True)
    csv = bb.crime_update(tmp_path / "ingest", 0)
    assert bb.run_cara("ingest", "--data-dir", str(root), "--quiet", "--report", str(tmp_path / "r.csv"), str(csv)).returncode == 0
    assert bb.run_cara("publish", "--data-dir", str(root), "--release-date", "2025-07-01").returncode == 0
    yield root
    warehouse.clear_cache()


def test_a_page_run_that_spans_a_publish_never_mixes_releases(two_releases):
    """What the browser check looks for, made certain: CURRENT flips between the two releases
    every few milliseconds while the headline page's figures are computed, each computation
    pinned first as a page run is (``ui_public.start`` calls ``warehouse.pin``)."""
    root = two_releases
    versions = sorted(p.name for p in (root / "release").iterdir() if p.name.startswith("r"))[-2:]

    def page() -> tuple:
        warehouse.pin(root, "release")
        try:
            tiles = tuple((t.value_text, t.delta_text, t.n_text) for t in public.headline_tiles(bb.INGEST_AREA, "2024/25", root))
            return tiles, tuple(public.release_info(root).status())
        finally:
            warehouse.unpin()

    expected = set()
    for v in versions:
        set_live(root, "release", v)
        expected.add(page())
    assert len(expected) == 2, "the two releases should differ"
    stop = threading.Event()

    def flip() -> None:
        i = 0
        while not stop.is_set():
            set_live(root, "release", versions[i % 2])
            i += 1
            time.sleep(0.003)

    flipper = threading.Thread(target=flip, daemon=True)
    flipper.start()
    try:
        seen = [page() for _ in range(40)]
    finally:
        stop.set()
        flipper.join()
    mixed = [s for s in seen if s not in expected]
    assert not mixed, f"{len(mixed)} of {len(seen)} page runs mixed two releases, e.g. {mixed[0][0][0]}"
