"""Timing one page's data work: cold (a new process), warm, uncached, the pandas baseline and the bare scan.

What each page computes is ``bench.pages.PAGE_WORK``; this module only times it and judges
the times against the targets (``bench.report.TARGETS``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from .measure import REPO_DIR, child_env, median, run_measured, say, time_ms
from .report import TARGETS, PageRow, Repeats, Targets


_CHILD = "import sys, time; t0 = time.perf_counter(); from bench import timing; timing._child(t0, sys.argv[1])"


def _child(t0: float, arg: str) -> None:
    """A cold run in a new process: imports, then the page once against an empty cache."""
    a = json.loads(arg)
    from . import pages as bench_pages

    t1 = time.perf_counter()
    bench_pages.PAGE_WORK[a["page"]](bench_pages.Ctx.make(Path(a["root"]), a["area"]))
    t2 = time.perf_counter()
    print(json.dumps({"import_ms": 1000 * (t1 - t0), "cold_ms": 1000 * (t2 - t1)}))


def cold(root: Path, page: str, area: str, n: int) -> tuple[list[float], list[float], float]:
    """(cold ms per run, import ms per run, peak RSS MB) from ``n`` new processes."""
    colds, imports, peak = [], [], 0.0
    for _ in range(max(1, n)):
        rc, _wall, mb, out, err = run_measured([sys.executable, "-c", _CHILD, json.dumps({"root": str(root), "page": page, "area": area})],
                                               env=child_env(root), cwd=REPO_DIR)
        if rc != 0:
            raise RuntimeError(f"cold run of {page} failed: {err.strip().splitlines()[-1] if err.strip() else rc}")
        res = json.loads(out.strip().splitlines()[-1])
        colds.append(res["cold_ms"])
        imports.append(res["import_ms"])
        peak = max(peak, mb)
    return colds, imports, peak


class SqlTimer:
    """Time spent inside ``warehouse.query`` while installed (every page queries through it)."""

    def __init__(self) -> None:
        from cara_metrics import warehouse

        self.warehouse, self.total = warehouse, 0.0
        self._orig = warehouse.query

    def __enter__(self) -> "SqlTimer":
        orig = self._orig

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return orig(*a, **k)
            finally:
                self.total += time.perf_counter() - t

        self.warehouse.query = timed
        return self

    def __exit__(self, *exc) -> None:
        self.warehouse.query = self._orig


def scan_sql(page: str) -> tuple[str, list[str]] | None:
    """DuckDB's bare scan of the columns ``page`` reads: one aggregate per column, per table."""
    from cara_metrics import contract as C

    from .pages import SCAN

    spec = SCAN[page]
    if not spec:
        return None
    parts, tables = [], []
    for i, (table, cols) in enumerate(spec.items()):
        kinds = {c.name: c.dtype for c in C.TABLES[table].columns}
        aggs = []
        for c in cols:
            q = f'"{c}"'
            k = kinds[c]
            aggs.append(f"sum({q})" if k in ("int", "float") else f"sum({q}::INT)" if k == "bool" else f"max({q})")
        parts.append(f"(SELECT {', '.join(aggs)} FROM read_parquet($t{i})) AS s{i}")
        tables.append(table)
    return "SELECT * FROM " + ", ".join(parts), tables


def bench_page(root: Path, page: str, label: str, area: str, scale: str, repeats: Repeats, *, do_cold: bool = True,
               progress: bool = True) -> PageRow:
    import duckdb

    from cara_metrics import warehouse
    from cara_metrics.dataroot import live_version

    from . import pages as bench_pages

    row = PageRow(page=page, area=label, area_code=area)
    ctx = bench_pages.Ctx.make(root, area)
    try:
        if do_cold:
            colds, imports, row.peak_mb = cold(root, page, area, repeats.cold)
            row.cold_ms, row.import_ms = median(colds), median(imports)
        run = bench_pages.PAGE_WORK[page]
        warehouse.clear_cache()
        numbers = run(ctx)  # warms the result cache
        warm, _ = time_ms(lambda: run(ctx), repeats.warm)
        row.warm_ms = median(warm)
        sql, uncached = [], []
        for _ in range(max(1, repeats.uncached)):
            warehouse.clear_cache()  # drops the result cache and the database ...
            warehouse.database(root)  # ... which is opened again, untimed
            with SqlTimer() as timer:
                t, _ = time_ms(lambda: run(ctx), 1)
            uncached += t
            sql.append(1000 * timer.total)
        row.uncached_ms, row.sql_ms = median(uncached), median(sql)
        base = bench_pages.BASELINE[page]
        if base is not None:
            times, result = time_ms(lambda: base(ctx), repeats.pandas)
            row.pandas_ms = median(times)
            row.differences = bench_pages.compare(numbers, result)
            row.same = not row.differences
        built = scan_sql(page)
        if built is not None:
            sql_text, tables = built
            v = live_version(root, "warehouse")
            params = {f"t{i}": str(v.table_path(t)) for i, t in enumerate(tables)}
            con = duckdb.connect(config={"threads": 2})
            try:
                con.execute(sql_text, params).fetchall()
                times, _ = time_ms(lambda: con.execute(sql_text, params).fetchall(), repeats.scan)
                row.scan_ms = median(times)
            finally:
                con.close()
    except Exception as exc:  # noqa: BLE001 - one failing page must not lose the others' figures
        row.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    judge(row, TARGETS[scale], do_cold)
    say(progress, f"  {page:<12} {label:<22} {row.result}")
    return row


def judge(row: PageRow, t: Targets, cold_measured: bool = True) -> None:
    missed = []
    if row.error:
        row.missed = ["error"]
        return
    if cold_measured and row.cold_ms is not None and row.cold_ms > t.cold_ms:
        missed.append(f"cold>{t.cold_ms:.0f}ms")
    if row.warm_ms is not None and row.warm_ms > t.warm_ms:
        missed.append(f"warm>{t.warm_ms:.0f}ms")
    if t.peak_mb is not None and row.peak_mb is not None and row.peak_mb > t.peak_mb:
        missed.append(f"peak>{t.peak_mb / 1024:.0f}GB")
    if row.pandas_ratio is not None and row.pandas_ratio < t.pandas_ratio:
        missed.append(f"pandas<{t.pandas_ratio:.0f}x")
    if row.scan_ratio is not None and row.scan_ratio > t.scan_ratio:
        missed.append(f"scan>{t.scan_ratio:.0f}x")
    if row.same is False:
        missed.append("numbers differ")
    row.missed = missed
