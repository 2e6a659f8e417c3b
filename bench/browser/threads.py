"""Fault (c): ``warehouse.query`` from many threads over two data roots, in a child process."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from .environment import DEMO_DIR, REPO_DIR, Log
from .faults import FaultResult


def thread_stress_child(spec: str) -> None:
    """In a child process: warehouse.query from many threads; prints a JSON summary."""
    import pandas as pd

    from cara_metrics import warehouse
    from cara_metrics.periods import Filters

    cfg = json.loads(spec)
    roots = [Path(r) for r in cfg["roots"]]
    areas = ["E23000039", "E22000367", "E22000063", "E06000058", "E06000059"]
    tasks: list[tuple] = []
    for root in roots:
        for a in areas:
            for fy_a in range(2019, 2025):
                for fy_b in range(fy_a, 2025):
                    f = Filters.financial_years(fy_a, fy_b, a)
                    for name in ("crime_by_period", "referrals_by_period", "completion_by_period", "survey_by_period"):
                        tasks.append((str(root), "warehouse", name, f.params(grain=("year", "quarter", "month")[(fy_a + fy_b) % 3])))
                    tasks.append((str(root), "warehouse", "crime_offence_mix", f.params()))
                    tasks.append((str(root), "warehouse", "crime_by_area", f.params(force="E23000039")))
        for name in ("data_coverage", "survey_questions", "areas_current"):
            tasks.append((str(root), "warehouse", name, {}))
        for name in ("release_crime", "release_referrals", "release_outcomes", "release_survey", "release_areas"):
            tasks.append((str(root), "release", name, {}))
    rnd = random.Random(7)
    sample = rnd.sample(tasks, min(len(tasks), cfg.get("reference", 400)))
    ref = {i: warehouse.query(t[2], t[3], root=Path(t[0]), kind=t[1]) for i, t in enumerate(sample)}
    warehouse.clear_cache()

    def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
        if a.equals(b):
            return True
        return list(a.columns) == list(b.columns) and sorted(map(tuple, a.astype(str).values.tolist())) == \
            sorted(map(tuple, b.astype(str).values.tolist()))

    n_threads, seconds = cfg["threads"], cfg["seconds"]
    counts = [0] * n_threads
    errors: list[str] = []
    mismatches: list[str] = []
    barrier = threading.Barrier(n_threads + 1)
    done = threading.Event()

    def worker(k: int) -> None:
        r = random.Random(k)
        barrier.wait()
        while not done.is_set():
            i = r.randrange(len(sample))
            root, kind, name, params = sample[i]
            try:
                df = warehouse.query(name, params, root=Path(root), kind=kind)
                if not same(df, ref[i]):
                    mismatches.append(f"{name} {params}")
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
            counts[k] += 1

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(n_threads)]
    for t in threads:
        t.start()
    clears = 0
    barrier.wait()
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # churn: drop every database and cached result, so queries keep hitting DuckDB
        time.sleep(cfg.get("churn_s", 0.05))
        warehouse.clear_cache()
        clears += 1
    done.set()
    for t in threads:
        t.join(timeout=60)
    print(json.dumps({"queries": sum(counts), "threads": n_threads, "distinct": len(sample), "tasks": len(tasks),
                      "sql_files": sorted({t[2] for t in sample}), "roots": [str(r) for r in roots], "clears": clears,
                      "errors": errors[:10], "n_errors": len(errors), "mismatches": mismatches[:10],
                      "n_mismatches": len(mismatches), "alive": sum(t.is_alive() for t in threads)}))


def fault_threads(wd: Path, threads: int, seconds: float, log: Log) -> FaultResult:
    """``warehouse.query`` from many threads, two data roots, several SQL files; a crash shows as the exit code."""
    res = FaultResult("threads", True, "")
    other = wd / "threads-root"
    if not other.exists():
        shutil.copytree(DEMO_DIR, other)
    spec = json.dumps({"roots": [str(DEMO_DIR), str(other)], "threads": threads, "seconds": seconds})
    proc = subprocess.run([sys.executable, "-c", "import sys; from bench.browser.threads import thread_stress_child; "
                           "thread_stress_child(sys.argv[1])", spec], cwd=REPO_DIR, capture_output=True, text=True,
                          timeout=seconds + 300)
    res.facts["exit_code"] = proc.returncode
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        res.ok = False
        res.summary = f"the child process exited with {proc.returncode} (a crash if negative): {proc.stderr[-500:]}"
        return res
    res.facts.update(out)
    res.details.append(f"{out['queries']:,} queries from {out['threads']} threads over {len(out['sql_files'])} SQL files "
                       f"and 2 data roots (warehouse and release of each), {out['clears']} cache and database drops meanwhile")
    res.ok = proc.returncode == 0 and not out["n_errors"] and not out["n_mismatches"] and not out["alive"]
    res.summary = (f"{out['queries']:,} queries, {out['n_errors']} errors, {out['n_mismatches']} wrong results, exit code "
                   f"{proc.returncode}" + ("" if res.ok else f"; e.g. {(out['errors'] + out['mismatches'])[:2]}"))
    return res

