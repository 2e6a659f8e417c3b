"""In the page: what is drawn, and when; and the steps a reader takes (load, switch, area change).

Playwright is imported inside functions, so importing this module needs no browser.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .environment import CHROMIUM_ARGS, FAILURE_PHRASES, VIEWPORT, PublicPage


#: Installed before the page's own scripts. Records, in performance.now() ms, when the
#: expected headings appear, the first tile, the first chart, the script finishing and
#: everything drawn ("done": finished after a run, no element still a loading skeleton
#: -- st.metric and st.table load their code lazily and can draw after the run has
#: finished -- and every Plotly chart has its SVG).
RECORDER_JS = r"""
(() => {
  if (window.__cara) return;
  const C = window.__cara = {t0: 0, expect: [], pointerArmed: false, marks: {}};
  const PHRASES = %PHRASES%;
  const state = () => { const a = document.querySelector("[data-testid='stApp']"); return a ? a.getAttribute('data-test-script-state') : null; };
  const headingsOk = () => {
    const h1 = document.querySelector('h1');
    if (!h1 || !h1.textContent.trim()) return false;
    if (!C.expect.length) return true;
    const hs = Array.from(document.querySelectorAll('h1, h2')).map(h => h.textContent || '');
    return C.expect.every(e => hs.some(t => t.includes(e)));
  };
  C.check = (records) => {
    const m = C.marks, now = performance.now(), s = state();
    if (m.running === undefined && (s === 'running' || (records || []).some(r => r.oldValue === 'running'))) m.running = now;
    if (m.done !== undefined || !headingsOk()) return;
    if (m.heading === undefined) m.heading = now;
    if (m.tile === undefined && document.querySelector("[data-testid='stMetric']")) m.tile = now;
    const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
    let drawn = 0;
    for (const c of charts) if (c.querySelector('.main-svg')) drawn++;
    if (drawn && m.firstChart === undefined) m.firstChart = now;
    // The expected headings come from this run, so 'notRunning' now means this run has finished.
    // (Waiting to see 'running' first is not safe: when the renderer is busy, React can commit
    // running and notRunning in one go and the attribute never shows 'running'.)
    if (m.finished === undefined && s === 'notRunning') m.finished = now;
    // Lazily loaded elements (st.metric, st.table...) show a skeleton until their code has arrived.
    if (m.finished !== undefined && drawn === charts.length && !document.querySelector("[data-testid='stSkeleton']")) {
      m.done = now; m.charts = charts.length;
      if (charts.length) m.allCharts = now;
    }
  };
  C.arm = (expect, onPointer) => { C.expect = expect || []; C.marks = {}; C.t0 = performance.now(); C.pointerArmed = !!onPointer; };
  C.clickNav = (title, expect) => {
    const a = Array.from(document.querySelectorAll("[data-testid='stSidebarNavLink']")).find(l => l.textContent.trim() === title);
    if (!a) return false;
    C.arm(expect, false);
    a.click();
    return true;
  };
  const text = el => el ? el.innerText.replace(/\s+/g, ' ').trim() : '';
  const count = id => document.querySelectorAll(`[data-testid='${id}']`).length;
  C.snapshot = () => {
    const rel = {};
    for (const [k, v] of Object.entries(C.marks)) if (k !== 'charts') rel[k] = v - C.t0;
    const body = document.body ? document.body.innerText : '';
    const tiles = Array.from(document.querySelectorAll("[data-testid='stMetric']")).map(e => {
      const box = e.closest("[data-testid='stVerticalBlock']");  // the tile's bordered container, with its caption
      return [text(e.querySelector("[data-testid='stMetricLabel']")), text(e.querySelector("[data-testid='stMetricValue']")),
              text(e.querySelector("[data-testid='stMetricDelta']")),
              text(box && box.querySelector("[data-testid='stCaptionContainer']"))];
    });
    const status = Array.from(document.querySelectorAll("[data-testid='stMarkdownContainer']")).map(e => e.innerText)
      .find(t => t.trim().startsWith('Data as at')) || null;
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const plotly = res.find(r => r.name.includes('PlotlyChart'));
    const js = res.filter(r => /\.js(\?|$)/.test(r.name));
    return {
      marks: rel, charts: C.marks.charts === undefined ? null : C.marks.charts, t0: C.t0,
      h1: text(document.querySelector('h1')), headings: Array.from(document.querySelectorAll('h2')).map(text),
      tiles, status, exceptions: count('stException'), errors: count('stAlertContentError'),
      errorTexts: Array.from(document.querySelectorAll("[data-testid='stAlertContentError']")).map(text),
      phrases: PHRASES.filter(p => body.includes(p)), traceback: body.includes('Traceback'),
      nav: nav ? {html: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd} : null,
      plotly: plotly ? {start: plotly.startTime - C.t0, end: plotly.responseEnd - C.t0, bytes: plotly.encodedBodySize,
                        size: plotly.decodedBodySize} : null,
      jsBytes: js.reduce((a, r) => a + (r.encodedBodySize || 0), 0), jsFiles: js.length,
    };
  };
  document.addEventListener('pointerdown', () => { if (C.pointerArmed) { C.t0 = performance.now(); C.pointerArmed = false; } }, true);
  new MutationObserver(recs => C.check(recs)).observe(document, {subtree: true, childList: true, attributes: true,
    attributeOldValue: true, attributeFilter: ['data-test-script-state']});
})();
""".replace("%PHRASES%", json.dumps(list(FAILURE_PHRASES)))


@dataclass
class Visit:
    """What one step (a page load, a page switch or a filter change) saw."""

    ok: bool
    error: str | None = None
    marks: dict[str, float] = field(default_factory=dict)  # ms from the action (page loads: from navigation start)
    h1: str = ""
    headings: list[str] = field(default_factory=list)
    tiles: list[list[str]] = field(default_factory=list)
    status: str | None = None
    snapshot: dict[str, Any] = field(default_factory=dict)

    @property
    def done_ms(self) -> float | None:
        return self.marks.get("done")

    def headline(self) -> tuple[str, str] | None:
        """(area name, year) of the 'Headline figures: AREA, YEAR' heading, if shown."""
        for h in self.headings:
            m = re.match(r"Headline figures: (.+), (\d{4}/\d{2})$", h)
            if m:
                return m.group(1), m.group(2)
        return None


async def new_page(browser) -> tuple[Any, Any]:
    """A new context (empty cache) and page, with the recorder installed and the page's
    WebSocket frames logged from the browser's network layer (DevTools protocol), so the
    server's share of each step can be told apart from the page's own work."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    await ctx.add_init_script(RECORDER_JS)
    page = await ctx.new_page()
    frames: list[tuple[str, float]] = []
    cdp = await ctx.new_cdp_session(page)
    cdp.on("Network.webSocketFrameSent", lambda e: frames.append(("sent", e["timestamp"])))
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append(("received", e["timestamp"])))
    await cdp.send("Network.enable")
    page._cara_frames = frames
    return ctx, page


