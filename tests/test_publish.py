"""The public release: disclosure control, totals, the manifest, revisions, independence.

The differencing check is written independently of cara_metrics.publish: it rebuilds every
additive relation a reader can see in the RELEASED tables (local authorities add up to the
force; quarters add up to the year; outcomes add up to the people referred; closed cases
are completed + breached + withdrawn; a cohort's years add up to all its years; the CARA
cohort of a year is the people referred that year) and asks numpy, by a rank test as in
tests/test_disclosure.py, whether any suppressed figure is pinned down by the published ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cara_metrics import disclosure, publish, public, registry, warehouse
from cara_metrics.analysis import reoffending
from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version, list_versions, write_version
from cara_metrics.periods import Filters
from cara_metrics.publish import sources

from .conftest import BCP, CSP_BOURNEMOUTH, CSP_DORSET, CSP_POOLE, DORSET, FORCE

RELEASE_DATE = dt.date(2025, 6, 30)
LAS = (BCP, DORSET)
PEOPLE_TABLES = ("referrals", "outcomes", "survey", "reoffending")


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A private copy of the demo data root with one release built from it."""
    root = tmp_path_factory.mktemp("pub") / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root, ignore=shutil.ignore_patterns("release"))  # start with no release
    publish.build_release(root, RELEASE_DATE)
    yield root
    warehouse.clear_cache()


def release_tables(root: Path) -> dict[str, pd.DataFrame]:
    v = live_version(root, "release")
    return {p.stem: pd.read_parquet(p) for p in v.path.glob("*.parquet")}


def all_rows(root: Path) -> pd.DataFrame:
    t = release_tables(root)
    return pd.concat([t[n].assign(table=n) for n in publish.TABLES], ignore_index=True)


# ------------------------------------------------------------------------------------
# Counts of people below force level
# ------------------------------------------------------------------------------------


def test_no_released_people_count_of_1_to_4_below_force_and_all_multiples_of_5(released):
    rows = all_rows(released)
    people = rows[(rows["unit"] == "people") & (rows["area_type"] != "force") & rows["shown"].notna()]
    assert len(people) > 150  # the two councils' rows (the CSPs share BCP and publish none)
    assert not people["shown"].between(1, 4).any()
    assert (people["shown"] % 5 == 0).all(), people[people["shown"] % 5 != 0]


def test_suppressed_figures_have_no_value_and_carry_c(released):
    rows = all_rows(released)
    c = rows["symbol"].str.contains(r"\[c\]", regex=True)
    assert c.any()
    assert rows.loc[c, "shown"].isna().all()
    # Nothing is null without a symbol saying why.
    assert (rows.loc[rows["shown"].isna(), "symbol"].str.len() > 0).all()


def test_release_never_holds_unrounded_values(released):
    for name, t in release_tables(released).items():
        if name in publish.TABLES:
            assert list(t.columns) == list(publish.COLUMNS), name


def test_partnerships_sharing_a_council_publish_no_people_figures(released):
    """BCP sits in three CSPs (ONS lookup), so figures held by council are published for the
    councils and the force only: no CSP row in any table."""
    t = release_tables(released)
    for name in publish.TABLES:
        assert not t[name]["area_code"].isin([CSP_BOURNEMOUTH, CSP_POOLE, CSP_DORSET]).any(), name
    assert sorted(t["areas"]["area_code"]) == [BCP, DORSET, FORCE]
    for name in PEOPLE_TABLES:
        assert set(t[name]["area_code"]) == {FORCE, BCP, DORSET}, name


def test_force_level_counts_are_exact_and_equal_the_registered_metric_queries(released):
    t = release_tables(released)
    f = Filters.financial_years(2019, 2024, FORCE)
    ref = warehouse.query("referrals_by_period", f.params(grain="year"), root=released)
    years = t["referrals"][(t["referrals"]["area_code"] == FORCE) & (t["referrals"]["period_type"] == "financial year")]
    assert years["shown"].astype(int).tolist() == ref["referrals"].astype(int).tolist()
    comp = warehouse.query("completion_by_period", f.params(grain="year"), root=released)
    out = t["outcomes"]
    done = out[(out["area_code"] == FORCE) & (out["category"] == "completed")]["shown"].astype(int).tolist()
    assert done == comp["completed"].astype(int).tolist()
    crime = warehouse.query("crime_by_period", Filters.financial_years(2016, 2024, FORCE).params(grain="year"), root=released)
    c = t["crime"]
    da = c[(c["area_code"] == FORCE) & (c["period_type"] == "financial year") & (c["measure"] == "da_crimes")]
    assert da["shown"].astype(int).tolist() == crime["da_offences"].astype(int).tolist()
    assert int(da[da["period"] == "2018/19"]["shown"].iloc[0]) == 6871  # the published Dorset figure


