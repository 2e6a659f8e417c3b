"""Data roots and the Streamlit server under test; the server's memory and CPU, from /proc."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from .environment import DEMO_DIR, RELEASE_DATE, REPO_DIR


def run_cara(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cara_metrics", *args], cwd=REPO_DIR, capture_output=True, text=True,
                          timeout=timeout)


def prepare_root(dest: Path, *, keep_warehouse: bool = False, publish: bool = True, source: Path = DEMO_DIR) -> Path:
    """A copy of the demo data root at ``dest`` with a release freshly published from it (by
    the publish command, so it is what today's code publishes). Without ``keep_warehouse`` the
    warehouse is deleted, as on a public deployment."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    if publish:
        done = run_cara("publish", "--data-dir", str(dest), "--release-date", RELEASE_DATE)
        if done.returncode != 0:
            raise RuntimeError(f"publish failed: {done.stderr or done.stdout}")
    if not keep_warehouse:
        shutil.rmtree(dest / "warehouse")
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (MB) of a process, from /proc (psutil is not installed here)."""
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0]) / 1024
    return out


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with contextlib.suppress(OSError, ValueError):
        parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
        return sum(parts) - idle, sum(parts)
    return 0.0, 0.0


class Server:
    """``streamlit run app.py`` on 127.0.0.1 for one data root and audience.

    ``audience="public"`` sets ``CARA_AUDIENCE=public``; ``"staff"`` leaves it unset. The
    commissioner pages open without sign-in only on the shipped ``data/demo`` itself
    (``cara_metrics.access``), so a staff instance over any other root (a copy to damage, say)
    is started with the operator's switch ``CARA_STAFF_OPEN=1``, as an operator would start a
    closed training instance; it listens on 127.0.0.1 only. ``restart()`` stops the process and
    starts a new one on the same port.
    """

    def __init__(self, root: Path, *, audience: str = "public", log_dir: Path, port: int | None = None,
                 script: str = "app.py") -> None:
        self.root, self.audience, self.script = Path(root), audience, script
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"server-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.started_s = 0.0  # seconds from launch to healthy, last start

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 90) -> "Server":
        env = {k: v for k, v in os.environ.items() if k not in ("CARA_AUDIENCE", "CARA_DATA_DIR", "CARA_STAFF_OPEN")}
        env["CARA_DATA_DIR"] = str(self.root)
        if self.audience == "public":
            env["CARA_AUDIENCE"] = "public"
        elif self.root.resolve() != DEMO_DIR.resolve():
            env["CARA_STAFF_OPEN"] = "1"  # a copy is never "the shipped demo": without it every staff page needs sign-in
        cmd = [sys.executable, "-m", "streamlit", "run", self.script, "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(self.port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        with open(self.log_path, "a", encoding="utf-8") as log:
            self.proc = subprocess.Popen(cmd, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.started_s = time.perf_counter() - t0
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None

    def restart(self, pause_s: float = 0.0) -> None:
        self.stop()
        time.sleep(pause_s)
        self.start()

    def memory(self) -> dict[str, float]:
        return proc_status(self.pid) if self.proc else {}

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Sampler(threading.Thread):
    """Samples the server's resident memory (and all Chromium processes', summed) until stopped."""

    def __init__(self, server_pid: int, chromium: str | None, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.chromium, self.interval = server_pid, chromium, interval
        self.stop_event = threading.Event()
        self.server_peak_mb = 0.0
        self.browser_peak_mb = 0.0
        self.samples: list[tuple[float, float]] = []
        self.t0 = time.monotonic()

    def _browser_rss_mb(self) -> float:
        """RSS of the Chromium processes started from this process (not other users' browsers)."""
        real = os.path.realpath(self.chromium) if self.chromium else None
        if not real:
            return 0.0
        children: dict[int, list[int]] = {}
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(d.name))
        total, todo = 0.0, list(children.get(os.getpid(), []))
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            with contextlib.suppress(OSError):
                if os.path.realpath(f"/proc/{pid}/exe") == real:
                    total += proc_status(pid).get("VmRSS", 0.0)
        return total

    def run(self) -> None:
        n = 0
        while not self.stop_event.is_set():
            rss = proc_status(self.pid).get("VmRSS")
            if rss:
                self.server_peak_mb = max(self.server_peak_mb, rss)
                self.samples.append((time.monotonic() - self.t0, rss))
            if n % 5 == 0:  # the browser scan walks /proc: once a second
                self.browser_peak_mb = max(self.browser_peak_mb, self._browser_rss_mb())
            n += 1
            self.stop_event.wait(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


@contextlib.contextmanager
def working_folder(workdir: Path | None, prefix: str) -> Iterator[Path]:
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        yield Path(workdir)
        return
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
