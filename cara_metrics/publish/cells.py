"""Cells of people counts shared between tables, and the check that no suppressed cell can be derived."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph
from threadpoolctl import ThreadpoolController

from .. import disclosure, disclosure_bounds
from .model import Force, PublishError


# --------------------------------------------------------------------------------------
# Protected counts of people, across the tables of one force
# --------------------------------------------------------------------------------------


#: Suppression codes of a cell (the frame's ``suppression`` labels, by code).
_NONE, _PRIMARY, _SECONDARY, _RATE = 0, 1, 2, 3
_LABEL = ("", "primary", "secondary", "rate")


class Cells:
    """Every protected count of people for one force, across all the release's tables.

    Each :meth:`protect` call runs :func:`disclosure.protect_cells` on one table and
    records, per cell, a *canonical id* naming the statistic (e.g. ``referred|E06000058|
    2019/20``): two tables that publish the same statistic give it the same id. Then
    :meth:`finalise` makes suppression agree across tables and proves, by a rank test over
    every additive relation of every table, that no suppressed cell can be worked out.

    The cells are kept as plain columns (lists, then arrays in :meth:`finalise`), one entry
    per cell in the order the tables were protected; :attr:`frame` shows them as a DataFrame.
    Nationally a force has thousands of cells in a dozen tables, and doing this bookkeeping
    in pandas cost more than the protection itself.
    """

    def __init__(self, force: Force, policy: disclosure.Policy) -> None:
        self.force = force
        self.policy = policy
        self.values: dict[str, int] = {}                      # canonical id -> true value
        self._ids: dict[tuple[str, str, str], str] = {}       # (table, row, col) -> canonical id
        self._by_canon: dict[str, tuple[int, int | None, str]] = {}
        self._rates: dict[tuple[str, tuple[str, ...]], disclosure.ProtectedRate] = {}
        self._prior: list[tuple[tuple[str, ...], int, int]] = []
        self._names: list[str] = []
        self._memo: dict = {}  # derivable's answers per component, kept across finalise's rounds
        # One entry per cell: the columns of :attr:`frame`.
        self._col: dict[str, list] = {k: [] for k in (
            "row", "col", "value", "shown", "status", "is_total_row", "is_total_col", "table", "block",
            "published", "displayed")}
        self._canon: list[int] = []                           # per cell: index into _canon_names
        self._canon_names: list[str] = []                     # canonical ids, in order of first appearance
        self._canon_index: dict[str, int] = {}
        # Per cell: its row equation (table, block, row) and column equation (table, block, col).
        self._row_eq: list[int] = []
        self._col_eq: list[int] = []
        self._row_eqs: dict[tuple[str, str, str], int] = {}
        self._col_eqs: dict[tuple[str, str, str], int] = {}
        self._blocks: dict[tuple[str, str], int] = {}         # (table, block) -> id
        self._block_id: list[int] = []
        self._status: np.ndarray | None = None                # finalise's suppression codes per cell
        self._frame: pd.DataFrame | None = None
        self._rel: tuple[list[str], sparse.csr_matrix] | None = None

    def protect(self, table: str, leaves: pd.DataFrame | Mapping[str, Sequence], col_parent: dict[str, str],
                canon: Callable[[str, str, bool, int], str], publish_totals: bool = True,
                displayed: bool = True) -> None:
        """Protect a table; ``leaves`` has columns row (local authority), col, value (a
        DataFrame, or a mapping of the three names to equal-length lists).

        ``canon(row, col, is_total_col, true_value)`` names each cell's statistic.
        ``publish_totals``: whether the total column is released. ``displayed``: whether
        the counts are released as rows (False for numerators released only inside a
        rate; they are still treated as known wherever the rate is published).
        """
        out = disclosure.protect_cells(
            list(leaves["row"]), list(leaves["col"]), list(leaves["value"]),
            row_parent={la.code: self.force.code for la in self.force.las},
            col_parent=col_parent, top_level_rows={self.force.code}, policy=self.policy,
        )
        rows, cols, tots, vals = out.rows, out.cols, out.is_total_col, out.values
        blocks = [c if tot else col_parent[c] for c, tot in zip(cols, tots)]
        canons = [canon(r, c, tot, int(v)) for r, c, tot, v in zip(rows, cols, tots, vals)]
        published = [publish_totals or not tot for tot in tots]
        shown_rows = [p and displayed for p in published]
        if len(self.force.las) < 2:
            # An only authority is the force itself: only the force row is published.
            published = [p and tr for p, tr in zip(published, out.is_total_row)]
        col = self._col
        col["row"] += rows
        col["col"] += cols
        col["value"] += vals
        col["shown"] += out.shown
        col["status"] += out.status
        col["is_total_row"] += out.is_total_row
        col["is_total_col"] += tots
        col["table"] += [table] * len(rows)
        col["block"] += blocks
        col["published"] += published
        col["displayed"] += shown_rows
        index, names = self._canon_index, self._canon_names
        row_eqs, col_eqs, block_ids = self._row_eqs, self._col_eqs, self._blocks
        for r, c, b, k, v in zip(rows, cols, blocks, canons, vals):
            self._ids[(table, r, c)] = k
            self.values.setdefault(k, int(v))
            i = index.get(k)
            if i is None:
                i = index[k] = len(names)
                names.append(k)
            self._canon.append(i)
            self._row_eq.append(row_eqs.setdefault((table, b, r), len(row_eqs)))
            self._col_eq.append(col_eqs.setdefault((table, b, c), len(col_eqs)))
            self._block_id.append(block_ids.setdefault((table, b), len(block_ids)))
        self._frame = None
        self._rel = None
        self._status = None

    def canon(self, table: str, row: str, col: str) -> str:
        return self._ids[(table, row, col)]

    def rate(self, numerator: str, denominator: tuple[str, ...], area_code: str) -> None:
        """Declare a rate to publish: numerator / sum of the denominator cells.

        Call before :meth:`finalise`. When :func:`disclosure.protect_rate` withholds the
        rate, its numerator is withheld too (in every table), and then protected against
        differencing like any suppressed count: otherwise the numerator, and so the rate,
        could be worked out from the other published counts and totals.
        """
        num = self.values[numerator]
        den = sum(self.values[d] for d in denominator)
        self._rates[(numerator, denominator)] = disclosure.protect_rate(
            num, den, top_level=area_code == self.force.code, policy=self.policy)

    def rate_result(self, numerator: str, denominator: tuple[str, ...],
                    denominator_shown: int | None = None) -> tuple[str, float | None]:
        """(status, fraction): status "" (published), "[u]", "rule" or "count" (withheld
        because a count it rests on is suppressed). Below force level the fraction is that
        of the published counts (``denominator_shown`` when the caller derives the
        published denominator another way); at force level that of the exact counts."""
        pr = self._rates[(numerator, denominator)]
        if pr.symbol == disclosure.SUPPRESSED:
            return "rule", None
        n_true, n_shown, _ = self.get(numerator)
        parts = [self.get(d) for d in denominator]
        d_true = sum(p[0] for p in parts)
        d_shown = denominator_shown if denominator_shown is not None else (
            None if any(p[1] is None for p in parts) else sum(p[1] for p in parts))
        if n_shown is None or d_shown is None or d_shown == 0:
            return "count", None
        top = numerator.split("|")[1] == self.force.code
        return pr.symbol, (n_true / d_true if top else n_shown / d_shown)

    def finalise(self, max_rounds: int = 20) -> None:
        canon = np.array(self._canon, dtype=np.int64)
        status = np.array(self._col["status"], dtype=np.int8)
        published = np.array(self._col["published"], dtype=bool)
        is_total_row = np.array(self._col["is_total_row"], dtype=bool)
        block = np.array(self._block_id, dtype=np.int64)
        n = len(self._canon_names)
        self._memo = {}
        # Below force level a withheld rate withholds its numerator (protect_rate's rule);
        # at force level counts are exact by policy, and a rate is only withheld there for
        # having too few people to mean anything.
        withheld = np.zeros(n, dtype=bool)
        for (num, _), pr in self._rates.items():
            if pr.symbol == disclosure.SUPPRESSED and num.split("|")[1] != self.force.code and num in self._canon_index:
                withheld[self._canon_index[num]] = True
        status[withheld[canon] & (status == _NONE)] = _RATE
        self._status = status
        rel = self._relations()
        for _ in range(max_rounds):
            self._reconcile()
            hidden = np.zeros(n, dtype=bool)
            hidden[canon[status != _NONE]] = True
            known = np.zeros(n, dtype=bool)
            known[canon[(status == _NONE) & published]] = True
            bad = _derivable(*rel, hidden, known, self._memo)
            narrow: list[str] = []
            if not bad:
                # Only once no cell is pinned: the bounds audit needs the final pattern.
                narrow = [self._describe(x) for x in self.narrowed()]
                if not narrow:
                    break
                bad = [x.split(" ")[0] for x in narrow]
            # Hide the whole block below force level wherever a derivable cell appears.
            is_bad = np.zeros(n, dtype=bool)
            is_bad[[self._canon_index[b] for b in bad if b in self._canon_index]] = True
            hit = np.zeros(len(self._blocks), dtype=bool)
            hit[block[is_bad[canon]]] = True
            status[hit[block] & ~is_total_row & (status == _NONE)] = _SECONDARY
        else:
            what = "narrowed to between {} and {} people".format(self.policy.suppress_min, self.policy.suppress_max) \
                if narrow else "worked out"
            raise PublishError(f"Disclosure control could not protect {self.force.area.name}: suppressed cells "
                               f"{', '.join(sorted(narrow or bad)[:5])} could still be {what}. Nothing was published. "
                               "Check the suppression settings in config/disclosure.toml, or report it to the "
                               "dashboard's maintainers with this message.")
        names, st = self._canon_names, status.tolist()
        # Later cells of a statistic overwrite earlier ones, as a dict built over the frame did.
        self._by_canon = {names[c]: (int(v), None if s != _NONE else sh, _LABEL[s])
                          for c, v, sh, s in zip(self._canon, self._col["value"], self._col["shown"], st)}
        self._frame = None

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame, one row per cell of every protected table, in order: row,
        col, value, shown (Int64, <NA> when suppressed), symbol, suppression ("", "primary",
        "secondary" or "rate"), is_total_row, is_total_col, table, block, canon, published,
        displayed. After :meth:`finalise`, with its final suppression."""
        if self._frame is None:
            c = self._col
            st = self._current_status()
            shown = [None if s != _NONE else v for v, s in zip(c["shown"], st.tolist())]
            self._frame = pd.DataFrame({
                "row": c["row"], "col": c["col"],
                "value": np.array(c["value"], dtype=np.int64),
                "shown": pd.array(shown, dtype="Int64"),
                "symbol": pd.array([disclosure.SUPPRESSED if s else "" for s in st.tolist()], dtype="str"),
                "suppression": pd.array([_LABEL[s] for s in st.tolist()], dtype="str"),
                "is_total_row": np.array(c["is_total_row"], dtype=bool),
                "is_total_col": np.array(c["is_total_col"], dtype=bool),
                "table": pd.array(c["table"], dtype="str"), "block": pd.array(c["block"], dtype="str"),
                "canon": pd.array([self._canon_names[i] for i in self._canon], dtype="str"),
                "published": np.array(c["published"], dtype=bool),
                "displayed": np.array(c["displayed"], dtype=bool),
            })
        return self._frame

    def _relations(self) -> tuple[list[str], sparse.csr_matrix]:
        """:func:`relations` of the cells, built once from the equation ids kept by :meth:`protect`:
        finalise changes only which cells are suppressed, never the cells or their tables."""
        if self._rel is None:
            tot_col = np.array(self._col["is_total_col"], dtype=bool)
            tot_row = np.array(self._col["is_total_row"], dtype=bool)
            self._rel = _relation_matrix(self._canon_names, np.array(self._canon, dtype=np.int64),
                                         np.array(self._row_eq, dtype=np.int64), np.array(self._col_eq, dtype=np.int64),
                                         tot_col, tot_row)
        return self._rel

    def prior(self, figures: list[tuple[tuple[str, ...], int, int]]) -> None:
        """Figures a previous release published about this force: (statistics summed, low, high).

        Each is added to the bounds audit as ``low <= sum <= high``, but only when today's
        true values satisfy it: a figure that no longer fits describes revised data, so
        it is not the same number and the attacker's link would be false.
        """
        keep = []
        for canons, low, high in figures:
            if all(c in self.values for c in canons) and low <= sum(self.values[c] for c in canons) <= high:
                keep.append((tuple(canons), int(low), int(high)))
        self._prior = keep

    def system(self) -> tuple[list[str], sparse.csr_matrix, np.ndarray, np.ndarray, list[int]]:
        """The attacker's integer system: (variables, relations, low, high, targets).

        Variables are the statistics (canonical ids), then one per rate (its complement,
        denominator minus numerator, known to be >= 0) and one per figure of a previous
        release (see :meth:`prior`). Bounds are what a reader knows: exact at force level,
        the rounding interval below it, and only ">= 0" for a hidden or unpublished figure.
        Targets: primary-suppressed statistics, and complements of 1..4 of rates withheld
        below force level (the rate rules withhold those because the complement is small).
        """
        names, a = self._relations()
        idx = self._canon_index
        status = self._current_status()
        lo, hi = np.zeros(len(names)), np.full(len(names), np.inf)
        hidden = np.zeros(len(names), dtype=bool)
        hidden[np.array(self._canon, dtype=np.int64)[status != _NONE]] = True
        seen = np.zeros(len(names), dtype=bool)
        targets: list[int] = []
        is_target: set[int] = set()
        for k, v, top, pub, s in zip(self._canon, self._col["shown"], self._col["is_total_row"],
                                     self._col["published"], status.tolist()):
            if s == _PRIMARY and k not in is_target:
                is_target.add(k)  # each primary-suppressed statistic once, in order of appearance
                targets.append(k)
            # The first published, unsuppressed cell of each statistic gives its bounds.
            if s != _NONE or not pub or seen[k]:
                continue
            seen[k] = True
            if hidden[k]:
                continue
            lo[k], hi[k] = (int(v), int(v)) if top else disclosure.published_interval(int(v), self.policy)
        extra_rows, extra_lo, extra_hi, extra_names = [], [], [], []
        small = range(self.policy.suppress_min, self.policy.suppress_max + 1)
        for (num, den), pr in self._rates.items():
            if num not in idx or any(d not in idx for d in den):
                continue
            k = len(names) + len(extra_rows)
            row = {k: -1.0}  # den - num - w = 0 (the numerator may be one of the denominator's parts)
            for d in den:
                row[idx[d]] = row.get(idx[d], 0.0) + 1.0
            row[idx[num]] = row.get(idx[num], 0.0) - 1.0
            extra_rows.append(row)
            extra_lo.append(0.0)
            extra_hi.append(np.inf)
            extra_names.append(f"complement of {num}")
            comp = sum(self.values[d] for d in den) - self.values[num]
            if pr.symbol == disclosure.SUPPRESSED and num.split("|")[1] != self.force.code and comp in small:
                targets.append(k)
        for canons, low, high in self._prior:
            k = len(names) + len(extra_rows)
            row: dict[int, float] = {k: -1.0}
            for c in canons:
                row[idx[c]] = row.get(idx[c], 0.0) + 1.0
            extra_rows.append(row)
            extra_lo.append(float(low))
            extra_hi.append(float(high))
            extra_names.append(f"previous release: {' + '.join(canons)}")
        n = len(names) + len(extra_rows)
        a = sparse.vstack([sparse.csr_matrix((a.data, a.indices, a.indptr), shape=(a.shape[0], n)),
                           _rows(extra_rows, n)]).tocsr()
        return names + extra_names, a, np.concatenate([lo, extra_lo]), np.concatenate([hi, extra_hi]), targets

    def narrowed(self) -> list[disclosure_bounds.Narrowed]:
        """Targets the published figures (this release and the previous one) narrow into 1..4."""
        names, a, lo, hi, targets = self.system()
        self._names = names
        return disclosure_bounds.narrowed(a, lo, hi, np.array(targets, dtype=np.int64),
                                          (self.policy.suppress_min, self.policy.suppress_max))

    def _describe(self, n: disclosure_bounds.Narrowed) -> str:
        """'canonical id (low to high)'; a rate's complement is named by its numerator,
        whose block is the one hidden to protect it."""
        return f"{self._names[n.index].removeprefix('complement of ')} ({n.low} to {n.high})"

    def tally(self) -> dict[str, int]:
        """Suppressed cells among the counts released as rows (each statistic once)."""
        status = self._current_status().tolist()
        seen: set[int] = set()
        count = {_PRIMARY: 0, _SECONDARY: 0, _RATE: 0, _NONE: 0}
        for k, d, s in zip(self._canon, self._col["displayed"], status):
            if d and k not in seen:  # the first displayed cell of each statistic
                seen.add(k)
                count[s] += 1
        rates = [self.rate_result(n, d)[0] for (n, d) in self._rates if n.split("|")[1] in
                 {self.force.code, *(la.code for la in self.force.las)}]
        return {"primary": count[_PRIMARY], "secondary": count[_SECONDARY], "rate": count[_RATE],
                "rates_rule": rates.count("rule"), "rates_count": rates.count("count")}

    def clashes(self) -> list[str]:
        """Statistics (sorted) that two cells give different true values: a fault in the tables."""
        first = self.values  # the first value seen of each statistic
        names = self._canon_names
        return sorted({names[k] for k, v in zip(self._canon, self._col["value"]) if first[names[k]] != v})

    def _current_status(self) -> np.ndarray:
        """Suppression codes per cell: finalise's working copy, or protect's before it runs."""
        if self._status is None:
            return np.array(self._col["status"], dtype=np.int8)
        return self._status

    def _reconcile(self) -> None:
        """A statistic suppressed in any table is suppressed in all (as secondary there)."""
        canon = np.array(self._canon, dtype=np.int64)
        status = self._status
        hidden = np.zeros(len(self._canon_names), dtype=bool)
        hidden[canon[status != _NONE]] = True
        status[hidden[canon] & (status == _NONE)] = _SECONDARY

    def get(self, canon: str) -> tuple[int, int | None, str]:
        """(true value, published value or None when suppressed, suppression reason)."""
        return self._by_canon[canon]


