"""Statistical disclosure control for everything the public dashboard publishes.

The public CARA dashboard is released like UK official statistics, so every count of
people and every rate passes through this module before it is shown or downloaded. The
rules live in ``config/disclosure.toml`` (one place; :func:`load_policy` reads it) and
:func:`policy_text` turns them into the sentences on the methodology page, so the words
and the arithmetic cannot drift apart.

The rules (numbers from the default policy):

* **Force level is exact.** Rows named in ``top_level_rows`` (the police force area) are
  published unrounded and never primary-suppressed, as police-recorded statistics are.
* **Primary suppression.** Below force level a count of 1 to 4 people is shown as ``[c]``.
* **Rounding.** Every other count below force level is rounded to the nearest 5, halves
  upwards; a true zero is shown as 0.
* **Secondary suppression.** A table is published with its totals, so a suppressed cell
  could be recovered by subtracting the published cells of its row or column from the
  published total. More cells are suppressed until no suppressed cell can be worked out
  from the others by any combination of additions and subtractions (see
  :func:`protect_counts`). A force-level cell may be suppressed for this reason.
* **Rates.** No rate when the denominator is under 10; below force level none when the
  numerator or its complement is 1 to 4, nor any 0% or 100%; rates on fewer than 30
  people carry ``[u]``.

Assumptions the caller must make true:

* Inputs are whole, non-negative counts of *people*, already aggregated.
* Leaves partition their totals: every person counted in a total is counted in exactly one
  of its leaves (one local authority; one quarter, e.g. by the date of their caution).
  Totals are computed here as sums of the UNROUNDED leaves; if a "distinct people in the
  year" figure differs from the sum of the quarters, it is a different statistic and must
  be protected as a table of its own.
* Each table is protected on its own. Two tables cut from the same people in different
  ways (e.g. by area and by age) can, in principle, be differenced against each other;
  publish as few cross-cutting tables below force level as the dashboard needs.

This module is pure: no Streamlit, no I/O apart from reading the policy file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_POLICY_PATH",
    "SYMBOLS",
    "Policy",
    "ProtectedRate",
    "load_policy",
    "round_to_base",
    "protect_count",
    "protect_counts",
    "protect_cells",
    "ProtectedCells",
    "protect_rate",
    "neutralise_formula",
    "neutralise_frame",
    "policy_text",
    "published_interval",
    "rounding_text",
    "ROUNDING_PROTECTS",
]

#: The repository's policy file, found relative to this package (works from any cwd).
DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "config" / "disclosure.toml"

#: Analysis Function standard symbols for tables, symbol -> meaning. They are a
#: government-wide standard rather than a policy choice, so they are fixed here; the TOML
#: repeats them for readers and ``Policy.symbols`` carries what it says (a test keeps the
#: two in step).
SYMBOLS: dict[str, str] = {
    "[c]": "confidential: suppressed to protect the people it describes",
    "[x]": "not available",
    "[z]": "not applicable",
    "[u]": "low reliability",
    "[p]": "provisional",
    "[r]": "revised",
    "[b]": "break in time series",
}

SUPPRESSED = "[c]"
LOW_RELIABILITY = "[u]"

# Characters that make Excel/LibreOffice/Sheets treat a cell as a formula (OWASP "CSV
# injection"): = + - @, and tab / carriage return, which some importers strip before
# looking at the next character.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """The disclosure rules. Build it with :func:`load_policy`, not by hand.

    Attributes:
        suppress_min, suppress_max: counts of people in this inclusive range are
            suppressed ([c]) below top level.
        rounding_base: other counts below top level are rounded to a multiple of this.
        rate_min_denominator: no rate when the denominator is below this ([c]).
        rate_low_reliability_below: rates on a denominator below this carry [u].
        suppress_extreme_rates: below top level, suppress 0% and 100%.
        symbols: (symbol, meaning) pairs from the policy file's ``[symbols]`` table
            (a tuple, so the policy stays hashable).
    """

    suppress_min: int
    suppress_max: int
    rounding_base: int
    rate_min_denominator: int
    rate_low_reliability_below: int
    suppress_extreme_rates: bool
    symbols: tuple[tuple[str, str], ...] = tuple(SYMBOLS.items())

    def __post_init__(self) -> None:
        # A bad policy must fail loudly at load time, never publish something unsafe.
        for name in (
            "suppress_min",
            "suppress_max",
            "rounding_base",
            "rate_min_denominator",
            "rate_low_reliability_below",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"disclosure policy: {name} must be an integer, got {v!r}")
        if not isinstance(self.suppress_extreme_rates, bool):
            raise ValueError("disclosure policy: suppress_extreme_rates must be true or false")
        if not 1 <= self.suppress_min <= self.suppress_max:
            # suppress_min 0 would suppress true zeros, which is not the convention and
            # would make secondary suppression cascade through empty cells.
            raise ValueError("disclosure policy: need 1 <= suppress_min <= suppress_max")
        if self.rounding_base < 1:
            raise ValueError("disclosure policy: rounding_base must be at least 1")
        if self.rate_min_denominator < 1 or self.rate_low_reliability_below < 1:
            raise ValueError("disclosure policy: rate thresholds must be at least 1")

    @property
    def symbol_meanings(self) -> dict[str, str]:
        """The symbols as a dict, symbol -> meaning."""
        return dict(self.symbols)


_POLICY_KEYS = (
    "suppress_min",
    "suppress_max",
    "rounding_base",
    "rate_min_denominator",
    "rate_low_reliability_below",
    "suppress_extreme_rates",
)


def load_policy(path: Path | None = None) -> Policy:
    """Read the disclosure policy from a TOML file (default: ``config/disclosure.toml``).

    Every rule key must be present and no unknown key is allowed, so a typo such as
    ``supress_max`` is an error rather than a silently ignored rule.
    """
    path = DEFAULT_POLICY_PATH if path is None else Path(path)
    with path.open("rb") as f:
        raw = tomllib.load(f)
    symbols = raw.pop("symbols", SYMBOLS)
    if not isinstance(symbols, dict):
        raise ValueError(f"{path}: [symbols] must be a table of symbol = meaning")
    missing = [k for k in _POLICY_KEYS if k not in raw]
    unknown = sorted(set(raw) - set(_POLICY_KEYS))
    if missing or unknown:
        raise ValueError(f"{path}: missing keys {missing}, unknown keys {unknown}")
    return Policy(
        **{k: raw[k] for k in _POLICY_KEYS},
        symbols=tuple((str(k), str(v)) for k, v in symbols.items()),
    )


@lru_cache(maxsize=1)
def _default_policy() -> Policy:
    # Cached: protect_rate may be called once per cell of a dashboard page.
    return load_policy()


def _policy(policy: Policy | None) -> Policy:
    return _default_policy() if policy is None else policy


# --------------------------------------------------------------------------------------
# Single counts
# --------------------------------------------------------------------------------------


def round_to_base(n: int, base: int) -> int:
    """Round a whole number to the nearest multiple of ``base``, halves upwards.

    Equal to ``floor(n / base + 0.5) * base`` but in integer arithmetic, so there is no
    floating-point doubt at the halfway point (e.g. base 10: 15 -> 20, 14 -> 10).
    """
    return (2 * n + base) // (2 * base) * base


def _is_primary(n: int, policy: Policy) -> bool:
    return policy.suppress_min <= n <= policy.suppress_max


def protect_count(n: int, top_level: bool = False, policy: Policy | None = None) -> int | None:
    """The published value of one stand-alone count of people, or None for [c].

    Top level: exact. Below: suppressed if in ``suppress_min..suppress_max``, otherwise
    rounded (0 stays 0). This does NOT protect against differencing; for a table with
    totals use :func:`protect_counts`.
    """
    p = _policy(policy)
    n = _as_count(n, "count")
    if top_level:
        return n
    if _is_primary(n, p):
        return None
    return round_to_base(n, p.rounding_base)


def published_interval(shown: int, policy: Policy | None = None) -> tuple[int, int]:
    """The true counts a rounded figure shown below force level can stand for (inclusive).

    Rounding to the nearest ``base``, halves upwards, maps ``shown - floor(base / 2)`` to
    ``shown + ceil(base / 2) - 1`` onto ``shown`` (base 5: 8..12 -> 10). A reader who
    knows the policy also knows that 1..4 is never shown, so 5 means 5..7 and 0 means
    exactly 0. Assumption: ``floor(base / 2) <= suppress_max``, so a shown 0 is one
    interval (true of the default policy); otherwise 0 could stand for 0 or for a few
    counts above the suppressed range, and this returns the enclosing interval.
    """
    p = _policy(policy)
    base = p.rounding_base
    lo, hi = max(shown - base // 2, 0), shown + (base + 1) // 2 - 1
    if shown == 0:
        return (0, 0) if hi <= p.suppress_max else (0, hi)
    if p.suppress_min <= lo <= p.suppress_max:
        lo = p.suppress_max + 1
    return lo, hi


def _as_count(v: object, what: str) -> int:
    """Validate a count of people: a whole, non-negative number (int, numpy or 3.0)."""
    if isinstance(v, (bool, np.bool_)):
        raise ValueError(f"{what} must be a whole number of people, got {v!r}")
    if isinstance(v, (int, np.integer)):
        n = int(v)
    else:
        try:
            f = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be a whole number of people, got {v!r}") from None
        if not f.is_integer():  # also rejects NaN (missing) and infinity
            raise ValueError(f"{what} must be a whole number of people, got {v!r}")
        n = int(f)
    if n < 0:
        raise ValueError(f"{what} must not be negative, got {v!r}")
    return n


# --------------------------------------------------------------------------------------
# Two-way tables with totals
# --------------------------------------------------------------------------------------

_NONE, _PRIMARY, _SECONDARY = 0, 1, 2
_SUPPRESSION_LABEL = {_NONE: "", _PRIMARY: "primary", _SECONDARY: "secondary"}


def protect_counts(
    leaves: pd.DataFrame,
    row_dim: str,
    col_dim: str,
    value: str,
    row_parent: Mapping[str, str],
    col_parent: Mapping[str, str],
    top_level_rows: set[str] | frozenset = frozenset(),
    policy: Policy | None = None,
) -> pd.DataFrame:
    """Protect a two-way table of counts of people, totals included.

    Args:
        leaves: one row per leaf cell, e.g. local authority x financial quarter, with a
            whole count of people in column ``value``. A leaf combination that is absent
            counts as 0 people (it is published as 0).
        row_dim, col_dim: the columns holding the row and column keys.
        row_parent: leaf row key -> its total key (local authority -> force code).
        col_parent: leaf column key -> its total key ("2023/24 Q1" -> "2023/24").
        top_level_rows: row keys published exactly (the force); usually the row totals.
        policy: the rules; default :func:`load_policy`.

    Returns:
        A long DataFrame, one row per cell of the full table (leaf x leaf, leaf x total,
        total x leaf, total x total), ordered by row then column (each group's leaves in
        input order, then its total), with columns ``row_dim``, ``col_dim``, ``value``
        (the true count, int), ``shown`` (Int64, <NA> when suppressed), ``symbol`` ("" or
        "[c]"), ``suppression`` ("", "primary" or "secondary"), ``is_total_row`` and
        ``is_total_col``.

    Rules, in order:

    1. Totals are the sums of the UNROUNDED leaves.
    2. Cells in ``top_level_rows`` are exact and never primary-suppressed; every other
       count of 1..4 is primary-suppressed and every other count is rounded to the
       nearest ``rounding_base`` (0 stays 0).
    3. Secondary suppression, repeated to a fixed point (a new suppression can expose
       another relation). Each row and each column, including the total row and column,
       is an additive relation "leaves sum to total".

       a. A relation with exactly one suppressed member has one more member suppressed:
          its smallest non-zero published leaf; failing that, a zero leaf; the relation's
          total only when nothing else is left. Ties go to the earlier cell.
       b. Rule (a) is necessary but not sufficient: a suppressed cell can still be
          derivable by combining several relations (e.g. two blocks of suppressions that
          each look safe, joined by one cell that is the only link between them). Writing
          the table as a bipartite graph (rows and columns as vertices, suppressed cells
          as edges), a suppressed cell can be worked out exactly iff its edge is a
          *bridge* (lies on no cycle); the alternative solutions that hide a cell are
          +d/-d changes around a cycle through it. So each bridge gets one more
          suppression joining its two sides, creating a cycle: the smallest non-zero,
          non-total candidate first. Then (a) is re-applied.

    Each (row total, column total) pair forms an independent table: its relations never
    share a cell with another pair's, so the tables are protected separately.

    A published total generally differs from the sum of its published parts, because
    each is rounded separately from true values. Protection here is against exact
    recovery by differencing; bounds from rounded values (a cell lies within a range)
    remain, as with any rounded table. ``publish`` also audits those bounds across all
    its tables and the previous release (:mod:`cara_metrics.disclosure_bounds`): no
    primary cell may be narrowed into ``suppress_min..suppress_max``.
    """
    _check_frame(leaves, row_dim, col_dim, value)
    t = protect_cells(leaves[row_dim].tolist(), leaves[col_dim].tolist(), leaves[value].tolist(),
                      row_parent, col_parent, top_level_rows, policy)
    # Columns built from lists with their final dtypes (faster than records + astype).
    return pd.DataFrame({
        row_dim: t.rows,  # keys keep their own type, inferred as before
        col_dim: t.cols,
        value: np.array(t.values, dtype=np.int64),
        "shown": pd.array(t.shown, dtype="Int64"),
        "symbol": pd.array([SUPPRESSED if s else "" for s in t.status], dtype="str"),
        "suppression": pd.array([_SUPPRESSION_LABEL[s] for s in t.status], dtype="str"),
        "is_total_row": np.array(t.is_total_row, dtype=bool),
        "is_total_col": np.array(t.is_total_col, dtype=bool),
    })


@dataclass(frozen=True)
class ProtectedCells:
    """:func:`protect_counts`' result as plain lists, one entry per cell in the same order.

    ``status``: 0 published, 1 primary, 2 secondary suppression; ``shown`` is None when
    suppressed.
    """

    rows: list
    cols: list
    values: list[int]
    shown: list[int | None]
    status: list[int]
    is_total_row: list[bool]
    is_total_col: list[bool]


def protect_cells(
    rows: Sequence[object],
    cols: Sequence[object],
    values: Sequence[object],
    row_parent: Mapping[str, str],
    col_parent: Mapping[str, str],
    top_level_rows: set[str] | frozenset = frozenset(),
    policy: Policy | None = None,
) -> ProtectedCells:
    """:func:`protect_counts` on plain lists (one entry per leaf), without a DataFrame either
    side: publish protects hundreds of small tables nationally, and building and reading a
    DataFrame per table cost more than protecting it. Same rules, same cells, same order."""
    p = _policy(policy)
    if any(_missing(k) for k in rows) or any(_missing(k) for k in cols):
        raise ValueError("protect_counts: a row or column key is missing")

    leaf_rows = list(dict.fromkeys(rows))
    leaf_cols = list(dict.fromkeys(cols))
    r_parent = _parents(leaf_rows, row_parent, "row")
    c_parent = _parents(leaf_cols, col_parent, "column")
    row_totals = list(dict.fromkeys(r_parent[r] for r in leaf_rows))
    col_totals = list(dict.fromkeys(c_parent[c] for c in leaf_cols))
    top = frozenset(top_level_rows)

    counts: dict[tuple[object, object], int] = {}
    for r, c, v in zip(rows, cols, values):
        if (r, c) in counts:
            raise ValueError(f"protect_counts: duplicate leaf cell ({r!r}, {c!r})")
        counts[(r, c)] = _as_count(v, f"count for ({r!r}, {c!r})")

    cells: dict[tuple[object, object], tuple[int, int | None, int]] = {}
    for rt in row_totals:
        block_rows = [r for r in leaf_rows if r_parent[r] == rt]
        for ct in col_totals:
            block_cols = [c for c in leaf_cols if c_parent[c] == ct]
            x = np.zeros((len(block_rows) + 1, len(block_cols) + 1), dtype=np.int64)
            for i, r in enumerate(block_rows):
                for j, c in enumerate(block_cols):
                    x[i, j] = counts.get((r, c), 0)
            row_keys = block_rows + [rt]
            is_top = np.array([k in top for k in row_keys])
            shown, status = _protect_block(x, is_top, p)
            x_l, shown_l, status_l = x.tolist(), shown.tolist(), status.tolist()
            for i, r in enumerate(row_keys):
                for j, c in enumerate(block_cols + [ct]):
                    cells[(r, c)] = (x_l[i][j], None if status_l[i][j] else shown_l[i][j], status_l[i][j])

    row_order = [k for rt in row_totals for k in [*(r for r in leaf_rows if r_parent[r] == rt), rt]]
    col_order = [k for ct in col_totals for k in [*(c for c in leaf_cols if c_parent[c] == ct), ct]]
    row_total_set, col_total_set = set(row_totals), set(col_totals)
    keys = [(r, c) for r in row_order for c in col_order]
    triples = [cells[k] for k in keys]
    return ProtectedCells(
        rows=[k[0] for k in keys], cols=[k[1] for k in keys],
        values=[t[0] for t in triples], shown=[t[1] for t in triples], status=[t[2] for t in triples],
        is_total_row=[k[0] in row_total_set for k in keys], is_total_col=[k[1] in col_total_set for k in keys],
    )


def _missing(key: object) -> bool:
    """A missing key: None, pandas' NA or NaT, or a float NaN (what a missing value reads as)."""
    return key is None or key is pd.NA or key is pd.NaT or (isinstance(key, float) and key != key)


