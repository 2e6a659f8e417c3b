"""Answer functions: for each (metric, breakdown) the registry declares, the code that turns
the declared SQL's rows into the standard result columns (``metrics.result.COLUMNS``).

Each module registers its answers with ``@answers(metric_id, *breakdowns)``; importing this
package registers them all. ``metrics.validate`` checks that every declared breakdown has
an answer and every answer a declaration.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from ...registry import Breakdown
from ..ask import Ask

Answer = Callable[[Ask], pd.DataFrame]
ANSWERS: dict[tuple[str, Breakdown], Answer] = {}


def answers(metric_id: str, *by: Breakdown) -> Callable[[Answer], Answer]:
    def register(fn: Answer) -> Answer:
        for b in by:
            if (metric_id, b) in ANSWERS:
                raise RuntimeError(f"two answers for metric {metric_id!r} by {b!r}")
            ANSWERS[(metric_id, b)] = fn
        return fn
    return register


from . import crime, outcomes, programme, quality, survey  # noqa: E402,F401  (registers every answer)
from . import public_series  # noqa: E402,F401  (the ONS domestic-abuse series)

__all__ = ["ANSWERS", "Answer", "answers", "crime", "outcomes", "programme", "public_series", "quality", "survey"]
