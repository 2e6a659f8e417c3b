"""Statistics and Markdown tables: what the bench prints (and docs/performance-browser.md quotes)."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any, Sequence

from .environment import FAULT_RELEASE_TABLE, FAULT_TABLE, TARGET_FIRST_TILE_MS, TARGET_SERVER_MB, TARGET_SWITCH_MS

if TYPE_CHECKING:
    from .faults import FaultsResult
    from .load import LoadResult
    from .timings import BrowserBench


def median(xs: Sequence[float | None]) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def percentile(xs: Sequence[float], q: float) -> float | None:
    """The q-th percentile (nearest rank)."""
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, int(round(q / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def ms_text(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def s_text(x: float | None) -> str:
    return "—" if x is None else f"{x / 1000:.2f} s"


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def format_machine(m: dict[str, Any]) -> str:
    keys = ("cpu", "cores", "usable_cores", "load_average", "memory_gb", "platform", "python", "streamlit", "duckdb", "pandas", "plotly",
            "playwright", "chromium")
    return md_table(("Machine", ""), [(k, m[k]) for k in keys if k in m])



def format_bench(b: BrowserBench) -> str:
    out = [f"### Public pages in Chromium: medians of {b.runs} runs (ms)", ""]
    rows = []
    for p in b.pages:
        for kind, label in (("cold", "cold"), ("warm", "warm"), ("revisit", "revisit")):
            rows.append((p.page.title if kind == "cold" else "", label, ms_text(p.median(kind, "heading")),
                         ms_text(p.median(kind, "tile")) if p.page.tiles else "—",
                         ms_text(p.median(kind, "finished")),
                         ms_text(p.median(kind, "allCharts")) if p.page.charts else "—",
                         ms_text(p.median(kind, "done")), ms_text(p.median(kind, "server"))))
    out.append(md_table(("Page", "Load", "Title shown", "First tile", "Script finished", "All charts drawn", "Done",
                       "Server part"), rows))
    t = b.first_tile_cold()
    out += ["", f"Target: first headline tile on a cold load under {s_text(TARGET_FIRST_TILE_MS)}: "
                f"{s_text(t)} -> {'PASS' if t is not None and t < TARGET_FIRST_TILE_MS else 'MISS'}", ""]
    out.append("### Cold load, where the time goes (medians, ms from navigation start)")
    out.append("")
    rows = []
    for p in b.pages:
        c = p.cold
        plotly = median([r.get("plotly_end") for r in c])
        rows.append((p.page.title, ms_text(median([r.get("nav_html") for r in c])), ms_text(median([r.get("nav_dcl") for r in c])),
                     ms_text(p.median("cold", "running")), ms_text(p.median("cold", "heading")), ms_text(p.median("cold", "finished")),
                     f"{ms_text(median([r.get('plotly_start') for r in c]))} to {ms_text(plotly)}" if plotly is not None else "—",
                     ms_text(p.median("cold", "done")),
                     f"{(median([r.get('js_bytes') for r in c]) or 0) / 1e6:.1f} MB / {ms_text(median([r.get('js_files') for r in c]))}"))
    out.append(md_table(("Page", "HTML", "DOMContentLoaded", "Script running", "Title shown", "Script finished",
                       "Plotly chunk fetched", "Done", "JS fetched (compressed) / files"), rows))
    out += ["", f"Server start (launch to healthy), median of {len(b.server_start_s)}: {s_text(median([s * 1000 for s in b.server_start_s]))}",
            "", "### Page switch (click on a sidebar link until finished and drawn, ms)", ""]
    rows = []
    for p in b.pages:
        first = p.switch[0].get("done") if p.switch else None
        later = [r.get("done") for r in p.switch[1:]]
        med = median(later)
        rows.append((p.page.title, ms_text(first), ms_text(med), ms_text(max((x for x in later if x is not None), default=None)),
                     ms_text(median([r.get("server") for r in p.switch[1:]])),
                     "PASS" if med is not None and med < TARGET_SWITCH_MS else "MISS"))
    out.append(md_table(("To page", "First visit in the session", f"Median of {b.runs} later", "Worst later",
                       "Server part (median)", f"Target < {TARGET_SWITCH_MS:.0f} ms"), rows))
    out += ["", f"Area change on the default page (option click until the new tiles are drawn), median of "
                f"{len(b.filter_ms)}: {ms_text(median(b.filter_ms))} ms"]
    if b.errors:
        out += ["", "Errors:"] + [f"- {e}" for e in b.errors]
    return "\n".join(out)


def format_load(r: LoadResult) -> str:
    title = f"### {r.sessions} concurrent sessions, {r.seconds:.0f} s" + (" during ingest + publish" if r.during_ingest else "")
    rows = []
    for kind, label in ((None, "all steps"), ("load", "page load (first visit, cold browser cache)"),
                        ("switch", "page switch"), ("filter", "area change")):
        xs, sv = r.times(kind), r.times(kind, "server_ms")
        n_all = len([s for s in r.steps if kind is None or s.kind == kind])
        err = len([s for s in r.errors if kind is None or s.kind == kind])
        rows.append((label, n_all, err, ms_text(percentile(xs, 50)), ms_text(percentile(xs, 95)), ms_text(max(xs) if xs else None),
                     ms_text(percentile(sv, 50)), ms_text(percentile(sv, 95))))
    out = [title, "", md_table(("Step", "Count", "Errors", "p50 ms", "p95 ms", "max ms", "server p50", "server p95"), rows), ""]
    per_page = []
    for title_ in dict.fromkeys(s.page for s in r.steps):
        ok = [s for s in r.steps if s.page == title_ and s.ok and s.ms is not None and s.kind in ("switch", "load")]
        xs, sv = [s.ms for s in ok], [s.server_ms for s in ok if s.server_ms is not None]
        per_page.append((title_, len(xs), ms_text(percentile(xs, 50)), ms_text(percentile(xs, 95)), ms_text(percentile(sv, 50)), ms_text(percentile(sv, 95))))
    out += [md_table(("Page (loads and switches)", "Count", "p50 ms", "p95 ms", "server p50", "server p95"), per_page), ""]
    rounds = len({(s.session, s.round) for s in r.steps})
    out.append(md_table(("Measure", "Value"), [
        ("sessions / Chromium processes / ramp-up", f"{r.sessions} / {r.browsers} / {r.ramp_s:.1f} s"
         + (f" (Chromium at nice {r.browser_nice})" if r.browser_nice else "")),
        ("wall time (incl. last round)", f"{r.wall_s:.1f} s"),
        ("rounds started (all pages + area change)", rounds),
        ("sessions without a full round", len(r.incomplete_sessions) if not r.aborted else
         f"{len(r.incomplete_sessions)} (stopped by the hard time limit)"),
        ("errors", len(r.errors)),
        ("server memory: start / end / peak (VmHWM)", f"{r.server_start_mb:.0f} / {r.server_end_mb:.0f} / {r.server_peak_mb:.0f} MB"),
        (f"server memory target < {TARGET_SERVER_MB:.0f} MB", "PASS" if r.server_peak_mb < TARGET_SERVER_MB else "MISS"),
        ("server CPU used", f"{r.server_cpu_s:.1f} s ({r.server_cpu_s / r.wall_s * 100 if r.wall_s else 0:.0f}% of one core)"),
        ("machine busy (all cores)", f"{r.machine_busy * 100:.0f}%"),
        ("Chromium memory peak (RSS summed over its processes; shared pages counted in each)", f"{r.browser_peak_mb:.0f} MB"),
    ]))
    if r.publishes:
        out += ["", md_table(("Cycle", "Ingest started", "Ingest", "Publish", "Release live at", "New release", "rc"),
                           [(p["cycle"], f"{p['ingest_start_s']:.1f} s", f"{p['ingest_s']:.1f} s", f"{p['publish_s']:.1f} s",
                             f"{p['publish_done_s']:.1f} s", p["release"], p["rc"]) for p in r.publishes])]
    c = r.consistency
    if c:
        seen = ", ".join(f"{v}: {n}" for v, n in c["matched"].items())
        out += ["", f"Consistency: {c['checked']} page views checked against release versions {', '.join(c['versions'])}; "
                    f"exactly one version's figures: {seen}; mixed or unknown: {c['n_mismatches']}."]
        for m in c["mismatches"][:5]:
            out.append(f"- MIX at {m['t']:.1f} s, session {m['session']}, {m['page']} ({m['kind']}): {m['headline']} {m['tiles']}")
    if r.errors:
        out += ["", "Errors (first 10):"] + [f"- session {s.session} {s.kind} {s.page} at {s.start_s:.1f} s: {s.error}"
                                             for s in r.errors[:10]]
    return "\n".join(out)


FAULT_TITLES = {
    "file": f"(a) warehouse file `{FAULT_TABLE}.parquet` deleted, then corrupted, under a running staff instance",
    "public-file": f"(a) release file `{FAULT_RELEASE_TABLE}.parquet` missing under the public instance",
    "restart": "(b) server restarted mid-session",
    "threads": "(c) warehouse.query from many threads, two data roots",
}


def format_faults(f: FaultsResult) -> str:
    out = ["### Faults", "", md_table(("Fault", "Result", "What happened", "Time"),
                                    [(FAULT_TITLES[r.name], "OK" if r.ok else "FAIL", r.summary, f"{r.seconds:.0f} s")
                                     for r in f.results])]
    for r in f.results:
        if r.details:
            out += ["", f"{FAULT_TITLES[r.name]}:"] + [f"- {d}" for d in r.details]
    return "\n".join(out)

