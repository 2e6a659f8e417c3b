"""The ``publish`` command."""

from __future__ import annotations

from pathlib import Path

from .. import warehouse
from ..periods import date_argument
from .model import PublishError
from .release import build_release


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def register(subparsers) -> None:
    """Add ``publish`` to the ``python -m cara_metrics`` command line."""
    p = subparsers.add_parser(
        "publish", help="build the public release (disclosure-controlled) from the live warehouse",
        description="Compute the fixed public breakdowns from the live warehouse, apply disclosure control "
                    "(config/disclosure.toml) and write them as a new release version, made live atomically. "
                    "A public instance then needs only DIR/release (see docs/deploy-public.md). The release reads "
                    "one warehouse version (named in its manifest) even if a load lands meanwhile; publishes into "
                    "one DIR run one at a time (a second waits up to 10 minutes for the first).")
    p.add_argument("--data-dir", type=Path, required=True, help="the data root (holding warehouse/ and release/)")
    p.add_argument("--release-date", type=date_argument, default=None, help="publication date, YYYY-MM-DD (default today)")
    p.set_defaults(run=run)


def run(args) -> int:
    """Run ``publish``: 0 written; 1 refused (the message says why)."""
    import sys

    from ..dataroot import DataRootError

    try:
        v = build_release(Path(args.data_dir), args.release_date)
    except (PublishError, DataRootError, warehouse.QueryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    m = v.manifest
    s = m["suppression"]
    print(f"released {v.path} (live)")
    print(f"  period {m['period_covered']['text']}; data as at {m['data_as_at']}; next update {m['next_update']}")
    print(f"  suppressed cells: {s['primary']} primary, {s['secondary']} secondary; rates withheld: "
          f"{s['rates_withheld_by_rate_rules']} by the rate rules, {s['rates_withheld_because_a_count_is_suppressed']} "
          "because a count is suppressed")
    print(f"  revisions since {m['previous_release'] or 'no previous release'}: {m['revisions']['count']}")
    if m["synthetic"]:
        print("  SYNTHETIC data: every public page will say so")
    return 0
