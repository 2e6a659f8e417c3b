"""The loading steps of the benchmark: ingest of a record-level crime CSV, and publish.

* The CSV has the columns ingest accepts for record-level crime (docs/loading-data.md,
  ``ingest.headers``): ``crime_reference, recorded_date, area_code, offence_code,
  offence_group, da_flag``, dates written the UK way (13/08/2019) as force extracts are.
  It is generated a million rows at a time (bounded memory) from the warehouse's own
  local authorities (weighted by population) and offence codes, so every row is valid,
  and kept under the work folder keyed on scale, seed and rows.
* Ingest runs the real command, ``python -m cara_metrics ingest``, on a copy of the data
  root (the measured warehouse is never written to). Publish runs
  ``cara_metrics.publish.build_release`` on another copy, when that function exists.
* The floor is a bare DuckDB ``COPY`` of the same CSV to Parquet, counted by month, area,
  offence and flag as ingest counts it, with no checks.

Each step is a separate process, timed on the wall clock (interpreter start-up and imports
included, as a user runs it); its peak memory is that process's own maximum resident set
size (``os.wait4``).
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from pathlib import Path

from .measure import REPO_DIR, child_env, run_measured, say
from .report import StepRow, Targets

FLOOR_SQL = """
SELECT date_trunc('month', strptime(recorded_date, '%d/%m/%Y'))::DATE AS month,
       area_code, offence_code, offence_group,
       upper(trim(da_flag)) IN ('Y', 'YES', 'TRUE', 'T', '1') AS da_flag,
       count(*)::BIGINT AS offences
FROM read_csv($csv, header = true, all_varchar = true)
GROUP BY ALL
"""
_FLOOR_CHILD = ("import sys, duckdb; from bench.load import FLOOR_SQL; "
                "con = duckdb.connect(config={'threads': 2}); "
                "con.sql(FLOOR_SQL, params={'csv': sys.argv[1]}).write_parquet(sys.argv[2], compression='zstd')")
_PUBLISH_CHILD = ("import sys; from pathlib import Path; from cara_metrics.publish import build_release; "
                  "print(build_release(Path(sys.argv[1])).path)")
CHUNK = 1_000_000
DA_SHARE = 0.15


def publish_available() -> bool:
    """Whether ``cara_metrics.publish`` imports and has a ``build_release`` function."""
    try:
        mod = importlib.import_module("cara_metrics.publish")
    except Exception:  # noqa: BLE001 - being written by someone else: any failure means "not yet"
        return False
    return callable(getattr(mod, "build_release", None))


def write_crime_csv(path: Path, rows: int, root: Path, seed: int = 7) -> Path:
    """A record-level crime CSV of ``rows`` rows at ``path`` (reused if already complete)."""
    import datetime as dt

    import duckdb
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from cara_metrics.dataroot import live_version

    path = Path(path)
    if path.is_file():
        return path
    v = live_version(root, "warehouse")
    areas = pq.read_table(v.table_path("areas"), columns=["area_code", "area_type", "successor_code"]).to_pandas()
    las = areas[(areas["area_type"] == "local_authority") & areas["successor_code"].isna()]["area_code"].tolist()
    pop = pq.read_table(v.table_path("population")).to_pandas()
    latest = pop[pop["year"] == pop["year"].max()].set_index("area_code")["population"]
    weights = np.array([float(latest.get(c, 0)) for c in las]) + 1.0
    weights /= weights.sum()
    pairs = duckdb.connect().execute("SELECT DISTINCT offence_code, offence_group FROM read_parquet($p) ORDER BY 1, 2",
                                     {"p": str(v.table_path("crime"))}).fetchall()
    codes, groups = pa.array([p[0] for p in pairs]), pa.array([p[1] for p in pairs])
    las_arr = pa.array(las)
    as_at = dt.date.fromisoformat(str(v.manifest.get("data_as_at"))[:10])
    first_fy = as_at.year - 6 if as_at.month >= 4 else as_at.year - 7  # six financial years to the data date
    d0 = (dt.date(first_fy, 4, 1) - dt.date(1970, 1, 1)).days
    d1 = (as_at - dt.date(1970, 1, 1)).days
    rng = np.random.default_rng(seed)
    schema = pa.schema([(n, pa.string()) for n in ("crime_reference", "recorded_date", "area_code", "offence_code", "offence_group", "da_flag")])
    tmp = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with pacsv.CSVWriter(tmp, schema) as w:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            ref = pc.binary_join_element_wise("CR", pc.cast(pa.array(np.arange(start + 1, start + n + 1)), pa.string()), "-")
            days = pa.array(rng.integers(d0, d1 + 1, n, dtype=np.int32)).cast(pa.date32())
            pick = pa.array(rng.integers(0, len(pairs), n))
            flag = pc.if_else(pa.array(rng.random(n) < DA_SHARE), "Y", "N")
            w.write_table(pa.table([ref, pc.strftime(days, format="%d/%m/%Y"), las_arr.take(pa.array(rng.choice(len(las), n, p=weights))),
                                    codes.take(pick), groups.take(pick), flag], schema=schema))
    os.replace(tmp, path)
    return path


def scratch_copy(root: Path, dest: Path) -> Path:
    """A private data root holding a copy of ``root``'s live warehouse version (and nothing else)."""
    from cara_metrics.dataroot import live_version

    v = live_version(root, "warehouse")
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "warehouse").mkdir(parents=True)
    shutil.copytree(v.path, dest / "warehouse" / v.name)
    (dest / "warehouse" / "CURRENT").write_text(v.name + "\n", encoding="utf-8")
    return dest


