"""The public page as a member of the public gets it: through the reverse proxy, on a phone.

The public instance (``streamlit run app.py``, ``CARA_AUDIENCE=public``, a release-only data
root) behind nginx with the repository's configuration (``deploy/``, rendered and run by
``tests/proxy_helpers.py`` exactly as the proxy test does, over HTTPS with a throwaway
certificate), opened in Chromium in two profiles:

* **phone, slow 4G**: a 390 x 844 px touch viewport, the network throttled by the DevTools
  protocol (``Network.emulateNetworkConditions``: 150 ms round trip, 1.6 Mbit/s down,
  750 kbit/s up, Lighthouse's "slow 4G");
* **desktop**: 1400 x 1000 px, unthrottled (loopback);
* **static page, phone, slow 4G**: the phone profile on ``/headlines``, the static page of
  the headline figures that publish writes into the release and nginx serves from it
  (:mod:`cara_metrics.public.static_page`; no Streamlit involved). Its first figure is
  timed by the Element Timing API (the page marks it ``elementtiming="first-figure"``):
  when it was painted, from navigation start.

Each run is cold: a fresh Streamlit process behind the proxy and a fresh browser context
(empty cache). Measured: time to the first headline figure (the first ``st.metric`` drawn)
on the home page and to the first chart (Plotly SVG; the home page draws none, so on the
first public page that does, loaded cold the same way), from navigation start, by the in-page recorder of
:mod:`.browser`; and the bytes transferred before the first headline figure, from the
browser's network log: every HTTP response finished by then (``encodedDataLength``: on
the wire, compressed, headers included) and every WebSocket message received by then
(decoded payload: the proxy does not compress WebSocket frames). Where the bytes go is the
largest responses by URL.

Chromium's throttling applies to HTTP; WebSocket frames are not delayed by it, so the
throttled times are, if anything, short by the round trips of the app's messages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .browser import RECORDER_JS, visit
from .environment import CHROMIUM_ARGS, Log, PublicPage, need_chromium, public_pages, quiet
from .report import median
from .server import Server, prepare_root, working_folder

#: Lighthouse's slow 4G: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
PROFILES: dict[str, dict[str, Any]] = {
    "phone, slow 4G": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                       "network": SLOW_4G},
    "desktop": {"viewport": {"width": 1400, "height": 1000}, "is_mobile": False, "has_touch": False, "network": None},
    # What most desktop readers get: the server has already served someone (its imports, the
    # first DuckDB open and the release's caches are done), the browser's cache is empty.
    "desktop, server already running": {"viewport": {"width": 1400, "height": 1000}, "is_mobile": False,
                                        "has_touch": False, "network": None, "warm_server": True},
    "static page, phone, slow 4G": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                                    "network": SLOW_4G, "static": "/headlines"},
}
#: Targets of issue 15 (the static page is held to the phone's).
TARGETS = {"phone, slow 4G": {"tile_ms": 5000.0, "bytes": 1.2e6}, "desktop": {"tile_ms": 1500.0},
           "desktop, server already running": {"tile_ms": 1500.0},
           "static page, phone, slow 4G": {"tile_ms": 5000.0, "bytes": 1.2e6}}
#: When the static page's first figure was painted (ms from navigation start), or null.
ELEMENT_TIMING_JS = """() => new Promise(resolve => {
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (e.identifier === 'first-figure') resolve(e.renderTime || e.loadTime);
  }).observe({type: 'element', buffered: true});
  setTimeout(() => resolve(null), 10000);
})"""
SERVER_NAME = "cara.example.gov.uk"


@dataclass
class PhoneRun:
    tile_ms: float | None
    chart_ms: float | None
    done_ms: float | None
    bytes_before_tile: int
    bytes_total: int
    http_bytes_before_tile: int
    ws_bytes_before_tile: int
    error: str | None = None
    chart_page: str = "the same page"
    largest: list[tuple[str, int]] = field(default_factory=list)  # (url path, bytes on the wire)


@dataclass
class PhoneBench:
    runs: int
    results: dict[str, list[PhoneRun]]

    def median(self, profile: str, attr: str) -> float | None:
        return median([getattr(r, attr) for r in self.results.get(profile, []) if r.error is None])


async def _static(page, url: str, timeout_ms: float) -> tuple[dict[str, float], str | None]:
    """Load the static page; its marks (tile: first figure painted, done: load event end)."""
    try:
        await page.goto(url, wait_until="load", timeout=timeout_ms)
        tile = await page.evaluate(ELEMENT_TIMING_JS)
        done = await page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    except Exception as exc:  # noqa: BLE001 - any failure to load is an error of this run
        return {}, f"could not load {url}: {str(exc).splitlines()[0]}"
    if tile is None:
        return {"done": done}, "no first figure painted (elementtiming='first-figure')"
    # The load event can come before the first paint: "everything drawn" is the later of the two.
    return {"tile": tile, "done": max(tile, done)}, None


def _now() -> float:
    return time.monotonic()


async def _one(browser, url: str, page_spec: PublicPage | None, profile: dict[str, Any], timeout_ms: float) -> PhoneRun:
    ctx = await browser.new_context(viewport=profile["viewport"], is_mobile=profile["is_mobile"],
                                    has_touch=profile["has_touch"], ignore_https_errors=True)
    await ctx.add_init_script(RECORDER_JS)
    page = await ctx.new_page()
    cdp = await ctx.new_cdp_session(page)
    http: list[tuple[float, int, str]] = []
    ws: list[tuple[float, int]] = []
    urls: dict[str, str] = {}
    start: list[float] = []

    def sent(e: dict) -> None:
        if e.get("type") == "Document" and not start:
            start.append(e["timestamp"])
        urls.setdefault(e["requestId"], e["request"]["url"])

    def frame(e: dict) -> None:
        r = e["response"]
        payload = r.get("payloadData", "")
        ws.append((e["timestamp"], len(payload) * 3 // 4 if r.get("opcode") == 2 else len(payload.encode("utf-8"))))

    # What the connection did, kept to explain a load that never draws (one in three did, on
    # the throttled profile, with no error on the page): WebSocket lifecycle, failed requests,
    # console errors, each with its time.
    trace: list[tuple[float, str]] = []
    cdp.on("Network.webSocketCreated", lambda e: trace.append((_now(), f"ws created {e.get('url', '')[-40:]}")))
    cdp.on("Network.webSocketHandshakeResponseReceived",
           lambda e: trace.append((_now(), f"ws handshake {e.get('response', {}).get('status')}")))
    cdp.on("Network.webSocketClosed", lambda e: trace.append((_now(), "ws closed")))
    cdp.on("Network.webSocketFrameError", lambda e: trace.append((_now(), f"ws frame error {e.get('errorMessage')}")))
    cdp.on("Network.loadingFailed", lambda e: trace.append(
        (_now(), f"failed {re.sub(r'^https?://[^/]+', '', urls.get(e['requestId'], '?'))[:60]}: {e.get('errorText')}")))
    page.on("console", lambda m: trace.append((_now(), f"console {m.type}: {m.text[:120]}"))
            if m.type in ("error", "warning") or "connect" in m.text.lower() else None)
    t_open = _now()
    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", lambda e: http.append((e["timestamp"], int(e["encodedDataLength"]), e["requestId"])))
    cdp.on("Network.webSocketFrameReceived", frame)
    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if profile["network"]:
        await cdp.send("Network.emulateNetworkConditions", profile["network"])
    try:
        if page_spec is None:  # the static page
            marks, error = await _static(page, url, timeout_ms)
        else:
            v = await visit(page, url, page_spec, timeout_ms)
            marks, error = v.marks, None if v.ok else v.error
        await asyncio.sleep(0.2)  # the last network events
    finally:
        await ctx.close()
    if error and trace:
        error += " | trace: " + "; ".join(f"{t - t_open:.1f}s {what}" for t, what in trace[-12:])
    if not start:
        return PhoneRun(None, None, None, 0, 0, 0, 0, error=error or "no document request seen")
    t0 = start[0]
    tile, chart, done = marks.get("tile"), marks.get("firstChart"), marks.get("done")
    cut = None if tile is None else t0 + tile / 1000.0
    http_before = sum(b for t, b, _ in http if cut is not None and t <= cut)
    ws_before = sum(b for t, b in ws if cut is not None and t <= cut)
    per_url: dict[str, int] = {}
    for _, b, rid in http:
        path = re.sub(r"^https?://[^/]+", "", urls.get(rid, "?"))
        per_url[path] = per_url.get(path, 0) + b
    largest = sorted(per_url.items(), key=lambda kv: -kv[1])[:8]
    return PhoneRun(tile, chart, done, http_before + ws_before, sum(b for _, b, _ in http) + sum(b for _, b in ws),
                    http_before, ws_before, error, largest=largest)


async def _bench(root: Path, runs: int, chromium: str, folder: Path, log: Log, timeout_ms: float) -> PhoneBench:
    from playwright.async_api import async_playwright

    from tests.browser import free_port
    from tests.proxy_helpers import nginx_proxy

    pages = public_pages()
    home = pages[0]
    # The home page has headline figures and no chart: the first chart is timed on the first
    # public page that draws one, loaded cold the same way.
    chart_page = next((p for p in pages if p.charts and p is not home), None)
    result = PhoneBench(runs=runs, results={name: [] for name in PROFILES})
    args = CHROMIUM_ARGS + [f"--host-resolver-rules=MAP {SERVER_NAME} 127.0.0.1"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=args, headless=True)
        try:
            for run in range(runs):
                for name, profile in PROFILES.items():
                    if profile.get("static"):
                        # Served by nginx from the release: no Streamlit behind it for this load.
                        with nginx_proxy(folder / f"nginx-{run}-static", SERVER_NAME, free_port(), root) as proxy:
                            r = await _one(browser, f"https://{SERVER_NAME}:{proxy.https_port}{profile['static']}",
                                           None, profile, timeout_ms)
                        result.results[name].append(r)
                        log(f"  run {run + 1}/{runs} {name}: first figure {_s(r.tile_ms)}, "
                            f"{r.bytes_before_tile / 1e6:.3f} MB before it" + (f" (error: {r.error})" if r.error else ""))
                        continue
                    with Server(root, audience="public", log_dir=folder / "logs") as srv, \
                            nginx_proxy(folder / f"nginx-{run}-{len(result.results[name])}-{name[:5]}", SERVER_NAME,
                                        srv.port, root) as proxy:
                        url = f"https://{SERVER_NAME}:{proxy.https_port}/{home.path}"
                        if profile.get("warm_server"):
                            # One visit first (not measured), then the measured ones in fresh
                            # browser contexts against the same server.
                            await _one(browser, url, home, profile, timeout_ms)
                        r = await _one(browser, url, home, profile, timeout_ms)
                        if profile.get("warm_server") and chart_page is not None:
                            c = await _one(browser, f"https://{SERVER_NAME}:{proxy.https_port}/{chart_page.path}",
                                           chart_page, profile, timeout_ms)
                            r.chart_ms, r.chart_page = c.chart_ms, chart_page.title
                            if c.error:
                                r.error = f"{chart_page.title}: {c.error}"
                    if chart_page is not None and r.chart_ms is None:
                        with Server(root, audience="public", log_dir=folder / "logs") as srv, \
                                nginx_proxy(folder / f"nginx-{run}-{len(result.results[name])}-{name[:5]}-c", SERVER_NAME,
                                            srv.port, root) as proxy:
                            c = await _one(browser, f"https://{SERVER_NAME}:{proxy.https_port}/{chart_page.path}",
                                           chart_page, profile, timeout_ms)
                        r.chart_ms, r.chart_page = c.chart_ms, chart_page.title
                        if c.error:
                            r.error = f"{chart_page.title}: {c.error}"
                    result.results[name].append(r)
                    log(f"  run {run + 1}/{runs} {name}: first figure {_s(r.tile_ms)}, first chart {_s(r.chart_ms)}, "
                        f"{r.bytes_before_tile / 1e6:.2f} MB before the first figure"
                        + (f" (error: {r.error})" if r.error else ""))
        finally:
            await browser.close()
    return result


def _s(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:.2f} s"


def run_phone_bench(runs: int = 3, *, chromium: str | None = None, workdir: Path | None = None,
                    timeout_s: float = 120, log: Log = quiet) -> PhoneBench:
    """``runs`` cold loads of the public home page per profile, through the proxy."""
    chromium = need_chromium(chromium)
    import os

    saved = os.environ.get("STREAMLIT_SERVER_ALLOWED_HOSTS")
    # The servers started here inherit it: the host name the proxy serves, as deploy-public.md sets it.
    os.environ["STREAMLIT_SERVER_ALLOWED_HOSTS"] = SERVER_NAME
    try:
        with working_folder(workdir, "cara-bench-phone-") as wd:
            log("preparing a public data root (demo data, freshly published, warehouse removed)")
            root = prepare_root(wd / "public-root")
            return asyncio.run(_bench(root, runs, chromium, wd, log, timeout_s * 1000))
    finally:
        if saved is None:
            os.environ.pop("STREAMLIT_SERVER_ALLOWED_HOSTS", None)
        else:
            os.environ["STREAMLIT_SERVER_ALLOWED_HOSTS"] = saved


def format_phone(b: PhoneBench) -> str:
    """The table for docs/performance.md: each profile's medians against its targets."""
    lines = [f"Public home page through nginx (deploy/), empty browser cache; a fresh server process for each load "
             f"except where the profile says the server is already running; median of {b.runs}:", "",
             "| profile | first headline figure | first chart | everything drawn | bytes before the first figure "
             "(HTTP + WebSocket) | bytes in all | targets | result |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for name in PROFILES:
        t = TARGETS[name]
        tile, chart, done = b.median(name, "tile_ms"), b.median(name, "chart_ms"), b.median(name, "done_ms")
        before, total = b.median(name, "bytes_before_tile"), b.median(name, "bytes_total")
        http, wsb = b.median(name, "http_bytes_before_tile"), b.median(name, "ws_bytes_before_tile")
        want = [f"figure < {t['tile_ms'] / 1000:.1f} s"] + ([f"< {t['bytes'] / 1e6:.1f} MB before it"] if "bytes" in t else [])
        ok = tile is not None and tile < t["tile_ms"] and ("bytes" not in t or (before is not None and before < t["bytes"]))
        mb = lambda x: "–" if x is None else f"{x / 1e3:.1f} kB" if x < 1e5 else f"{x / 1e6:.2f} MB"  # noqa: E731
        where = next((r.chart_page for r in b.results.get(name, [])), "")
        lines.append(f"| {name} | {_s(tile)} | {_s(chart)}{f' ({where})' if where and where != 'the same page' else ''} | {_s(done)} | {mb(before)} ({mb(http)} + {mb(wsb)}) | "
                     f"{mb(total)} | {', '.join(want)} | {'met' if ok else 'MISSED'} |")
    errors = [f"{name}: {r.error}" for name, rs in b.results.items() for r in rs if r.error]
    last = b.results[next(iter(PROFILES))][-1:] if b.results else []
    if last and last[0].largest:
        lines += ["", "Largest responses on the wire (phone profile, last run):", ""]
        lines += [f"- {path[:90]}: {n / 1e3:,.0f} kB" for path, n in last[0].largest]
    if errors:
        lines += ["", "Errors: " + "; ".join(errors)]
    return "\n".join(lines)


def as_dict(b: PhoneBench) -> dict[str, Any]:
    return dataclasses.asdict(b)
