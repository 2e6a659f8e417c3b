"""N concurrent reader sessions on the public instance, optionally while ingest + publish run."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .browser import Visit, area_options, change_area, launch, switch, visit, new_page
from .environment import Log, PublicPage, machine_info, need_chromium, public_pages, quiet
from .ingest_cycle import Deadline, check_consistency, ingest_publish
from .server import Sampler, Server, machine_busy, prepare_root, proc_cpu_s, working_folder


@dataclass
class Step:
    session: int
    round: int
    page: str
    kind: str  # load (a full page load), switch (a sidebar click), filter (the area selectbox)
    start_s: float  # from the start of the load
    ms: float | None  # from the action until finished and drawn, as the page saw it
    ok: bool
    error: str | None = None
    server_ms: float | None = None  # the server's part: rerun request sent until its last message received


@dataclass
class LoadResult:
    sessions: int
    seconds: float
    during_ingest: bool
    browsers: int
    ramp_s: float
    wall_s: float = 0.0
    steps: list[Step] = field(default_factory=list)
    server_peak_mb: float = 0.0  # max of VmHWM and the sampled VmRSS
    server_start_mb: float = 0.0
    server_end_mb: float = 0.0
    server_cpu_s: float = 0.0
    machine_busy: float = 0.0  # fraction of all CPUs busy during the load
    browser_peak_mb: float = 0.0  # all Chromium processes, RSS summed (shared pages counted more than once)
    publishes: list[dict] = field(default_factory=list)
    consistency: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)
    incomplete_sessions: list[int] = field(default_factory=list)  # sessions that did not finish one full round
    aborted: bool = False  # stopped by the hard time limit
    browser_nice: int = 0

    @property
    def errors(self) -> list[Step]:
        return [s for s in self.steps if not s.ok]

    def times(self, kind: str | None = None, what: str = "ms") -> list[float]:
        return [getattr(s, what) for s in self.steps
                if s.ok and getattr(s, what) is not None and (kind is None or s.kind == kind)]

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.consistency.get("mismatches") or self.incomplete_sessions or self.aborted
                    or any(p.get("rc") for p in self.publishes))


async def _session(i: int, browser, base: str, pages: list[PublicPage], t_start: float, deadline: Deadline,
                   timeout_ms: float, delay: float, result: LoadResult, observations: list[dict]) -> None:
    await asyncio.sleep(delay)
    home, others = pages[0], pages[1:]
    ctx, page = await new_page(browser)
    labels: list[str] = []
    current = ""
    complete = False
    try:
        r = 0
        while r == 0 or not deadline.passed():
            plan: list[tuple[str, PublicPage]] = [("load" if r == 0 else "switch", home), ("filter", home)]
            plan += [("switch", p) for p in others]
            for kind, p in plan:
                if r > 0 and deadline.passed():
                    break
                started = time.monotonic()
                v = Visit(False, "no area options")
                if kind == "load":
                    v = await visit(page, base + "/", p, timeout_ms)
                elif kind == "switch":
                    v = await switch(page, p, timeout_ms)
                else:
                    if not labels:
                        try:
                            labels, current = await area_options(page)
                        except Exception as exc:  # noqa: BLE001
                            v = Visit(False, f"could not read the area options: {str(exc).splitlines()[0]}")
                    if labels:
                        nxt = labels[(labels.index(current) + 1) % len(labels)] if current in labels else labels[(i + r) % len(labels)]
                        v = await change_area(page, home, nxt, timeout_ms)
                        if v.ok:
                            current = nxt
                result.steps.append(Step(i, r, p.title, kind, started - t_start, v.done_ms, v.ok, v.error, v.marks.get("server")))
                if v.ok:
                    observations.append({"t": time.monotonic() - t_start, "session": i, "page": p.title, "kind": kind,
                                         "status": v.status, "headline": v.headline(), "tiles": v.tiles if p.tiles else None})
                else:
                    # Start again from a fresh load so one failure does not cascade through the round.
                    with contextlib.suppress(Exception):
                        await visit(page, base + "/", home, timeout_ms)
                    labels = []
            else:
                complete = True
            r += 1
    finally:
        if not complete:
            result.incomplete_sessions.append(i)
        with contextlib.suppress(Exception):
            await ctx.close()


async def _load(base: str, sessions: int, seconds: float, browsers: int, ramp_s: float, chromium: str,
                timeout_ms: float, result: LoadResult, observations: list[dict], pages: list[PublicPage],
                deadline: Deadline, hard_limit_s: float) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        launched = [await launch(pw, chromium) for _ in range(max(1, browsers))]
        try:
            t_start = time.monotonic()
            if deadline.at is None:
                deadline.extend_to(t_start + seconds)
            runs = asyncio.gather(*(
                _session(i, launched[i % len(launched)], base, pages, t_start, deadline, timeout_ms,
                         ramp_s * i / max(1, sessions - 1) if sessions > 1 else 0.0, result, observations)
                for i in range(sessions)))
            try:  # a hard bound, whatever happens: a round of steps that all time out, a publish that hangs
                await asyncio.wait_for(runs, timeout=hard_limit_s)
            except asyncio.TimeoutError:
                result.aborted = True
        finally:
            for b in launched:
                with contextlib.suppress(Exception):
                    await b.close()


def _niced(chromium: str, nice: int, folder: Path) -> str:
    """``chromium``, or a wrapper that runs it at niceness ``nice`` (its child processes inherit it)."""
    if not nice:
        return chromium
    wrapper = folder / f"chromium-nice-{nice}.sh"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(nice)} "{chromium}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return str(wrapper)



def run_load(sessions: int = 20, seconds: float = 60, *, during_ingest: bool = False, browsers: int = 1,
             ramp_s: float | None = None, chromium: str | None = None, workdir: Path | None = None,
             step_timeout_s: float = 90, ingest_at: float = 0.3, browser_nice: int = 0, log: Log = quiet) -> LoadResult:
    """``sessions`` concurrent browser sessions on the public instance for about ``seconds``.

    Each session (its own browser context) loads the default page, changes the area, visits
    every other public page, comes back, and repeats until the time is up; every session
    finishes at least one full round. The first session starts at once, the last after
    ``ramp_s`` (default: a quarter of a second per session, at most 5 s).

    ``during_ingest``: the data root keeps its warehouse, and from ``ingest_at`` of the time
    an ingest (a changed month of crime for one local authority) and a publish run on it,
    again while another cycle fits (the sessions go on for a while after each publish);
    afterwards every page's figures are checked to be one release version's, never a mix.

    ``browser_nice``: run Chromium at this niceness (e.g. 19), so that on a small machine the
    server gets the CPU first and its part of each step is measured as if the browsers were on
    other machines, as real users' are. Stops starting new steps after ``seconds`` (and no
    later than a hard limit).
    """
    chromium = need_chromium(chromium)
    pages = public_pages()
    ramp = min(5.0, 0.25 * sessions) if ramp_s is None else ramp_s
    result = LoadResult(sessions=sessions, seconds=seconds, during_ingest=during_ingest, browsers=browsers, ramp_s=ramp,
                        browser_nice=browser_nice)
    observations: list[dict] = []
    with working_folder(workdir, "cara-load-") as wd:
        log("preparing the data root" + (" (with its warehouse, for ingest + publish)" if during_ingest else ""))
        root = prepare_root(wd / "load-root", keep_warehouse=during_ingest)
        with Server(root, audience="public", log_dir=wd / "logs") as srv:
            result.server_start_mb = srv.memory().get("VmRSS", 0.0)
            sampler = Sampler(srv.pid, chromium)
            sampler.start()
            stop = threading.Event()
            worker = None
            busy0, total0 = machine_busy()
            cpu0 = proc_cpu_s(srv.pid)
            t0 = time.monotonic()
            deadline = Deadline()
            if during_ingest:
                deadline.extend_to(t0 + seconds)
                worker = threading.Thread(target=ingest_publish, daemon=True,
                                          args=(root, wd, t0, t0 + ramp + ingest_at * seconds, t0 + seconds, stop,
                                                result.publishes, deadline, max(10.0, 0.25 * seconds)))
                worker.start()
            try:
                log(f"{sessions} sessions for {seconds:.0f} s" + (" while ingest + publish run" if during_ingest else ""))
                hard_limit = seconds + ramp + 6 * step_timeout_s + (300 if during_ingest else 0)
                asyncio.run(_load(srv.base, sessions, seconds, browsers, ramp, _niced(chromium, browser_nice, wd),
                                  step_timeout_s * 1000, result, observations, pages, deadline, hard_limit))
            finally:
                stop.set()
                if worker:
                    worker.join(timeout=600)
                result.wall_s = time.monotonic() - t0
                busy1, total1 = machine_busy()
                result.machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
                result.server_cpu_s = proc_cpu_s(srv.pid) - cpu0
                mem = srv.memory()
                sampler.stop()
                result.server_end_mb = mem.get("VmRSS", 0.0)
                result.server_peak_mb = max(mem.get("VmHWM", 0.0), sampler.server_peak_mb)
                result.browser_peak_mb = sampler.browser_peak_mb
        result.consistency = check_consistency(root, observations, wd)
    result.machine = machine_info(chromium)
    return result