def test_force_reoffending_equals_the_dashboard_comparison(released):
    t = release_tables(released)["reoffending"]
    pooled = t.loc[t["period_type"] == "financial years", "period"].iloc[0]
    assert pooled == "2019/20 to 2022/23"  # cohorts whose 18-month follow-up has ended by 31 March 2025
    c = reoffending.compare(Filters.financial_years(2019, 2022, FORCE), root=released)
    row = t[(t["area_code"] == FORCE) & (t["period"] == pooled)]
    get = lambda m, cat: float(row[(row["measure"] == m) & (row["category"] == cat)]["shown"].iloc[0])  # noqa: E731
    assert get("people", "cara") == c.cara_n
    assert get("reoffending_rate", "cara") == round(100 * c.cara_rate, 1)
    assert get("difference", "difference") == round(100 * c.difference.estimate, 1)
    assert get("difference_high", "difference") == round(100 * c.difference.high, 1)


def test_totals_come_from_unrounded_values(released):
    """A local authority's year is its exact quarters added up, then rounded, not the sum of rounded quarters."""
    t = release_tables(released)["referrals"]
    seen_difference = False
    for la in LAS:
        true = warehouse.query("referrals_by_period", Filters.financial_years(2019, 2024, la).params(grain="quarter"),
                               root=released)
        true["fy"] = [publish.financial_year_label(publish.fy_of(pd.Timestamp(d).date())) for d in true["period_start"]]
        for fy, exact in true.groupby("fy")["referrals"].sum().items():
            row = t[(t["area_code"] == la) & (t["period"] == fy)].iloc[0]
            if pd.notna(row["shown"]):
                assert row["shown"] == disclosure.round_to_base(int(exact), 5)
            quarters = t[(t["area_code"] == la) & (t["financial_year"] == fy) & (t["period_type"] == "quarter")]
            if quarters["shown"].notna().all() and quarters["shown"].sum() != row["shown"]:
                seen_difference = True
    assert seen_difference, "expected at least one year whose rounded quarters do not add up to its rounded total"


def test_every_published_rate_rests_on_published_counts(released):
    t = release_tables(released)
    o = t["outcomes"]
    for (area, period), g in o.groupby(["area_code", "period"]):
        rate = g[g["measure"] == "completion_rate"]["shown"].iloc[0]
        if pd.notna(rate):
            assert g[g["measure"] == "closed_cases"]["shown"].notna().all()
            assert g[g["category"] == "completed"]["shown"].notna().all()
            if g["area_type"].iloc[0] != "force":  # below force level: the rate of the published counts
                closed = g[g["measure"] == "closed_cases"]["shown"].iloc[0]
                done = g[g["category"] == "completed"]["shown"].iloc[0]
                assert rate == np.floor(100 * done / closed + 0.5)
    s = t["survey"]
    for _, g in s.groupby(["area_code", "period", "category"]):
        if pd.notna(g[g["measure"] == "agree_pct"]["shown"].iloc[0]):
            assert g[g["measure"] == "respondents"]["shown"].notna().all()
    r = t["reoffending"]
    for _, g in r[r["category"].isin(["cara", "comparison"])].groupby(["area_code", "period", "category"]):
        if pd.notna(g[g["measure"] == "reoffending_rate"]["shown"].iloc[0]):
            assert g[g["measure"] == "people"]["shown"].notna().all()


def test_rates_follow_the_rate_rules(released):
    rows = all_rows(released)
    pct = rows[(rows["unit"] == "percent") & rows["shown"].notna() & (rows["area_type"] != "force")
               & ~rows["metric_id"].isin(["da_share"])]
    assert len(pct) > 40
    assert not pct["shown"].isin([0, 100]).any()  # no 0% or 100% below force level
    assert (pct["shown"] == pct["shown"].round(0)).all()  # whole percentages below force level


# ------------------------------------------------------------------------------------
# Differencing: an independent rank test over every relation a reader can see
# ------------------------------------------------------------------------------------


