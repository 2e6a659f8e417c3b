"""AppTest: every public page runs from a release alone (warehouse deleted) and shows the
release's own figures, the release status and the synthetic-data banner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cara_metrics import public, publish
from cara_metrics.dataroot import live_version

from .conftest import BCP, DORSET, FORCE, REPO

PAGES = ("views/public_overview.py", "views/public_tables.py", "views/public_methodology.py", "views/accessibility.py")


@pytest.fixture
def env(release_only, monkeypatch):
    monkeypatch.setenv("CARA_DATA_DIR", str(release_only))
    monkeypatch.setenv("CARA_AUDIENCE", "public")
    return release_only


def _run(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / page), default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_from_the_release_alone(env, page):
    assert not (env / "warehouse").exists()
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.title) == 1  # one h1
    assert any("Synthetic demonstration data" in w.value for w in at.warning)
    text = _text(at)
    for label in ("Data as at:** 31 March 2025", "Next update:** 30 September 2025", "Revisions:**", "Breaks in series:**"):
        assert label in text, label


def _release_value(root: Path, table: str, measure: str, area: str, period: str, category: str | None = None) -> tuple:
    t = pd.read_parquet(live_version(root, "release").table_path(table))
    m = (t["measure"] == measure) & (t["area_code"] == area) & (t["period"] == period)
    m &= t["category"].isna() if category is None else (t["category"] == category)
    r = t[m].iloc[0]
    return (None if pd.isna(r["shown"]) else float(r["shown"])), r["symbol"]


@pytest.mark.parametrize("area,year", [(FORCE, "2024/25"), (BCP, "2023/24"), (DORSET, "2019/20"), (FORCE, "2017/18")])
def test_overview_headlines_equal_the_release(env, area, year):
    at = _run("views/public_overview.py", {"area": area, "year": year})
    assert not at.exception and not at.error
    assert at.session_state["public_area"] == area and at.session_state["public_year"] == year
    expected = [
        _release_value(env, "crime", "da_share", area, year),
        _release_value(env, "referrals", "referrals", area, year) if year >= "2019/20" else (None, "[x]"),
        _release_value(env, "outcomes", "completion_rate", area, year) if year >= "2019/20" else (None, "[x]"),
        _release_value(env, "survey", "agree_pct", area, year, "attitude") if year >= "2019/20" else (None, "[x]"),
        _release_value(env, "reoffending", "reoffending_rate", area, "2019/20 to 2022/23", "cara"),
    ]
    tiles = public.headline_tiles(area, year, env)
    assert len(at.metric) == len(tiles) == 5
    for shown, tile, (value, symbol) in zip(at.metric, tiles, expected):
        assert shown.label == tile.label
        assert shown.value == tile.value_text
        assert tile.value == value
        if value is None:
            assert shown.value == (symbol.split()[0] if symbol else "[x]")
        else:
            assert shown.value.startswith(f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}")
        for s in str(symbol).split():
            assert s in shown.value


def test_overview_offers_only_the_release_breakdowns(env):
    at = _run("views/public_overview.py")
    areas = at.selectbox(key="public_area").options
    years = at.selectbox(key="public_year").options
    assert len(areas) == 3 and len(years) == 9  # the force and two councils: the CSPs share BCP
    assert not at.date_input and not at.slider  # no free date ranges
    assert at.query_params["area"] in (FORCE, [FORCE])


def test_overview_ignores_an_unknown_area_in_the_url(env):
    at = _run("views/public_overview.py", {"area": "<script>", "year": "1999/00"})
    assert not at.exception and not at.error
    assert at.session_state["public_area"] == FORCE and at.session_state["public_year"] == "2024/25"


def test_tables_page_shows_every_release_table_with_downloads(env):
    at = _run("views/public_tables.py", {"area": BCP, "year": "2023/24"})
    headers = [h.value for h in at.header]
    for spec in publish.TABLES.values():
        assert spec.title in headers
    buttons = at.get("download_button")
    assert len(buttons) == 3 * len(publish.TABLES)
    assert len(at.table) >= 6  # every panel has its table (plus the symbols key)
    assert not at.get("dataframe")  # accessible HTML tables only
    # Every chart is followed by its one-sentence summary.
    assert sum("**In words:**" in m.value for m in at.markdown) == len(at.get("plotly_chart")) + 1
    assert not at.exception and not at.error and not at.info


def test_tables_page_keeps_symbols(env):
    at = _run("views/public_tables.py", {"area": BCP, "year": "2019/20"})
    cells = "\n".join(t.value.to_string() for t in at.table)
    assert "[c]" in cells and "[z]" in cells and "[b]" in cells


def test_methodology_states_the_policy_and_the_symbols(env):
    at = _run("views/public_methodology.py")
    text = _text(at)
    info = public.release_info(env)
    for line in public.policy_lines(info):
        assert line in text
    sym = at.table[-1].value
    assert "[c]" in sym.to_string() and "[r]" in sym.to_string()
    assert "primary suppression" in text


def test_accessibility_statement_has_the_model_sections(env):
    at = _run("views/accessibility.py")
    headers = [h.value for h in at.header]
    for h in ("Compliance status", "Non-accessible content", "Reporting accessibility problems with this website",
              "Enforcement procedure", "Preparation of this accessibility statement"):
        assert h in headers
    text = _text(at)
    assert "Equality and Human Rights Commission" in text and "Web Content Accessibility Guidelines version 2.2" in text


def test_page_without_a_release_says_so_without_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CARA_DATA_DIR", str(tmp_path))
    at = _run("views/public_overview.py")
    assert not at.exception
    assert any("not available" in i.value for i in at.info)


def _all_text(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.subheader, *at.header, *at.warning]
    return "\n".join(str(p.value) for p in parts)


def test_public_charts_mark_the_break_and_provisional_years_and_compare_like_with_like(env):
    """Issue 14 items 3 and 4 on the public tables page: the crime chart marks 1 April 2019,
    its title compares only years of one series; the provisional completion year is drawn apart."""
    at = _run("views/public_tables.py", {"area": FORCE, "year": "2024/25"})
    assert not at.exception and not at.error
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    crime = [f for f in figs if any("Break in series [b]" in a.get("text", "") for a in f["layout"].get("annotations", []))]
    assert len(crime) == 1
    assert [str(s["x0"])[:10] for s in crime[0]["layout"]["shapes"]] == ["2019-04-01"]
    text = _all_text(at)
    assert "up from 17.0% in 2019/20 (the first year after the break in series [b])" in text
    assert "% in 2016/17" not in text
    prov = [t for f in figs for t in f["data"] if str(t.get("name", "")).endswith("(provisional) [p]")]
    assert len(prov) == 1 and prov[0]["marker"]["symbol"].endswith("-open") and prov[0]["x"] == ["2024/25"]
    # The completion headline is the latest final year, not the provisional one.
    assert "of closed cases in Dorset (police force area) in 2023/24 completed both workshops" in text


def test_public_headlines_never_compare_across_a_break_or_with_a_provisional_year(env):
    at = _run("views/public_overview.py", {"area": FORCE, "year": "2019/20"})
    crime = at.metric[0]
    assert crime.delta == "not compared: break in series [b]"
    assert "up" not in crime.delta and "down" not in crime.delta
    first = public.headline_sentences(FORCE, "2019/20", env)[0]
    assert first.endswith("A break in series [b] falls in 2019/20, so it is not compared with 2018/19.")
    assert " up " not in first and " down " not in first
    at = _run("views/public_overview.py", {"area": FORCE, "year": "2024/25"})
    assert at.metric[2].delta == "not compared: provisional [p]"


def test_each_hidden_cell_says_why_and_symbol_notes_only_where_the_symbol_is(env):
    """Issue 14 item 11: "[c]" beside 90 respondents is a hidden percentage, not 1 to 4 people,
    and the page says so; a note about [x], [z] or [p] sits only under a table that shows it."""
    tile = public.headline_tiles(DORSET, "2019/20", env)[3]
    assert tile.value_text == "[c]"
    assert "the percentage is hidden, not the group" in tile.n_text and "1 to 4 people" not in tile.n_text
    survey = public.survey_panel(DORSET, "2019/20", env)
    assert any("not because the group is small" in n for n in survey.notes)
    for area in (FORCE, BCP, DORSET):
        for builds in public.panels(area, "2019/20", env).values():
            for build in builds:
                p = build()
                shown = p.table.to_string()
                for sym in ("[x]", "[z]", "[p]", "[b]"):
                    assert any(n.startswith(sym) for n in p.notes) == (sym in shown), (area, p.title, sym)
                hidden = sum(str(v).split().count("[c]") for v in p.table.to_numpy().ravel())
                explained = [n for n in p.notes if n.startswith("[c]")]
                assert bool(hidden) == bool(explained), (area, p.title)


def test_reasons_name_the_real_cause():
    from cara_metrics import disclosure
    from cara_metrics.public import reasons

    p = disclosure.load_policy()
    t = pd.DataFrame({"Statement": ["A", "B", "C", "D"], "Respondents": ["90", "[c]", "5", "40"],
                      "Agreed": ["[c]", "[c]", "[c]", "85%"]})
    notes = reasons.hidden_notes(t, "Statement", {"Agreed": ("Respondents", "agreed", "respondents")}, p)
    assert notes[0].startswith("[c] Agreed (A): not because the group is small (90 respondents)")
    assert notes[1].startswith("[c] Respondents (B): 1 to 4 people, or hidden so that")
    assert notes[2] == "[c] Agreed (B): the number of respondents it is a percentage of is hidden too."
    assert notes[3] == "[c] Agreed (C): 5 respondents are too few for a percentage."
    assert reasons.symbol_notes(t) == ()
    assert reasons.symbol_notes(t.assign(Agreed=["[x]", "1 [p]", "2", "3"])) == (
        reasons.SYMBOL_NOTES["[x]"], reasons.SYMBOL_NOTES["[p]"])