def _tail(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "no message"


def run(root: Path, workdir: Path, scale: str, seed: int, rows: int, targets: Targets, progress: bool = True) -> list[StepRow]:
    """Ingest (against the DuckDB floor) and publish; returns StepRows."""
    import pyarrow.parquet as pq

    from cara_metrics.dataroot import live_version

    workdir = Path(workdir)
    env = child_env(root)
    env.pop("CARA_DATA_DIR", None)
    steps: list[StepRow] = []
    csv = workdir / f"{scale}-seed{seed}-crime-records-{rows}.csv"
    say(progress, f"record-level crime CSV: {rows:,} rows ({'reused' if csv.is_file() else 'writing'}) {csv}")
    write_crime_csv(csv, rows, root, seed)
    size_mb = csv.stat().st_size / 1e6

    scratch = scratch_copy(root, workdir / f"scratch-ingest-{scale}-seed{seed}")
    say(progress, "ingest ...")
    ingest = StepRow(step=f"ingest: record-level crime CSV ({size_mb:,.0f} MB)", rows=rows)
    rc, wall, mb, out, err = run_measured([sys.executable, "-m", "cara_metrics", "ingest", "--data-dir", str(scratch), str(csv),
                                           "--quiet", "--report", str(scratch / "ingest-report.csv")], env=env, cwd=REPO_DIR)
    if rc != 0:
        ingest.error = f"exit {rc}: {_tail(err or out)}"
    else:
        ingest.seconds, ingest.peak_mb = wall, mb
        loaded = [ln.strip() for ln in out.splitlines() if ln.strip().startswith("crime:")]
        ingest.note = loaded[0] if loaded else ""
    say(progress, "bare DuckDB COPY (the floor) ...")
    rc, wall, mb, out, err = run_measured([sys.executable, "-c", _FLOOR_CHILD, str(csv), str(scratch / "floor.parquet")], env=env, cwd=REPO_DIR)
    if rc == 0:
        ingest.floor_seconds, ingest.floor_peak_mb = wall, mb
    else:
        ingest.note = (ingest.note + "; " if ingest.note else "") + f"floor failed: {_tail(err)}"
    shutil.rmtree(scratch, ignore_errors=True)
    missed = []
    if ingest.peak_mb is not None and targets.peak_mb is not None and ingest.peak_mb > targets.peak_mb:
        missed.append(f"peak>{targets.peak_mb / 1024:.0f}GB")
    if ingest.floor_ratio is not None and ingest.floor_ratio > targets.scan_ratio:
        missed.append(f"floor>{targets.scan_ratio:.0f}x")
    ingest.missed = missed
    steps.append(ingest)

    publish = StepRow(step="publish: build_release")
    if not publish_available():
        publish.error = "not available"
        publish.note = "cara_metrics.publish.build_release is not importable"
    else:
        v = live_version(root, "warehouse")
        publish.rows = sum(pq.ParquetFile(p).metadata.num_rows for p in v.path.glob("*.parquet"))
        publish.note = "rows = warehouse rows read"
        scratch = scratch_copy(root, workdir / f"scratch-publish-{scale}-seed{seed}")
        say(progress, "publish ...")
        rc, wall, mb, out, err = run_measured([sys.executable, "-c", _PUBLISH_CHILD, str(scratch)], env=env, cwd=REPO_DIR)
        if rc != 0:
            publish.error = f"exit {rc}: {_tail(err or out)}"
        else:
            publish.seconds, publish.peak_mb = wall, mb
            if targets.peak_mb is not None and mb > targets.peak_mb:
                publish.missed = [f"peak>{targets.peak_mb / 1024:.0f}GB"]
        shutil.rmtree(scratch, ignore_errors=True)
    steps.append(publish)
    return steps