class System:
    """Additive relations between released figures (force and local authorities only)."""

    def __init__(self) -> None:
        self.vars: dict[tuple, int] = {}
        self.known: dict[tuple, bool] = {}
        self.suppressed: set[tuple] = set()
        self.eqs: list[dict[tuple, int]] = []

    def var(self, key: tuple, shown: object, symbol: str = "", known: bool | None = None) -> tuple:
        self.vars.setdefault(key, len(self.vars))
        k = pd.notna(shown) if known is None else known
        self.known[key] = self.known.get(key, False) or bool(k)
        if "[c]" in str(symbol):
            self.suppressed.add(key)
        return key

    def eq(self, plus: list[tuple], minus: list[tuple]) -> None:
        e: dict[tuple, int] = {}
        for k in plus:
            e[k] = e.get(k, 0) + 1
        for k in minus:
            e[k] = e.get(k, 0) - 1
        self.eqs.append(e)

    def derivable(self) -> list[tuple]:
        hidden = [k for k in self.vars if not self.known[k]]
        col = {k: i for i, k in enumerate(hidden)}
        a = np.zeros((len(self.eqs), len(hidden)))
        for r, e in enumerate(self.eqs):
            for k, c in e.items():
                if k in col:
                    a[r, col[k]] += c
        base = np.linalg.matrix_rank(a)
        out = []
        for k in hidden:
            if k in self.suppressed:
                unit = np.zeros((1, len(hidden)))
                unit[0, col[k]] = 1
                if np.linalg.matrix_rank(np.vstack([a, unit])) == base:
                    out.append(k)
        return out


def build_system(tables: dict[str, pd.DataFrame]) -> System:
    s = System()
    areas = [FORCE, *LAS]

    def rows(name: str, **eq) -> pd.DataFrame:
        t = tables[name]
        m = t["area_code"].isin(areas)
        for k, v in eq.items():
            m &= t[k] == v
        return t[m]

    # Referrals: quarters -> year; authorities -> force.
    ref = rows("referrals")
    for r in ref.itertuples():
        s.var(("referred", r.area_code, r.period), r.shown, r.symbol)
    for fy in ref.loc[ref["period_type"] == "financial year", "period"].unique():
        qs = [f"{fy} Q{q}" for q in range(1, 5)]
        for a in areas:
            s.eq([("referred", a, q) for q in qs], [("referred", a, fy)])
        for p in [*qs, fy]:
            s.eq([("referred", la, p) for la in LAS], [("referred", FORCE, p)])
    # Outcomes: outcomes -> people referred (the same figure as the referrals year total);
    # closed cases = completed + breached + withdrawn; the completion rate implies nothing more.
    out = rows("outcomes")
    for r in out.itertuples():
        if r.measure == "people":
            key = ("referred", r.area_code, r.period) if r.category == "all" else ("outcome", r.category, r.area_code, r.period)
            s.var(key, r.shown, r.symbol)
        elif r.measure == "closed_cases":
            s.var(("closed", r.area_code, r.period), r.shown, r.symbol)
    for fy in out["period"].unique():
        for a in areas:
            s.eq([("outcome", o, a, fy) for o in publish.OUTCOMES], [("referred", a, fy)])
            s.eq([("outcome", o, a, fy) for o in ("completed", "breached", "withdrawn")], [("closed", a, fy)])
        for o in publish.OUTCOMES:
            s.eq([("outcome", o, la, fy) for la in LAS], [("outcome", o, FORCE, fy)])
    # Survey: respondents, and the number agreeing that a published percentage implies.
    sv = rows("survey")
    for (q, fy), g in sv.groupby(["category", "period"]):
        for a in areas:
            n = g[(g["area_code"] == a) & (g["measure"] == "respondents")].iloc[0]
            pct = g[(g["area_code"] == a) & (g["measure"] == "agree_pct")].iloc[0]
            s.var(("resp", q, a, fy), n["shown"], n["symbol"])
            s.var(("agree", q, a, fy), pct["shown"], pct["symbol"])
        s.eq([("resp", q, la, fy) for la in LAS], [("resp", q, FORCE, fy)])
        s.eq([("agree", q, la, fy) for la in LAS], [("agree", q, FORCE, fy)])
    # Reoffending: cohort sizes and the reoffenders a published rate implies; a year's CARA
    # cohort is the people referred that year; the years add up to the pooled cohort.
    ro = rows("reoffending")
    pooled = ro.loc[ro["period_type"] == "financial years", "period"].iloc[0]
    years = ro.loc[ro["period_type"] == "financial year", "period"].unique().tolist()
    for r in ro[ro["category"].isin(["cara", "comparison"])].itertuples():
        if r.measure == "people":
            key = ("referred", r.area_code, r.period) if r.category == "cara" and r.period in years else ("cohort", r.category, r.area_code, r.period)
            s.var(key, r.shown, r.symbol)
        elif r.measure == "reoffending_rate":
            s.var(("reoff", r.category, r.area_code, r.period), r.shown, r.symbol)
    for a in areas:
        s.eq([("referred", a, y) for y in years], [("cohort", "cara", a, pooled)])
        s.eq([("reoff", "cara", a, y) for y in years], [("reoff", "cara", a, pooled)])
    for p in [*years, pooled]:
        s.eq([("reoff", "cara", la, p) for la in LAS], [("reoff", "cara", FORCE, p)])
    s.eq([("cohort", "cara", la, pooled) for la in LAS], [("cohort", "cara", FORCE, pooled)])
    comp = ro.loc[ro["category"] == "comparison", "period"].iloc[0]
    s.eq([("cohort", "comparison", la, comp) for la in LAS], [("cohort", "comparison", FORCE, comp)])
    s.eq([("reoff", "comparison", la, comp) for la in LAS], [("reoff", "comparison", FORCE, comp)])
    return s


