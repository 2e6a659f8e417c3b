"""The bounds audit: can an attacker narrow a suppressed small count into 1 to 4?

The rank test (``publish.cells.derivable``) proves that no suppressed cell is pinned to
one value by the published sums. It ignores two things an attacker also knows: counts
are whole and never negative, and a rounded figure lies in a known interval (shown 10
means 8 to 12; shown 5 means 5 to 7, since 3 and 4 would have been suppressed; shown 0
means exactly 0). With those, a suppressed cell has a *range* of possible values, and a
cell whose range lies inside 1 to 4 is disclosed as "a handful of people" even though no
single value is pinned.

The criterion (:func:`narrowed`): a target (a primary-suppressed count, or the complement
of a withheld rate, whose true value is ``suppress_min``..``suppress_max``) is *narrowed*
when the smallest and the largest whole value it can take, over every assignment of whole,
non-negative values consistent with everything published, both lie in
``suppress_min``..``suppress_max``. It is safe when the attacker cannot rule out 0 (nobody
there) or cannot rule out ``suppress_max + 1`` or more (an ordinary count hidden only to
protect another). Why this is the right line: [c] below force level already tells every
reader "0, 1-4, or a larger count hidden as a complement"; the attack this guards
against is removing the first and last possibility, which confirms a handful of people.
An exact recovery of a value in 1..4 is a special case (smallest = largest).

Secondary cells are not targets. Some are pinned by bounds, most often to 0 where the
force's figure is 0 (every local figure under it must be 0): that reveals that nobody was
counted, which the policy publishes openly as 0, so it is accepted and said on the
methodology page. What such a cell fails to do is protect a primary cell; the audit sees
that, because the primary cell's range then collapses.

The system is integer (``scipy.optimize.milp``, HiGHS): whole numbers matter at this
scale (a linear relaxation could say "up to 4.5" where whole counts stop at 4). To stay
near-linear, fixed values are substituted, only connected components of the remaining
unknowns that hold a target are solved, and most targets are cleared in bulk: one
program per force maximises the number of targets that reach ``suppress_max + 1``,
another minimises their sum; any target that reaches 5+ (or 0) in such a solution is
proved safe by that solution alone. Only what is left is solved cell by cell.

Assumptions: relations are homogeneous (``a @ x == 0``); each variable has bounds
``lo <= x <= hi`` (``hi`` may be infinite); the true values satisfy both (checked: an
infeasible system is a bug and raises).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csgraph

__all__ = ["Narrowed", "narrowed"]


@dataclass(frozen=True)
class Narrowed:
    """A target the published figures narrow into the suppressed range: index, low, high."""

    index: int
    low: int
    high: int


def narrowed(a: sparse.spmatrix, lo: np.ndarray, hi: np.ndarray, targets: np.ndarray,
             small: tuple[int, int]) -> list[Narrowed]:
    """Targets whose whole-number range, given ``a @ x == 0`` and ``lo <= x <= hi``, lies in ``small``.

    Args:
        a: sparse relation matrix (equations x variables), homogeneous.
        lo, hi: per-variable bounds (``hi`` may be ``np.inf``); ``lo == hi`` is a known value.
        targets: indices of the variables to audit.
        small: (suppress_min, suppress_max), e.g. (1, 4).
    """
    a = sparse.csr_matrix(a, dtype=float)
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    targets = np.asarray(targets, dtype=np.int64)
    if len(targets) == 0:
        return []
    fixed = lo == hi
    free = np.flatnonzero(~fixed)
    # Substitute the known values: a_free @ x_free == -a_fixed @ x_fixed.
    rhs = -(a[:, np.flatnonzero(fixed)] @ lo[fixed]) if fixed.any() else np.zeros(a.shape[0])
    a_free = a[:, free].tocsr()
    pos = {int(v): k for k, v in enumerate(free)}
    out = [Narrowed(int(t), int(lo[t]), int(hi[t])) for t in targets
           if fixed[t] and small[0] <= lo[t] <= small[1]]
    tgt = np.array([pos[int(t)] for t in targets if not fixed[t]], dtype=np.int64)
    if len(tgt) == 0:
        return out
    # Unknowns joined through equations; only components holding a target are solved.
    nz_rows = np.flatnonzero(a_free.getnnz(axis=1))
    pattern = (a_free[nz_rows] != 0).astype(np.int8)
    m, n = pattern.shape
    graph = sparse.bmat([[None, pattern], [pattern.T, None]], format="csr") if m else sparse.csr_matrix((n, n))
    _, labels = csgraph.connected_components(graph, directed=False)
    labels = labels[m:] if m else labels
    keep = np.flatnonzero(np.isin(labels, labels[tgt]))
    sub = a_free[:, keep].tocsr()
    rows = np.flatnonzero(sub.getnnz(axis=1))
    system = _System(sub[rows], rhs[rows], lo[free][keep], hi[free][keep])
    local = {int(v): k for k, v in enumerate(keep)}
    todo = {local[int(t)] for t in tgt}
    hi_small, lo_small = small[1] + 1, small[0] - 1
    # Bulk clearing: each solution is a point the attacker cannot exclude.
    # Upwards first: most targets can reach 5+ in one solution, and the downward program
    # is then solved only for what is left.
    while todo:
        cleared = system.reach_up(sorted(todo), hi_small)
        todo -= cleared
        if todo:
            down = system.reach_down(sorted(todo), lo_small)
            todo -= down
            cleared |= down
        if not cleared:
            break
    for k in sorted(todo):
        up = system.max_capped(k, hi_small)
        if up >= hi_small:
            continue
        low = system.min_of(k)
        if low > lo_small:
            out.append(Narrowed(int(free[keep[k]]), int(low), int(up)))
    return sorted(out, key=lambda r: r.index)


class _System:
    """One integer feasibility system ``a @ x == b``, ``lo <= x <= hi``, x whole."""

    def __init__(self, a: sparse.csr_matrix, b: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        self.a, self.b, self.lo, self.hi = a, b, lo, hi
        self.n = a.shape[1]

    def _solve(self, c: np.ndarray, extra: int = 0, link: list[int] | None = None, cap: float = 0.0) -> np.ndarray:
        """Minimise ``c @ z`` over z = (x, y): y_i <= x_link[i], 0 <= y_i <= cap (y for capped maxima)."""
        n, e = self.n, extra
        a = sparse.hstack([self.a, sparse.csr_matrix((self.a.shape[0], e))]).tocsr()
        cons = [LinearConstraint(a, self.b, self.b)] if a.shape[0] else []
        if e:
            d = sparse.lil_matrix((e, n + e))
            for i, k in enumerate(link or []):
                d[i, n + i], d[i, k] = 1.0, -1.0   # y_i - x_k <= 0
            cons.append(LinearConstraint(d.tocsr(), -np.inf, 0.0))
        lo = np.concatenate([self.lo, np.zeros(e)])
        hi = np.concatenate([self.hi, np.full(e, cap)])
        # The linear relaxation first: these systems are sums of table cells, and their LP
        # optimum is nearly always a whole-number point (every one of the 109 programs of a
        # national publish). A whole-number point that satisfies every constraint exactly
        # and attains the relaxation's optimum is an optimum of the integer program too (the
        # relaxation's optimum bounds the integer one), so it answers the same question at
        # about half the cost; anything else is solved as the integer program, as before.
        lp = milp(c, constraints=cons, bounds=Bounds(lo, hi), integrality=np.zeros(n + e))
        if lp.status == 0 and lp.x is not None:
            z = np.round(lp.x)
            if self._whole_optimum(z, c, lp.fun, link or [], lo, hi):
                return z
        res = milp(c, constraints=cons, bounds=Bounds(lo, hi), integrality=np.ones(n + e))
        if res.status != 0 or res.x is None:
            # The true table satisfies every constraint, so this is a modelling error:
            # refuse rather than publish on an unchecked system.
            raise RuntimeError(f"bounds audit: integer program failed ({res.message})")
        return np.round(res.x)

    def _whole_optimum(self, z: np.ndarray, c: np.ndarray, lp_opt: float, link: list[int],
                       lo: np.ndarray, hi: np.ndarray) -> bool:
        """Whether the whole-number point ``z`` satisfies every constraint exactly (the data
        are whole numbers, so the checks are exact in floating point) and its objective equals
        the relaxation's optimum ``lp_opt`` (the objectives are whole numbers too)."""
        x, y = z[:self.n], z[self.n:]
        if (z < lo).any() or (z > hi).any():
            return False
        if self.a.shape[0] and not np.array_equal(self.a @ x, self.b):
            return False
        if len(link) and (y > x[link]).any():
            return False
        return abs(float(c @ z) - lp_opt) < 0.5

    def reach_up(self, ks: list[int], cap: int) -> set[int]:
        """Targets that reach ``cap`` in one solution maximising how many do."""
        c = np.concatenate([np.zeros(self.n), -np.ones(len(ks))])
        z = self._solve(c, len(ks), ks, cap)
        return {k for i, k in enumerate(ks) if z[self.n + i] >= cap}

    def reach_down(self, ks: list[int], floor: int) -> set[int]:
        """Targets at ``floor`` or below in one solution minimising their sum."""
        c = np.zeros(self.n)
        c[ks] = 1.0
        z = self._solve(c)
        return {k for k in ks if z[k] <= floor}

    def max_capped(self, k: int, cap: int) -> int:
        c = np.concatenate([np.zeros(self.n), [-1.0]])
        return int(self._solve(c, 1, [k], cap)[self.n])

    def min_of(self, k: int) -> int:
        c = np.zeros(self.n)
        c[k] = 1.0
        return int(self._solve(c)[k])
