"""Helpers for real-browser tests: start the app, find Chromium, open pages in Playwright.

Chromium comes from Debian (`apt-get install chromium`); Playwright never downloads a
browser here. When CI is set, a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def system_tool(candidates: tuple[str, ...], message: str) -> str:
    """The first executable of ``candidates``; a missing tool fails the test when CI is set
    (a browser or proxy test must never pass by skipping there) and skips it otherwise."""
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    return system_tool(("/usr/lib/chromium/chromium", "/usr/bin/chromium", shutil.which("chromium") or ""),
                       "Chromium is not installed (apt-get install chromium); browser tests need it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(env: dict[str, str] | None = None, timeout: float = 60, script: str = "app.py",
               port: int | None = None, args: tuple[str, ...] = ()) -> Iterator[str]:
    """Run `streamlit run SCRIPT` (default app.py) on a free loopback port (or ``port``), with
    extra Streamlit ``args`` (e.g. ``--secrets.files PATH``); yield its base URL."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args]
    log = open(ARTIFACTS.joinpath(f"server-{port}.log") if ARTIFACTS.mkdir(exist_ok=True) is None else os.devnull, "w")
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not become healthy in time")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for_page(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script has finished running (and so everything is drawn)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