def test_no_suppressed_figure_can_be_worked_out_by_differencing(released):
    s = build_system(release_tables(released))
    assert s.suppressed, "the demo release should suppress something"
    assert s.derivable() == []


def test_the_rank_check_would_catch_a_leak(released):
    """Sanity check of the test itself: publish one suppressed cell's partner and it is derivable."""
    t = release_tables(released)
    ref = t["outcomes"].copy()
    hidden = ref[ref["symbol"].str.contains(r"\[c\]", regex=True) & (ref["area_code"] == BCP) & (ref["measure"] == "people")]
    assert len(hidden) >= 2
    # Reveal all but one hidden cell of the row: the last becomes derivable from the row total.
    reveal = hidden.index[1:]
    ref.loc[reveal, "shown"] = 1.0
    ref.loc[reveal, "symbol"] = ""
    s = build_system({**t, "outcomes": ref})
    assert s.derivable()


def test_module_check_agrees_on_a_hand_built_leak():
    """publish.derivable flags a suppressed cell that totals give away, and clears a safe pattern."""
    rows, cols = ["A", "B", "F"], ["Q1", "Q2", "Y"]
    cells = pd.DataFrame([{"table": "t", "block": "Y", "row": r, "col": c, "canon": f"{r}{c}",
                           "is_total_col": c == "Y", "is_total_row": r == "F", "suppression": "", "published": True}
                          for r in rows for c in cols])
    sup = lambda *keys: cells.assign(suppression=["primary" if k in keys else "" for k in cells["canon"]])  # noqa: E731
    assert publish.derivable(sup("AQ1")) == ["AQ1"]
    assert sorted(publish.derivable(sup("AQ1", "AQ2"))) == ["AQ1", "AQ2"]  # the column totals give both away
    assert publish.derivable(sup("AQ1", "AQ2", "BQ1", "BQ2")) == []


# ------------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------------


def test_manifest_fields(released):
    m = live_version(released, "release").manifest
    assert m["release_date"] == "2025-06-30"
    assert m["data_as_at"] == "2025-03-31"
    assert m["next_update"] == "2025-09-30"
    assert m["period_covered"]["from"] == "2016/17" and m["period_covered"]["to"] == "2024/25"
    assert m["period_covered"]["cara_from"] == "2019/20"
    assert m["synthetic"] is True
    assert m["previous_release"] is None and m["revisions"]["count"] == 0
    assert [b["date"] for b in m["breaks_in_series"]] == ["2019-04-01"]
    policy = disclosure.load_policy()
    assert m["policy"]["suppress_max"] == policy.suppress_max and m["policy"]["rounding_base"] == policy.rounding_base
    assert m["policy"]["text"] == disclosure.policy_text(policy)
    s = m["suppression"]
    assert s["primary"] >= 1 and s["secondary"] >= 1
    assert set(m["tables"]) == set(publish.TABLES)
    for spec in m["tables"].values():
        for mid in spec["metric_ids"]:
            registry.get(mid)


def test_every_row_names_a_registered_metric(released):
    rows = all_rows(released)
    assert set(rows["metric_id"]) <= set(registry.METRICS)


def test_breaks_in_series_are_marked_b(released):
    crime = release_tables(released)["crime"]
    b = crime[crime["symbol"].str.contains(r"\[b\]", regex=True)]
    assert set(b["period"]) == {"2019/20", "2019/20 Q1"}


# ------------------------------------------------------------------------------------
# Revisions on a second release
# ------------------------------------------------------------------------------------


