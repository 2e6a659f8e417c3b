"""Timings of each public page: cold, warm and revisit loads, and page switches."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .browser import Visit, area_options, change_area, launch, new_page, switch, visit
from .environment import TARGET_FIRST_TILE_MS, TARGET_SWITCH_MS, Log, PublicPage, machine_info, need_chromium, public_pages, quiet
from .report import median, s_text
from .server import Server, prepare_root, working_folder


@dataclass
class PageTimes:
    page: PublicPage
    cold: list[dict] = field(default_factory=list)  # each: the snapshot marks (+ nav/plotly) of one run
    warm: list[dict] = field(default_factory=list)
    revisit: list[dict] = field(default_factory=list)
    switch: list[dict] = field(default_factory=list)  # the first is the first visit of its session

    def median(self, kind: str, mark: str) -> float | None:
        return median([r.get(mark) for r in getattr(self, kind)])


@dataclass
class BrowserBench:
    machine: dict[str, Any]
    runs: int
    pages: list[PageTimes]
    server_start_s: list[float] = field(default_factory=list)
    filter_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def first_tile_cold(self) -> float | None:
        return median([t for p in self.pages if p.page.tiles for t in (r.get("tile") for r in p.cold)])

    def switch_median(self, p: PageTimes) -> float | None:
        return median([r.get("done") for r in p.switch[1:]])

    @property
    def missed(self) -> list[str]:
        out = []
        for p in self.pages:
            t = p.median("cold", "tile")
            if p.page.tiles and (t is None or t >= TARGET_FIRST_TILE_MS):
                out.append(f"first tile cold on {p.page.title}: {s_text(t)} (target {s_text(TARGET_FIRST_TILE_MS)})")
            s = self.switch_median(p)
            if s is None or s >= TARGET_SWITCH_MS:
                out.append(f"switch to {p.page.title}: {s_text(s)} (target {s_text(TARGET_SWITCH_MS)})")
            first = p.switch[0].get("done") if p.switch else None
            if first is not None and first >= TARGET_SWITCH_MS:
                out.append(f"first switch to {p.page.title} in a session: {s_text(first)} (target {s_text(TARGET_SWITCH_MS)})")
        return out


def _record(v: Visit) -> dict:
    r = dict(v.marks)
    snap = v.snapshot or {}
    if snap.get("nav"):
        r.update({f"nav_{k}": val for k, val in snap["nav"].items()})
    if snap.get("plotly") and snap["plotly"]["start"] >= 0:
        r.update({"plotly_start": snap["plotly"]["start"], "plotly_end": snap["plotly"]["end"],
                  "plotly_bytes": snap["plotly"]["bytes"]})
    r["js_bytes"] = snap.get("jsBytes")
    r["js_files"] = snap.get("jsFiles")
    r["ok"] = v.ok
    return r


async def _bench(root: Path, runs: int, chromium: str, log_dir: Path, log: Log, pages: list[PublicPage],
                 timeout_ms: float) -> BrowserBench:
    from playwright.async_api import async_playwright

    result = BrowserBench(machine={}, runs=runs, pages=[PageTimes(p) for p in pages])
    home = pages[0]

    def keep(pt: PageTimes, kind: str, v: Visit) -> None:
        getattr(pt, kind).append(_record(v))
        if not v.ok:
            result.errors.append(f"{kind} {pt.page.title}: {v.error}")

    async with async_playwright() as pw:
        browser = await launch(pw, chromium)
        try:
            for run in range(runs):
                for pt in result.pages:
                    url = f"{{base}}/{pt.page.path}"
                    with Server(root, audience="public", log_dir=log_dir) as srv:
                        result.server_start_s.append(srv.started_s)
                        ctx, page = await new_page(browser)
                        keep(pt, "cold", await visit(page, url.format(base=srv.base), pt.page, timeout_ms))
                        await ctx.close()
                        ctx, page = await new_page(browser)
                        keep(pt, "warm", await visit(page, url.format(base=srv.base), pt.page, timeout_ms))
                        keep(pt, "revisit", await visit(page, url.format(base=srv.base), pt.page, timeout_ms))
                        await ctx.close()
                    log(f"  run {run + 1}/{runs} {pt.page.title}: cold {s_text(pt.cold[-1].get('done'))}, "
                        f"warm {s_text(pt.warm[-1].get('done'))}, revisit {s_text(pt.revisit[-1].get('done'))}")
            # Page switches: one server, one session; round 0 is each page's first visit in the session.
            with Server(root, audience="public", log_dir=log_dir) as srv:
                ctx, page = await new_page(browser)
                v = await visit(page, srv.base + "/", home, timeout_ms)
                if not v.ok:
                    result.errors.append(f"switch session start: {v.error}")
                order = result.pages[1:] + result.pages[:1]
                labels, current = await area_options(page)
                for run in range(runs + 1):
                    for pt in order:
                        keep(pt, "switch", await switch(page, pt.page, timeout_ms))
                    # and a filter change on the default page (it is the last in ``order``)
                    nxt = labels[(labels.index(current) + 1) % len(labels)] if current in labels else labels[0]
                    fv = await change_area(page, home, nxt, timeout_ms)
                    current = nxt
                    if fv.ok and run > 0:
                        result.filter_ms.append(fv.marks["done"])
                    elif not fv.ok:
                        result.errors.append(f"filter change: {fv.error}")
                log("  switches: " + ", ".join(f"{pt.page.title} {s_text(result.switch_median(pt))}" for pt in result.pages))
                await ctx.close()
        finally:
            await browser.close()
    return result


def run_browser_bench(runs: int = 5, *, chromium: str | None = None, workdir: Path | None = None,
                      root: Path | None = None, timeout_s: float = 90, log: Log = quiet) -> BrowserBench:
    """Cold, warm and revisit load times of every public page, and page-switch times.

    ``runs`` cold loads per page (each on a fresh server process); medians are reported.
    ``root`` is a public data root (release only); by default one is built from the demo data.
    """
    chromium = need_chromium(chromium)
    pages = public_pages()
    with working_folder(workdir, "cara-bench-browser-") as wd:
        if root is None:
            log("preparing a public data root (demo data, freshly published, warehouse removed)")
            root = prepare_root(wd / "public-root")
        result = asyncio.run(_bench(Path(root), runs, chromium, wd / "logs", log, pages, timeout_s * 1000))
    result.machine = machine_info(chromium)
    return result
