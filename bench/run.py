"""``python -m bench pages``: how fast each page's data work is, at Dorset or national scale.

For a synthetic warehouse at the chosen scale (built once under ``--workdir``, keyed on scale
and seed, then reused) it prints the machine, then one row per page and area:

* **cold**: a new process with an empty cache opens the warehouse and runs the page once.
  Interpreter start-up and imports are left out of the figure; imports are shown apart.
* **warm**: the same process again, every query answered from the result cache (what a
  Streamlit rerun costs when a widget changes and the data does not).
* **uncached**: the database open but the result cache cleared: the real per-query cost.
  ``sql`` is the part of it spent inside ``warehouse.query``.
* **pandas**: a plain-pandas baseline answering the same questions from the same Parquet
  files (``bench.pages``), with the ratio ``pandas / uncached``; its numbers are checked
  against the page's.
* **scan**: DuckDB's bare scan of the columns the page needs (``SELECT sum(col) ... FROM
  read_parquet(...)``): the practical floor, with the ratio ``uncached / scan``.

Then the loading steps (``bench.load``): ingest of a record-level crime CSV and, when
``cara_metrics.publish.build_release`` exists, publish; each with rows/s and peak memory,
against a bare DuckDB ``COPY`` of the same CSV as the floor.

Figures are medians of several runs. Targets (PASS/MISS per row) are those of the design's
performance envelope on a 2-core machine; see docs/performance.md. Nothing here imports
Streamlit.

This module holds the whole run and its command line. The parts, each importing only those
listed before it: :mod:`.measure` (wall time, peak memory, the machine), :mod:`.report`
(targets, result rows, the printed table), :mod:`.data` (the warehouse measured),
:mod:`.pages` (what each page computes, the pandas baseline, the bare scan's columns),
:mod:`.timing` (one page timed and judged), :mod:`.profiling` (where a missed page's time
goes) and :mod:`.load` (ingest and publish).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .data import bench_areas, describe_data, ensure_warehouse
from .measure import machine
from .profiling import profile_page
from .report import TARGETS, Report, Repeats
from .timing import bench_page

DEFAULT_WORKDIR = Path("/tmp/cara-bench")
DEFAULT_SEED = {"dorset": 2019, "national": 7}
#: Record-level crime rows in the ingest benchmark CSV.
CSV_ROWS = {("dorset", False): 1_000_000, ("dorset", True): 1_000_000,
            ("national", False): 60_000_000, ("national", True): 10_000_000}


def run(scale: str = "dorset", *, quick: bool = False, workdir: Path = DEFAULT_WORKDIR, seed: int | None = None,
        root: Path | None = None, repeats: Repeats | None = None, pages: tuple[str, ...] | None = None,
        csv_rows: int | None = None, load: bool = True, do_cold: bool = True, profile: bool = False,
        progress: bool = True) -> Report:
    """Run the benchmark; returns the report (``report.render()`` is the printed table).

    ``root`` measures an existing data root instead of building one (e.g. ``data/demo``); it
    is never written to: ingest and publish run on a copy under ``workdir``.
    """
    from . import load as bench_load
    from . import pages as bench_pages

    seed = DEFAULT_SEED[scale] if seed is None else seed
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    root = Path(root) if root is not None else ensure_warehouse(scale, seed, workdir, progress)
    repeats = repeats or Repeats.for_run(quick)
    report = Report(scale=scale, quick=quick, machine=machine(), data=describe_data(root), repeats=repeats)
    areas = bench_areas(root, scale)
    old_env = os.environ.get("CARA_DATA_DIR")
    os.environ["CARA_DATA_DIR"] = str(root)  # anything that forgets its root= still reads this warehouse
    try:
        for page in pages or bench_pages.PAGES:
            for label, code in (areas[:1] if page in bench_pages.AREA_FREE else areas):
                shown = "any area" if page in bench_pages.AREA_FREE else label
                report.rows.append(bench_page(root, page, shown, code, scale, repeats, do_cold=do_cold, progress=progress))
        if profile:
            for r in report.rows:
                if r.missed and not r.error and (r.page, r.area_code) not in report.profiles:
                    warm = any(m.startswith("warm") for m in r.missed)
                    report.profiles[f"{r.page} · {r.area}"] = profile_page(root, r.page, r.area_code, warm=warm)
    finally:
        from cara_metrics import warehouse

        warehouse.clear_cache()
        if old_env is None:
            os.environ.pop("CARA_DATA_DIR", None)
        else:
            os.environ["CARA_DATA_DIR"] = old_env
    if load:
        rows = csv_rows if csv_rows is not None else CSV_ROWS[(scale, quick)]
        report.steps = bench_load.run(root, workdir, scale, seed, rows, TARGETS[scale], progress=progress)
    return report


def register(subparsers) -> None:
    """Add ``pages`` to the ``python -m bench`` command line."""
    p = subparsers.add_parser(
        "pages", help="time every page's data work, ingest and publish on a synthetic warehouse",
        description="Build (or reuse) a synthetic warehouse at the chosen scale under --workdir and time each page's data work "
                    "cold (new process), warm (cached) and uncached, against a plain-pandas baseline and DuckDB's bare scan; "
                    "then ingest of a record-level crime CSV and publish, against a bare DuckDB COPY. Prints PASS/MISS "
                    "against the performance envelope (docs/performance.md).")
    p.add_argument("--scale", choices=("dorset", "national"), default="dorset")
    p.add_argument("--quick", action="store_true", help="fewer repeats (and a 10M-row CSV at national scale): a few minutes")
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help=f"where warehouses and CSVs are kept (default {DEFAULT_WORKDIR})")
    p.add_argument("--seed", type=int, default=None, help="synthetic seed (default: 2019 for dorset, 7 for national)")
    p.add_argument("--page", action="append", choices=("overview", "crime", "referrals", "completion", "survey", "reoffending",
                                                       "value", "quality", "about"),
                   help="only this page (repeatable)")
    p.add_argument("--csv-rows", type=int, default=None, help="record-level crime rows for the ingest step")
    p.add_argument("--no-load", action="store_true", help="skip the ingest and publish steps")
    p.add_argument("--profile", action="store_true", help="profile every page that misses a target and print where the time goes")
    p.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures as JSON")
    p.set_defaults(run=run_cli)


def run_cli(args) -> int:
    report = run(args.scale, quick=args.quick, workdir=args.workdir, seed=args.seed, pages=tuple(args.page) if args.page else None,
                 csv_rows=args.csv_rows, load=not args.no_load, profile=args.profile)
    print(report.render())
    if args.json:
        import dataclasses

        args.json.write_text(json.dumps(dataclasses.asdict(report), indent=2, default=str), encoding="utf-8")
    return 0
