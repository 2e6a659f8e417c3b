"""The foundation: contract document, registry, synthetic data, warehouse access."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cara_metrics import cli, contract, contract_doc, synth, warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version, write_version
from cara_metrics.periods import Filters

from .conftest import FORCE, REPO


def _hashes(version_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(version_dir.glob("*.parquet"))}


def test_data_contract_doc_matches_code():
    committed = contract_doc.DOC_PATH.read_text(encoding="utf-8")
    assert committed == contract_doc.render(), "docs/data-contract.md is stale: run `python -m cara_metrics contract-doc --write`"


def test_contract_doc_names_every_column():
    text = contract_doc.render()
    for t in contract.TABLES.values():
        for c in t.columns:
            assert f"| `{c.name}` |" in text, (t.name, c.name)


def test_embedded_demo_is_reproducible(tmp_path):
    """The committed demo data is exactly what `synth --scale dorset --seed 2019` writes."""
    path = synth.write_dorset(tmp_path, 2019)
    demo = live_version(DEFAULT_DATA_DIR, "warehouse")
    assert _hashes(path) == _hashes(demo.path)
    assert demo.synthetic and demo.manifest["seed"] == 2019


def test_another_seed_gives_other_data(tmp_path):
    a = synth.write_dorset(tmp_path / "a", 1)
    b = synth.write_dorset(tmp_path / "b", 2)
    assert _hashes(a)["referrals.parquet"] != _hashes(b)["referrals.parquet"]


def test_demo_is_small():
    size = sum(p.stat().st_size for p in DEFAULT_DATA_DIR.rglob("*") if p.is_file())
    assert size < 20 * 1024 * 1024


def test_demo_tables_follow_the_contract():
    v = live_version(DEFAULT_DATA_DIR, "warehouse")
    for t in contract.TABLES.values():
        if t.name in contract.OPTIONAL_TABLES and not v.table_path(t.name).exists():
            continue  # optional public context the demo does not carry (read as empty)
        schema = pq.read_schema(v.table_path(t.name))
        assert schema.names == t.column_names, t.name
        assert [str(f.type) for f in schema] == [str(f.type) for f in contract.arrow_schema(t)], t.name


def test_demo_is_calibrated_to_published_figures():
    """Back-test: 2018/19 Dorset had 55,028 recorded crimes, 6,871 DA-related (12.5%)."""
    f = Filters.financial_years(2018, 2018, FORCE)
    row = warehouse.query("crime_by_period", f.params(grain="year")).iloc[0]
    assert int(row["all_offences"]) == 55_028
    assert int(row["da_offences"]) == 6_871
    assert round(100 * row["da_offences"] / row["all_offences"], 1) == 12.5


def test_demo_old_districts_map_to_current_areas():
    v = live_version(DEFAULT_DATA_DIR, "warehouse")
    crime = pq.read_table(v.table_path("crime")).to_pandas()
    before = crime[crime["month"] < dt.date(2019, 4, 1)]
    after = crime[crime["month"] >= dt.date(2019, 4, 1)]
    assert set(before["area_code_original"]) == set(contract.DORSET_SUCCESSORS)
    assert set(before["area_code"]) == {"E06000058", "E06000059"}
    assert (after["area_code"] == after["area_code_original"]).all()
    for old, new in contract.DORSET_SUCCESSORS.items():
        assert (before.loc[before["area_code_original"] == old, "area_code"] == new).all()


def test_demo_programme_figures_are_plausible(demo_filters):
    """CARA from August 2019; a few hundred referrals a year; survey about 94% / 91%."""
    ref = warehouse.query("referrals_by_period", demo_filters.params(grain="year"))
    assert ref["referrals"].between(100, 400).all()
    assert warehouse.query("data_coverage").set_index("source").loc["referrals", "first_date"].date() >= dt.date(2019, 8, 1)
    s = warehouse.query("survey_by_period", demo_filters.params(grain="year")).groupby("question_id")[["agree", "n"]].sum()
    assert 0.90 <= s.loc["attitude", "agree"] / s.loc["attitude", "n"] <= 0.97
    assert 0.87 <= s.loc["relationship", "agree"] / s.loc["relationship", "n"] <= 0.95


def test_new_version_is_seen_without_restart(demo_copy, demo_filters):
    before = warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)
    v = live_version(demo_copy, "warehouse")
    tables = {t: pq.read_table(v.table_path(t)) for t in contract.TABLES if v.table_path(t).exists()}
    tables["referrals"] = tables["referrals"].slice(0, 10)
    write_version(demo_copy, "warehouse", tables, v.manifest)
    after = warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)
    assert int(before["referrals"].sum()) > 10 and int(after["referrals"].sum()) == 10


def test_cursor_per_thread_under_concurrency(demo_filters):
    """Many threads querying at once: no 'connection is busy', same answers."""
    warehouse.clear_cache()
    errors: list[BaseException] = []
    results: list[int] = []

    def work(i: int) -> None:
        try:
            for grain in ("month", "quarter", "year"):
                f = demo_filters.with_area(["E23000039", "E06000058", "E06000059"][i % 3])
                df = warehouse.query("crime_by_period", f.params(grain=grain, n=i))  # n: unused, defeats the cache
                results.append(int(df["all_offences"].sum()))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 72 and len(set(results)) == 3


def test_area_values_are_bound_not_formatted(demo_filters):
    """A hostile area value is just a value that matches nothing."""
    df = warehouse.query("crime_by_period", demo_filters.with_area("x' OR 1=1 --").params(grain="year"))
    assert df.empty


def test_missing_file_gives_a_clear_error(demo_copy, demo_filters):
    v = live_version(demo_copy, "warehouse")
    warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)
    v.table_path("referrals").write_bytes(b"not parquet")
    warehouse.clear_cache()
    with pytest.raises(warehouse.QueryError):
        warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_restored_file_is_read_on_the_first_query_after_the_restore(demo_copy, demo_filters, damage):
    """The page run after a restore shows the data: no second failure from a database opened while the file was bad."""
    v = live_version(demo_copy, "warehouse")
    path = v.table_path("referrals")
    good = path.read_bytes()
    warehouse.clear_cache()
    path.unlink() if damage == "delete" else path.write_bytes(b"not parquet")
    params = demo_filters.params(grain="year")
    for _ in range(2):  # failing twice leaves a database open that knows the file is bad
        with pytest.raises(warehouse.QueryError, match="referrals"):
            warehouse.query("referrals_by_period", params, root=demo_copy)
        warehouse.query("areas_current", root=demo_copy)  # other tables keep working
    path.write_bytes(good)
    assert int(warehouse.query("referrals_by_period", params, root=demo_copy)["referrals"].sum()) > 0


@pytest.mark.parametrize("name", ["referrals", "revisions"])
def test_missing_release_file_is_named_and_its_restore_seen(demo_copy, name):
    r = live_version(demo_copy, "release")
    path = r.path / f"{name}.parquet"
    good = path.read_bytes()
    path.unlink()
    warehouse.clear_cache()
    db = warehouse.database(demo_copy, "release")
    assert db.broken.get(name) == "missing"
    path.write_bytes(good)
    assert name not in warehouse.database(demo_copy, "release").broken


def test_pinned_page_run_reads_one_version(demo_copy, demo_filters):
    """A load that lands half-way through a page run is not mixed into that run."""
    first = warehouse.pin(demo_copy)
    try:
        before = warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)
        v = live_version(demo_copy, "warehouse")
        tables = {t: pq.read_table(v.table_path(t)) for t in contract.TABLES if v.table_path(t).exists()}
        tables["referrals"] = tables["referrals"].slice(0, 10)
        write_version(demo_copy, "warehouse", tables, v.manifest)
        during = warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)
        assert during.equals(before)  # same page run: still the pinned version

        other: list[int] = []
        t = threading.Thread(target=lambda: other.append(int(warehouse.query(
            "referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)["referrals"].sum())))
        t.start()
        t.join()
        assert other == [10]  # another session's run already sees the new version

        assert warehouse.pin(demo_copy).name != first.name  # the next page run moves on
        after = warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy)
        assert int(after["referrals"].sum()) == 10
    finally:
        warehouse.unpin()


def test_changing_a_query_result_never_changes_the_cached_one(demo_filters):
    """Results are handed out as shallow copies (pandas 3 copy-on-write): a caller's edits stay its own."""
    params = demo_filters.params(grain="year")
    first = warehouse.query("referrals_by_period", params)
    total = int(first["referrals"].sum())
    first.loc[first.index[0], "referrals"] = -10_000
    first["extra"] = 1
    del first["period_start"]
    again = warehouse.query("referrals_by_period", params)
    assert int(again["referrals"].sum()) == total
    assert list(again.columns) == ["period_start", "referrals"]


