"""``python -m cara_metrics.ingest COMMAND``: the ingest and export-raw commands alone."""

import sys

from .commands import main

sys.exit(main())
