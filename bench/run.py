"""``python -m bench pages``: how fast each page's data work is, at Dorset or national scale.

For a synthetic warehouse at the chosen scale (built once under ``--workdir``, keyed on scale
and seed, then reused) it prints the machine, then one row per page and area:

* **cold**: a new process with an empty cache opens the warehouse and runs the page once.
  Interpreter start-up and imports are left out of the figure; imports are shown apart.
* **warm**: the same process again, every query answered from the result cache (what a
  Streamlit rerun costs when a widget changes and the data does not).
* **uncached**: the database open but the result cache cleared: the real per-query cost.
  ``sql`` is the part of it spent inside ``warehouse.query``.
* **pandas**: a plain-pandas baseline answering the same questions from the same Parquet
  files (``bench_pages``), with the ratio ``pandas / uncached``; its numbers are checked
  against the page's.
* **scan**: DuckDB's bare scan of the columns the page needs (``SELECT sum(col) ... FROM
  read_parquet(...)``): the practical floor, with the ratio ``uncached / scan``.

Then the loading steps (``bench_load``): ingest of a record-level crime CSV and, when
``cara_metrics.publish.build_release`` exists, publish; each with rows/s and peak memory,
against a bare DuckDB ``COPY`` of the same CSV as the floor.

Figures are medians of several runs. Targets (PASS/MISS per row) are those of the design's
performance envelope on a 2-core machine; see docs/performance.md. Nothing here imports
Streamlit; this module imports only the standard library at the top, so a cold child
process can time its own imports.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_WORKDIR = Path("/tmp/cara-bench")
DEFAULT_SEED = {"dorset": 2019, "national": 7}
#: Record-level crime rows in the ingest benchmark CSV.
CSV_ROWS = {("dorset", False): 1_000_000, ("dorset", True): 1_000_000,
            ("national", False): 60_000_000, ("national", True): 10_000_000}


@dataclass(frozen=True)
class Targets:
    """The performance envelope for one scale (None: no target)."""

    cold_ms: float
    warm_ms: float
    peak_mb: float | None
    pandas_ratio: float = 4.0  # at least this many times faster than plain pandas
    scan_ratio: float = 2.0  # at most this many times the bare scan (and the bare COPY for ingest)


TARGETS = {"dorset": Targets(cold_ms=500, warm_ms=100, peak_mb=None),
           "national": Targets(cold_ms=2000, warm_ms=100, peak_mb=4096)}


@dataclass(frozen=True)
class Repeats:
    cold: int = 5
    warm: int = 20
    uncached: int = 7
    pandas: int = 5
    scan: int = 7

    @classmethod
    def for_run(cls, quick: bool) -> "Repeats":
        return cls(cold=3, warm=10, uncached=3, pandas=3, scan=3) if quick else cls()


@dataclass
class PageRow:
    page: str
    area: str
    area_code: str
    cold_ms: float | None = None
    import_ms: float | None = None
    warm_ms: float | None = None
    uncached_ms: float | None = None
    sql_ms: float | None = None
    pandas_ms: float | None = None
    scan_ms: float | None = None
    peak_mb: float | None = None
    same: bool | None = None  # the baseline's numbers equal the page's (None: no baseline)
    differences: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def pandas_ratio(self) -> float | None:
        return self.pandas_ms / self.uncached_ms if self.pandas_ms and self.uncached_ms else None

    @property
    def pandas_sql_ratio(self) -> float | None:
        """pandas against the SQL part alone (no figures): the engines compared like for like."""
        return self.pandas_ms / self.sql_ms if self.pandas_ms and self.sql_ms else None

    @property
    def scan_ratio(self) -> float | None:
        return self.uncached_ms / self.scan_ms if self.scan_ms and self.uncached_ms else None

    @property
    def result(self) -> str:
        if self.error:
            return "ERROR"
        return "MISS" if self.missed else "PASS"


@dataclass
class StepRow:
    step: str
    rows: int | None = None
    seconds: float | None = None
    peak_mb: float | None = None
    floor_seconds: float | None = None
    floor_peak_mb: float | None = None
    missed: list[str] = field(default_factory=list)
    note: str = ""
    error: str | None = None

    @property
    def rows_per_s(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None

    @property
    def floor_rows_per_s(self) -> float | None:
        return self.rows / self.floor_seconds if self.rows and self.floor_seconds else None

    @property
    def floor_ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.seconds and self.floor_seconds else None

    @property
    def result(self) -> str:
        if self.error:
            return "ERROR" if self.error != "not available" else "n/a"
        return "MISS" if self.missed else "PASS"


@dataclass
class Report:
    scale: str
    quick: bool
    machine: dict[str, str]
    data: dict[str, str]
    repeats: Repeats
    rows: list[PageRow] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)

    def render(self) -> str:
        return render(self)


# =========================================================================================
# The machine
# =========================================================================================


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    mem = "?"
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 ** 2:.1f} GB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "cores": f"{usable} usable of {os.cpu_count()} ({cpu})",
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": _version("duckdb"),
        "pandas": _version("pandas"),
        "pyarrow": _version("pyarrow"),
        "plotly": _version("plotly"),
    }


# =========================================================================================
# The warehouse to measure
# =========================================================================================


def ensure_warehouse(scale: str, seed: int, workdir: Path, progress: bool = True) -> Path:
    """The data root for (scale, seed) under ``workdir``: reused if complete, else written."""
    import shutil

    from cara_metrics.dataroot import DataRootError, live_version

    root = Path(workdir) / f"{scale}-seed{seed}"
    try:
        m = live_version(root, "warehouse").manifest
        if m.get("scale") == scale and m.get("seed") == seed:
            return root
    except DataRootError:
        pass
    if root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    _say(progress, f"building the {scale} warehouse (seed {seed}) in {root} ...")
    if scale == "dorset":
        from cara_metrics import synth

        synth.write_dorset(root, seed)
    else:
        from cara_metrics import synth_national

        synth_national.write_national(root, seed, progress=progress)
    _say(progress, f"  built in {time.perf_counter() - t0:.1f} s")
    return root


def describe_data(root: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    from cara_metrics.dataroot import live_version

    v = live_version(root, "warehouse")
    rows = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(v.path.glob("*.parquet"))}
    size = sum(p.stat().st_size for p in v.path.glob("*.parquet"))
    import duckdb

    crimes = duckdb.connect().execute("SELECT sum(offences)::BIGINT FROM read_parquet($p)", {"p": str(v.table_path("crime"))}).fetchone()[0]
    return {
        "data root": str(root),
        "version": f"{v.name} ({'synthetic' if v.synthetic else 'real'}, scale {v.manifest.get('scale', '?')}, seed {v.manifest.get('seed', '?')})",
        "Parquet": f"{size / 1e6:.1f} MB",
        "crime": f"{rows.get('crime', 0):,} monthly rows = {crimes or 0:,} crimes",
        "people": f"{rows.get('referrals', 0):,} referrals, {rows.get('cohort', 0):,} cohort, {rows.get('reoffences', 0):,} reoffences, "
                  f"{rows.get('survey_responses', 0):,} survey answers",
    }


def bench_areas(root: Path, scale: str) -> list[tuple[str, str]]:
    """(label, area code): the force at Dorset scale; Dorset and the largest force nationally."""
    import pandas as pd

    from cara_metrics.dataroot import live_version

    v = live_version(root, "warehouse")
    areas = pd.read_parquet(v.table_path("areas"), columns=["area_code", "area_name", "area_type", "parent_code", "successor_code"])
    areas = areas[areas["successor_code"].isna()]
    forces = areas[areas["area_type"] == "force"]

    def label(code: str) -> str:
        name = str(forces.loc[forces["area_code"] == code, "area_name"].iloc[0])
        return name.replace(" police force area", "").replace(" (synthetic)", "")

    dorset = [c for c, n in zip(forces["area_code"], forces["area_name"]) if "Dorset" in str(n)]
    first = dorset[0] if dorset else str(forces["area_code"].iloc[0])
    if scale == "dorset":
        return [(label(first), first)]
    pop = pd.read_parquet(v.table_path("population"))
    latest = pop[pop["year"] == pop["year"].max()]
    parent = dict(zip(areas["area_code"], areas["parent_code"]))

    def force_of(code):
        while isinstance(parent.get(code), str):
            code = parent[code]
        return code

    by_force = latest.assign(force=[force_of(c) for c in latest["area_code"]]).groupby("force")["population"].sum()
    largest = str(by_force.idxmax())
    out = [(label(first), first)]
    if largest != first:
        out.append((label(largest), largest))
    return out


# =========================================================================================
# Timing
# =========================================================================================


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _ms(fn: Callable[[], object], n: int) -> tuple[list[float], object]:
    """(milliseconds of each of ``n`` runs, the last result)."""
    times, out = [], None
    for _ in range(max(1, n)):
        t = time.perf_counter()
        out = fn()
        times.append(1000 * (time.perf_counter() - t))
    return times, out


def _child_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_DIR)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["CARA_DATA_DIR"] = str(root)
    return env


#: Runs a command and reports its wall time and peak memory. It is a small process of its own so
#: that the peak is the command's: Linux carries a parent's peak resident memory into a child
#: it forks (the child's maximum starts at the parent's), and the bench process holds pandas,
#: DuckDB and Plotly (~300 MB). The launcher adds at most its own ~10 MB.
_LAUNCHER = """import json, os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as fh:
    json.dump({"rc": os.waitstatus_to_exitcode(status), "wall": wall, "maxrss_kb": usage.ru_maxrss}, fh)