def relations(cells: pd.DataFrame) -> tuple[list[str], sparse.csr_matrix]:
    """Every additive relation of the protected tables: (variables, sparse coefficient matrix).

    One equation per (table, block, row): the row's leaves minus its total; and per
    (table, block, column): the local authorities minus the force. Cells of different
    tables with the same canonical id are one variable (coefficients of one id in one
    equation add up). Built by factorising the keys, not by iterating over groups: at
    national scale a force has thousands of cells and group iteration dominated publish.
    """
    codes, uniques = pd.factorize(cells["canon"], sort=False)
    names = [str(u) for u in uniques]
    if len(cells) == 0:
        return names, sparse.csr_matrix((0, 0))
    row_eq, _ = pd.factorize(pd.MultiIndex.from_arrays([cells["table"], cells["block"], cells["row"]]), sort=False)
    col_eq, _ = pd.factorize(pd.MultiIndex.from_arrays([cells["table"], cells["block"], cells["col"]]), sort=False)
    return _relation_matrix(names, codes, row_eq, col_eq, cells["is_total_col"].to_numpy(bool),
                            cells["is_total_row"].to_numpy(bool))


def _relation_matrix(names: list[str], codes: np.ndarray, row_eq: np.ndarray, col_eq: np.ndarray,
                     is_total_col: np.ndarray, is_total_row: np.ndarray) -> tuple[list[str], sparse.csr_matrix]:
    """:func:`relations` from per-cell codes: variable, row equation and column equation (each
    numbered in order of first appearance), and whether the cell is a column or row total."""
    if len(codes) == 0:
        return names, sparse.csr_matrix((0, 0))
    n_row_eq = int(row_eq.max()) + 1
    eq = np.concatenate([row_eq, col_eq + n_row_eq])
    var = np.concatenate([codes, codes])
    coef = np.concatenate([np.where(is_total_col, -1.0, 1.0), np.where(is_total_row, -1.0, 1.0)])
    a = sparse.coo_matrix((coef, (eq, var)), shape=(n_row_eq + int(col_eq.max()) + 1, len(names))).tocsr()
    a.sum_duplicates()
    return names, a


