"""Tests for cara_metrics.disclosure: property-based for tables, examples for the rest.

The differencing check (property b) is written independently of the module: it builds
the linear system of every additive relation of the published table and asks numpy,
by a rank test, whether any suppressed cell is pinned down by the published cells.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cara_metrics import disclosure as d
from cara_metrics.disclosure import (
    SYMBOLS,
    Policy,
    ProtectedRate,
    load_policy,
    neutralise_formula,
    neutralise_frame,
    policy_text,
    protect_counts,
    protect_rate,
    round_to_base,
)

POLICY = load_policy()
FORCE = "E23000039"  # a force-area code, the top-level row
YEAR = "2023/24"
LAS = ["E06000058", "E06000059", "E07000001", "E07000002"]
QUARTERS = [f"{YEAR} Q{i}" for i in range(1, 5)]


# ------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------


def make_leaves(matrix, las=LAS, quarters=QUARTERS) -> pd.DataFrame:
    """Long leaf table from a list of rows of counts (rows = LAs, columns = quarters)."""
    return pd.DataFrame(
        [
            {"la": las[i], "quarter": quarters[j], "people": int(v)}
            for i, row in enumerate(matrix)
            for j, v in enumerate(row)
        ]
    )


def protect(matrix, top_level=True, policy=None) -> pd.DataFrame:
    n_r, n_c = len(matrix), len(matrix[0])
    return protect_counts(
        make_leaves(matrix),
        "la",
        "quarter",
        "people",
        row_parent={la: FORCE for la in LAS[:n_r]},
        col_parent={q: YEAR for q in QUARTERS[:n_c]},
        top_level_rows={FORCE} if top_level else frozenset(),
        policy=policy,
    )


def relation_matrix(out: pd.DataFrame) -> np.ndarray:
    """Coefficient matrix of every additive relation in a protected table.

    One equation per (row key, column-total group) -- "the leaves of this row in this
    group, minus the row's total for the group, equal zero" -- and likewise per
    (column key, row-total group). Columns of the matrix follow the rows of ``out``.
    Groups are read from the output's own flags, not from the module's internals.
    """
    idx = {(r, c): k for k, (r, c) in enumerate(zip(out["la"], out["quarter"]))}
    row_totals = out.loc[out["is_total_row"], "la"].unique().tolist()
    col_totals = out.loc[out["is_total_col"], "quarter"].unique().tolist()
    leaf_rows = out.loc[~out["is_total_row"], "la"].unique().tolist()
    leaf_cols = out.loc[~out["is_total_col"], "quarter"].unique().tolist()
    # One force and one year unless the test attached the leaf -> total mappings.
    r_parent = out.attrs.get("row_parent") or {r: row_totals[0] for r in leaf_rows}
    c_parent = out.attrs.get("col_parent") or {c: col_totals[0] for c in leaf_cols}
    eqs = []
    for r in leaf_rows + row_totals:
        for ct in col_totals:
            if (r, ct) not in idx:
                continue
            e = np.zeros(len(out))
            for c in leaf_cols:
                if c_parent[c] == ct and (r, c) in idx:
                    e[idx[(r, c)]] += 1
            e[idx[(r, ct)]] -= 1
            eqs.append(e)
    for c in leaf_cols + col_totals:
        for rt in row_totals:
            if (rt, c) not in idx:
                continue
            e = np.zeros(len(out))
            for r in leaf_rows:
                if r_parent[r] == rt and (r, c) in idx:
                    e[idx[(r, c)]] += 1
            e[idx[(rt, c)]] -= 1
            eqs.append(e)
    return np.array(eqs)


def derivable_cells(out: pd.DataFrame, suppressed: np.ndarray | None = None) -> list:
    """Suppressed cells that differencing pins down exactly (rank test).

    Substituting the published cells as known leaves A_S z = b on the suppressed unknowns
    z (A_S: the relation matrix restricted to suppressed columns). Cell s is uniquely
    determined iff the unit vector e_s lies in the row space of A_S, i.e. iff appending
    e_s to A_S does not raise its rank.
    """
    a = relation_matrix(out)
    sup = out["shown"].isna().to_numpy() if suppressed is None else np.asarray(suppressed)
    cols = np.flatnonzero(sup)
    if len(cols) == 0:
        return []
    a_s = a[:, cols]
    base = np.linalg.matrix_rank(a_s)
    found = []
    for k, c in enumerate(cols):
        unit = np.zeros((1, len(cols)))
        unit[0, k] = 1
        if np.linalg.matrix_rank(np.vstack([a_s, unit])) == base:
            found.append((out["la"].iloc[c], out["quarter"].iloc[c]))
    return found


def primary_only(out: pd.DataFrame, top_level=True) -> np.ndarray:
    """The pattern a naive primary-only rule would suppress: 1..4 below force level."""
    below = ~out["is_total_row"] if top_level else np.ones(len(out), dtype=bool)
    return (below & out["people"].between(1, 4)).to_numpy()


# ------------------------------------------------------------------------------------
# Strategies
# ------------------------------------------------------------------------------------

# Mostly small counts (where disclosure bites), some larger ones.
counts = st.one_of(
    st.integers(0, 10), st.integers(0, 10), st.integers(0, 10), st.integers(11, 400)
)


@st.composite
def matrices(draw):
    n_r = draw(st.integers(1, 4))
    n_c = draw(st.integers(1, 4))
    return [[draw(counts) for _ in range(n_c)] for _ in range(n_r)]


PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------
# Properties of protect_counts
# ------------------------------------------------------------------------------------


@PROPS
@given(matrices(), st.booleans())
def test_a_no_small_counts_and_rounded_below_force(matrix, top_level):
    out = protect(matrix, top_level)
    below = ~out["is_total_row"] if top_level else pd.Series(True, index=out.index)
    shown = out.loc[below, "shown"].dropna().astype(int)
    assert not shown.between(1, 4).any()
    assert (shown % 5 == 0).all()
    assert (shown == [round_to_base(v, 5) for v in out.loc[shown.index, "people"]]).all()
    # Force level: exact wherever it is published.
    if top_level:
        force = out[out["is_total_row"] & out["shown"].notna()]
        assert (force["shown"].astype(int) == force["people"]).all()
    # Every 1..4 below force level is primary-suppressed, and only those are "primary".
    small = below & out["people"].between(1, 4)
    assert (out.loc[small, "suppression"] == "primary").all()
    assert (out.loc[~small, "suppression"] != "primary").all()
    # Symbol, suppression and shown agree.
    assert ((out["symbol"] == "[c]") == out["shown"].isna()).all()
    assert ((out["suppression"] != "") == out["shown"].isna()).all()


@PROPS
@given(matrices(), st.booleans())
def test_b_no_suppressed_cell_derivable_by_differencing(matrix, top_level):
    out = protect(matrix, top_level)
    assert derivable_cells(out) == []


@PROPS
@given(matrices(), st.booleans())
def test_c_totals_are_sums_of_unrounded_leaves(matrix, top_level):
    out = protect(matrix, top_level)
    a = relation_matrix(out)
    assert np.all(a @ out["people"].to_numpy() == 0)
    v = out.set_index(["la", "quarter"])["people"]
    n_r, n_c = len(matrix), len(matrix[0])
    for i in range(n_r):
        for j in range(n_c):
            assert v[(LAS[i], QUARTERS[j])] == matrix[i][j]
        assert v[(LAS[i], YEAR)] == sum(matrix[i])
    for j in range(n_c):
        assert v[(FORCE, QUARTERS[j])] == sum(row[j] for row in matrix)
    assert v[(FORCE, YEAR)] == sum(map(sum, matrix))


@PROPS
@given(matrices(), st.booleans())
def test_d_every_leaf_and_total_exactly_once(matrix, top_level):
    out = protect(matrix, top_level)
    n_r, n_c = len(matrix), len(matrix[0])
    expected = {(r, c) for r in [*LAS[:n_r], FORCE] for c in [*QUARTERS[:n_c], YEAR]}
    got = list(zip(out["la"], out["quarter"]))
    assert len(got) == len(set(got)) == len(expected)
    assert set(got) == expected
    assert (out["is_total_row"] == (out["la"] == FORCE)).all()
    assert (out["is_total_col"] == (out["quarter"] == YEAR)).all()
    assert list(out.columns) == [
        "la", "quarter", "people", "shown", "symbol", "suppression", "is_total_row", "is_total_col"
    ]
    assert str(out["shown"].dtype) == "Int64"
    assert out["people"].dtype == np.int64


@settings(max_examples=100, deadline=None)
@given(st.lists(matrices(), min_size=2, max_size=2), st.lists(counts, min_size=2, max_size=2))
def test_b_and_d_with_two_forces_and_two_years(mats, extra):
    """Several (force, year) blocks in one call are each complete and protected."""
    las = {"F1": ["A1", "A2", "A3", "A4"], "F2": ["B1", "B2", "B3", "B4"]}
    qs = {"Y1": ["Y1 Q1", "Y1 Q2"], "Y2": ["Y2 Q1"]}
    rows, row_parent, col_parent = [], {}, {q: y for y, ql in qs.items() for q in ql}
    for (force, names), m in zip(las.items(), mats):
        for i, row in enumerate(m):
            row_parent[names[i]] = force
            for q, v in zip(col_parent, [*row, *extra][:3]):
                rows.append({"la": names[i], "quarter": q, "people": v})
    leaves = pd.DataFrame(rows)
    out = protect_counts(leaves, "la", "quarter", "people", row_parent, col_parent, {"F1", "F2"})
    out.attrs["row_parent"], out.attrs["col_parent"] = row_parent, col_parent
    got = list(zip(out["la"], out["quarter"]))
    expected = {(r, c) for r in [*row_parent, "F1", "F2"] for c in [*col_parent, "Y1", "Y2"]}
    assert len(got) == len(set(got)) and set(got) == expected
    assert np.all(relation_matrix(out) @ out["people"].to_numpy() == 0)
    assert derivable_cells(out) == []


# ------------------------------------------------------------------------------------
# The checks can fail: naive rules are caught
# ------------------------------------------------------------------------------------


def test_naive_primary_only_suppression_is_derivable():
    # LA1 Q1 = 3 is the only small count. Suppressing it alone, the force Q1 total minus
    # LA2 Q1 gives it straight back.
    matrix = [[3, 20], [12, 7]]
    out = protect(matrix)
    naive = primary_only(out)
    assert naive.sum() == 1
    assert derivable_cells(out, naive) == [(LAS[0], QUARTERS[0])]
    # The real rule protects it.
    assert derivable_cells(out) == []
    assert out["suppression"].eq("secondary").any()


def test_one_more_per_relation_alone_is_not_enough():
    """Two safe-looking blocks joined by a single cell: every relation has 0 or >= 2
    suppressed cells, so "suppress one more where exactly one" adds nothing, yet the
    joining cell is recoverable (row LA1 + row LA2 - column Q1 - column Q2)."""
    matrix = [
        [2, 3, 50, 60],
        [4, 1, 3, 70],
        [80, 90, 2, 4],
        [55, 65, 1, 3],
    ]
    out = protect(matrix)
    naive = primary_only(out)
    # Every relation has 0 or >= 2 of the naive suppressions ...
    a = relation_matrix(out)
    per_relation = (np.abs(a[:, naive]) > 0).sum(axis=1)
    assert not (per_relation == 1).any()
    # ... yet the bridging cell LA2 x Q3 is derivable.
    assert derivable_cells(out, naive) == [(LAS[1], QUARTERS[2])]
    # The module closes the gap.
    assert derivable_cells(out) == []


BRIDGED = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]


@settings(max_examples=100, deadline=None)
@given(
    st.permutations(range(4)),
    st.permutations(range(4)),
    st.lists(st.integers(1, 4), min_size=9, max_size=9),
    st.lists(st.integers(20, 400), min_size=7, max_size=7),
    st.booleans(),
)
def test_b_holds_for_two_blocks_joined_by_one_cell(row_perm, col_perm, small, large, top_level):
    """Property (b) on the shape that defeats the one-more-per-relation rule (random
    tables rarely produce it, so it is generated on purpose, shuffled)."""
    matrix = [[0] * 4 for _ in range(4)]
    big = iter(large)
    for i in range(4):
        for j in range(4):
            v = small[BRIDGED.index((i, j))] if (i, j) in BRIDGED else next(big)
            matrix[row_perm[i]][col_perm[j]] = v
    out = protect(matrix, top_level)
    assert derivable_cells(out, primary_only(out, top_level)) != []  # the naive pattern leaks
    assert derivable_cells(out) == []


def test_force_cell_may_be_secondarily_suppressed():
    # One LA: the force row equals the LA row, so it has to go too.
    out = protect([[3]])
    force = out[out["is_total_row"]]
    assert force["shown"].isna().all()
    assert (force["suppression"] == "secondary").all()


def test_complement_prefers_smallest_nonzero_leaf_over_zero_and_total():
    matrix = [[3, 0, 40, 6], [50, 50, 50, 50]]
    out = protect(matrix).set_index(["la", "quarter"])
    # Row LA1: Q1 primary; the smallest non-zero published leaf is Q4 (shown 5), not the
    # zero in Q2 and not the LA1 total.
    assert out.loc[(LAS[0], QUARTERS[3]), "suppression"] == "secondary"
    assert out.loc[(LAS[0], QUARTERS[1]), "suppression"] == ""
    assert out.loc[(LAS[0], YEAR), "suppression"] == ""


def test_protect_counts_deterministic_and_does_not_modify_input():
    leaves = make_leaves([[3, 20, 8], [12, 7, 0]])
    before = leaves.copy()
    row_parent, col_parent = dict.fromkeys(LAS[:2], FORCE), dict.fromkeys(QUARTERS[:3], YEAR)
    args = ("la", "quarter", "people", row_parent, col_parent)
    a = protect_counts(leaves, *args, top_level_rows={FORCE})
    b = protect_counts(leaves.sample(frac=1, random_state=1), *args, top_level_rows={FORCE})
    pd.testing.assert_frame_equal(leaves, before)
    pd.testing.assert_frame_equal(
        a.sort_values(["la", "quarter"]).reset_index(drop=True),
        b.sort_values(["la", "quarter"]).reset_index(drop=True),
    )


def test_missing_leaf_counts_as_zero():
    leaves = make_leaves([[3, 20], [12, 7]]).iloc[:-1]  # drop LA2 Q2
    out = protect_counts(
        leaves, "la", "quarter", "people", {LAS[0]: FORCE, LAS[1]: FORCE},
        {QUARTERS[0]: YEAR, QUARTERS[1]: YEAR}, {FORCE},
    ).set_index(["la", "quarter"])
    assert out.loc[(LAS[1], QUARTERS[1]), "people"] == 0


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda df: pd.concat([df, df.iloc[:1]]), "duplicate"),
        (lambda df: df.assign(people=df["people"].astype(float).where(df.index > 0, 2.5)), "whole"),
        (lambda df: df.assign(people=df["people"].where(df.index != 0, -1)), "negative"),
        (lambda df: df.rename(columns={"people": "n"}), "no column"),
    ],
)
def test_protect_counts_rejects_bad_input(mutate, message):
    leaves = mutate(make_leaves([[3, 20], [12, 7]]))
    with pytest.raises(ValueError, match=message):
        protect_counts(
            leaves, "la", "quarter", "people", {LAS[0]: FORCE, LAS[1]: FORCE},
            {QUARTERS[0]: YEAR, QUARTERS[1]: YEAR}, {FORCE},
        )


def test_protect_counts_rejects_unmapped_leaf():
    with pytest.raises(ValueError, match="no row total"):
        protect_counts(
            make_leaves([[3, 20], [12, 7]]), "la", "quarter", "people", {LAS[0]: FORCE},
            {QUARTERS[0]: YEAR, QUARTERS[1]: YEAR}, {FORCE},
        )


def test_protect_counts_follows_the_policy():
    policy = dataclasses.replace(POLICY, suppress_max=9, rounding_base=10)
    out = protect([[9, 14], [12, 30]], policy=policy).set_index(["la", "quarter"])
    assert out.loc[(LAS[0], QUARTERS[0]), "suppression"] == "primary"
    assert out.loc[(LAS[1], QUARTERS[1]), "people"] == 30
    shown = out.loc[~out["is_total_row"], "shown"].dropna()
    assert (shown % 10 == 0).all() and not shown.between(1, 9).any()


# ------------------------------------------------------------------------------------
# Single counts and rounding
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, base, expected",
    [(0, 5, 0), (5, 5, 5), (7, 5, 5), (8, 5, 10), (12, 5, 10), (13, 5, 15)]
    + [(15, 10, 20), (14, 10, 10)],
)
def test_round_to_base_half_up(n, base, expected):
    assert round_to_base(n, base) == expected == math.floor(n / base + 0.5) * base


def test_protect_count():
    assert d.protect_count(3) is None
    assert d.protect_count(0) == 0
    assert d.protect_count(8) == 10
    assert d.protect_count(3, top_level=True) == 3


# ------------------------------------------------------------------------------------
# protect_rate: one example per rule
# ------------------------------------------------------------------------------------


def test_rate_small_denominator_is_suppressed_even_at_force_level():
    for top in (False, True):
        r = protect_rate(5, 9, top_level=top)
        assert (r.rate, r.symbol, r.numerator_shown) == (None, "[c]", None)
    assert protect_rate(5, 9, top_level=True).denominator_shown == 9
    assert protect_rate(5, 9).denominator_shown == 10  # a count: rounded below force level
    assert protect_rate(0, 3).denominator_shown is None  # a count of 1..4: suppressed


@pytest.mark.parametrize("num, den", [(3, 50), (1, 50), (47, 50), (46, 50)])
def test_rate_small_numerator_or_complement_is_suppressed_below_force(num, den):
    r = protect_rate(num, den)
    assert (r.rate, r.symbol, r.numerator_shown, r.denominator_shown) == (None, "[c]", None, 50)
    top = protect_rate(num, den, top_level=True)
    assert top.rate == pytest.approx(num / den)
    assert (top.symbol, top.numerator_shown, top.denominator_shown) == ("", num, den)


@pytest.mark.parametrize("num", [0, 50])
def test_rate_extreme_is_suppressed_below_force(num):
    assert protect_rate(num, 50).symbol == "[c]"
    assert protect_rate(num, 50, top_level=True).rate == num / 50
    lenient = dataclasses.replace(POLICY, suppress_extreme_rates=False)
    assert protect_rate(num, 50, policy=lenient).rate == num / 50


def test_rate_low_reliability_and_rounding_of_shown_counts():
    r = protect_rate(12, 29)
    assert r.symbol == "[u]" and r.rate == pytest.approx(12 / 29)
    assert (r.numerator_shown, r.denominator_shown) == (10, 30)
    assert "[u]" in r.reason
    ok = protect_rate(12, 30)
    assert (ok.symbol, ok.rate, ok.reason) == ("", 0.4, "Published.")
    assert isinstance(ok, ProtectedRate)


def test_rate_reason_does_not_reveal_which_rule_fired():
    cases = [(3, 50), (47, 50), (0, 50), (50, 50), (5, 8)]
    reasons = {protect_rate(n, den).reason for n, den in cases}
    assert len(reasons) == 1
    assert "[c]" in reasons.pop()


@pytest.mark.parametrize("num, den", [(6, 5), (-1, 10), (2.5, 10), (float("nan"), 10)])
def test_rate_rejects_impossible_counts(num, den):
    with pytest.raises(ValueError):
        protect_rate(num, den)


# ------------------------------------------------------------------------------------
# Formula injection
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_formula_each_leading_character(lead):
    text = lead + 'HYPERLINK("http://example.invalid","x")'
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize(
    "value", [5, -5, 0, 3.25, -2.5, None, "Dorset", "", "2023/24 Q1", "'=1+1", "a=b"]
)
def test_neutralise_formula_leaves_other_values_alone(value):
    assert neutralise_formula(value) is value


def test_neutralise_frame():
    df = pd.DataFrame(
        {
            "area": ["=cmd|' /C calc'!A0", "Dorset", None],
            "mixed": pd.Series(["@SUM(A1)", 7, None], dtype=object),
            "n": [-1, 2, 3],
            "cat": pd.Categorical(["+x", "y", "+x"]),
            "=label": [1.5, -2.0, 3.0],
        }
    )
    before = df.copy()
    out = neutralise_frame(df)
    pd.testing.assert_frame_equal(df, before)
    assert out["area"].tolist()[:2] == ["'=cmd|' /C calc'!A0", "Dorset"]
    assert pd.isna(out["area"].iloc[2])
    assert out["mixed"].tolist()[:2] == ["'@SUM(A1)", 7]
    assert out["n"].tolist() == [-1, 2, 3]
    assert out["cat"].tolist() == ["'+x", "y", "'+x"]
    assert "'=label" in out.columns and out["'=label"].tolist() == [1.5, -2.0, 3.0]


# ------------------------------------------------------------------------------------
# Policy file
# ------------------------------------------------------------------------------------


def test_load_policy_reads_the_repo_toml():
    p = load_policy()
    assert (p.suppress_min, p.suppress_max, p.rounding_base) == (1, 4, 5)
    assert (p.rate_min_denominator, p.rate_low_reliability_below) == (10, 30)
    assert p.suppress_extreme_rates is True
    assert p.symbol_meanings == SYMBOLS
    assert set(SYMBOLS) == {"[c]", "[x]", "[z]", "[u]", "[p]", "[r]", "[b]"}
    repo = Path(d.__file__).resolve().parent.parent
    assert d.DEFAULT_POLICY_PATH == repo / "config" / "disclosure.toml"
    assert load_policy(d.DEFAULT_POLICY_PATH) == p
    hash(p)  # frozen and hashable


GOOD = """
suppress_min = 1
suppress_max = 9
rounding_base = 10
rate_min_denominator = 20
rate_low_reliability_below = 50
suppress_extreme_rates = false
"""


def test_load_policy_custom_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(GOOD)
    p = load_policy(path)
    assert isinstance(p, Policy)
    assert (p.suppress_max, p.rounding_base, p.rate_min_denominator) == (9, 10, 20)
    assert p.suppress_extreme_rates is False
    assert p.symbol_meanings == SYMBOLS  # no [symbols] table: the standard ones
    assert protect_rate(12, 19, policy=p).symbol == "[c]"
    text = " ".join(policy_text(p))
    assert "1 to 9" in text and "nearest 10" in text and "fewer than 20" in text
    assert "0% and 100%" not in text


@pytest.mark.parametrize(
    "text",
    [
        GOOD.replace("suppress_max = 9", ""),  # missing
        GOOD + "supress_max = 4\n",  # typo / unknown
        GOOD.replace("suppress_min = 1", "suppress_min = 0"),
        GOOD.replace("rounding_base = 10", "rounding_base = 0"),
        GOOD.replace("suppress_max = 9", 'suppress_max = "4"'),
        GOOD.replace("suppress_extreme_rates = false", "suppress_extreme_rates = 1"),
    ],
)
def test_load_policy_rejects_bad_files(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(ValueError):
        load_policy(path)


def test_policy_text_default():
    lines = policy_text(POLICY)
    assert lines == policy_text()
    text = " ".join(lines)
    for fragment in ["1 to 4", "nearest 5", "[c]", "[u]", "fewer than 10", "fewer than 30"]:
        assert fragment in text
    assert "0% and 100%" in text
    assert all(line.endswith(".") for line in lines)


def test_module_does_not_import_streamlit():
    source = Path(d.__file__).read_text()
    assert "import streamlit" not in source and "from streamlit" not in source