"""


def run_measured(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, float, float, str, str]:
    """Run a command; returns (exit code, wall seconds, peak resident memory in MB, stdout, stderr).

    The peak is that process's own maximum resident set size (``os.wait4`` in a small
    launcher process); the wall time is the command's alone (not the launcher's start-up).
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cara-bench-") as tmp:
        res = Path(tmp) / "result.json"
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            p = subprocess.run([sys.executable, "-c", _LAUNCHER, str(res), *cmd], env=env, cwd=cwd, stdout=out, stderr=err)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        if p.returncode != 0 or not res.is_file():
            return (p.returncode or 1), 0.0, 0.0, stdout, stderr
        r = json.loads(res.read_text())
        return r["rc"], r["wall"], r["maxrss_kb"] / 1024, stdout, stderr  # ru_maxrss is in KB on Linux


_CHILD = "import sys, time; t0 = time.perf_counter(); from bench import run; run._child(t0, sys.argv[1])"


def _child(t0: float, arg: str) -> None:
    """A cold run in a new process: imports, then the page once against an empty cache."""
    a = json.loads(arg)
    from . import pages as bench_pages

    t1 = time.perf_counter()
    bench_pages.RUN[a["page"]](bench_pages.Ctx.make(Path(a["root"]), a["area"]))
    t2 = time.perf_counter()
    print(json.dumps({"import_ms": 1000 * (t1 - t0), "cold_ms": 1000 * (t2 - t1)}))


