"""``python -m bench COMMAND``: the benchmark command line (see :mod:`bench.cli`)."""

import sys

from .cli import main

sys.exit(main())
