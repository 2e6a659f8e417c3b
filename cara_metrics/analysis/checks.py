"""Start-up checks the app runs once per server process (before any page is drawn)."""

from __future__ import annotations

import functools
import logging

from ..metrics import validate

log = logging.getLogger("cara_metrics")


@functools.lru_cache(maxsize=1)
def registry_problems() -> tuple[str, ...]:
    """The metric registry's declaration problems (metric, field, fix), logged once per process.

    Only the declarations are checked here (about 2 ms); running every metric on the data
    (``validate.on_data``) is for the tests and ``python -m cara_metrics figures``.
    """
    problems = tuple(str(p) for p in validate.declarations())
    for p in problems:
        log.error("metric registry: %s", p)
    return problems
