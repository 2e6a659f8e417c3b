"""Question 4 (participant survey): panel builders on a hand-built data root, and the page.

The tiny root has ten respondents whose answers are written out below, so every share,
interval and title can be checked by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from cara_metrics import contract, stats, warehouse
from cara_metrics.analysis import survey
from cara_metrics.dataroot import write_version
from cara_metrics.panels import NoData
from cara_metrics.periods import Filters

from .conftest import ALL_AREAS, BCP, CSP_BOURNEMOUTH, CSP_DORSET, DORSET, FORCE, REPO

MANIFEST = {"synthetic": True, "data_as_at": "2025-03-31", "contract_version": "1.0"}
AREAS = [
    {"area_code": FORCE, "area_name": "Dorset police force area", "area_type": "force"},
    {"area_code": CSP_BOURNEMOUTH, "area_name": "Safer BCP Community Safety Partnership", "area_type": "community_safety_partnership", "parent_code": FORCE},
    {"area_code": CSP_DORSET, "area_name": "Dorset Community Safety Partnership", "area_type": "community_safety_partnership", "parent_code": FORCE},
    {"area_code": BCP, "area_name": "Bournemouth, Christchurch and Poole Council", "area_type": "local_authority", "parent_code": CSP_BOURNEMOUTH},
    {"area_code": DORSET, "area_name": "Dorset Council", "area_type": "local_authority", "parent_code": CSP_DORSET},
]
QUESTIONS = [
    {"question_id": "attitude", "text": "The workshops changed my attitude towards my partner.", "scale": "agree5", "agree_min": 4},
    {"question_id": "relationship", "text": "The workshops helped me with issues in my relationship.", "scale": "agree5", "agree_min": 4},
]
Y1, Y2 = dt.date(2021, 5, 15), dt.date(2022, 6, 18)  # in 2021/22 and 2022/23
# person, area, date of workshop 2 (= survey date), attitude answer, relationship answer (None = not surveyed)
PEOPLE = [
    ("S01", BCP, Y1, 5, 5), ("S02", BCP, Y1, 5, 4), ("S03", BCP, Y1, 5, 3), ("S04", BCP, Y1, 4, 3),
    ("S05", BCP, Y1, 4, 2), ("S06", BCP, Y2, 4, 1), ("S07", DORSET, Y2, 3, 5), ("S08", DORSET, Y2, 2, 5),
    ("S09", DORSET, Y2, 1, None), ("S10", DORSET, Y2, 5, None),
    ("S11", BCP, Y2, None, None), ("S12", DORSET, Y2, None, None),  # completed, did not answer
]
ALL_YEARS = Filters.financial_years(2019, 2024, FORCE)
EMPTY = Filters(dt.date(2016, 5, 1), dt.date(2016, 6, 30), FORCE)


def arrow(name: str, rows: list[dict]) -> pa.Table:
    schema = contract.arrow_schema(contract.TABLES[name])
    return pa.table({fld.name: [r.get(fld.name) for r in rows] for fld in schema}, schema=schema)


def build_root(path, tables: dict[str, list[dict]]):
    all_tables = {name: arrow(name, tables.get(name, [])) for name in contract.TABLES}
    write_version(path, "warehouse", all_tables, MANIFEST)
    return path


def _referral(pid, area, when):
    return {"person_id": pid, "caution_date": when - dt.timedelta(days=60), "area_code": area, "area_code_original": area,
            "age_band": "25-34", "sex": "male", "index_offence": "common_assault", "dash_risk": "standard",
            "workshop1_date": when - dt.timedelta(days=35), "workshop2_date": when, "repeats": 0,
            "outcome": "completed", "outcome_date": when}


@pytest.fixture
def root(tmp_path):
    responses = []
    for pid, _, when, att, rel in PEOPLE:
        if att is not None:
            responses.append({"person_id": pid, "question_id": "attitude", "response_date": when, "answer": att})
        if rel is not None:
            responses.append({"person_id": pid, "question_id": "relationship", "response_date": when, "answer": rel})
    yield build_root(tmp_path / "root", {
        "areas": AREAS, "survey_questions": QUESTIONS, "survey_responses": responses,
        "referrals": [_referral(pid, area, when) for pid, area, when, _, _ in PEOPLE],
    })
    warehouse.clear_cache()


# --- library, against answers worked out by hand ------------------------------------------------


def test_agreement_shares_and_wilson_bounds(root):
    df = survey.agreement(ALL_YEARS, root).set_index("question_id")
    # attitude: 5,5,5,4,4,4,3,2,1,5 -> 7 of 10 agree; relationship: 5,4,3,3,2,1,5,5 -> 4 of 8
    assert (df.loc["attitude", "agree"], df.loc["attitude", "n"]) == (7, 10)
    assert (df.loc["relationship", "agree"], df.loc["relationship", "n"]) == (4, 8)
    assert df.loc["attitude", "share"] == 0.7
    # Wilson 95% for 7/10, worked by hand: 0.3968 to 0.8922
    assert df.loc["attitude", "low"] == pytest.approx(0.39677, abs=5e-5)
    assert df.loc["attitude", "high"] == pytest.approx(0.89222, abs=5e-5)
    assert (df.loc["relationship", "low"], df.loc["relationship", "high"]) == stats.wilson_interval(4, 8)


def test_agree_panel_table_title_and_chart(root):
    p = survey.agree_panel(ALL_YEARS, root)
    assert list(p.table.columns) == ["Statement", "Respondents", "Agreeing", "Agreeing (%)", "Lower 95% limit (%)", "Upper 95% limit (%)"]
    first = p.table.iloc[0]
    assert first["Statement"] == QUESTIONS[0]["text"]
    assert (first["Respondents"], first["Agreeing"], first["Agreeing (%)"]) == (10, 7, 70.0)
    assert (first["Lower 95% limit (%)"], first["Upper 95% limit (%)"]) == (39.7, 89.2)
    assert p.title == ("70.0% of respondents agreed that “the workshops changed my attitude towards my partner”; "
                       "agreement with the 2 statements ranged from 50.0% to 70.0%")
    assert "n = 8 to 10 respondents per statement" in p.subtitle and "2019/20 to 2024/25" in p.subtitle
    bar = p.figure.data[0]
    assert list(bar.x) == [0.7, 0.5]
    assert bar.error_x.arrayminus[0] == pytest.approx(0.7 - stats.wilson_interval(7, 10)[0])
    assert p.csv_bytes().decode("utf-8-sig").splitlines()[0] == ",".join(p.table.columns)


def test_distribution_panel_counts_and_shares(root):
    p = survey.distribution_panel(ALL_YEARS, root)
    row = p.table.iloc[0]
    assert row["Respondents"] == 10
    assert [row[lvl] for lvl in survey.LEVELS] == [1, 1, 1, 3, 4]
    assert [row[f"{lvl} (%)"] for lvl in survey.LEVELS] == [10.0, 10.0, 10.0, 30.0, 40.0]
    # relationship: 1 strongly disagree, 1 disagree, 2 neither, 1 agree, 3 strongly agree of 8
    assert [p.table.iloc[1][lvl] for lvl in survey.LEVELS] == [1, 1, 2, 1, 3]
    assert p.title == "“Strongly agree” was the most common answer to every statement; no more than 25.0% disagreed with any"
    # the diverging chart puts disagreement left of zero
    strongly_disagree = next(t for t in p.figure.data if t.name == "Strongly disagree")
    assert list(strongly_disagree.x)[0] == pytest.approx(-0.1)


def test_response_rate_panel(root):
    assert survey.response_rate(ALL_YEARS, root) == (10, 12)
    p = survey.response_panel(ALL_YEARS, "year", root)
    assert p.title == "83.3% of people who completed the workshops answered the survey (10 of 12)"
    rows = p.table.set_index("Period of completion")
    assert (rows.loc["2021/22", "People who completed"], rows.loc["2021/22", "Answered the survey"]) == (5, 5)
    assert (rows.loc["2022/23", "People who completed"], rows.loc["2022/23", "Answered the survey"]) == (7, 5)
    assert rows.loc["2022/23", "Response rate (%)"] == round(100 * 5 / 7, 1)
    assert "2019/20" not in rows.index  # empty years before the first completion are left out
    assert "n = 12 people who completed" in p.subtitle


def test_trend_panel_by_year_and_significance_wording(root):
    p = survey.trend_panel(ALL_YEARS, "year", "attitude", root)
    rows = p.table.set_index("Period of response")
    assert (rows.loc["2021/22", "Agreeing"], rows.loc["2021/22", "Respondents"]) == (5, 5)
    assert (rows.loc["2022/23", "Agreeing"], rows.loc["2022/23", "Respondents"]) == (2, 5)
    assert rows.loc["2022/23", "Lower 95% limit (%)"] == round(100 * stats.wilson_interval(2, 5)[0], 1)
    # 2/5 against 5/5: Newcombe interval excludes zero, so the title says it fell
    assert stats.newcombe_difference(2, 5, 5, 5).significant
    assert p.title == "Agreement that “the workshops changed my attitude towards my partner” fell from 100% in 2021/22 to 40% in 2022/23"
    # relationship: 2021/22 3 of 5 agree, 2022/23 1 of 3: not a clear change
    p2 = survey.trend_panel(ALL_YEARS, "year", "relationship", root)
    assert "no clear change" in p2.title


def test_area_panel(root):
    p = survey.area_panel(ALL_YEARS.with_area(BCP), "attitude", root)
    rows = p.table.set_index("Area")
    assert (rows.loc["Dorset police force area", "Agreeing"], rows.loc["Dorset police force area", "Respondents"]) == (7, 10)
    assert (rows.loc["Bournemouth, Christchurch and Poole Council", "Agreeing"], rows.loc["Bournemouth, Christchurch and Poole Council", "Respondents"]) == (6, 6)
    assert (rows.loc["Dorset Council", "Agreeing"], rows.loc["Dorset Council", "Respondents"]) == (1, 4)
    assert rows.loc["Bournemouth, Christchurch and Poole Council", "Upper 95% limit (%)"] == 100.0
    # one level of area: a council is selected, so no partnership (they cover the same ground)
    assert set(rows["Area type"]) == {"Police force area", "Council"}
    assert p.title.startswith("Agreement that “the workshops changed my attitude towards my partner” was higher in")
    assert rows.loc["Dorset Council", "Area type"] == "Council"
    # the selected area is the highlighted bar
    bar = p.figure.data[0]
    colours = dict(zip((y.replace("<br>", " ") for y in bar.y), bar.marker.color))
    assert colours["Bournemouth, Christchurch and Poole Council"] != colours["Dorset Council"]


def test_area_selection_cuts_every_figure(root):
    df = survey.agreement(ALL_YEARS.with_area(CSP_DORSET), root).set_index("question_id")
    assert (df.loc["attitude", "agree"], df.loc["attitude", "n"]) == (1, 4)
    assert survey.response_rate(ALL_YEARS.with_area(CSP_DORSET), root) == (4, 5)


def test_headline_tiles(root):
    tiles = survey.headline_tiles(ALL_YEARS, root)
    assert [t.value_text for t in tiles] == ["70.0%", "50.0%", "83.3%"]  # one decimal, as everywhere (formatting.py)
    assert [t.label for t in tiles] == ["Attitude changed", "Helped relationship", "Response rate"]
    assert tiles[0].n_text == "agreed “The workshops changed my attitude towards my partner”: 7 of 10 respondents (likely between 39.7% and 89.2%)"
    assert tiles[2].n_text.startswith("answered the survey: 10 of 12 who completed")


def test_empty_selection_raises_friendly_nodata(root):
    for build in (lambda: survey.agree_panel(EMPTY, root), lambda: survey.distribution_panel(EMPTY, root),
                  lambda: survey.response_panel(EMPTY, "year", root), lambda: survey.trend_panel(EMPTY, "year", "attitude", root),
                  lambda: survey.area_panel(EMPTY, "attitude", root), lambda: survey.headline_tiles(EMPTY, root)):
        with pytest.raises(NoData, match=r"^No one .*\.$"):
            build()
    assert survey.no_data_reason(EMPTY, root).startswith("No data for this selection. No one answered the participant survey")
    assert survey.no_data_reason(ALL_YEARS, root) is None


def test_question_choices_put_the_headline_first(root, monkeypatch):
    choices = survey.question_choices(root)
    assert choices == {"attitude": QUESTIONS[0]["text"], "relationship": QUESTIONS[1]["text"]}
    monkeypatch.setattr(survey, "HEADLINE_QUESTION", "relationship")
    assert list(survey.question_choices(root)) == ["relationship", "attitude"]


def test_statement_phrase():
    assert survey.statement("The workshops changed my attitude.") == "the workshops changed my attitude"
    assert survey.statement("I would recommend the workshops.") == "I would recommend the workshops"


# --- the page ---------------------------------------------------------------------------------


def _values(v) -> list:
    """Plotly 7 sends numeric arrays as typed base64 ({"dtype", "bdata"}); decode either form."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def _page(params: dict) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params.update(params)
    at.run()
    return at.switch_page("views/survey.py").run()