def _components(a: sparse.csr_matrix) -> tuple[int, np.ndarray]:
    """Connected components of the variables (columns) of ``a``: two variables are joined
    when an equation holds both. Returns (count, label per column)."""
    m, n = a.shape
    pattern = (a != 0).astype(np.int8)
    graph = sparse.bmat([[None, pattern], [pattern.T, None]], format="csr") if m else sparse.csr_matrix((n, n))
    k, labels = csgraph.connected_components(graph, directed=False)
    return k, labels[m:] if m else labels


def derivable(cells: pd.DataFrame, rel: tuple[list[str], sparse.csr_matrix] | None = None,
              memo: dict | None = None) -> list[str]:
    """Suppressed statistics that the published ones pin down exactly (rank test).

    Unknowns are the suppressed and the unpublished cells. With A_U the relation matrix on
    the unknowns, an unknown is determined iff every vector of A_U's null space is zero at
    it, i.e. no alternative table consistent with everything published changes it.

    A_U is block-diagonal once its columns are grouped by connected component (unknowns
    sharing no equation, directly or through other unknowns, cannot inform each other),
    and the null space of a block-diagonal matrix is the direct sum of its blocks' null
    spaces: so each component is tested on its own, with a small dense SVD. This proves
    exactly what one SVD of the whole A_U proved, in time near-linear in the force's size.
    ``rel``: :func:`relations` of ``cells`` when the caller already has it (the relations
    do not depend on which cells are suppressed). ``memo``: a dict kept between calls on the
    same relations, so a component already tested is not tested again.
    """
    names, a = relations(cells) if rel is None else rel
    sup = cells["suppression"].to_numpy() != ""
    canon = cells["canon"].to_numpy()
    hidden_set = set(canon[sup])
    known_set = set(canon[~sup & cells["published"].to_numpy(bool)])
    hidden = np.array([c in hidden_set for c in names], dtype=bool)
    known = np.array([c in known_set for c in names], dtype=bool)
    return _derivable(names, a, hidden, known, memo)


