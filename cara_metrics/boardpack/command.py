"""Building the pack, and the command ``python -m cara_metrics boardpack``.

:func:`build` plans the deck (:mod:`.planning`), draws it (:mod:`.layout`) and writes it
atomically. :func:`register` adds the command to the CLI (``cara_metrics.cli`` names the
package ``cara_metrics.boardpack`` and calls its ``register``). Exit codes: 0 written;
1 rejected (no data for the period or area, or the file cannot be written); 2 usage error.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from pptx import Presentation

from .. import warehouse
from ..contract import financial_year_label, parse_financial_year
from ..dataroot import DataRootError, data_root
from ..panels import NoData
from .layout import render
from .planning import plan
from .readback import titles_of
from .selection import default_area
from .specs import BoardPackError

MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def build(period: str, out: Path | None = None, *, area: str | None = None, root: Path | None = None) -> bytes:
    """The board pack for financial year ``period`` (e.g. '2024/25') and ``area`` (default the
    force), from the data root ``root`` (default ``$CARA_DATA_DIR`` or the demo). Writes ``out``
    atomically when given. Raises BoardPackError for a period or area not in the data."""
    ctx, slides = plan(period, area, root)
    data = render(ctx, slides)
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    return data


def slide_titles(period: str, area: str | None = None, root: Path | None = None) -> list[str]:
    """The message title of every slide, in order (data notes may run to several slides)."""
    return titles_of(build(period, area=area, root=root))


# --- command line -----------------------------------------------------------------------------


def _period_arg(text: str) -> str:
    try:
        return financial_year_label(parse_financial_year(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (for example --period 2024/25)") from None


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``boardpack`` to the CLI: ``python -m cara_metrics boardpack --data-dir DIR --period 2024/25 --out pack.pptx``."""
    p = subparsers.add_parser(
        "boardpack", help="write the board pack (PowerPoint) for a financial year",
        description="Write a PowerPoint board pack for one financial year and area, with native charts, from the same "
                    "figures the dashboard shows. Exit 0 written; 1 rejected (no data for the period or area); 2 usage error.")
    p.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help="data root (default: $CARA_DATA_DIR, else the embedded demo data)")
    p.add_argument("--period", type=_period_arg, required=True, metavar="YYYY/YY", help="financial year, e.g. 2024/25")
    p.add_argument("--area", default=None, metavar="CODE", help="area code (default: the force area)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the .pptx file to write")
    p.set_defaults(run=run_cli)
    return p


def run_cli(args) -> int:
    """Build and write the pack; a clear one-line error (exit 1) for anything the user can fix."""
    root = Path(args.data_dir).expanduser().resolve() if args.data_dir else data_root()
    if not root.is_dir():
        print(f"error: the data folder {root} does not exist", file=sys.stderr)
        return 1
    os.environ["CARA_DATA_DIR"] = str(root)
    try:
        data = build(args.period, args.out, area=args.area, root=root)
    except (BoardPackError, NoData, DataRootError, warehouse.QueryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: could not write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    n = len(Presentation(io.BytesIO(data)).slides)
    print(f"wrote {args.out} ({n} slides, {len(data) / 1024:.0f} KB): {args.period}, area {args.area or default_area(root)}")
    return 0