@pytest.mark.parametrize("area", ALL_AREAS)
def test_page_shows_the_library_figures(area):
    at = _page({"area": area, "from": "2019/20", "to": "2024/25"})
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    if area == CSP_DORSET:  # shares BCP with two other CSPs: no council-held figure, and why
        assert len(at.info) == 1 and not at.metric and not at.subheader
        assert "Bournemouth, Christchurch and Poole sits in more than one community safety partnership" in at.info[0].value
        return
    f = Filters.financial_years(2019, 2024, area)
    tiles = survey.headline_tiles(f)
    assert [m.value for m in at.metric] == [t.value_text for t in tiles]
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0] == survey.agree_panel(f).title
    assert survey.response_panel(f, "year").title in subheaders
    assert survey.area_panel(f, "attitude").title in subheaders
    agree = survey.agree_panel(f)
    assert at.dataframe[0].value["Agreeing (%)"].tolist() == agree.table["Agreeing (%)"].tolist()
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert _values(fig["data"][0]["x"]) == pytest.approx(list(agree.figure.data[0].x))


def test_page_grain_and_statement_pickers():
    at = _page({"area": BCP, "from": "2019/20", "to": "2024/25"})
    at.button_group(key="survey_grain").set_value("Month").run()
    at.selectbox(key="survey_question").set_value("would_recommend").run()
    assert not at.exception and not at.error
    f = Filters.financial_years(2019, 2024, BCP)
    subheaders = [s.value for s in at.subheader]
    assert survey.trend_panel(f, "month", "would_recommend").title in subheaders
    assert survey.response_panel(f, "month").title in subheaders


def test_page_empty_selection_is_a_friendly_message():
    at = _page({"area": FORCE, "start": "2016-05-01", "end": "2016-06-30"})
    assert not at.exception, at.exception
    assert not at.error
    assert [i.value for i in at.info] == [survey.no_data_reason(EMPTY)]
    assert not at.metric