def _derivable(names: list[str], a: sparse.csr_matrix, hidden: np.ndarray, known: np.ndarray,
               memo: dict | None = None) -> list[str]:
    """:func:`derivable` given, per variable, whether it is suppressed somewhere (``hidden``)
    and whether some table publishes it unsuppressed (``known``)."""
    if not hidden.any() or a.shape[0] == 0:
        return []  # nothing hidden, or no relation that could reveal anything
    unknown = np.flatnonzero(~known).astype(np.int64)
    a_u = a[:, unknown].tocsr()
    a_u.eliminate_zeros()
    eqs = np.flatnonzero(a_u.getnnz(axis=1))
    a_u = a_u[eqs]  # equations with no unknown say nothing
    _, labels = _components(a_u)
    is_hidden = hidden[unknown]
    # Group the matrix entries by component once (sorting), rather than slicing the
    # sparse matrix per component: there are thousands of small components nationally.
    coo = a_u.tocoo()
    comp_of_entry = labels[coo.col]
    order = np.argsort(comp_of_entry, kind="stable")
    e_rows, e_cols, e_vals, e_comp = coo.row[order], coo.col[order], coo.data[order], comp_of_entry[order]
    cuts = np.flatnonzero(np.diff(e_comp)) + 1
    has_hidden = np.zeros(labels.max() + 1 if len(labels) else 0, dtype=bool)
    np.logical_or.at(has_hidden, labels, is_hidden)
    out: list[int] = []
    with _blas().limit(limits=1, user_api="blas"):
        _test_components(e_rows, e_cols, e_vals, cuts, labels, has_hidden, eqs, unknown, is_hidden, memo, out)
    # Unknowns in no equation are free; in the original order of the variables.
    return [names[i] for i in sorted(out)]


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    """The process's BLAS libraries, found once (finding them costs about 1.5 ms a time)."""
    return ThreadpoolController()


