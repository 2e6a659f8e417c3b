"""``python -m bench browser``: the public pages in a real browser, under load and under faults.

Three parts, each with an API returning a result dataclass and a ``format_*`` table printer:

* :func:`run_browser_bench` (timings): every public page of the public instance (``streamlit
  run app.py`` with ``CARA_AUDIENCE=public`` and a data root holding only ``release/``, built
  from the Dorset demo data) opened in Chromium. **cold**: a fresh server process and a fresh
  browser context; **warm**: the same server, a new context (empty browser cache, so the
  JavaScript is fetched and compiled again); **revisit**: the same context again (browser
  cache warm); **switch**: a click on a sidebar link until the new page has finished and
  drawn. Times are taken inside the page (``performance.now()`` from a MutationObserver
  installed before the page's own scripts), so Playwright's polling is not in them.
* :func:`run_load` (load): N browser contexts in one (or a few) Chromium processes, driven
  by asyncio from one thread, each visiting every public page and changing the area
  selectbox, for a bounded time. Counts errors (an exception or error box, a "could not
  show" message, a connection-error dialog, a timeout), gives p50/p95 render times and
  samples the server's memory (``/proc/PID/status``: VmRSS every 0.2 s and VmHWM). With
  ``during_ingest`` an ingest + publish cycle runs on the same data root meanwhile and every
  page's headline tiles and release status are checked to be exactly one release's, never a
  mix of two.
* :func:`.phone.run_phone_bench` (phone): the public home page through the nginx reverse
  proxy of ``deploy/`` in Chromium, as a phone on slow 4G (390 px, throttled by the DevTools
  protocol) and as an unthrottled desktop: bytes before the first headline figure, time to
  it and to the first chart (issue 15).
* :func:`run_faults` (faults): a warehouse Parquet file deleted, then one corrupted, under a
  running staff instance; a release file missing under the public instance; the server
  restarted mid-session; and ``warehouse.query`` from 32 threads over several SQL files and
  two data roots (in a child process, so a crash shows as its exit code).

Only loopback addresses (127.0.0.1) are used; every server and browser started here is
stopped before the function returns. Playwright is imported inside functions and nothing
here imports Streamlit (the app runs in its own process). Chromium is Debian's
(``/usr/lib/chromium/chromium``); Playwright never downloads a browser here.
See docs/performance-browser.md for results and how to reproduce them.

Modules: :mod:`.environment` (targets, Chromium, the machine, the public pages),
:mod:`.server` (data roots, the server, /proc sampling), :mod:`.browser` (the in-page
recorder and a reader's steps), :mod:`.timings`, :mod:`.load` with :mod:`.ingest_cycle`,
:mod:`.faults` with :mod:`.file_faults` and :mod:`.threads`, and :mod:`.report` (tables).
This module holds the command line: ``python -m bench browser`` (or
``python -m bench.browser``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from .environment import (FAULT_RELEASE_TABLE, INGEST_AREA, RELEASE_DATE, TARGET_FIRST_TILE_MS, TARGET_SERVER_MB,
                          TARGET_SWITCH_MS, PublicPage, chromium_path, machine_info, public_pages)
from .faults import FAULTS, FaultResult, FaultsResult, run_faults
from .ingest_cycle import check_consistency, crime_update
from .load import LoadResult, Step, run_load
from .report import format_bench, format_faults, format_load, format_machine
from .server import Server, prepare_root, run_cara
from .timings import BrowserBench, PageTimes, run_browser_bench

__all__ = [
    "FAULTS", "FAULT_RELEASE_TABLE", "INGEST_AREA", "RELEASE_DATE", "TARGET_FIRST_TILE_MS", "TARGET_SERVER_MB",
    "TARGET_SWITCH_MS", "BrowserBench", "FaultResult", "FaultsResult", "LoadResult", "PageTimes", "PublicPage", "Server",
    "Step", "check_consistency", "chromium_path", "crime_update", "format_bench", "format_faults", "format_load",
    "format_machine", "machine_info", "main", "prepare_root", "public_pages", "register", "run_browser_bench", "run_cara",
    "run_cli", "run_faults", "run_load",
]


def register(subparsers) -> None:
    """Add ``browser`` to the ``python -m bench`` command line."""
    p = subparsers.add_parser(
        "browser", help="time the public pages in Chromium, load them with N sessions, and check faults",
        description="The public instance (CARA_AUDIENCE=public, a release built from the demo data) in Debian's "
                    "Chromium: cold/warm load and page-switch times per page; N concurrent sessions (errors, p50/p95, "
                    "server memory), optionally while ingest + publish run; and the faults (a damaged Parquet file, "
                    "a server restart, DuckDB cursors from 32 threads). Targets: first tile < 2.5 s cold, switch < 1 s, "
                    "server < 1.5 GB. See docs/performance-browser.md.")
    p.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions for the load (default 20)")
    p.add_argument("--seconds", type=float, default=None, help="how long the load runs (default 60; 15 with --quick)")
    p.add_argument("--during-ingest", action="store_true",
                   help="also run the load while ingest + publish write a new release into the same data root")
    p.add_argument("--quick", action="store_true", help="2 runs per timing and a 15 s load: a few minutes")
    p.add_argument("--runs", type=int, default=None, help="cold/warm runs per page (default 5; 2 with --quick)")
    p.add_argument("--browsers", type=int, default=1, help="Chromium processes to spread the sessions over (default 1)")
    p.add_argument("--browser-nice", type=int, default=0, metavar="N",
                   help="run the load's Chromium at niceness N (e.g. 19) so the server gets the CPU first, as if the "
                        "browsers were on other machines (default 0)")
    p.add_argument("--skip", action="append", default=[], choices=("timings", "phone", "load", "faults"),
                   help="leave a part out")
    p.add_argument("--only", choices=("timings", "phone", "load", "faults"), default=None, help="run only this part")
    p.add_argument("--workdir", type=Path, default=None, help="keep data roots and server logs here (default: a temp folder)")
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write every figure as JSON")
    p.set_defaults(run=run_cli)


def run_cli(args) -> int:
    """0: no errors (targets are reported, not enforced); 1: a user would have seen an error, a
    mix of releases, or a fault did not behave."""
    chromium = chromium_path()
    if not chromium:
        print("error: Chromium is not installed (apt-get install chromium; never `playwright install`)", file=sys.stderr)
        return 1
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731 - progress to stderr, tables to stdout
    runs = args.runs or (2 if args.quick else 5)
    seconds = args.seconds or (15.0 if args.quick else 60.0)
    failed = False
    everything: dict[str, Any] = {}
    print(format_machine(machine_info(chromium)) + "\n", flush=True)
    if args.only:
        args.skip = [p for p in ("timings", "phone", "load", "faults") if p != args.only]
    if "timings" not in args.skip:
        log(f"timings: {runs} run(s) per page")
        b = run_browser_bench(runs, chromium=chromium, workdir=args.workdir and args.workdir / "timings", log=log)
        print(format_bench(b) + "\n", flush=True)
        failed |= bool(b.errors)
        everything["timings"] = dataclasses.asdict(b)
    if "phone" not in args.skip:
        from .phone import as_dict, format_phone, run_phone_bench

        log(f"phone: the public page through the nginx proxy, slow 4G at 390 px and desktop, {runs} run(s) each")
        ph = run_phone_bench(runs, chromium=chromium, workdir=args.workdir and args.workdir / "phone", log=log)
        print(format_phone(ph) + "\n", flush=True)
        failed |= any(r.error for rs in ph.results.values() for r in rs)
        everything["phone"] = as_dict(ph)
    if "load" not in args.skip:
        for during in ((False, True) if args.during_ingest else (False,)):
            r = run_load(args.sessions, seconds, during_ingest=during, browsers=args.browsers, chromium=chromium,
                         browser_nice=args.browser_nice,
                         workdir=args.workdir and args.workdir / ("load-ingest" if during else "load"), log=log)
            print(format_load(r) + "\n", flush=True)
            failed |= r.failed
            everything["load_during_ingest" if during else "load"] = dataclasses.asdict(r)
    if "faults" not in args.skip:
        f = run_faults(chromium=chromium, workdir=args.workdir and args.workdir / "faults", log=log)
        print(format_faults(f) + "\n", flush=True)
        failed |= f.failed
        everything["faults"] = dataclasses.asdict(f)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1, default=str), encoding="utf-8")
        log(f"wrote {args.json}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.browser``: the same as ``python -m bench browser``."""
    from ..cli import main as bench_main

    return bench_main(["browser", *(sys.argv[1:] if argv is None else argv)])