def cold(root: Path, page: str, area: str, n: int) -> tuple[list[float], list[float], float]:
    """(cold ms per run, import ms per run, peak RSS MB) from ``n`` new processes."""
    colds, imports, peak = [], [], 0.0
    for _ in range(max(1, n)):
        rc, _wall, mb, out, err = run_measured([sys.executable, "-c", _CHILD, json.dumps({"root": str(root), "page": page, "area": area})],
                                               env=_child_env(root), cwd=REPO_DIR)
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


# =========================================================================================
# One page
# =========================================================================================


def bench_page(root: Path, page: str, label: str, area: str, scale: str, repeats: Repeats, *, do_cold: bool = True,
               progress: bool = True) -> PageRow:
    import duckdb

    from cara_metrics import warehouse

    from . import pages as bench_pages
    from cara_metrics.dataroot import live_version

    row = PageRow(page=page, area=label, area_code=area)
    ctx = bench_pages.Ctx.make(root, area)
    try:
        if do_cold:
            colds, imports, row.peak_mb = cold(root, page, area, repeats.cold)
            row.cold_ms, row.import_ms = _median(colds), _median(imports)
        run = bench_pages.RUN[page]
        warehouse.clear_cache()
        numbers = run(ctx)  # warms the result cache
        warm, _ = _ms(lambda: run(ctx), repeats.warm)
        row.warm_ms = _median(warm)
        sql, uncached = [], []
        for _ in range(max(1, repeats.uncached)):
            warehouse.clear_cache()  # drops the result cache and the database ...
            warehouse.database(root)  # ... which is opened again, untimed
            with SqlTimer() as timer:
                t, _ = _ms(lambda: run(ctx), 1)
            uncached += t
            sql.append(1000 * timer.total)
        row.uncached_ms, row.sql_ms = _median(uncached), _median(sql)
        base = bench_pages.BASELINE[page]
        if base is not None:
            times, result = _ms(lambda: base(ctx), repeats.pandas)
            row.pandas_ms = _median(times)
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
                times, _ = _ms(lambda: con.execute(sql_text, params).fetchall(), repeats.scan)
                row.scan_ms = _median(times)
            finally:
                con.close()
    except Exception as exc:  # noqa: BLE001 - one failing page must not lose the others' figures
        row.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    judge(row, TARGETS[scale], do_cold)
    _say(progress, f"  {page:<12} {label:<22} {row.result}")
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