def _test_components(e_rows: np.ndarray, e_cols: np.ndarray, e_vals: np.ndarray, cuts: np.ndarray,
                     labels: np.ndarray, has_hidden: np.ndarray, eqs: np.ndarray, unknown: np.ndarray,
                     is_hidden: np.ndarray, memo: dict | None, out: list[int]) -> None:
    """Run :func:`_determined` on each component holding a hidden cell; add the pinned hidden
    unknowns to ``out``. Called with BLAS limited to one thread: the matrices are small (a few
    hundred rows at most nationally), and OpenBLAS's threads, spinning for work on a machine
    whose cores are busy, made one 99 x 222 SVD take 2 s instead of 5 ms."""
    for r, c, v in zip(np.split(e_rows, cuts), np.split(e_cols, cuts), np.split(e_vals, cuts)):
        if not len(c) or not has_hidden[labels[c[0]]]:
            continue
        rows, ri = np.unique(r, return_inverse=True)
        cols, ci = np.unique(c, return_inverse=True)
        # A component is a sub-matrix of the same relations: named by its equations, its
        # unknowns and its entries, so a later round (finalise suppresses more cells and asks
        # again) reuses the answer for every component that did not change.
        key = (eqs[rows].tobytes(), unknown[cols].tobytes(), ri.tobytes(), ci.tobytes(), v.tobytes())
        fixed = None if memo is None else memo.get(key)
        if fixed is None:
            fixed = _determined(rows, cols, ri, ci, v)
            if memo is not None:
                memo[key] = fixed
        out.extend(int(unknown[cols[k]]) for k in fixed if is_hidden[cols[k]])


