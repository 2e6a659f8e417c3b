"""The benchmark harness (``python -m bench pages``), run on the embedded demo data at the smallest size.

No timed assertions (the machines are shared and noisy): the tests check that every page
gets a row with numbers and a PASS/MISS verdict, that the plain-pandas baseline gives the
same numbers as the pages' own data work, that the loading steps run, and that the harness
stays outside the product (``cara_metrics`` never imports ``bench``).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bench import cli as bench_cli
from bench import load as bench_load
from bench import measure, report as bench_report, run as bench
from bench import pages as bench_pages
from cara_metrics import warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR

from .conftest import ALL_AREAS, BCP, CSP_DORSET, FORCE, REPO

TINY = bench_report.Repeats(cold=1, warm=1, uncached=1, pandas=1, scan=1)


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


# Below the force: the councils (the demo's CSPs all share BCP, so they hold no council figure
# and their pages say why instead of measuring anything).
@pytest.mark.parametrize("area", [a for a in ALL_AREAS if a not in (FORCE, CSP_DORSET)])
def test_the_baseline_agrees_for_every_kind_of_area(area):
    ctx = bench_pages.Ctx.make(DEFAULT_DATA_DIR, area)
    for page in bench_pages.PAGES:
        base = bench_pages.BASELINE[page]
        if base is None:
            continue
        page_numbers = bench_pages.PAGE_WORK[page](ctx)
        assert page_numbers, page
        assert bench_pages.compare(page_numbers, base(ctx)) == [], (page, area)


def test_the_comparison_notices_a_wrong_number():
    ctx = bench_pages.Ctx.make(DEFAULT_DATA_DIR, BCP)
    page = bench_pages.PAGE_WORK["crime"](ctx)
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
    rc, wall, mb, _out, _err = measure.run_measured([sys.executable, "-c", "x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096])"])
    assert rc == 0 and wall > 0
    assert 300 < mb < 450  # the 300 MB it touched, not the test process's own memory


def test_the_command_line_parses():
    parser = argparse.ArgumentParser()
    bench.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["pages", "--scale", "national", "--quick", "--workdir", "/tmp/x", "--page", "crime", "--no-load"])
    assert args.scale == "national" and args.quick and args.workdir == Path("/tmp/x") and args.page == ["crime"] and args.no_load
    assert args.run is bench.run_cli


def test_the_page_choices_are_the_pages_measured():
    """``--page`` lists its choices by hand (so ``--help`` does not import pandas): they must be
    the pages in ``PAGE_WORK``, and every page must have a baseline entry and a scan entry."""
    parser = bench_cli.build_parser(["pages"])
    pages_parser = parser._subparsers._group_actions[0].choices["pages"]
    choices = next(a.choices for a in pages_parser._actions if a.dest == "page")
    assert tuple(choices) == bench_pages.PAGES
    assert set(bench_pages.BASELINE) == set(bench_pages.SCAN) == set(bench_pages.PAGES)


def test_python_m_bench_lists_both_commands():
    out = subprocess.run([sys.executable, "-m", "bench", "--help"], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert "pages" in out and "browser" in out


def test_the_product_never_imports_the_bench():
    """The harness leaves the product: no module under ``cara_metrics/`` imports ``bench``."""
    offenders = []
    for path in sorted((REPO / "cara_metrics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            offenders += [f"{path.relative_to(REPO)}: {n}" for n in names if n == "bench" or n.startswith("bench.")]
    assert offenders == []


def test_the_phone_table_judges_each_profile_against_its_targets():
    """The phone bench's verdicts (issue 15): slow 4G needs the figure under 5 s and under 1.2 MB before it."""
    from bench.browser.phone import PhoneBench, PhoneRun, format_phone

    run = lambda tile, before: PhoneRun(tile, tile + 500, tile + 900, before, before + 10**6, before - 1000, 1000)  # noqa: E731
    b = PhoneBench(runs=1, results={"phone, slow 4G": [run(4_000.0, 1_300_000)], "desktop": [run(1_200.0, 1_300_000)],
                                    "static page, phone, slow 4G": [run(900.0, 6_000)]})
    rows = {line.split(" | ")[0].lstrip("| "): line for line in format_phone(b).splitlines() if line.startswith("| ")}
    assert rows["phone, slow 4G"].endswith("| MISSED |") and "1.30 MB" in rows["phone, slow 4G"]  # too many bytes
    assert rows["desktop"].endswith("| met |") and "1.20 s" in rows["desktop"]
    assert rows["static page, phone, slow 4G"].endswith("| met |") and "6.0 kB" in rows["static page, phone, slow 4G"]
