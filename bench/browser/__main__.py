"""``python -m bench.browser``: the same as ``python -m bench browser``."""

import sys

from . import main

sys.exit(main())
