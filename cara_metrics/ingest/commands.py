"""The ``ingest`` and ``export-raw`` commands (registered by ``cara_metrics.cli``).

Exit codes follow the CLI: 0 done; 1 input rejected or the warehouse could not be changed
(the message says what to fix; nothing was changed); 2 wrong use of the command (no files,
a file that does not exist, an unknown ``--kind``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .. import contract as C
from ..dataroot import DataRootError
from ..periods import date_argument

INGEST_EPILOG = """\
Accepted files: CSV (UTF-8, UTF-8 with BOM, or Windows-1252 as Excel saves it), .xlsx,
.ods (one sheet per table or per financial year; sheets named Notes/Contents/Cover are
skipped) and Parquet. The table is told from each file's header row; see
docs/loading-data.md for every table's columns and accepted formats.

A batch is all or nothing: if any file has a problem, nothing is loaded, the problems are
listed as FILE:ROW: column 'X': what is wrong, and the full list is saved as a CSV report.

examples:
  python -m cara_metrics ingest --data-dir data/dorset areas.csv population.csv crime_2024.csv
  python -m cara_metrics ingest --data-dir data/dorset --dry-run referrals.xlsx
  python -m cara_metrics ingest --data-dir data/dorset prc-csp-open-data.ods
  python -m cara_metrics ingest --data-dir data/dorset --rollback
then: CARA_DATA_DIR=data/dorset streamlit run app.py
"""


def _usage_error():
    from ..cli import UsageError

    return UsageError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "ingest", help="validate raw extracts and load them into a data root (all or nothing)",
        description="Validate raw extract files against the data contract and load them into the warehouse\n"
                    "of DIR as a new version (DIR is created if new). Nothing is changed unless every file\n"
                    "is valid.",
        epilog=INGEST_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", type=Path, metavar="FILE", help="files to load (a folder means every file in it)")
    p.add_argument("--data-dir", type=Path, required=True, metavar="DIR", help="data root to load into (created if missing)")
    p.add_argument("--kind", choices=sorted(C.TABLES), metavar="TABLE",
                   help=f"treat every file as this table instead of telling from the headers: {', '.join(sorted(C.TABLES))}")
    p.add_argument("--dry-run", action="store_true", help="check the files only; write nothing")
    p.add_argument("--rollback", action="store_true",
                   help="make the version the live one replaced live again (no files); the abandoned one is never served")
    p.add_argument("--as-at", type=date_argument, metavar="YYYY-MM-DD",
                   help="the date the data is complete to (default: the latest date in the data)")
    p.add_argument("--report", type=Path, metavar="CSV",
                   help="where to save the full list of problems (default: DIR/ingest-reports/ingest-report-<time>.csv)")
    p.add_argument("--config", type=Path, metavar="TOML",
                   help="ingest settings: the person_id token shape and the file limits "
                        "(default: $CARA_INGEST_CONFIG, else config/ingest.toml)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", action="store_true", default=None, help="always show progress bars (default: on a terminal)")
    bar.add_argument("--quiet", action="store_false", dest="progress", help="never show progress bars")
    p.set_defaults(run=run_ingest)

    e = subparsers.add_parser(
        "export-raw", help="write a warehouse's tables as raw extract files ingest accepts",
        description="Write the live warehouse of DIR as raw extract files (one CSV per table, UTF-8) in RAWDIR, "
                    "with cara-export.json marking them synthetic if the warehouse is. Load them with: "
                    "python -m cara_metrics ingest --data-dir NEWDIR RAWDIR")
    e.add_argument("--data-dir", type=Path, required=True, metavar="DIR", help="data root to export")
    e.add_argument("--out", type=Path, required=True, metavar="RAWDIR", help="folder to write the files to")
    e.add_argument("--dates", choices=("uk", "iso"), default="uk", help="write dates as 13/08/2019 (uk, default) or 2019-08-13 (iso)")
    e.set_defaults(run=run_export)


def _expand(files: list[Path]) -> list[Path]:
    from .pipeline import MARKER

    UsageError = _usage_error()
    out: list[Path] = []
    for f in files:
        if f.is_dir():
            inside = sorted(p for p in f.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != MARKER)
            if not inside:
                raise UsageError(f"the folder {f} has no files to load")
            out.extend(inside)
        elif f.is_file():
            if f.name == MARKER:  # export-raw's marker, e.g. from RAWDIR/*: not data
                continue
            out.append(f)
        else:
            raise UsageError(f"no such file: {f}")
    if not out:
        raise UsageError("no files to load")
    seen: set[Path] = set()
    return [f for f in out if not (f.resolve() in seen or seen.add(f.resolve()))]


def run_ingest(args) -> int:
    from . import commit, pipeline

    UsageError = _usage_error()
    root: Path = args.data_dir
    if root.exists() and not root.is_dir():
        raise UsageError(f"--data-dir {root} is a file, not a folder")
    try:
        if args.rollback:
            if args.files:
                raise UsageError("--rollback takes no files: it makes the previous version live again")
            try:
                was, now = commit.rollback(root)
            except commit.CommitError as exc:
                print(f"error: {exc}\nnothing was rolled back.", file=sys.stderr)
                return 1
            print(f"rolled back {root}: warehouse version {now} is live again (was {was}: kept, and set aside "
                  "as abandoned by the next load or rollback)")
            return 0
        if not args.files:
            raise UsageError("no files given: python -m cara_metrics ingest --data-dir DIR FILE...")
        today = dt.date.today()
        if args.as_at and args.as_at > today:
            raise UsageError(f"--as-at {args.as_at} is in the future")
        from .settings import SettingsError, load

        try:
            settings = load(args.config)
        except SettingsError as exc:
            raise UsageError(f"ingest settings: {exc}") from None
        opts = pipeline.Options(root=root, files=_expand(args.files), kind=args.kind, dry_run=args.dry_run,
                                as_at=args.as_at, report=args.report, progress=args.progress, today=today,
                                settings=settings)
        return pipeline.run(opts)
    except DataRootError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run_export(args) -> int:
    from .export import export_raw

    try:
        written = export_raw(args.data_dir, args.out, args.dates)
    except DataRootError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, n in written.items():
        print(f"  {name}.csv: {n:,} rows")
    print(f"wrote {len(written)} files to {args.out}; load them with: "
          f"python -m cara_metrics ingest --data-dir NEWDIR {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m cara_metrics.ingest {ingest,export-raw} ...``: these commands on their own.

    The same exit codes as ``python -m cara_metrics``; useful where the full CLI's other
    commands (and their imports) are not wanted, e.g. a loading job on a data server.
    """
    from ..cli import run

    parser = argparse.ArgumentParser(prog="python -m cara_metrics.ingest", description="CARA data loading.")
    register(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    return run(parser, argv)
