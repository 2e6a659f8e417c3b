"""``python -m cara_metrics.bench_browser``: the same as ``python -m cara_metrics bench-browser``."""

import sys

from . import main

sys.exit(main())
