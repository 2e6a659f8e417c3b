"""What the browser bench runs against: the targets, Debian's Chromium, the machine, the public pages."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

REPO_DIR = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_DIR / "data" / "demo"
RELEASE_DATE = "2025-06-30"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}

#: Targets of issue 7 (2 shared cores): first headline tile on a cold load, a page switch,
#: and the server's peak memory under the load.
TARGET_FIRST_TILE_MS = 2500.0
TARGET_SWITCH_MS = 1000.0
TARGET_SERVER_MB = 1536.0

#: Text that means a user saw a failure (besides exception and error boxes).
FAILURE_PHRASES = ("We could not show", "not available at the moment", "not available just now", "Page not found",
                   "This app has encountered an error", "No public release has been published", "Connection error")
#: The warehouse table the file faults damage, the staff page that reads it, and a page that does not.
FAULT_TABLE, FAULT_PAGE, FAULT_OTHER_PAGE = "survey_responses", "survey", "crime"
#: The release table removed under the public instance.
FAULT_RELEASE_TABLE = "crime"
#: The local authority whose crime the ingest cycles change (Dorset Council) and the month.
INGEST_AREA, INGEST_MONTH = "E06000059", (2024, 6)

Log = Callable[[str], None]


def quiet(_: str) -> None:
    pass


# --------------------------------------------------------------------------------------
# The machine, the browser, the pages
# --------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    """Debian's Chromium (``$CARA_CHROMIUM`` first), or None when there is none."""
    for c in (os.environ.get("CARA_CHROMIUM"), "/usr/lib/chromium/chromium", "/usr/bin/chromium",
              shutil.which("chromium"), shutil.which("chromium-browser")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def need_chromium(chromium: str | None) -> str:
    path = chromium or chromium_path()
    if not path:
        raise RuntimeError("Chromium is not installed: apt-get install chromium (never `playwright install`)")
    return path


def machine_info(chromium: str | None = None) -> dict[str, Any]:
    """CPU, cores, memory and the versions that matter for these figures."""
    from importlib import metadata

    info: dict[str, Any] = {"platform": platform.platform(), "python": platform.python_version(),
                            "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
                            "load_average": " / ".join(f"{x:.2f}" for x in os.getloadavg())}
    with contextlib.suppress(OSError):
        cpu = Path("/proc/cpuinfo").read_text()
        m = re.search(r"model name\s*:\s*(.+)", cpu)
        info["cpu"] = m.group(1).strip() if m else platform.processor()
    with contextlib.suppress(OSError):
        m = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        info["memory_gb"] = round(int(m.group(1)) / 1024 / 1024, 1) if m else None
    for pkg in ("streamlit", "duckdb", "pandas", "plotly", "playwright"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            info[pkg] = metadata.version(pkg)
    path = chromium or chromium_path()
    if path:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
            info["chromium"] = out.stdout.strip() or out.stderr.strip().splitlines()[-1]
    return info


@dataclass(frozen=True)
class PublicPage:
    """One public page as app.py registers it."""

    title: str  # the sidebar link's text
    path: str  # URL path; "" for the default page, which is served at the root URL
    file: str
    h1: str  # the page's title (its only h1)
    tiles: bool  # draws headline tiles (st.metric)
    charts: bool  # draws Plotly charts


def public_pages() -> list[PublicPage]:
    """The public pages, in navigation order, read from app.py and the page files.

    A public page is one that starts with ``ui_public.start("TITLE", ...)``; the default one
    (``default=`` in its ``st.Page``) is served at the root URL.
    """
    app = (REPO_DIR / "app.py").read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r'st\.Page\(\s*"(views/[^"]+)",\s*title="([^"]+)",\s*url_path="([^"]+)"([^)]*)\)', app):
        file, title, url_path, rest = m.groups()
        src = (REPO_DIR / file).read_text(encoding="utf-8")
        h = re.search(r'ui_public\.start\(\s*"([^"]+)"', src)
        if not h:
            continue
        out.append(PublicPage(title=title, path="" if "default=" in rest else url_path, file=file, h1=h.group(1),
                              tiles="ui_public.tiles(" in src,
                              charts="ui_public.show(" in src or "ui_public.table_section(" in src))
    out.sort(key=lambda p: p.path != "")  # the default page first
    if not out or out[0].path != "":
        raise RuntimeError("could not find the public pages (and the default one) in app.py")
    return out
