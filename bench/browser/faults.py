"""Faults: what a reader sees when things break, and whether it recovers.

``file`` and ``public-file`` are in :mod:`.file_faults`, ``threads`` in :mod:`.threads`;
the server restart is here.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .browser import area_options, change_area, launch, new_page, switch, visit
from .environment import Log, chromium_path, machine_info, need_chromium, public_pages, quiet
from .server import Server, prepare_root, working_folder


@dataclass
class FaultResult:
    name: str
    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class FaultsResult:
    results: list[FaultResult]
    machine: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> FaultResult:
        return next(r for r in self.results if r.name == name)

    @property
    def failed(self) -> bool:
        return any(not r.ok for r in self.results)


FAULTS = ("file", "public-file", "restart", "threads")


async def _fault_restart(wd: Path, chromium: str, timeout_ms: float, log: Log) -> FaultResult:
    """The server restarted under an open session: connection status shown, then reconnects, and a rerun works."""
    from playwright.async_api import async_playwright

    res = FaultResult("restart", True, "")
    pages = public_pages()
    home = pages[0]
    root = prepare_root(wd / "restart-root")
    problems = []
    async with async_playwright() as pw:
        browser = await launch(pw, chromium)
        srv = Server(root, audience="public", log_dir=wd / "logs")
        try:
            srv.start()
            ctx, page = await new_page(browser)
            v = await visit(page, srv.base + "/", home, timeout_ms)
            if not v.ok:
                problems.append(f"before the restart: {v.error}")
            labels, current = await area_options(page)
            others = [x for x in labels if x != current]
            v = await change_area(page, home, others[0], timeout_ms)  # some session state to lose
            if not v.ok:
                problems.append(f"area change before the restart: {v.error}")
            srv.stop()
            t_down = time.monotonic()
            shown = await page.wait_for_function(
                """() => { const w = document.querySelector("[data-testid='stStatusWidget']");
                           const d = document.querySelector("[data-testid='stDialog']");
                           const t = ((w && w.innerText) || '') + ' ' + ((d && d.innerText) || '');
                           return /connect/i.test(t) ? t.replace(/\\s+/g, ' ').trim() : false; }""",
                polling=100, timeout=20_000)
            status_text = await shown.json_value()
            res.facts["status_shown_after_s"] = round(time.monotonic() - t_down, 2)
            res.facts["status_text"] = status_text
            res.details.append(f"server stopped: the page shows {status_text!r} after {res.facts['status_shown_after_s']} s")
            await asyncio.sleep(1.0)
            srv.start()
            t_up = time.monotonic()
            await page.wait_for_function(
                """() => { const w = document.querySelector("[data-testid='stStatusWidget']");
                           const d = document.querySelector("[data-testid='stDialog']");
                           const t = ((w && w.innerText) || '') + ' ' + ((d && d.innerText) || '');
                           return !/connect/i.test(t); }""", polling=100, timeout=60_000)
            res.facts["reconnected_after_s"] = round(time.monotonic() - t_up, 2)
            res.details.append(f"server back: the page reconnected {res.facts['reconnected_after_s']} s after it was healthy")
            # A rerun after the restart: change the area again. (A run takes well under a second
            # here; 15 s without the new area's figures means the choice was lost.)
            v = await change_area(page, home, others[1], min(timeout_ms, 15_000))
            res.facts["first_choice_kept"] = v.ok
            snap = v.snapshot or {}
            shown = v.headline()
            res.details.append("first area change after the restart: " + (
                "applied" if v.ok else
                f"lost: the page reran without an error but shows {shown[0] if shown else '?'} again (the area in the URL)"
                if not snap.get("exceptions") and not snap.get("errors") else f"failed: {v.error}"))
            if not v.ok:
                v = await change_area(page, home, others[1], timeout_ms)
                res.details.append("second area change after the restart: " + ("applied" if v.ok else f"failed: {v.error}"))
            if not v.ok:
                problems.append(f"no working rerun after the restart: {v.error}")
            else:
                res.facts["rerun_ms"] = round(v.marks["done"])
            # And a page switch.
            v = await switch(page, pages[1], timeout_ms)
            if not v.ok:
                problems.append(f"page switch after the restart: {v.error}")
            await ctx.close()
        finally:
            srv.stop()
            await browser.close()
    res.ok = not problems
    res.summary = "; ".join(problems) if problems else (
        f"connection status shown ({res.facts.get('status_text')!r}), reconnected {res.facts.get('reconnected_after_s')} s "
        f"after the server was back, reruns work" + ("" if res.facts.get("first_choice_kept") else
                                                     " (but the first area change after the restart was lost)"))
    return res



def run_faults(which: Sequence[str] = FAULTS, *, chromium: str | None = None, workdir: Path | None = None,
               threads: int = 32, thread_seconds: float = 10, timeout_s: float = 60, log: Log = quiet) -> FaultsResult:
    """Run the named faults (``file``, ``public-file``, ``restart``, ``threads``) and say how each behaved."""
    unknown = set(which) - set(FAULTS)
    if unknown:
        raise ValueError(f"unknown faults {sorted(unknown)}; choose from {FAULTS}")
    needs_browser = any(w != "threads" for w in which)
    chromium = need_chromium(chromium) if needs_browser else (chromium or chromium_path())
    results = []
    with working_folder(workdir, "cara-faults-") as wd:
        for name in which:
            log(f"fault: {name}")
            t0 = time.monotonic()
            from .file_faults import fault_file, fault_public_file  # they import this module's results
            from .threads import fault_threads

            if name == "threads":
                r = fault_threads(wd, threads, thread_seconds, log)
            else:
                fn = {"file": fault_file, "public-file": fault_public_file, "restart": _fault_restart}[name]
                try:
                    r = asyncio.run(fn(wd, chromium, timeout_s * 1000, log))
                except Exception as exc:  # noqa: BLE001 - a fault run that breaks is a failed fault
                    r = FaultResult(name, False, f"the check itself failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            r.seconds = time.monotonic() - t0
            results.append(r)
    return FaultsResult(results, machine_info(chromium))