def _check_frame(leaves: pd.DataFrame, row_dim: str, col_dim: str, value: str) -> None:
    missing = [c for c in (row_dim, col_dim, value) if c not in leaves.columns]
    if missing:
        raise ValueError(f"protect_counts: leaves has no column(s) {missing}")
    if len({row_dim, col_dim, value}) != 3:
        raise ValueError("protect_counts: row_dim, col_dim and value must be different columns")
    if leaves[row_dim].isna().to_numpy().any() or leaves[col_dim].isna().to_numpy().any():
        raise ValueError("protect_counts: a row or column key is missing")


def _parents(keys: list[object], parent: Mapping[str, str], what: str) -> dict[object, object]:
    unmapped = [k for k in keys if k not in parent]
    if unmapped:
        raise ValueError(f"protect_counts: no {what} total for leaf {what} key(s) {unmapped}")
    out = {k: parent[k] for k in keys}  # type: ignore[index]
    clash = sorted(map(str, set(out.values()) & set(keys)))
    if clash:
        # A key that is both a leaf and a total would be two different cells.
        raise ValueError(f"protect_counts: {what} key(s) {clash} are both leaves and totals")
    return out


def _protect_block(x: np.ndarray, is_top: np.ndarray, p: Policy) -> tuple[np.ndarray, np.ndarray]:
    """Protect one table: ``x`` is (R+1) x (C+1) with totals in the last row and column.

    Returns the shown values (meaningful where not suppressed) and the status array
    (_NONE / _PRIMARY / _SECONDARY).
    """
    n_r, n_c = x.shape[0] - 1, x.shape[1] - 1
    x[:n_r, n_c] = x[:n_r, :n_c].sum(axis=1)  # totals from unrounded leaves
    x[n_r, :] = x[:n_r, :].sum(axis=0)

    shown = x.copy()
    status = np.full(x.shape, _NONE, dtype=np.int8)
    for i in range(n_r + 1):
        if is_top[i]:
            continue  # force level: exact, never primary-suppressed
        for j in range(n_c + 1):
            if _is_primary(int(x[i, j]), p):
                status[i, j] = _PRIMARY
            else:
                shown[i, j] = round_to_base(int(x[i, j]), p.rounding_base)

    # Each relation: (its cells in table order, the cell that is its total).
    relations = [([(i, j) for j in range(n_c + 1)], (i, n_c)) for i in range(n_r + 1)]
    relations += [([(i, j) for i in range(n_r + 1)], (n_r, j)) for j in range(n_c + 1)]

    while True:
        _complete_relations(relations, shown, status)
        bridge = _find_bridge(status)
        if bridge is None:
            return shown, status
        _break_bridge(bridge, shown, status, n_r, n_c)