def frames_mark(page) -> int:
    return len(getattr(page, "_cara_frames", ()))


def _server_ms(page, since: int) -> float | None:
    """From the first frame the page sent after ``since`` (the rerun request) to the last frame
    it received (the end of the run): the server's time plus loopback, without the page's own
    parsing, layout and drawing."""
    frames = getattr(page, "_cara_frames", [])[since:]
    sent = [t for kind, t in frames if kind == "sent"]
    if not sent:
        return None
    got = [t for kind, t in frames if kind == "received" and t >= sent[0]]
    return (max(got) - sent[0]) * 1000 if got else None


async def _settle(page, expect_h1: str | None, timeout_ms: float, *, tiles: bool = False, since: int | None = None) -> Visit:
    """Wait until the armed step is done (or times out), then judge what the page shows."""
    from playwright.async_api import Error as PWError
    from playwright.async_api import TimeoutError as PWTimeout

    timed_out = None
    try:
        await page.wait_for_function("() => window.__cara && window.__cara.marks.done !== undefined",
                                     polling=50, timeout=timeout_ms)
    except PWTimeout:
        timed_out = f"timeout after {timeout_ms / 1000:.0f} s"
    try:
        snap = await page.evaluate("() => window.__cara ? window.__cara.snapshot() : null")
    except PWError as exc:
        return Visit(False, f"page unreadable: {str(exc).splitlines()[0]}")
    if not snap:
        return Visit(False, timed_out or "the page has no recorder")
    v = Visit(True, None, snap["marks"], snap["h1"], snap["headings"], snap["tiles"], snap["status"], snap)
    if since is not None and not timed_out:
        await asyncio.sleep(0.05)  # let the last frame events arrive
        server = _server_ms(page, since)
        if server is not None:
            v.marks["server"] = server
    problems = []
    if timed_out:
        seen = ", ".join(f"{k} {val:.0f} ms" for k, val in v.marks.items()) or "nothing"
        problems.append(f"{timed_out} (seen: {seen})")
    if snap["exceptions"]:
        problems.append(f"{snap['exceptions']} exception box(es)")
    if snap["errors"]:
        problems.append(f"{snap['errors']} error box(es): {' | '.join(snap['errorTexts'])[:300]}")
    if snap["phrases"]:
        problems.append("shows " + ", ".join(repr(p) for p in snap["phrases"]))
    if snap["traceback"]:
        problems.append("shows a traceback")
    if expect_h1 and expect_h1 not in snap["h1"]:
        problems.append(f"wrong page: h1 {snap['h1']!r}, expected {expect_h1!r}")
    if tiles and not snap["tiles"] and not timed_out:
        problems.append("no headline tiles")
    if problems:
        v.ok, v.error = False, "; ".join(problems)
    return v


