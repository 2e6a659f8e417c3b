"""Version history of the data root: rollback along ``previous_version``, orphans set aside,
and publishes that read one warehouse version and never overlap (issue 11, items 2 and 3).

Each test copies the embedded demo (warehouse v0001, release r0001) and loads a one-row
crime file, so a load takes about a second.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cara_metrics import dataroot, publish, warehouse
from cara_metrics.publish import release as release_mod
from cara_metrics.publish.model import PublishError
from cara_metrics.dataroot import DEFAULT_DATA_DIR, list_versions, live_version, write_version
from cara_metrics.ingest import commit
from cara_metrics.ingest.commands import main

CRIME_HEADER = "month,area_code,offence_code,offence_group,da_flag,offences\n"


@pytest.fixture
def root(tmp_path) -> Path:
    """A copy of the demo data root."""
    out = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, out)
    return out


def crime_file(folder: Path, offences: int) -> Path:
    """A one-row monthly crime extract; ``offences`` tells the loads apart."""
    path = folder / f"crime-{offences}.csv"
    path.write_text(CRIME_HEADER + f"2019-08-01,E06000058,105A,Violence against the person,true,{offences}\n",
                    encoding="utf-8")
    return path


def load(root: Path, file: Path) -> int:
    return main(["ingest", "--data-dir", str(root), "--quiet", str(file)])


def rollback(root: Path) -> int:
    return main(["ingest", "--data-dir", str(root), "--rollback"])


def manifest(root: Path, name: str, kind: str = "warehouse") -> dict:
    return json.loads((root / kind / name / "manifest.json").read_text(encoding="utf-8"))


def set_aside(root: Path, kind: str = "warehouse") -> list[str]:
    folder = root / kind / dataroot.ORPHANED
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# --------------------------------------------------------------------------------------
# Item 2: rollback follows previous_version, under the load lock; orphans set aside
# --------------------------------------------------------------------------------------


def test_load_rollback_load_rollback_never_revives_the_abandoned_load(root, tmp_path, capsys):
    """The issue's sequence: the old code picked the folder before the live one (v0002, the
    abandoned load) instead of the version v0003 replaced (v0001)."""
    assert load(root, crime_file(tmp_path, 111)) == 0           # v0002
    assert rollback(root) == 0                                  # v0001 live; v0002 abandoned
    capsys.readouterr()
    assert load(root, crime_file(tmp_path, 222)) == 0           # v0003, replacing v0001
    out = capsys.readouterr().out
    assert "set aside warehouse version v0002" in out
    assert live_version(root).name == "v0003" and manifest(root, "v0003")["previous_version"] == "v0001"
    assert rollback(root) == 0
    assert live_version(root).name == "v0001"
    # The abandoned load is kept, named, outside the versions anything reads; its number is not reused.
    assert [n.split("-")[0] for n in set_aside(root)] == ["v0002"]
    assert list_versions(root) == ["v0001", "v0003"]
    assert rollback(root) == 1  # v0001 is the demo's first version: nothing older


def test_a_load_killed_before_going_live_is_set_aside_not_rolled_back_to(root, tmp_path, capsys):
    """A kill between the folder's rename and the switch of CURRENT leaves a complete v0002
    that was never live. The next load sets it aside; rolling that load back returns to
    v0001, the version it replaced, not to the killed one."""
    killed = root / "warehouse" / "v0002"
    shutil.copytree(root / "warehouse" / "v0001", killed)
    (killed / "manifest.json").write_text(json.dumps({**manifest(root, "v0001"), "previous_version": "v0001",
                                                      "note": "killed load"}), encoding="utf-8")
    assert load(root, crime_file(tmp_path, 333)) == 0
    assert "set aside warehouse version v0002" in capsys.readouterr().out
    assert live_version(root).name == "v0003"
    assert rollback(root) == 0
    assert live_version(root).name == "v0001"
    assert [n.split("-")[0] for n in set_aside(root)] == ["v0002"]


def test_rollback_sets_an_orphan_aside_too(root, capsys):
    killed = root / "warehouse" / "v0002"
    shutil.copytree(root / "warehouse" / "v0001", killed)
    (killed / "manifest.json").write_text(json.dumps({**manifest(root, "v0001"), "previous_version": "v0001"}),
                                          encoding="utf-8")
    assert rollback(root) == 1  # nothing before v0001 ...
    out, err = capsys.readouterr()
    assert "set aside warehouse version v0002" in out and "nothing to roll back to" in err
    assert live_version(root).name == "v0001" and list_versions(root) == ["v0001"]  # ... but the orphan is gone


def test_rollback_waits_for_no_load_it_takes_the_same_lock(root, tmp_path, capsys):
    assert load(root, crime_file(tmp_path, 444)) == 0
    fd = commit.lock(root)  # as a load holds it while it writes
    try:
        assert rollback(root) == 1
    finally:
        os.close(fd)
    err = capsys.readouterr().err
    assert "another load or rollback" in err and "Traceback" not in err
    assert live_version(root).name == "v0002"


def test_rollback_refuses_to_guess_when_the_predecessor_is_not_recorded(root, capsys):
    """A version written before predecessors were recorded: refuse (nothing changes) rather
    than guess by folder name."""
    v1 = live_version(root)
    tables = {t: pq.read_table(v1.table_path(t)) for t in ("areas", "crime")}
    legacy = write_version(root, "warehouse", tables, {**v1.manifest, "note": "legacy"})
    legacy_manifest = legacy.path / "manifest.json"
    m = json.loads(legacy_manifest.read_text(encoding="utf-8"))
    del m["previous_version"]  # as the old write_version left it
    legacy_manifest.write_text(json.dumps(m), encoding="utf-8")
    assert rollback(root) == 1
    err = capsys.readouterr().err
    assert "cannot roll back safely" in err and "v0001" in err and "Traceback" not in err
    assert live_version(root).name == "v0002"
    assert set_aside(root) == []  # v0001 might be its predecessor: never treated as an orphan


def test_every_new_version_records_the_version_it_replaced(root):
    v1 = live_version(root)
    tables = {"areas": pq.read_table(v1.table_path("areas"))}
    v2 = write_version(root, "warehouse", tables, {**v1.manifest, "previous_version": "v0999"})  # a stale copy
    assert v2.manifest["previous_version"] == "v0001"
    assert manifest(root, "v0002")["previous_version"] == "v0001"


def test_orphans_are_only_versions_newer_than_the_known_history(root):
    """v0001 (demo, no previous_version) is live; v0002 claims v0001 as predecessor but never
    went live: an orphan. After a legacy v0003 goes live, v0001 and v0002 are older than the
    unknown history and are left alone."""
    v1 = root / "warehouse" / "v0001"
    shutil.copytree(v1, root / "warehouse" / "v0002")
    assert dataroot.orphans(root) == ["v0002"]
    shutil.copytree(v1, root / "warehouse" / "v0003")
    dataroot.set_live(root, "warehouse", "v0003")  # its manifest (the demo's) has no previous_version
    assert dataroot.orphans(root) == []


# --------------------------------------------------------------------------------------
# Item 3: a publish reads one warehouse version; publishes never overlap
# --------------------------------------------------------------------------------------

RELEASE_DATE = dt.date(2025, 6, 30)


def test_a_load_landing_mid_publish_does_not_leak_into_the_release(root, tmp_path, monkeypatch):
    """An ingest runs between the publish's first and second queries. The release must be
    exactly the one built from v0001 alone, and say so; the old code read the new load's
    crime counts for every query after the first while its manifest named v0001."""
    reference_root = tmp_path / "reference"
    shutil.copytree(root, reference_root)
    reference = publish.build_release(reference_root, RELEASE_DATE)
    warehouse.clear_cache()

    real_query = warehouse.query
    loads: list[int] = []

    def query_then_load(name, params=None, **kw):
        if not loads:
            loads.append(load(root, crime_file(tmp_path, 4242)))
        return real_query(name, params, **kw)

    monkeypatch.setattr(warehouse, "query", query_then_load)
    try:
        v = publish.build_release(root, RELEASE_DATE)
    finally:
        warehouse.clear_cache()
    assert loads == [0] and live_version(root).name == "v0002"  # the load did land mid-build
    assert v.manifest["warehouse_version"] == "v0001" and v.manifest["synthetic"] is True
    files = sorted(p.name for p in reference.path.glob("*.parquet"))
    assert files == sorted(p.name for p in v.path.glob("*.parquet"))
    for name in files:
        assert pq.read_table(v.path / name).equals(pq.read_table(reference.path / name)), name


def test_two_publishes_at_once_give_consecutive_releases(root, monkeypatch):
    """Both start together; each must compare its revisions with the release before it. The
    old code let both read r0001 as the previous release. Each build pauses (up to 5 s) where
    it compares revisions, so without the lock both are certainly inside at once."""
    real_mark = release_mod.mark_revisions
    inside, both = [], threading.Event()
    guard = threading.Lock()

    def slow_mark(tables, previous):
        with guard:
            inside.append(previous.name if previous else None)
            if len(inside) == 2:
                both.set()
        both.wait(timeout=5)
        return real_mark(tables, previous)

    monkeypatch.setattr(release_mod, "mark_revisions", slow_mark)
    errors: list[BaseException] = []

    def run(day: dt.date) -> None:
        try:
            publish.build_release(root, day)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            warehouse.unpin()

    threads = [threading.Thread(target=run, args=(d,)) for d in (dt.date(2025, 7, 1), dt.date(2025, 7, 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    warehouse.clear_cache()
    assert not errors, errors
    assert list_versions(root, "release") == ["r0001", "r0002", "r0003"]
    for name, before in (("r0002", "r0001"), ("r0003", "r0002")):
        m = manifest(root, name, "release")
        assert m["previous_release"] == before and m["revisions"]["compared_with"] == before, name
        assert m["previous_version"] == before
    assert sorted(inside) == ["r0001", "r0002"]


def test_a_publish_that_cannot_get_the_lock_says_so(root):
    fd = dataroot.lock(root / "release")  # another publish is writing
    try:
        with pytest.raises(PublishError, match="Another publish into .* nothing was published"):
            publish.build_release(root, RELEASE_DATE, wait_seconds=0.3)
    finally:
        os.close(fd)
    assert list_versions(root, "release") == ["r0001"]


def test_a_publish_killed_before_going_live_is_set_aside(root, capsys):
    shutil.copytree(root / "release" / "r0001", root / "release" / "r0002")  # complete, never live
    try:
        v = publish.build_release(root, RELEASE_DATE)
    finally:
        warehouse.clear_cache()
    assert "set aside release version r0002" in capsys.readouterr().out
    assert v.name == "r0003" and v.manifest["previous_release"] == "r0001"
    assert [n.split("-")[0] for n in set_aside(root, "release")] == ["r0002"]
