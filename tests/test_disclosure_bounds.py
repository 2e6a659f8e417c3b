"""Bounds audit: no primary [c] cell can be narrowed into 1-4 (issue 11, item 7).

The attacker here is written independently of cara_metrics: an integer program (scipy's
milp) over every additive relation of the published table, each rounded figure within its
rounding interval, exact force figures fixed, every count whole and non-negative. For each
primary-suppressed cell it finds the smallest and largest value the published figures
allow; the cell is narrowed when both lie in 1..4.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from scipy.optimize import Bounds, LinearConstraint, milp

from cara_metrics import disclosure_bounds
from cara_metrics.disclosure import load_policy, published_interval, rounding_text

from .test_disclosure import FORCE, LAS, QUARTERS, matrices, protect, relation_matrix

POLICY = load_policy()


def attacker_range(a: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int) -> tuple[int, int]:
    """Smallest and largest whole value of x_k with a @ x == 0 and lo <= x <= hi."""
    n = a.shape[1]
    cons = [LinearConstraint(a, 0, 0)] if len(a) else []
    cap = np.where(np.isinf(hi), 10_000, hi)  # far above any count in these tables
    out = []
    for sign in (1, -1):
        c = np.zeros(n)
        c[k] = sign
        res = milp(c, constraints=cons, bounds=Bounds(lo, cap), integrality=np.ones(n))
        assert res.status == 0, res.message
        out.append(int(round(res.x[k])))
    return out[0], out[1]


def reader_bounds(out: pd.DataFrame, top_level: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of each cell: exact at force level, the rounding interval
    below it, and only 'whole and not negative' for [c]."""
    lo, hi = np.zeros(len(out)), np.full(len(out), np.inf)
    for i, (shown, top) in enumerate(zip(out["shown"], out["is_total_row"])):
        if pd.isna(shown):
            continue
        if top and top_level:
            lo[i] = hi[i] = int(shown)
        else:
            lo[i], hi[i] = published_interval(int(shown), POLICY)
    return lo, hi


def narrowed_cells(out: pd.DataFrame, top_level: bool = True) -> list[tuple]:
    a = relation_matrix(out)
    lo, hi = reader_bounds(out, top_level)
    found = []
    for k in np.flatnonzero((out["suppression"] == "primary").to_numpy()):
        low, high = attacker_range(a, lo, hi, k)
        assert low <= out["people"].iloc[k] <= high  # the truth is always possible
        if 1 <= low and high <= 4:
            found.append((out["la"].iloc[k], out["quarter"].iloc[k], low, high))
    return found