def _determined(rows: np.ndarray, cols: np.ndarray, ri: np.ndarray, ci: np.ndarray, v: np.ndarray) -> list[int]:
    """Positions (in ``cols``) of the unknowns of one component that its equations pin down:
    those at which every vector of the null space is zero.

    Worked out from the row space instead of the null space (the two are orthogonal
    complements): with V_r the right singular vectors of the non-zero singular values, the
    null space's part at unknown j has squared norm 1 - |V_r[:, j]|^2, so unknown j is pinned
    when that is (numerically) zero. This needs only the thin SVD (a component has more
    unknowns than equations as a rule, and the full V of the old test was n x n); a tall
    block is first reduced to its R factor (A = QR: Ax = 0 iff Rx = 0). The tolerance, a
    null-space part under 1e-5, calls more cells pinned than the old entry-wise 1e-9, never
    fewer, so the test proves at least what it proved.
    """
    dense = np.zeros((len(rows), len(cols)))
    np.add.at(dense, (ri, ci), v)
    if dense.shape[0] > dense.shape[1]:
        dense = np.linalg.qr(dense, mode="r")
    _, s, vt = np.linalg.svd(dense, full_matrices=False)
    rank = int((s > 1e-9).sum())
    in_row_space = (vt[:rank] ** 2).sum(axis=0)
    return [int(k) for k in np.flatnonzero(1.0 - in_row_space < 1e-10)]


def _rows(rows: list[dict[int, float]], n: int) -> sparse.csr_matrix:
    """Sparse matrix from one {column: coefficient} dict per row."""
    r = [i for i, row in enumerate(rows) for _ in row]
    c = [k for row in rows for k in row]
    v = [x for row in rows for x in row.values()]
    return sparse.csr_matrix((v, (r, c)), shape=(len(rows), n))
