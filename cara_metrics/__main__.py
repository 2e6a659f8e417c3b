"""``python -m cara_metrics COMMAND``: see cara_metrics.cli."""

import sys

from .cli import main

sys.exit(main())
