"""The benchmark command line: ``python -m bench pages|browser --help``.

Exit codes as the product's (``cara_metrics.cli``): 0 done; 1 something failed that the
report names (e.g. a user would have seen an error); 2 usage error. Only the module of the
command being run is imported, so ``python -m bench browser --help`` does not load pandas.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

#: Each command and the module whose ``register`` adds it.
COMMANDS = {
    "pages": "bench.run",
    "browser": "bench.browser",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line; with ``argv``, only the parser of the command it names is built."""
    parser = argparse.ArgumentParser(prog="python -m bench", description="CARA dashboard benchmarks (not part of the product).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    command = next((a for a in argv or () if not a.startswith("-")), None)
    modules = [COMMANDS[command]] if command in COMMANDS else list(COMMANDS.values())
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from cara_metrics.cli import run

    argv = list(sys.argv[1:] if argv is None else argv)
    return run(build_parser(argv), argv)