def _complete_relations(relations, shown: np.ndarray, status: np.ndarray) -> None:
    """Rule 3a: no relation may have exactly one suppressed member (to a fixed point)."""
    changed = True
    while changed:
        changed = False
        for members, total in relations:
            if sum(1 for m in members if status[m]) != 1:
                continue
            candidates = [m for m in members if not status[m]]
            # Smallest non-zero published leaf; then zero leaves; the total last. Lowest
            # published value loses least information; (i, j) breaks ties the same way on
            # every run. Only published values are used, so the choice itself leaks nothing.
            best = min(candidates, key=lambda m: (m == total, shown[m] == 0, shown[m], m))
            status[best] = _SECONDARY
            changed = True


def _find_bridge(status: np.ndarray) -> tuple[int, int] | None:
    """The first suppressed cell (in table order) that lies on no cycle, or None.

    Vertices: ("r", i) for each row, ("c", j) for each column; edges: suppressed cells.
    Why this is the right test: put y = x on leaves and the grand total, y = -x on the
    other marginal cells; then every row and column of y sums to zero. Alternative
    tables that agree with everything published differ from the true one by a
    zero-row-and-column-sum pattern on suppressed cells only, i.e. by an element of the
    cycle space of this graph; a cell is pinned down iff no cycle passes through it.
    """
    edges = [tuple(int(v) for v in e) for e in np.argwhere(status != _NONE)]
    for e in edges:
        if ("c", e[1]) not in _component(("r", e[0]), edges, skip=e):
            return e  # type: ignore[return-value]
    return None


