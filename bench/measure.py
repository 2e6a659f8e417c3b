"""Measuring a command or a call: wall time, peak memory, medians, and the machine they ran on.

Standard library only: a cold child process (``bench.timing``) imports it, and its
*import ms* should be the library's imports, not the bench's.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

REPO_DIR = Path(__file__).resolve().parent.parent


def say(progress: bool, text: str) -> None:
    """Progress goes to stderr, so the printed report on stdout stays clean."""
    if progress:
        print(text, file=sys.stderr, flush=True)


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


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def time_ms(fn: Callable[[], object], n: int) -> tuple[list[float], object]:
    """(milliseconds of each of ``n`` runs, the last result)."""
    times, out = [], None
    for _ in range(max(1, n)):
        t = time.perf_counter()
        out = fn()
        times.append(1000 * (time.perf_counter() - t))
    return times, out


def child_env(root: Path) -> dict[str, str]:
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