def _new_warehouse_with_closed_cases(root: Path, n: int = 12) -> None:
    """A new warehouse version in which n in-progress cases of 2024/25 have completed."""
    v = live_version(root, "warehouse")
    tables = {p.stem: pq.read_table(p) for p in v.path.glob("*.parquet")}
    ref = tables["referrals"].to_pandas()
    ids = ref.index[(ref["outcome"] == "in_progress") & (ref["area_code"] == BCP)][:n]
    ref.loc[ids, "outcome"] = "completed"
    ref.loc[ids, "workshop1_date"] = ref.loc[ids, "workshop1_date"].fillna(dt.date(2025, 3, 1))
    ref.loc[ids, "workshop2_date"] = dt.date(2025, 3, 29)
    ref.loc[ids, "outcome_date"] = dt.date(2025, 3, 29)
    tables["referrals"] = pa.Table.from_pandas(ref, schema=tables["referrals"].schema, preserve_index=False)
    write_version(root, "warehouse", tables, {**v.manifest, "created_at": "test: cases closed"})


def test_second_release_marks_and_lists_revisions(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root, ignore=shutil.ignore_patterns("release"))
    first = publish.build_release(root, RELEASE_DATE)
    _new_warehouse_with_closed_cases(root)
    second = publish.build_release(root, dt.date(2025, 9, 30))
    warehouse.clear_cache()
    assert list_versions(root, "release") == ["r0001", "r0002"]
    m = second.manifest
    assert m["previous_release"] == "r0001" and m["revisions"]["compared_with"] == "r0001"
    assert m["revisions"]["count"] == len(m["revisions"]["cells"]) > 0
    old = pd.read_parquet(first.table_path("outcomes"))
    new = pd.read_parquet(second.table_path("outcomes"))
    both = new.merge(old, on=list(publish.CELL_KEY), suffixes=("", "_old"))
    changed = (both["shown"].fillna(-1) != both["shown_old"].fillna(-1))
    assert changed.any()
    assert both.loc[changed, "symbol"].str.contains(r"\[r\]", regex=True).all()
    assert not both.loc[~changed, "symbol"].str.contains(r"\[r\]", regex=True).any()
    # Only 2024/25 outcomes changed; referrals did not.
    assert set(both.loc[changed, "period"]) == {"2024/25"}
    refs = pd.read_parquet(second.table_path("referrals"))
    assert not refs["symbol"].str.contains(r"\[r\]", regex=True).any()
    listed = pd.read_parquet(second.table_path("revisions"))
    assert len(listed) == m["revisions"]["count"] == int(changed.sum()) + _other_revisions(root, first, second)
    assert set(listed["table"]) <= set(publish.TABLES)


def _other_revisions(root: Path, first, second) -> int:
    n = 0
    for name in publish.TABLES:
        if name == "outcomes":
            continue
        a, b = pd.read_parquet(first.table_path(name)), pd.read_parquet(second.table_path(name))
        both = b.merge(a, on=list(publish.CELL_KEY), suffixes=("", "_old"))
        n += int((both["shown"].fillna(-1) != both["shown_old"].fillna(-1)).sum())
    return n


# ------------------------------------------------------------------------------------
# The release stands alone
# ------------------------------------------------------------------------------------


def test_release_works_with_the_warehouse_deleted(tmp_path):
    from cara_metrics import export
    from cara_metrics.dataroot import DataRootError

    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root, ignore=shutil.ignore_patterns("release"))
    publish.build_release(root, RELEASE_DATE)
    shutil.rmtree(root / "warehouse")
    warehouse.clear_cache()
    with pytest.raises(DataRootError):
        warehouse.query("referrals_by_period", {}, root=root)
    info = public.release_info(root)
    assert info.synthetic and info.data_as_at == dt.date(2025, 3, 31)
    tiles = public.headline_tiles(FORCE, "2024/25", root)
    assert [t.value_text for t in tiles][1] == "242"
    for area in (FORCE, BCP, DORSET):
        for builders in public.panels(area, "2023/24", root).values():
            for build in builders:
                p = build()
                assert p.title and p.subtitle and len(p.table)
    for name in publish.TABLES:
        assert len(export.downloads(name, root)) == 3
    warehouse.clear_cache()