def _component(
    start: tuple[str, int], edges: Iterable[tuple[int, int]], skip: tuple[int, int] | None
) -> set[tuple[str, int]]:
    """Vertices reachable from ``start`` through suppressed cells, not using ``skip``."""
    adj: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for e in edges:
        if e == skip:
            continue
        a, b = ("r", e[0]), ("c", e[1])
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, []).append(a)
    seen = {start}
    stack = [start]
    while stack:
        for nb in adj.get(stack.pop(), []):
            if nb not in seen:
                seen.add(nb)
                stack.append(nb)
    return seen


def _break_bridge(
    bridge: tuple[int, int], shown: np.ndarray, status: np.ndarray, n_r: int, n_c: int
) -> None:
    """Rule 3b: suppress one cell joining the two sides of a bridge, closing a cycle."""
    edges = [tuple(int(v) for v in e) for e in np.argwhere(status != _NONE)]
    side_a = _component(("r", bridge[0]), edges, skip=bridge)
    side_b = _component(("c", bridge[1]), edges, skip=bridge)
    candidates = [
        (i, j)
        for i in range(n_r + 1)
        for j in range(n_c + 1)
        if not status[i, j]
        and (
            (("r", i) in side_a and ("c", j) in side_b)
            or (("r", i) in side_b and ("c", j) in side_a)
        )
    ]
    if not candidates:  # cannot happen once rule 3a holds; refuse rather than publish
        raise RuntimeError(f"protect_counts: cannot protect cell {bridge}")
    # Prefer leaves over marginal cells (the grand total last), then non-zero, then the
    # smallest published value, then table order.
    best = min(
        candidates, key=lambda m: ((m[0] == n_r) + (m[1] == n_c), shown[m] == 0, shown[m], m)
    )
    status[best] = _SECONDARY