# =========================================================================================
# Profiling a missed page
# =========================================================================================

_LIBRARIES = (("/plotly/", "Plotly (building figures)"), ("/pandas/", "pandas"),
              ("/numpy/", "numpy"), ("/pyarrow/", "pyarrow"))


def _library(filename: str, name: str) -> str | None:
    where = f"{filename} {name}".lower()
    return next((label for key, label in _LIBRARIES if key in where), None)


def profile_page(root: Path, page: str, area: str, warm: bool = False, top: int = 10) -> str:
    """cProfile of one run of the page (uncached unless ``warm``): where the time goes, then the top functions.

    Time "in" a library is the cumulative time of the calls our own code (``cara_metrics``)
    makes into it, so Plotly's own use of pandas counts as Plotly; the rest is our Python.
    """
    import cProfile
    import io
    import pstats

    from cara_metrics import warehouse

    from . import pages as bench_pages

    ctx = bench_pages.Ctx.make(root, area)
    run = bench_pages.RUN[page]
    run(ctx)
    if not warm:
        warehouse.clear_cache()
        warehouse.database(root)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    run(ctx)
    prof.disable()
    total = time.perf_counter() - t
    by: dict[str, float] = {}
    sql = "DuckDB (in warehouse.query)"
    for (filename, _line, name), (_cc, _nc, _tt, ct, callers) in pstats.Stats(prof).stats.items():
        if filename.endswith(("cara_metrics/warehouse.py", "cara_metrics\\warehouse.py")) and name == "query":
            by[sql] = by.get(sql, 0.0) + ct  # DuckDB's own calls do not show in cProfile: count the whole query
            continue
        lib = _library(filename, name)
        if lib is None:
            continue
        for (cfile, _cl, _cn), (_a, _b, _c, cct) in callers.items():
            if "cara_metrics" in cfile and _library(cfile, "") is None and not cfile.endswith("warehouse.py"):
                by[lib] = by.get(lib, 0.0) + cct
    by["our Python and the rest"] = max(0.0, total - sum(by.values()))
    lines = [f"profile of {page} ({area}, {'warm: every query cached' if warm else 'uncached'}): {1000 * total:.0f} ms under cProfile"]
    for name, secs in sorted(by.items(), key=lambda kv: -kv[1]):
        lines.append(f"    {name:<28} {1000 * secs:7.0f} ms  {100 * secs / total:3.0f}%")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    body = [ln for ln in buf.getvalue().splitlines() if ln.strip() and "function calls" not in ln and "Ordered by" not in ln
            and "List reduced" not in ln]
    lines.append("  top functions by cumulative time:")
    lines += [f"    {ln.strip()[:160]}" for ln in body]
    return "\n".join(lines)


# =========================================================================================
# The whole run
# =========================================================================================


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, file=sys.stderr, flush=True)