# 80 examples keep this under 30 s on 2 cores; set CARA_BOUNDS_EXAMPLES for a deeper search.
PROPS = settings(max_examples=int(os.environ.get("CARA_BOUNDS_EXAMPLES", "80")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def test_published_interval_knows_the_policy():
    assert published_interval(0, POLICY) == (0, 0)    # 1 and 2 would be [c]
    assert published_interval(5, POLICY) == (5, 7)    # 3 and 4 would be [c]
    assert published_interval(10, POLICY) == (8, 12)
    assert published_interval(15, POLICY) == (13, 17)


@PROPS
@given(matrices())
@example([[0, 0], [1, 4]])
def test_no_primary_cell_can_be_narrowed_to_1_to_4(matrix):
    """One table as publish protects it (protect_counts, then the release-wide rank test
    and bounds audit in Cells.finalise): the independent attacker narrows no [c] to 1..4.

    protect_counts alone does not promise this: hypothesis found [[0, 0], [1, 4]], where
    the first council's published year total of 0 pins its hidden quarters to 0 and so the
    second council's first quarter to exactly 1. The bounds audit in publish catches it."""
    quarters = [row + [0] * (4 - len(row)) for row in matrix]
    try:
        cells = linked_cells(quarters, [[sum(row), 0, 0, 0] for row in quarters])
    except publish.PublishError as exc:  # refusing to publish is safe, and must say why
        assert "Nothing was published" in str(exc)
        return
    assert linked_narrowed(cells) == []


def test_the_attacker_finds_a_narrowed_cell_when_there_is_one():
    """Sanity check of the test: a pattern that passes the rank test but not the bounds.

    LA1 Q1 = 3 and LA1 Q2 = 6 are hidden; the force's Q1 and Q2 are exact, LA2 Q1 = 0 and
    LA2 Q2 = 0 are published. LA1's year total 9 is shown as 10 (8..12). No cell is pinned
    by differencing (the force row fixes each hidden cell, but hide the force cells too and
    only their sum is known)... so build it by hand: hide LA1 Q1, LA1 Q2 and both force
    quarters; the force year (9, exact) and LA1's year (10: 8..12) remain. Then
    LA1 Q1 + LA1 Q2 = 9 with both >= 0: LA1 Q1 ranges over 0..9 (safe). Now publish LA1 Q2
    as 5 (5..7): LA1 Q1 = 9 - (5..7) = 2..4, narrowed.
    """
    out = protect([[3, 6], [0, 0]])
    out = out.copy()
    hide = {(LAS[0], QUARTERS[0]), (FORCE, QUARTERS[0]), (FORCE, QUARTERS[1])}
    for i, key in enumerate(zip(out["la"], out["quarter"])):
        if key in hide:
            out.loc[i, "shown"] = pd.NA
            out.loc[i, "suppression"] = "primary" if key == (LAS[0], QUARTERS[0]) else "secondary"
        elif key == (LAS[0], QUARTERS[1]):
            out.loc[i, "shown"], out.loc[i, "suppression"] = 5, ""
    assert narrowed_cells(out) == [(LAS[0], QUARTERS[0], 2, 4)]


def test_module_audit_agrees_with_the_independent_attacker():
    """cara_metrics.disclosure_bounds.narrowed finds the same cell with the same range."""
    out = protect([[3, 6], [0, 0]]).copy()
    hide = {(LAS[0], QUARTERS[0]), (FORCE, QUARTERS[0]), (FORCE, QUARTERS[1])}
    for i, key in enumerate(zip(out["la"], out["quarter"])):
        if key in hide:
            out.loc[i, "shown"] = pd.NA
        elif key == (LAS[0], QUARTERS[1]):
            out.loc[i, "shown"] = 5
    lo, hi = reader_bounds(out)
    k = next(i for i, key in enumerate(zip(out["la"], out["quarter"])) if key == (LAS[0], QUARTERS[0]))
    found = disclosure_bounds.narrowed(relation_matrix(out), lo, hi, np.array([k]), (1, 4))
    assert [(r.index, r.low, r.high) for r in found] == [(k, 2, 4)]
    # Widen LA1 Q2 to 'hidden' and the cell is safe again.
    lo2, hi2 = lo.copy(), hi.copy()
    j = next(i for i, key in enumerate(zip(out["la"], out["quarter"])) if key == (LAS[0], QUARTERS[1]))
    lo2[j], hi2[j] = 0, np.inf
    assert disclosure_bounds.narrowed(relation_matrix(out), lo2, hi2, np.array([k]), (1, 4)) == []


@pytest.mark.parametrize("policy_min,policy_max", [(1, 4)])
def test_rounding_text_is_honest_about_limits(policy_min, policy_max):
    text = " ".join(rounding_text(POLICY))
    assert f"{policy_min} to {policy_max}" in text
    assert "not" in text and "exact" in text and "two releases" in text and "total is 0" in text


# ------------------------------------------------------------------------------------
# Publish: linked tables (referrals by quarter; the same people by outcome)
# ------------------------------------------------------------------------------------

from cara_metrics import publish  # noqa: E402

from .test_publish import linked_cells, linked_tables  # noqa: E402


def linked_narrowed(cells: publish.Cells) -> list[tuple]:
    """The independent attacker over the released figures of two linked tables."""
    f = cells.frame
    las = [la.code for la in cells.force.las]
    qs, outs = [f"Y Q{i}" for i in range(1, 5)], [f"Y|{o}" for o in publish.OUTCOMES]
    keys: dict[tuple, int] = {}
    lo: list[float] = []
    hi: list[float] = []
    truth, primary = {}, set()
    for r in f.itertuples():
        key = ("ref", r.row, "Y") if (r.table == "outcomes" and r.is_total_col) else (
            ("ref", r.row, r.col) if r.table == "referrals" else ("out", r.row, r.col))
        if key not in keys:
            keys[key] = len(keys)
            lo.append(0.0)
            hi.append(np.inf)
        k = keys[key]
        truth[key] = r.value
        if r.suppression == "primary":
            primary.add(key)
        if pd.notna(r.shown):
            lo[k], hi[k] = (r.shown, r.shown) if r.is_total_row else published_interval(int(r.shown), POLICY)
    eqs = []
    for row in ["F", *las]:
        eqs.append(([("ref", row, q) for q in qs], ("ref", row, "Y")))
        eqs.append(([("out", row, c) for c in outs], ("ref", row, "Y")))
    for c in [*qs, "Y"]:
        eqs.append(([("ref", la, c) for la in las], ("ref", "F", c)))
    for c in outs:
        eqs.append(([("out", la, c) for la in las], ("out", "F", c)))
    a = np.zeros((len(eqs), len(keys)))
    for i, (parts, total) in enumerate(eqs):
        for p in parts:
            a[i, keys[p]] += 1
        a[i, keys[total]] -= 1
    lo_a, hi_a = np.array(lo), np.array(hi)
    found = []
    for key in sorted(primary):
        low, high = attacker_range(a, lo_a, hi_a, keys[key])
        assert low <= truth[key] <= high
        if 1 <= low and high <= 4:
            found.append((key, low, high))
    return found


def test_publish_hides_more_when_a_primary_cell_could_be_narrowed():
    """Found by search: the rank test passes, yet rounding intervals, non-negativity and the
    exact force totals narrow LA2's first quarter (2 people) to 1..3. Fails on the code
    before the bounds audit; publish now hides more until no primary cell is narrowed."""
    quarters = [[1, 5, 0, 1], [0, 5, 1, 15], [2, 1, 2, 4]]
    outcomes = [[2, 1, 2, 2], [4, 11, 3, 3], [8, 1, 0, 0]]
    cells = linked_cells(quarters, outcomes)
    assert publish.derivable(cells.frame) == []
    assert linked_narrowed(cells) == []
    # Still every small count hidden, and nothing of 1..4 shown below force level.
    below = cells.frame[~cells.frame["is_total_row"] & cells.frame["shown"].notna()]
    assert not below["shown"].between(1, 4).any()


@settings(max_examples=int(os.environ.get("CARA_BOUNDS_EXAMPLES", "80")) // 3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables())
def test_linked_tables_no_primary_cell_narrowed(data):
    cells = linked_cells(*data)
    assert linked_narrowed(cells) == []


def test_prior_release_figures_are_used_only_when_they_still_fit():
    """A previous release's figure joins the audit only if today's true values fit it."""
    cells = linked_cells([[1, 5, 0, 1], [0, 5, 1, 15], [2, 1, 2, 4]], [[2, 1, 2, 2], [4, 11, 3, 3], [8, 1, 0, 0]])
    v = cells.values["referred|LA1|Y"]
    cells.prior([(("referred|LA1|Y",), v - 2, v + 2), (("referred|LA0|Y",), 1000, 1005)])
    names, a, lo, hi, _ = cells.system()
    prior = [n for n in names if n.startswith("previous release: ")]
    assert prior == ["previous release: referred|LA1|Y"]


def test_publish_refuses_with_a_clear_message_when_it_cannot_protect(monkeypatch):
    """If more suppression cannot stop a narrowing, nothing is published and the message says why."""
    from cara_metrics import disclosure_bounds

    monkeypatch.setattr(disclosure_bounds, "narrowed",
                        lambda a, lo, hi, t, s: [disclosure_bounds.Narrowed(int(t[0]), 2, 3)] if len(t) else [])
    with pytest.raises(publish.PublishError, match=r"narrowed to between 1 and 4 people.*Nothing was published"):
        linked_cells([[3, 20, 20, 20], [20, 20, 20, 20]], [[43, 20, 0, 0], [40, 20, 20, 0]])


def test_second_publish_audits_with_the_previous_release(tmp_path, monkeypatch):
    """A second publish feeds the first release's published counts into the bounds audit."""
    import datetime as dt
    import shutil

    from cara_metrics import warehouse
    from cara_metrics.dataroot import DEFAULT_DATA_DIR

    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root, ignore=shutil.ignore_patterns("release"))
    seen: list[int] = []
    real = publish.Cells.finalise

    def spy(self, *args, **kwargs):
        seen.append(len(self._prior))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(publish.Cells, "finalise", spy)
    try:
        publish.build_release(root, dt.date(2025, 6, 30))
        assert seen == [0]  # no previous release
        publish.build_release(root, dt.date(2025, 9, 30))
        assert seen[1] > 100  # the first release's counts, linked to today's statistics
    finally:
        warehouse.clear_cache()


def test_methodology_page_says_what_rounding_protects():
    from cara_metrics.public.methodology import methodology_sections

    sections = dict(methodology_sections())
    assert sections["What rounding and suppression protect"] == " ".join(rounding_text())