async def visit(page, url: str, p: PublicPage | None, timeout_ms: float = 60_000) -> Visit:
    """Load ``url`` in ``page`` (a full page load); times are from navigation start."""
    since = frames_mark(page)
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
    except Exception as exc:  # noqa: BLE001 - any failure to load is an error of this step
        return Visit(False, f"could not load {url}: {str(exc).splitlines()[0]}")
    return await _settle(page, p.h1 if p else None, timeout_ms, tiles=bool(p and p.tiles), since=since)


async def switch(page, p: PublicPage, timeout_ms: float = 60_000) -> Visit:
    """Click the sidebar link to ``p``; times are from the click."""
    since = frames_mark(page)
    found = await page.evaluate("([t, e]) => window.__cara.clickNav(t, [e])", [p.title, p.h1])
    if not found:
        return Visit(False, f"no sidebar link {p.title!r}")
    return await _settle(page, p.h1, timeout_ms, tiles=p.tiles, since=since)


async def area_options(page, timeout_ms: float = 30_000) -> tuple[list[str], str]:
    """The area selectbox's option labels and its current value (the list is left closed)."""
    box = page.get_by_role("combobox", name="Area")
    current = await box.input_value(timeout=timeout_ms)
    await box.click(timeout=timeout_ms)
    opts = page.get_by_role("option")
    await opts.first.wait_for(timeout=timeout_ms)
    labels = await opts.all_inner_texts()
    await page.keyboard.press("Escape")
    return [label.strip() for label in labels], current


def area_name_of(label: str) -> str:
    """'Dorset Council (council)' -> 'Dorset Council'."""
    return label.rsplit(" (", 1)[0]


def heading_name(label: str, labels: list[str]) -> str:
    """The name the page's heading gives the area of option ``label``: the published name, with
    its kind where several options share it (ONS calls Dorset's force, CSP and council all
    "Dorset"), by the rule the pages use (``contract.distinct_area_names``)."""
    from cara_metrics.contract import distinct_area_names
    from cara_metrics.public.release import AREA_TYPE_LABELS

    kinds = {v: k for k, v in AREA_TYPE_LABELS.items()}
    names = [area_name_of(x) for x in labels]
    types = [kinds.get(x.rsplit(" (", 1)[-1].rstrip(")"), "") for x in labels]
    return distinct_area_names(labels, names, types).get(label, area_name_of(label))


async def change_area(page, home: PublicPage, label: str, timeout_ms: float = 60_000) -> Visit:
    """Pick ``label`` in the Area selectbox; times are from the click on the option."""
    try:
        await page.get_by_role("combobox", name="Area").click(timeout=timeout_ms)
        opt = page.get_by_role("option", name=label, exact=True)
        await opt.wait_for(timeout=timeout_ms)
        labels = [t.strip() for t in await page.get_by_role("option").all_inner_texts()]
        await page.evaluate("e => window.__cara.arm(e, true)", [home.h1, f"Headline figures: {heading_name(label, labels)},"])
        since = frames_mark(page)
        await opt.click(timeout=timeout_ms)
    except Exception as exc:  # noqa: BLE001
        return Visit(False, f"could not choose area {label!r}: {str(exc).splitlines()[0]}")
    return await _settle(page, home.h1, timeout_ms, tiles=home.tiles, since=since)


async def launch(p, chromium: str):
    return await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)