def run(scale: str = "dorset", *, quick: bool = False, workdir: Path = DEFAULT_WORKDIR, seed: int | None = None,
        root: Path | None = None, repeats: Repeats | None = None, pages: tuple[str, ...] | None = None,
        csv_rows: int | None = None, load: bool = True, do_cold: bool = True, profile: bool = False,
        progress: bool = True) -> Report:
    """Run the benchmark; returns the report (``report.render()`` is the printed table).

    ``root`` measures an existing data root instead of building one (e.g. ``data/demo``); it
    is never written to: ingest and publish run on a copy under ``workdir``.
    """
    from . import load as bench_load
    from . import pages as bench_pages

    seed = DEFAULT_SEED[scale] if seed is None else seed
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    root = Path(root) if root is not None else ensure_warehouse(scale, seed, workdir, progress)
    repeats = repeats or Repeats.for_run(quick)
    report = Report(scale=scale, quick=quick, machine=machine(), data=describe_data(root), repeats=repeats)
    areas = bench_areas(root, scale)
    old_env = os.environ.get("CARA_DATA_DIR")
    os.environ["CARA_DATA_DIR"] = str(root)  # anything that forgets its root= still reads this warehouse
    try:
        for page in pages or bench_pages.PAGES:
            for label, code in (areas[:1] if page in bench_pages.AREA_FREE else areas):
                shown = "any area" if page in bench_pages.AREA_FREE else label
                report.rows.append(bench_page(root, page, shown, code, scale, repeats, do_cold=do_cold, progress=progress))
        if profile:
            for r in report.rows:
                if r.missed and not r.error and (r.page, r.area_code) not in report.profiles:
                    warm = any(m.startswith("warm") for m in r.missed)
                    report.profiles[f"{r.page} · {r.area}"] = profile_page(root, r.page, r.area_code, warm=warm)
    finally:
        from cara_metrics import warehouse

        warehouse.clear_cache()
        if old_env is None:
            os.environ.pop("CARA_DATA_DIR", None)
        else:
            os.environ["CARA_DATA_DIR"] = old_env
    if load:
        rows = csv_rows if csv_rows is not None else CSV_ROWS[(scale, quick)]
        report.steps = bench_load.run(root, workdir, scale, seed, rows, TARGETS[scale], progress=progress)
    return report


# =========================================================================================
# The printed report
# =========================================================================================


def _f(x: float | None, fmt: str = "{:,.0f}") -> str:
    return "–" if x is None else fmt.format(x)