# --------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProtectedRate:
    """A rate ready to publish.

    ``rate`` is a proportion (0.25 means 25%), computed from the true counts, or None
    when suppressed. ``numerator_shown`` / ``denominator_shown`` are the published
    counts (None when suppressed). ``symbol`` is "", "[u]" or "[c]". ``reason`` is a
    plain-English sentence for tooltips and the methodology page.
    """

    numerator_shown: int | None
    denominator_shown: int | None
    rate: float | None
    symbol: str
    reason: str


def protect_rate(
    numerator: int, denominator: int, top_level: bool = False, policy: Policy | None = None
) -> ProtectedRate:
    """Apply the rate rules to ``numerator / denominator`` (people with an outcome / group).

    Rules, first match wins:

    1. denominator below ``rate_min_denominator`` -> [c].
    2. below top level, the numerator or the complement (denominator - numerator) is a
       suppressible count (1..4) -> [c]: either would identify a handful of people.
    3. below top level, 0% or 100% when ``suppress_extreme_rates`` -> [c]: it states the
       outcome for everyone in the group.
    4. otherwise published; [u] when the denominator is below ``rate_low_reliability_below``.

    When the rate is suppressed its numerator is suppressed too (a shown numerator and
    denominator would give the rate back). The denominator is an ordinary count and
    follows the count rules (exact at top level; [c] if 1..4, else rounded, below it).
    Below top level every [c] gets the same reason text: naming the rule that fired
    would itself tell the reader e.g. "this rate is 100%".
    """
    p = _policy(policy)
    num = _as_count(numerator, "numerator")
    den = _as_count(denominator, "denominator")
    if num > den:
        raise ValueError(f"protect_rate: numerator {num} exceeds denominator {den}")

    den_shown = den if top_level else protect_count(den, policy=p)
    generic = (
        f"Not published [c]: the group has fewer than {p.rate_min_denominator} people, or "
        f"between {p.suppress_min} and {p.suppress_max} people do or do not have the outcome, "
        "or the rate would be 0% or 100%; publishing it could identify people."
    )

    def suppressed(reason: str) -> ProtectedRate:
        return ProtectedRate(None, den_shown, None, SUPPRESSED, reason)

    if den < p.rate_min_denominator:
        if top_level:
            return suppressed(
                f"Not published [c]: the group has fewer than {p.rate_min_denominator} "
                "people, too few for a meaningful rate."
            )
        return suppressed(generic)
    if not top_level:
        if _is_primary(num, p) or _is_primary(den - num, p):
            return suppressed(generic)
        if p.suppress_extreme_rates and num in (0, den):
            return suppressed(generic)

    num_shown = num if top_level else protect_count(num, policy=p)
    rate = num / den
    if den < p.rate_low_reliability_below:
        return ProtectedRate(
            num_shown,
            den_shown,
            rate,
            LOW_RELIABILITY,
            f"Published with [u] (low reliability): based on fewer than "
            f"{p.rate_low_reliability_below} people, so one person more or less moves it "
            "noticeably.",
        )
    return ProtectedRate(num_shown, den_shown, rate, "", "Published.")