def test_forces_without_a_crime_extract_are_left_out_never_zero(tmp_path):
    """A force that loads ONS's national lookup (43 forces) with only its own extract: the other
    42 forces were published as zero crimes. Now the release holds only forces whose crime
    extract is loaded, and its notes say which were left out."""
    from cara_metrics import cli

    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root, ignore=shutil.ignore_patterns("release"))
    lookup = (Path(__file__).parent / "data" / "public"
              / "Local_Authority_District_to_CSPs_to_Police_Force_Areas_(December__2023)_Lookup_.csv")
    assert cli.main(["ingest", "--data-dir", str(root), "--quiet", str(lookup)]) == 0
    warehouse.clear_cache()
    publish.build_release(root, RELEASE_DATE)
    t = release_tables(root)
    assert set(t["crime"]["area_code"]) == {FORCE, *LAS}
    assert set(t["areas"]["area_code"]) == {FORCE, *LAS}
    notes = [n for n in live_version(root, "release").manifest["notes"] if "no crime extract" in n]
    assert len(notes) == 1 and notes[0].startswith("42 police force areas") and "Metropolitan Police" not in notes[0]
    assert "Avon and Somerset" in notes[0] and "never a zero" in notes[0]
    warehouse.clear_cache()


def test_publish_refuses_without_a_warehouse(tmp_path):
    from cara_metrics.dataroot import DataRootError

    with pytest.raises(DataRootError):
        publish.build_release(tmp_path / "empty", RELEASE_DATE)
    assert not (tmp_path / "empty" / "release").exists()


# ------------------------------------------------------------------------------------
# The command
# ------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cara_metrics")
    publish.register(p.add_subparsers(dest="command", required=True))
    return p


def test_publish_command(tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root, ignore=shutil.ignore_patterns("release"))
    args = _parser().parse_args(["publish", "--data-dir", str(root), "--release-date", "2025-06-30"])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    assert "primary" in out and "secondary" in out and "SYNTHETIC" in out
    assert live_version(root, "release").manifest["release_date"] == "2025-06-30"
    warehouse.clear_cache()


def test_publish_command_usage_and_refusal(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        _parser().parse_args(["publish", "--data-dir", str(tmp_path), "--release-date", "30/06/2025"])
    assert exc.value.code == 2
    args = _parser().parse_args(["publish", "--data-dir", str(tmp_path / "nothing")])
    assert args.run(args) == 1
    assert "ingest" in capsys.readouterr().err


# ------------------------------------------------------------------------------------
# Property: two tables cut from the same people, protected together, leak nothing
# ------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

small = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(7, 60))


@st.composite
def linked_tables(draw):
    """Referrals by quarter for 2-3 authorities, and the same people split by outcome."""
    n_las = draw(st.integers(2, 3))
    quarters = [[draw(small) for _ in range(4)] for _ in range(n_las)]
    outcomes = []
    for q in quarters:
        total, parts = sum(q), []
        for _ in range(3):
            k = draw(st.integers(0, total - sum(parts)))
            parts.append(k)
        parts.append(total - sum(parts))
        outcomes.append(parts)
    return quarters, outcomes


def linked_cells(quarters, outcomes) -> publish.Cells:
    """Referrals by quarter and the same people by outcome, protected together as publish does."""
    las = [publish.Area(f"LA{i}", f"LA {i}", "local_authority", "F") for i in range(len(quarters))]
    force = publish.Force(publish.Area("F", "Force", "force", None), tuple(las), (), {"F": tuple(a.code for a in las)}, {})
    cells = publish.Cells(force, disclosure.load_policy())
    qs = [f"Y Q{i}" for i in range(1, 5)]
    cells.protect("referrals", pd.DataFrame([{"row": la.code, "col": q, "value": v}
                                             for la, row in zip(las, quarters) for q, v in zip(qs, row)]),
                  {q: "Y" for q in qs}, lambda r, c, tot, v: f"referred|{r}|{c}")
    cols = [f"Y|{o}" for o in publish.OUTCOMES]
    cells.protect("outcomes", pd.DataFrame([{"row": la.code, "col": c, "value": v}
                                            for la, row in zip(las, outcomes) for c, v in zip(cols, row)]),
                  {c: "Y" for c in cols},
                  lambda r, c, tot, v: f"referred|{r}|{c}" if tot else f"outcome:{c.split('|')[1]}|{r}|Y")
    for a in ["F", *(la.code for la in las)]:
        cells.rate(f"outcome:completed|{a}|Y", publish.completion_denominator(a, "Y"), a)
    cells.finalise()
    return cells



