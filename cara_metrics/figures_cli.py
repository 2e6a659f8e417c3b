"""``python -m cara_metrics figures``: any registered metric's result, as the pages show it.

    python -m cara_metrics figures --list
    python -m cara_metrics figures completion_rate --data-dir data/demo --period 2024/25
    python -m cara_metrics figures da_share --data-dir DIR --area E06000058 --from 2019-07-01 --to 2019-07-31 --by period --grain month
    python -m cara_metrics figures reoffending_rate --data-dir DIR --release --format json

This is what an analyst scripts against: the same ``Result`` (machine columns, selection,
data version, flags) that feeds the staff pages, the board pack and the downloads;
``--release`` reads only the published release. Defaults: the force area, and the last
financial year that has ended by the data-as-at date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .periods import Filters, GRAINS, date_argument, fy_end, fy_start, last_ended_fy


def register(subparsers) -> None:
    from .registry import BREAKDOWNS

    p = subparsers.add_parser(
        "figures", help="print a metric's figures (the result every page, download and board pack draws from)",
        description="Print one registered metric's result for an area and period as CSV (with '# key: value' lines "
                    "saying what it is) or JSON. --list shows every metric id.",
        epilog="examples:\n  python -m cara_metrics figures --list\n"
               "  python -m cara_metrics figures completion_rate --data-dir data/demo --period 2024/25\n"
               "  python -m cara_metrics figures da_share --data-dir data/demo --by period --grain quarter --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("metric", nargs="?", metavar="METRIC", help="a metric id (see --list)")
    p.add_argument("--list", action="store_true", help="list every metric id with its title and breakdowns")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="data root (default: $CARA_DATA_DIR or the embedded demo)")
    p.add_argument("--area", metavar="CODE", help="ONS area code (default: the force)")
    p.add_argument("--period", metavar="YYYY/YY", help="one financial year, e.g. 2024/25, or a range 2019/20-2024/25")
    p.add_argument("--from", dest="date_from", type=date_argument, metavar="YYYY-MM-DD", help="first day (with --to)")
    p.add_argument("--to", dest="date_to", type=date_argument, metavar="YYYY-MM-DD", help="last day (with --from)")
    p.add_argument("--by", choices=BREAKDOWNS, help="total (default where declared), period, area or category")
    p.add_argument("--grain", choices=GRAINS, default="year", help="period size for --by period (default year)")
    p.add_argument("--release", action="store_true", help="read only the published release (public figures)")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(run=run)


def _selection(args, root: Path, release: bool) -> Filters:
    from .errors import UsageError
    from .contract import parse_financial_year

    if (args.date_from is None) != (args.date_to is None):
        raise UsageError("--from and --to go together")
    if args.period and args.date_from:
        raise UsageError("use --period or --from/--to, not both")
    area = args.area or _default_area(root, release)
    if args.date_from:
        try:
            return Filters(args.date_from, args.date_to, area)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.period:
        parts = args.period.replace(" to ", "-").split("-") if args.period.count("/") == 2 else [args.period]
        try:
            years = [parse_financial_year(p) for p in parts]
        except ValueError as exc:
            raise UsageError(f"--period: {exc}") from None
        return Filters(fy_start(min(years)), fy_end(max(years)), area)
    last = _last_complete_year(root, release)
    return Filters(fy_start(last), fy_end(last), area)


def _last_complete_year(root: Path, release: bool) -> int:
    from . import warehouse

    return last_ended_fy(warehouse.as_of(warehouse.current_version(root, "release" if release else "warehouse")))


def _default_area(root: Path, release: bool) -> str:
    from . import warehouse

    if release:
        df = warehouse.query("release_areas", root=root, kind="release")
    else:
        df = warehouse.query("areas_current", root=root)
    forces = df[df["area_type"] == "force"]["area_code"]
    if forces.empty:
        from .errors import UsageError

        raise UsageError("the data root has no force area: give --area CODE")
    return str(forces.iloc[0])


def run(args) -> int:
    from . import registry
    from .errors import UsageError
    from .dataroot import DataRootError, data_root

    if args.list:
        for m in registry.METRICS.values():
            print(f"{m.id}\t{m.title}\t{', '.join(m.breakdowns)}")
        return 0
    if not args.metric:
        raise UsageError("name a metric (see: python -m cara_metrics figures --list)")
    try:
        m = registry.get(args.metric)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    by = args.by or ("total" if "total" in m.breakdowns else m.breakdowns[0])
    if by not in m.breakdowns:
        raise UsageError(f"{m.id} has no --by {by}; it has: {', '.join(m.breakdowns)}")
    root = (args.data_dir.expanduser().resolve() if args.data_dir else data_root())
    try:
        selection = _selection(args, root, args.release)
        if args.release:
            from .release_results import NotPublished, compute_release

            try:
                result = compute_release(m.id, selection, by=by, grain=args.grain, root=root)
            except NotPublished as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
        else:
            from . import metrics

            result = metrics.compute(m.id, selection, by=by, grain=args.grain, root=root)
    except DataRootError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(result.to_json() + "\n" if args.format == "json" else result.to_csv())
    return 0
