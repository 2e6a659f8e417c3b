"""An ingest killed midway (SIGKILL: no clean-up code runs) leaves the previous version live.

The load runs as a separate process on a two-million-row crime file. It is killed as soon
as it has started writing inside the data root (a ``.incoming-*`` folder appears), the
moment most likely to leave damage. Then: ``CURRENT`` still names the old version, the
old version's files are byte for byte as they were and the app can query them, and
``clean_incoming`` removes what the killed process left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cara_metrics import warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR, clean_incoming, live_version

from .ingest_corpus import big_crime_csv, tree_hash

REPO = Path(__file__).resolve().parent.parent


def _start(root: Path, csv: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cara_metrics.ingest", "ingest", "--data-dir", str(root), "--quiet", str(csv)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killed_ingest_leaves_previous_version_live(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    before = tree_hash(root)
    csv = big_crime_csv(tmp_path / "crime.csv", 2_000_000)
    proc = _start(root, csv)
    incoming: list[Path] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        incoming = list((root / "warehouse").glob(".incoming-*"))
        if incoming:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"the load finished before it could be killed: {proc.stderr.read().decode()}"
    assert incoming, "the load was killed before it wrote anything"

    # The previous version is still the live one, unchanged and readable.
    assert live_version(root).name == "v0001"
    after = tree_hash(root)
    assert {k: v for k, v in after.items() if k.startswith("warehouse/v0001/") or k == "warehouse/CURRENT"} == \
        {k: v for k, v in before.items() if k.startswith("warehouse/v0001/") or k == "warehouse/CURRENT"}
    warehouse.clear_cache()
    try:
        assert warehouse.query("crime_by_area", {"force": "E23000039", "date_from": "2019-04-01", "date_to": "2020-03-31"}, root=root).shape[0] > 0
    finally:
        warehouse.clear_cache()

    # Leftovers are removed by clean_incoming; a complete but never-switched version (the kill
    # may land between the rename and CURRENT) is harmless: it is simply not live.
    assert clean_incoming(root, "warehouse") >= 1
    assert not list((root / "warehouse").glob(".incoming-*"))
    left = {k: v for k, v in tree_hash(root).items() if not k.startswith("warehouse/v0002/")}
    assert left == before


def test_a_new_load_after_a_kill_cleans_up_and_succeeds(tmp_path):
    """The next ingest removes a killed load's leftovers itself (under its lock) and loads."""
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    stale = root / "warehouse" / ".incoming-build-deadbeef"
    stale.mkdir()
    (stale / "crime.parquet").write_bytes(b"half a file")
    csv = big_crime_csv(tmp_path / "crime.csv", 1000)
    proc = subprocess.run([sys.executable, "-m", "cara_metrics.ingest", "ingest", "--data-dir", str(root), "--quiet", str(csv)],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists()
    assert live_version(root).name == "v0002"
