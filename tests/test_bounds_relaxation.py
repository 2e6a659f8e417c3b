"""The bounds audit's linear-relaxation shortcut answers as the integer programs do.

``disclosure_bounds`` solves each program's linear relaxation first and keeps its optimum
only when it is a whole-number point that satisfies every constraint exactly; otherwise it
solves the integer program. This compares the two on random tables: two-way tables with
small counts (many primary cells, rounding intervals, exact force totals), with and without
the cells a protection would hide, so that narrowings do occur and must agree.
"""

from __future__ import annotations

import numpy as np
import pytest

from cara_metrics import disclosure_bounds
from cara_metrics.disclosure import load_policy, published_interval, round_to_base

POLICY = load_policy()


def random_table(rng: np.random.Generator, hide_extra: int) -> tuple:
    """A (rows + 1) x (cols + 1) table as the audit sees it: relations (leaves minus totals),
    what a reader knows of each cell, and the primary cells (the targets)."""
    r, c = int(rng.integers(2, 5)), int(rng.integers(2, 6))
    x = np.zeros((r + 1, c + 1), dtype=int)
    x[:r, :c] = rng.integers(0, 9, size=(r, c))
    x[:r, c] = x[:r, :c].sum(axis=1)
    x[r, :] = x[:r, :].sum(axis=0)
    idx = np.arange((r + 1) * (c + 1)).reshape(r + 1, c + 1)
    rows = []
    for i in range(r + 1):
        row = np.zeros(idx.size)
        row[idx[i, :c]] = 1
        row[idx[i, c]] = -1
        rows.append(row)
    for j in range(c + 1):
        row = np.zeros(idx.size)
        row[idx[:r, j]] = 1
        row[idx[r, j]] = -1
        rows.append(row)
    a = np.array(rows)
    lo, hi = np.zeros(idx.size), np.full(idx.size, np.inf)
    targets = []
    hidden = set(rng.choice(idx[:r].ravel(), size=hide_extra, replace=False).tolist()) if hide_extra else set()
    for i in range(r + 1):
        for j in range(c + 1):
            k, v = idx[i, j], int(x[i, j])
            if i == r:
                lo[k] = hi[k] = v                     # the force row: exact
            elif POLICY.suppress_min <= v <= POLICY.suppress_max:
                targets.append(k)                     # primary: unknown, >= 0
            elif k not in hidden:
                lo[k], hi[k] = published_interval(round_to_base(v, POLICY.rounding_base), POLICY)
    return a, lo, hi, np.array(targets, dtype=np.int64)


@pytest.mark.parametrize("hide_extra", [0, 2])
def test_relaxation_shortcut_agrees_with_the_integer_programs(monkeypatch, hide_extra):
    rng = np.random.default_rng(15 + hide_extra)
    small = (POLICY.suppress_min, POLICY.suppress_max)
    found, used = 0, []
    real = disclosure_bounds._System._whole_optimum

    def counted(*args):
        used.append(real(*args))
        return used[-1]

    for _ in range(25):
        a, lo, hi, targets = random_table(rng, hide_extra)
        with monkeypatch.context() as m:
            m.setattr(disclosure_bounds._System, "_whole_optimum", counted)
            with_shortcut = disclosure_bounds.narrowed(a, lo, hi, targets, small)
        with monkeypatch.context() as m:
            m.setattr(disclosure_bounds._System, "_whole_optimum", lambda *args: False)
            integer_only = disclosure_bounds.narrowed(a, lo, hi, targets, small)
        assert with_shortcut == integer_only
        found += len(with_shortcut)
    assert found > 0  # the comparison covered narrowed cells, not only safe ones
    assert sum(used) > len(used) // 2  # and the shortcut did answer most programs