def test_reoffending_comparison_needs_60_true_people_not_60_published():
    """Issue 14 item 2: 58 people are published as 60, but the group is too small to compare."""
    las = [publish.Area(f"LA{i}", f"LA {i}", "local_authority", "F") for i in range(2)]
    force = publish.Force(publish.Area("F", "Force", "force", None), tuple(las), (), {"F": tuple(a.code for a in las)}, {})
    cells = publish.Cells(force, disclosure.load_policy())
    cols, pooled = ["2020/21", "2021/22"], "2020/21 to 2021/22"
    n = {"LA0": (58, 70), "LA1": (90, 95)}      # CARA cohorts by year; LA0's first year has 58 people
    x = {"LA0": (20, 25), "LA1": (30, 33)}

    def grid(values, columns):
        return pd.DataFrame([{"row": a, "col": c, "value": v} for a, vs in values.items() for c, v in zip(columns, vs)])

    cells.protect("reoffending_n:cara", grid(n, cols), {c: pooled for c in cols}, lambda r, c, tot, v: f"cohort:cara|{r}|{c}")
    cells.protect("reoffending_x:cara", grid(x, cols), {c: pooled for c in cols},
                  lambda r, c, tot, v: f"reoffended:cara|{r}|{c}", displayed=False)
    cpar = {"comparison": "comparison (all)"}
    cells.protect("reoffending_n:comparison", grid({"LA0": (100,), "LA1": (120,)}, ["comparison"]), cpar,
                  lambda r, c, tot, v: f"cohort:comparison|{r}|{c}", publish_totals=False)
    cells.protect("reoffending_x:comparison", grid({"LA0": (40,), "LA1": (50,)}, ["comparison"]), cpar,
                  lambda r, c, tot, v: f"reoffended:comparison|{r}|{c}", publish_totals=False, displayed=False)
    for a in ("F", "LA0", "LA1"):
        for col in [*cols, pooled]:
            cells.rate(cells.canon("reoffending_x:cara", a, col), (cells.canon("reoffending_n:cara", a, col),), a)
        cells.rate(cells.canon("reoffending_x:comparison", a, "comparison"),
                   (cells.canon("reoffending_n:comparison", a, "comparison"),), a)
    cells.finalise()
    co = sources.Cohorts([2020, 2021], pooled, "2017/18 to 2019/20", dt.date(2023, 9, 30))
    rows = sources.reoffending_rows(cells, force, co)

    def cell(area, period, category, measure):
        r = rows[(rows["area_code"] == area) & (rows["period"] == period) & (rows["category"] == category)
                 & (rows["measure"] == measure)]
        assert len(r) == 1
        return r.iloc[0]

    assert cell("LA0", "2020/21", "cara", "people")["shown"] == 60    # 58, rounded to the nearest 5
    small = cell("LA0", "2020/21", "difference", "difference")
    assert pd.isna(small["shown"]) and small["symbol"] == "[x]"
    big = cell("LA0", "2021/22", "difference", "difference")      # 70 people: compared
    assert not pd.isna(big["shown"]) and big["symbol"] == ""


@settings(max_examples=int(os.environ.get("CARA_HYPOTHESIS_EXAMPLES", 120)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables())
def test_linked_tables_protected_together_leak_nothing(data):
    cells = linked_cells(*data)
    f = cells.frame
    las = [la.code for la in cells.force.las]
    qs, cols = [f"Y Q{i}" for i in range(1, 5)], [f"Y|{o}" for o in publish.OUTCOMES]
    # The same statistic is never shown in one table and hidden in the other.
    status = f.groupby("canon")["suppression"].apply(lambda s: (s != "").nunique())
    assert (status == 1).all()
    # Independent rank check over the relations a reader sees.
    s = System()
    for r in f.itertuples():
        if r.table == "referrals":
            key = ("ref", r.row, r.col)
        else:
            key = ("ref", r.row, "Y") if r.is_total_col else ("out", r.row, r.col)
        s.var(key, r.shown, "[c]" if r.suppression else "")
    rows = ["F", *las]
    for r in rows:
        s.eq([("ref", r, q) for q in qs], [("ref", r, "Y")])
        s.eq([("out", r, c) for c in cols], [("ref", r, "Y")])
    for c in [*qs, "Y"]:
        s.eq([("ref", la, c) for la in las], [("ref", "F", c)])
    for c in cols:
        s.eq([("out", la, c) for la in las], [("out", "F", c)])
    assert s.derivable() == []
    # Below force level nothing of 1 to 4 is shown, and every shown count is a multiple of 5.
    below = f[~f["is_total_row"] & f["shown"].notna()]
    assert not below["shown"].between(1, 4).any() and (below["shown"] % 5 == 0).all()


def test_embedded_demo_release_is_what_publish_writes(released):
    """data/demo/release is `publish --release-date 2025-06-30` of the demo warehouse."""
    import pyarrow.parquet as pq

    demo = live_version(DEFAULT_DATA_DIR, "release")
    fresh = live_version(released, "release")
    names = sorted(p.name for p in demo.path.glob("*.parquet"))
    assert names == sorted(p.name for p in fresh.path.glob("*.parquet"))
    for name in names:
        assert pq.read_table(demo.path / name).equals(pq.read_table(fresh.path / name)), name


# ------------------------------------------------------------------------------------
# The download files are part of the release
# ------------------------------------------------------------------------------------


def test_release_holds_the_download_files_export_makes(released):
    """publish writes export.downloads of every table into the release, with an index in offer order."""
    import json

    from cara_metrics import export

    v = live_version(released, "release")
    index = json.loads((v.path / "downloads.json").read_text(encoding="utf-8"))
    assert list(index) == sorted(publish.TABLES)
    for name in publish.TABLES:
        made = export.downloads(name, released)
        assert index[name] == [{"label": f.label, "file_name": f.file_name, "mime": f.mime} for f in made]
        for f in made:
            assert (v.path / f.file_name).read_bytes() == f.data, f.file_name


def test_download_files_are_byte_reproducible(released, tmp_path):
    """The same warehouse published with the same release date gives the same bytes (the demo is committed)."""
    import json

    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root, ignore=shutil.ignore_patterns("release"))
    publish.build_release(root, RELEASE_DATE)
    a, b = live_version(released, "release").path, live_version(root, "release").path
    names = [f["file_name"] for files in json.loads((a / "downloads.json").read_text()).values() for f in files]
    assert len(names) == 3 * len(publish.TABLES)
    for name in [*names, "downloads.json", "headlines.html"]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    warehouse.clear_cache()


