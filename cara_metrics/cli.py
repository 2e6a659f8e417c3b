"""The command line: ``python -m cara_metrics COMMAND --help``.

Exit codes: 0 done; 1 input rejected (the message says what to fix); 2 usage error.
Each command lives with the code it drives and registers its own parser here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence



from .errors import UsageError  # noqa: E402  (commands import it from here or from errors)

__all__ = ["UsageError", "build_parser", "main", "run"]


def _add_synth(sub) -> None:
    p = sub.add_parser("synth", help="write a synthetic data root (Dorset demo or national stress data)",
                       description="Write a complete synthetic data root: Parquet tables and a manifest marking it synthetic. "
                                   "Then: CARA_DATA_DIR=DIR streamlit run app.py")
    p.add_argument("--out", type=Path, required=True, help="data root folder to write (created if missing)")
    p.add_argument("--scale", choices=("dorset", "national"), default="dorset")
    p.add_argument("--seed", type=int, default=2019, help="same seed, same data (default 2019, the demo's)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_run_synth)


def _run_synth(args) -> int:
    import time

    from . import synth

    t0 = time.perf_counter()
    if args.scale == "dorset":
        path = synth.write_dorset(args.out, args.seed)
    else:
        from . import synth_national

        path = synth_national.write_national(args.out, args.seed, progress=not args.quiet)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    print(f"wrote {path} ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    print(f"show it with: CARA_DATA_DIR={args.out} streamlit run app.py")
    return 0


def _add_contract_doc(sub) -> None:
    p = sub.add_parser("contract-doc", help="print (or --write) docs/data-contract.md from the contract")
    p.add_argument("--write", action="store_true", help="rewrite docs/data-contract.md in place")
    p.set_defaults(run=_run_contract_doc)


def _run_contract_doc(args) -> int:
    from . import contract_doc

    if args.write:
        print(f"wrote {contract_doc.write()}")
    else:
        sys.stdout.write(contract_doc.render())
    return 0


#: The commands other modules add, and the module whose ``register`` adds each. Only the
#: module of the command being run is imported: importing them all (python-pptx for the board
#: pack, numpy and pandas for publish, the benchmarks) cost about 0.6 s on every command,
#: a third of a million-row ingest. ``--help`` and unknown commands import them all.
_REGISTRARS = {
    "ingest": "cara_metrics.ingest.commands",
    "export-raw": "cara_metrics.ingest.commands",
    "users": "cara_metrics.auth_cli",
    "publish": "cara_metrics.publish.command",
    "boardpack": "cara_metrics.boardpack",
    "figures": "cara_metrics.figures_cli",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line; with ``argv``, only the parser of the command it names is built."""
    import importlib

    parser = argparse.ArgumentParser(prog="python -m cara_metrics", description="CARA dashboard data tools.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_synth(sub)
    _add_contract_doc(sub)
    command = next((a for a in argv or () if not a.startswith("-")), None)
    if command in ("synth", "contract-doc"):
        modules: list[str] = []
    elif command in _REGISTRARS:
        modules = [_REGISTRARS[command]]
    else:
        modules = list(dict.fromkeys(_REGISTRARS.values()))
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    return run(build_parser(argv), argv)


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse ``argv`` and run the chosen command, mapping outcomes to the exit codes above."""
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was changed", file=sys.stderr)
        return 130