def test_a_query_through_a_helper_macro_names_the_missing_table(demo_copy, demo_filters):
    """reoffending_people reads the cohort through a table macro: the message still names the cohort file."""
    live_version(demo_copy, "warehouse").table_path("cohort").unlink()
    warehouse.clear_cache()
    params = demo_filters.params(last_complete_index=demo_filters.date_to)
    with pytest.raises(warehouse.QueryError, match="cohort"):
        warehouse.query("reoffending_people", params, root=demo_copy)
    assert len(warehouse.query("referrals_by_period", demo_filters.params(grain="year"), root=demo_copy))


def test_a_command_imports_only_what_it_needs():
    """`ingest` must not pay for python-pptx, publish or the benchmarks (0.6 s a command)."""
    import subprocess
    import sys

    code = ("import sys; from cara_metrics import cli; cli.build_parser(['ingest', '--help']); "
            "print(sorted(m for m in ('pptx', 'cara_metrics.boardpack', 'cara_metrics.publish', 'bench') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.strip() == "[]"
    every = cli.build_parser([])
    assert {"ingest", "publish", "boardpack", "users"} <= set(every._subparsers._group_actions[0].choices)
    assert not {"bench", "bench-browser"} & set(every._subparsers._group_actions[0].choices)  # benchmarks: python -m bench