def _table(head: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    cell = lambda i, s: s.rjust(widths[i]) if i in right else s.ljust(widths[i])  # noqa: E731
    out = ["| " + " | ".join(cell(i, h) for i, h in enumerate(head)) + " |",
           "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"]
    out += ["| " + " | ".join(cell(i, s) for i, s in enumerate(r)) + " |" for r in rows]
    return out


def render(report: Report) -> str:
    t = TARGETS[report.scale]
    r = report.repeats
    lines = [f"# CARA bench: {report.scale} scale{' (--quick)' if report.quick else ''}", ""]
    lines += [f"- {k}: {v}" for k, v in report.machine.items()]
    lines += [f"- {k}: {v}" for k, v in report.data.items()]
    lines += [f"- runs (median of): cold {r.cold} new processes, warm {r.warm}, uncached {r.uncached}, pandas {r.pandas}, scan {r.scan}",
              f"- targets: cold < {t.cold_ms:,.0f} ms, warm < {t.warm_ms:,.0f} ms"
              + (f", peak memory < {t.peak_mb / 1024:.0f} GB" if t.peak_mb else "")
              + f", pandas/uncached >= {t.pandas_ratio:.0f}x, uncached/scan <= {t.scan_ratio:.0f}x", ""]
    head = ["page", "area", "cold ms", "import ms", "warm ms", "uncached ms", "sql ms", "pandas ms", "x pandas",
            "x pandas sql", "scan ms", "x scan", "peak MB", "same", "result", "missed"]
    body = []
    for p in report.rows:
        body.append([p.page, p.area, _f(p.cold_ms), _f(p.import_ms), _f(p.warm_ms, "{:,.1f}"), _f(p.uncached_ms), _f(p.sql_ms),
                     _f(p.pandas_ms), _f(p.pandas_ratio, "{:.1f}"), _f(p.pandas_sql_ratio, "{:.1f}"), _f(p.scan_ms, "{:,.1f}"),
                     _f(p.scan_ratio, "{:.1f}"), _f(p.peak_mb), "–" if p.same is None else ("yes" if p.same else "NO"), p.result,
                     p.error or ", ".join(p.missed)])
    lines += _table(head, body, right={2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    if report.steps:
        lines += ["", "Loading steps (whole command, wall clock; peak = the process's own maximum resident memory):", ""]
        head = ["step", "rows", "seconds", "rows/s", "peak MB", "floor s", "floor rows/s", "floor peak MB", "x floor", "result", "note"]
        body = [[s.step, _f(s.rows), _f(s.seconds, "{:,.1f}"), _f(s.rows_per_s), _f(s.peak_mb), _f(s.floor_seconds, "{:,.1f}"),
                 _f(s.floor_rows_per_s), _f(s.floor_peak_mb), _f(s.floor_ratio, "{:.1f}"), s.result,
                 s.error or "; ".join(s.missed + ([s.note] if s.note else []))] for s in report.steps]
        lines += _table(head, body, right={1, 2, 3, 4, 5, 6, 7, 8})
    diffs = [p for p in report.rows if p.differences]
    if diffs:
        lines += ["", "The pandas baseline disagrees with the page:"]
        for p in diffs:
            lines += [f"- {p.page} · {p.area}: {d}" for d in p.differences[:5]]
    for name, text in report.profiles.items():
        lines += ["", "```", text, "```"]
    lines += ["", "cold: new process, empty cache, imports excluded (shown as import ms). warm: result-cache hit. "
              "uncached: database open, result cache cleared; sql ms is the part inside warehouse.query. "
              "x pandas = pandas / uncached (the target); x pandas sql = pandas / sql (engines alone, no figures); "
              "x scan = uncached / scan. same: the baseline's numbers equal the page's."]
    return "\n".join(lines)


# =========================================================================================
# Command line
# =========================================================================================


def register(subparsers) -> None:
    """Add ``pages`` to the ``python -m bench`` command line."""
    p = subparsers.add_parser(
        "pages", help="time every page's data work, ingest and publish on a synthetic warehouse",
        description="Build (or reuse) a synthetic warehouse at the chosen scale under --workdir and time each page's data work "
                    "cold (new process), warm (cached) and uncached, against a plain-pandas baseline and DuckDB's bare scan; "
                    "then ingest of a record-level crime CSV and publish, against a bare DuckDB COPY. Prints PASS/MISS "
                    "against the performance envelope (docs/performance.md).")
    p.add_argument("--scale", choices=("dorset", "national"), default="dorset")
    p.add_argument("--quick", action="store_true", help="fewer repeats (and a 10M-row CSV at national scale): a few minutes")
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help=f"where warehouses and CSVs are kept (default {DEFAULT_WORKDIR})")
    p.add_argument("--seed", type=int, default=None, help="synthetic seed (default: 2019 for dorset, 7 for national)")
    p.add_argument("--page", action="append", choices=("overview", "crime", "referrals", "completion", "survey", "reoffending",
                                                       "value", "quality", "about"),
                   help="only this page (repeatable)")
    p.add_argument("--csv-rows", type=int, default=None, help="record-level crime rows for the ingest step")
    p.add_argument("--no-load", action="store_true", help="skip the ingest and publish steps")
    p.add_argument("--profile", action="store_true", help="profile every page that misses a target and print where the time goes")
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures as JSON")
    p.set_defaults(run=run_cli)


def run_cli(args) -> int:
    report = run(args.scale, quick=args.quick, workdir=args.workdir, seed=args.seed, pages=tuple(args.page) if args.page else None,
                 csv_rows=args.csv_rows, load=not args.no_load, profile=args.profile)
    print(report.render())
    if args.json:
        import dataclasses

        args.json.write_text(json.dumps(dataclasses.asdict(report), indent=2, default=str), encoding="utf-8")
    return 0