# --------------------------------------------------------------------------------------
# Spreadsheet (CSV/Excel) formula injection
# --------------------------------------------------------------------------------------


def neutralise_formula(value: object) -> object:
    """Make a text value safe to open in a spreadsheet.

    A string starting with ``= + - @``, tab or carriage return is prefixed with a single
    quote so the spreadsheet shows it as text instead of evaluating it (OWASP "CSV
    injection"). Anything else, including numbers (e.g. -5 as an int), is returned
    unchanged. Text such as "-5" is quoted too; that is the OWASP advice, at the cost of
    such a value reading as text.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`neutralise_formula` applied to every text cell.

    Text cells are those in string/object columns and the categories of categorical
    columns; string column labels are neutralised as well, since they become the header
    cells of a download. Numeric columns are left alone. The input is not modified.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.cat.rename_categories([neutralise_formula(c) for c in s.cat.categories])
        elif pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            # Each distinct value once (a release table has a few hundred among 100,000 cells).
            _, uniques = pd.factorize(s)
            changed = {u: v for u in uniques if (v := neutralise_formula(u)) is not u}
            if changed:
                # Only the changed values are mapped, and the column keeps its dtype (a mapped
                # column of whole and decimal numbers would be inferred float: 137 written 137.0).
                out[col] = s.mask(s.isin(list(changed)), s.map(changed)).astype(s.dtype)
    out.columns = [neutralise_formula(c) for c in out.columns]
    return out


# --------------------------------------------------------------------------------------
# Methodology text
# --------------------------------------------------------------------------------------


def policy_text(policy: Policy | None = None) -> list[str]:
    """The disclosure rules as plain-English sentences (one bullet each)."""
    p = _policy(policy)
    lo, hi, base = p.suppress_min, p.suppress_max, p.rounding_base
    lines = [
        "Figures for the whole police force area are published exactly, as police "
        "statistics conventionally are.",
        f"Below force level, a count of {lo} to {hi} people is not published and is shown "
        "as [c] (confidential).",
        f"Below force level, every other count is rounded to the nearest {base} "
        f"(for example, {base + 2} is shown as {round_to_base(base + 2, base)} and "
        f"{base + 3} as {round_to_base(base + 3, base)}); a true zero is shown as 0.",
        "Totals are calculated from the unrounded figures and then rounded themselves, so "
        "the published parts may not add up exactly to the published total.",
        "Where a hidden figure could be worked out by subtracting other published figures "
        "from a total, further figures are also shown as [c]; this can include a "
        "force-level figure.",
        f"No rate or percentage is published for a group of fewer than "
        f"{p.rate_min_denominator} people: [c].",
        f"Below force level, no rate is published when {lo} to {hi} people do, or do not, "
        "have the outcome: [c].",
    ]
    if p.suppress_extreme_rates:
        lines.append(
            "Below force level, rates of 0% and 100% are not published, because they would "
            "reveal the outcome for everyone in the group: [c]."
        )
    lines.append(
        f"Rates based on fewer than {p.rate_low_reliability_below} people are published "
        "but marked [u] (low reliability)."
    )
    lines.append(
        "Text in downloaded files that a spreadsheet could run as a formula is prefixed "
        "with an apostrophe."
    )
    return lines


#: What rounding and suppression do and do not protect, for the methodology page. Kept
#: next to the rules so the claim and the checks (publish's rank test and bounds audit)
#: are read and changed together.
ROUNDING_PROTECTS = (
    "What this protects, and what it does not. Before anything is published, every hidden "
    "figure is checked twice against everything a reader can see in this release and in the "
    "previous one: that no hidden figure can be worked out exactly by adding and subtracting "
    "published figures, and, allowing for the range each rounded figure could stand for and "
    "for counts being whole and never negative, that no count of 1 to 4 people can be narrowed "
    "to 'between 1 and 4'. A reader can always tell that such a hidden figure is 0, a handful, "
    "or a larger number hidden to protect another; the checks make sure the figures cannot "
    "remove the first and last possibilities. If they could, more figures are hidden, and if "
    "that is not enough nothing is published.",
    "Rounding does not make every figure uncertain. Force-level figures are exact, so a rounded "
    "local figure, or a hidden one, can sometimes be worked out exactly or to within a few "
    "people by subtraction, especially across two releases; this is accepted for figures of 5 "
    "or more, which the policy does not treat as identifying. In particular, where a force "
    "total is 0, every local figure inside it is 0, even if shown as [c]: that says nobody was "
    "counted, which is no more than a published 0 says.",
)


def rounding_text(policy: Policy | None = None) -> list[str]:
    """:data:`ROUNDING_PROTECTS` as methodology paragraphs (the policy's numbers in them)."""
    p = _policy(policy)
    return [t.replace("1 to 4", f"{p.suppress_min} to {p.suppress_max}")
             .replace("'between 1 and 4'", f"'between {p.suppress_min} and {p.suppress_max}'")
             .replace("figures of 5 or more", f"figures of {p.suppress_max + 1} or more")
            for t in ROUNDING_PROTECTS]
