"""Demo warehouse -> export-raw -> ingest into a new data root gives the same warehouse.

Also: loading the same files again replaces rather than double counts, rollback restores
the previous version, the manifest records what was loaded, and synthetic data stays
labelled synthetic through the round trip (and loses the label when a file is edited).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cara_metrics import contract as C
from cara_metrics import warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR, list_versions, live_version
from cara_metrics.ingest.commands import main
from cara_metrics.periods import Filters

from .conftest import FORCE
from .ingest_corpus import tree_hash


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """(raw folder, new data root) after export-raw of the demo and ingest of the export."""
    base = tmp_path_factory.mktemp("roundtrip")
    raw, root = base / "raw", base / "root"
    assert main(["export-raw", "--data-dir", str(DEFAULT_DATA_DIR), "--out", str(raw)]) == 0
    assert main(["ingest", "--data-dir", str(root), "--quiet", str(raw)]) == 0
    return raw, root


def _sorted(table_name: str, path) -> pd.DataFrame:
    t = pq.read_table(path)
    return t.sort_by([(k, "ascending") for k in C.TABLES[table_name].key]).to_pandas()


def test_round_trip_gives_identical_tables(round_trip):
    _raw, root = round_trip
    demo, new = live_version(DEFAULT_DATA_DIR), live_version(root)
    for name in C.REQUIRED_TABLES:
        assert pq.read_schema(new.table_path(name)) == C.arrow_schema(C.TABLES[name]), name
        pd.testing.assert_frame_equal(_sorted(name, demo.table_path(name)), _sorted(name, new.table_path(name)), obj=name)


def test_round_trip_gives_identical_query_results(round_trip):
    _raw, root = round_trip
    params = Filters.financial_years(2016, 2024, FORCE).params(
        grain="quarter", force=FORCE, step="completion", last_complete_index=dt.date(2023, 9, 30))
    compared = 0
    for name in warehouse.sql_files():
        warehouse.clear_cache()
        try:
            want = warehouse.query(name, params, root=DEFAULT_DATA_DIR)
        except Exception as exc:  # a query needing parameters this test does not know
            warehouse.clear_cache()
            with pytest.raises(type(exc)):
                warehouse.query(name, params, root=root)
            continue
        warehouse.clear_cache()
        got = warehouse.query(name, params, root=root)
        cols = list(want.columns)
        assert list(got.columns) == cols, name
        key = [c for c in cols if want[c].dtype != "float64"] or cols
        want = want.sort_values(key, kind="stable").reset_index(drop=True)
        got = got.sort_values(key, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(want, got, check_exact=False, rtol=1e-9, obj=name)
        compared += 1
    warehouse.clear_cache()
    assert compared >= 15


def test_round_trip_manifest_and_synthetic_label(round_trip):
    raw, root = round_trip
    m = live_version(root).manifest
    assert m["synthetic"] is True and "SYNTHETIC" in m["note"]
    assert m["contract_version"] == C.CONTRACT_VERSION
    assert m["data_as_at"] == live_version(DEFAULT_DATA_DIR).manifest["data_as_at"] == "2025-03-31"
    files = {e["file"]: e for e in m["sources"]}
    assert set(files) == {p.name for p in raw.glob("*.csv")}
    crime = files["crime.csv"]
    import hashlib

    assert crime["sha256"] == hashlib.sha256((raw / "crime.csv").read_bytes()).hexdigest()
    assert crime["rows"] == 12024 and crime["table"] == "crime" and crime["loaded_at"]


def test_reload_replaces_and_rollback_restores(round_trip, tmp_path, capsys):
    raw, root0 = round_trip
    root = tmp_path / "root"
    shutil.copytree(root0, root)
    crime_before = pq.read_table(live_version(root).table_path("crime"))
    first = tree_hash(root)

    # The same file again: a new version with the same contents, not double counts.
    assert main(["ingest", "--data-dir", str(root), str(raw / "crime.csv")]) == 0
    assert list_versions(root) == ["v0001", "v0002"]
    crime_after = pq.read_table(live_version(root).table_path("crime"))
    assert crime_after.num_rows == crime_before.num_rows
    assert sum(crime_after.column("offences").to_pylist()) == sum(crime_before.column("offences").to_pylist())

    # An edited file: no longer the synthetic export, so the warehouse is no longer synthetic.
    edited = tmp_path / "crime.csv"
    text = (raw / "crime.csv").read_text(encoding="utf-8").splitlines()
    edited.write_text("\n".join(text[:1] + [text[1].replace(",102,", ",103,")]) + "\n", encoding="utf-8")
    assert ",103," in edited.read_text(encoding="utf-8")
    assert main(["ingest", "--data-dir", str(root), "--as-at", "2025-04-30", str(edited)]) == 0
    v3 = live_version(root)
    assert v3.name == "v0003" and v3.synthetic is False and v3.manifest["data_as_at"] == "2025-04-30"
    assert sum(pq.read_table(v3.table_path("crime")).column("offences").to_pylist()) == \
        sum(crime_before.column("offences").to_pylist()) + 1

    capsys.readouterr()
    assert main(["ingest", "--data-dir", str(root), "--rollback"]) == 0
    assert "v0002 is live again" in capsys.readouterr().out
    assert live_version(root).name == "v0002" and live_version(root).synthetic
    assert main(["ingest", "--data-dir", str(root), "--rollback"]) == 0
    assert live_version(root).name == "v0001"
    # Rolling back only moves the pointer: every version's files are as they were.
    now = tree_hash(root)
    assert {k: v for k, v in now.items() if k.startswith("warehouse/v0001/")} == \
        {k: v for k, v in first.items() if k.startswith("warehouse/v0001/")}
    assert main(["ingest", "--data-dir", str(root), "--rollback"]) == 1  # nothing older


def test_export_raw_marks_synthetic_files(round_trip):
    raw, _root = round_trip
    marker = json.loads((raw / "cara-export.json").read_text(encoding="utf-8"))
    assert marker["synthetic"] is True
    assert set(marker["files"]) == {p.name for p in raw.glob("*.csv")}
    header = (raw / "referrals.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [c for c in C.REFERRALS.column_names if c != "area_code_original"]
    first = (raw / "referrals.csv").read_text(encoding="utf-8").splitlines()[1]
    assert "/2019," in first  # dates as 13/08/2019


def test_new_warehouse_has_every_required_table(tmp_path, round_trip):
    raw, _root = round_trip
    root = tmp_path / "fresh"
    assert main(["ingest", "--data-dir", str(root), str(raw / "areas.csv")]) == 0
    v = live_version(root)
    for name in C.REQUIRED_TABLES:
        assert pq.read_schema(v.table_path(name)) == C.arrow_schema(C.TABLES[name]), name
    assert pq.read_table(v.table_path("referrals")).num_rows == 0
    assert pq.read_table(v.table_path("areas")).num_rows == 14  # force, 3 CSPs, 2 councils, 8 former districts
    warehouse.clear_cache()
    assert len(warehouse.query("areas_current", {}, root=root)) >= 0
    warehouse.clear_cache()


def test_the_app_shows_the_new_data_root(round_trip, monkeypatch):
    """CARA_DATA_DIR=DIR shows the ingested warehouse, with the same headline numbers as the demo."""
    from streamlit.testing.v1 import AppTest

    _raw, root = round_trip
    shown = {}
    # Only the shipped demo opens the staff pages by itself; for the ingested copy the
    # operator's switch does (a synthetic label on loaded files never does).
    monkeypatch.setenv("CARA_STAFF_OPEN", "1")
    for name, path in (("demo", DEFAULT_DATA_DIR), ("ingested", root)):
        monkeypatch.setenv("CARA_DATA_DIR", str(path))
        warehouse.clear_cache()
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
        assert not at.exception, [e.message for e in at.exception]
        shown[name] = [(m.label, m.value) for m in at.metric]
    warehouse.clear_cache()
    assert shown["ingested"] and shown["ingested"] == shown["demo"]