def test_headlines_page_has_the_overviews_figures_and_words(released):
    """The static page (release/headlines.html, linked to the live release's copy) shows the
    public overview's tiles and plain-English sentences for the force and latest year, as
    the release gives them, with the banner, the dates and the symbols (no time of
    writing: test_download_files_are_byte_reproducible compares two publishes)."""
    import html
    import re

    link = released / "release" / "headlines.html"
    live = live_version(released, "release")
    assert link.is_symlink() and link.resolve() == (live.path / "headlines.html").resolve()
    page = link.read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    info = public.release_info(released)
    a = public.areas(released)
    force = a.loc[a["area_type"] == "force", "area_code"].iloc[0]
    year = public.year_options(released)[0]
    tiles = public.headline_tiles(force, year, released)
    values = [html.unescape(v) for v in re.findall(r'<p class="value"[^>]*>([^<]*)</p>', page)]
    assert values == [t.value_text for t in tiles]
    for t in tiles:
        assert t.label in text and t.n_text in text and (t.delta_text or "") in text
    for sentence in public.headline_sentences(force, year, released):
        assert f"<li>{html.escape(sentence)}</li>" in page
    assert f"Headline figures: {public.area_name(force, released)}, {year}" in text
    assert info.synthetic and "Synthetic demonstration data." in text
    for label, value in info.status():
        assert f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>" in page
    for symbol in ("[c]", "[p]", "[b]", "[x]"):
        assert f"<dt>{symbol}</dt><dd>{html.escape(disclosure.SYMBOLS[symbol])}</dd>" in page
    assert re.search(r'href="/\?area=' + force, page) and 'href="/public-tables"' in page
    assert "<script" not in page and "@font-face" not in page and "http" not in page
    assert len(page.encode("utf-8")) < 20_000


def test_headlines_page_banner_matches_the_interactive_pages():
    """The static page's synthetic-data banner uses the interactive pages' exact words."""
    from cara_metrics.public.static_page import SYNTHETIC_BANNER

    src = (Path(__file__).resolve().parents[1] / "cara_metrics" / "ui_public.py").read_text(encoding="utf-8")
    words = SYNTHETIC_BANNER.replace("<strong>", "**").replace("</strong>", "**")
    assert words in src.replace('"\n                   "', "").replace('" "', " ").replace('"\n', "")


def test_ods_bytes_depend_only_on_the_content():
    """No date or time of writing in the file, so a release's ODS files are reproducible."""
    import io
    import zipfile

    from cara_metrics import export

    df = pd.DataFrame({"Field": ["a", "=1+1"], "Value": [1.5, None]})
    a = export.ods_bytes(df, df)
    assert a == export.ods_bytes(df.copy(), df.copy())
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    back = pd.read_excel(io.BytesIO(a), engine="odf", sheet_name="Data")
    assert back["Field"].tolist() == ["a", "'=1+1"] and back["Value"].tolist()[0] == 1.5 and pd.isna(back["Value"][1])
