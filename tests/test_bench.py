"""The benchmark machinery, run on the embedded demo data at the smallest size.

No timed assertions (the machines are shared and noisy): the tests check that every page
gets a row with numbers and a PASS/MISS verdict, that the plain-pandas baseline gives the
same numbers as the pages' own data work, and that the loading steps run.
"""

from __future__ import annotations

import argparse
import hashlib
import math
from pathlib import Path

import pandas as pd
import pytest

from bench import load as bench_load
from bench import pages as bench_pages
from bench import run as bench
from cara_metrics import warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR

from .conftest import ALL_AREAS, BCP, FORCE

TINY = bench.Repeats(cold=1, warm=1, uncached=1, pandas=1, scan=1)


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    before = _tree_digest(DEFAULT_DATA_DIR)
    work = tmp_path_factory.mktemp("bench")
    r = bench.run("dorset", root=DEFAULT_DATA_DIR, workdir=work, repeats=TINY, csv_rows=10_000, progress=False)
    warehouse.clear_cache()
    assert _tree_digest(DEFAULT_DATA_DIR) == before, "the bench must never write to the data root it measures"
    return r


def test_every_page_has_a_row_with_numeric_timings(report):
    assert [r.page for r in report.rows] == list(bench_pages.PAGES)
    for r in report.rows:
        assert r.error is None, f"{r.page}: {r.error}"
        for name in ("cold_ms", "import_ms", "warm_ms", "uncached_ms", "sql_ms", "peak_mb"):
            value = getattr(r, name)
            assert isinstance(value, float) and math.isfinite(value) and value >= 0, (r.page, name, value)
        assert r.result in ("PASS", "MISS")
        if bench_pages.BASELINE[r.page] is not None:
            assert r.pandas_ms > 0 and r.scan_ms > 0 and r.pandas_ratio > 0 and r.scan_ratio > 0


def test_the_printed_table_has_every_page_and_a_verdict(report):
    text = report.render()
    assert "cores:" in text and "duckdb:" in text and "pandas:" in text and "python:" in text
    header = next(line for line in text.splitlines() if line.startswith("| page"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert {"cold ms", "warm ms", "uncached ms", "pandas ms", "x pandas", "scan ms", "x scan", "result"} <= set(columns)
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(columns) and cells[0] in bench_pages.PAGES:
            rows[cells[0]] = dict(zip(columns, cells))
    assert set(rows) == set(bench_pages.PAGES)
    for page, cells in rows.items():
        assert cells["result"] in ("PASS", "MISS"), page
        for col in ("cold ms", "warm ms", "uncached ms"):
            float(cells[col].replace(",", ""))  # a number, not a dash


def test_the_pandas_baseline_gives_the_same_numbers_as_the_pages(report):
    for r in report.rows:
        if bench_pages.BASELINE[r.page] is None:
            assert r.page == "about"  # reads only the manifest and the registry: nothing to count
            continue
        assert r.same is True, f"{r.page}: {r.differences}"


@pytest.mark.parametrize("area", [a for a in ALL_AREAS if a != FORCE])
def test_the_baseline_agrees_for_every_kind_of_area(area):
    ctx = bench_pages.Ctx.make(DEFAULT_DATA_DIR, area)
    for page in bench_pages.PAGES:
        base = bench_pages.BASELINE[page]
        if base is None:
            continue
        page_numbers = bench_pages.RUN[page](ctx)
        assert page_numbers, page
        assert bench_pages.compare(page_numbers, base(ctx)) == [], (page, area)


def test_the_comparison_notices_a_wrong_number():
    ctx = bench_pages.Ctx.make(DEFAULT_DATA_DIR, BCP)
    page = bench_pages.RUN["crime"](ctx)
    base = bench_pages.base_crime(ctx)
    assert bench_pages.compare(page, base) == []
    base["share"].loc[0, "Domestic-abuse crimes"] += 1
    assert any("Domestic-abuse crimes" in d for d in bench_pages.compare(page, base))
    base = bench_pages.base_crime(ctx)
    base["mix"] = base["mix"].iloc[1:]
    assert any("rows" in d for d in bench_pages.compare(page, base))


def test_loading_steps_report_throughput_and_memory(report):
    ingest, publish = report.steps
    assert ingest.error is None, ingest.error
    assert ingest.rows == 10_000 and ingest.seconds > 0 and ingest.rows_per_s > 0 and ingest.peak_mb > 0
    assert ingest.floor_seconds > 0 and ingest.floor_peak_mb > 0 and ingest.floor_ratio > 0
    assert ingest.result in ("PASS", "MISS")
    if bench_load.publish_available():
        assert publish.error is None, publish.error
        assert publish.seconds > 0 and publish.peak_mb > 0 and publish.result in ("PASS", "MISS")
    else:
        assert publish.error == "not available" and publish.result == "n/a"


def test_the_generated_csv_is_what_ingest_accepts(tmp_path):
    path = bench_load.write_crime_csv(tmp_path / "crime.csv", 2_500, DEFAULT_DATA_DIR, seed=1)
    df = pd.read_csv(path, dtype=str)
    assert list(df.columns) == ["crime_reference", "recorded_date", "area_code", "offence_code", "offence_group", "da_flag"]
    assert len(df) == 2_500 and df["crime_reference"].is_unique
    assert set(df["da_flag"]) <= {"Y", "N"}
    assert df["recorded_date"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    from cara_metrics.ingest.headers import detect

    found = detect(list(df.columns))
    assert found.complete and found.shape.table == "crime" and found.shape.variant == "records"


def test_peak_memory_is_the_child_process_own():
    import sys

    rc, wall, mb, _out, _err = bench.run_measured([sys.executable, "-c", "x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096])"])
    assert rc == 0 and wall > 0
    assert 300 < mb < 450  # the 300 MB it touched, not the test process's own memory


def test_the_command_line_parses():
    parser = argparse.ArgumentParser()
    bench.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["pages", "--scale", "national", "--quick", "--workdir", "/tmp/x", "--page", "crime", "--no-load"])
    assert args.scale == "national" and args.quick and args.workdir == Path("/tmp/x") and args.page == ["crime"] and args.no_load
    assert args.run is bench.run_cli
