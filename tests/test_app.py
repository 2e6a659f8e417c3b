"""AppTest: every registered page runs; Overview shows exactly the library's figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from cara_metrics.analysis import overview
from cara_metrics.periods import Filters

from .conftest import ALL_AREAS, CSP_DORSET, FORCE, REPO

ALL_PAGES = re.findall(r'st\.Page\("([^"]+)"', (REPO / "app.py").read_text(encoding="utf-8"))
#: Commissioner pages (open on the synthetic demo); public pages are tested in test_public_pages.py.
PAGES = [p for p in ALL_PAGES if not any(k in p for k in ("public_", "accessibility", "sign_in"))]


def _app(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    if params:
        at.query_params.update(params)
    return at.run()


def test_pages_are_registered_and_exist():
    assert "views/overview.py" in PAGES and len(PAGES) >= 9
    for p in ALL_PAGES:
        assert (REPO / p).is_file(), p


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page):
    at = _app({"area": FORCE, "from": "2019/20", "to": "2024/25"})
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    # Every page is fed by the synthetic demo and must say so.
    assert any("Synthetic demonstration data" in w.value for w in at.warning), page
    # The glossary is a click away on every staff page (issue 14 item 8).
    assert any(e.label.startswith("What the words mean") for e in at.expander), page
    # Downloads name the selection of this page run (issue 14 item 10); a page without filters names none.
    uses_filters = "ui.filters(" in (REPO / page).read_text(encoding="utf-8")
    selection = at.session_state["_cara_download_selection"] if "_cara_download_selection" in at.session_state else None
    assert selection == (("Dorset (police force area)", "2019/20 to 2024/25") if uses_filters else None), page


@pytest.mark.parametrize("area", ALL_AREAS)
def test_overview_tiles_equal_library(area):
    at = _app({"area": area, "from": "2021/22", "to": "2023/24"})
    assert not at.exception
    tiles = overview.tiles(Filters.financial_years(2021, 2023, area))
    assert len(at.metric) == len(tiles) == 5
    captions = [c.value for c in at.caption]
    for shown, t in zip(at.metric, tiles):
        assert shown.value == t.value_text
        assert shown.label == t.label
        assert f"**{t.period_text}** · {t.n_text}" in captions


def test_filters_round_trip_through_the_url():
    at = _app({"area": CSP_DORSET, "from": "2020/21", "to": "2022/23"})
    assert at.session_state["f_area"] == CSP_DORSET
    assert at.session_state["f_from"] == "2020/21" and at.session_state["f_to"] == "2022/23"
    at.selectbox(key="f_area").set_value("E06000058").run()
    assert at.query_params["area"] == ["E06000058"] or at.query_params["area"] == "E06000058"
    at.switch_page("views/crime.py").run()
    assert at.session_state["f_area"] == "E06000058"
    assert at.session_state["f_from"] == "2020/21"


def test_bad_url_values_fall_back_to_defaults():
    at = _app({"area": "<script>", "from": "nonsense", "to": "2099/00"})
    assert not at.exception
    assert at.session_state["f_area"] == FORCE


def test_custom_date_range_in_url():
    at = _app({"area": FORCE, "start": "2019-08-13", "end": "2020-03-31"})
    assert not at.exception
    assert at.session_state["f_custom"] is True
    assert any("2019/20" in c.value for c in at.caption)


def test_area_charts_show_one_level_chosen_on_the_page():
    """Issue 14 item 5: the referrals page compares the force with its councils or with its
    partnerships, as chosen, never both; the choice starts at the selected area's level."""
    at = _app({"area": FORCE, "from": "2019/20", "to": "2024/25"})
    at.switch_page("views/referrals.py").run()
    picker = at.get("button_group")
    assert any("Community safety partnerships" in str(p.proto) and "Councils" in str(p.proto) for p in picker)
    assert any("Referrals per 1,000 residents a year" in s.value for s in at.subheader)
    assert any("Christchurch" in c.proto.spec for c in at.get("plotly_chart"))
    at.session_state["area_level"] = "Community safety partnerships"
    at.run()
    # Every Dorset CSP shares BCP (ONS lookup), so none has a council-held figure: the chart
    # shows the force alone and says why, never a partnership picked for BCP.
    assert not any("Christchurch" in c.proto.spec for c in at.get("plotly_chart"))
    # The reason is said under the chart, naming the partnerships and the council they share.
    assert any("The Bournemouth, Dorset and Poole community safety partnerships are not shown: they share "
               "Bournemouth, Christchurch and Poole (council)" in m.value for m in at.markdown)


@pytest.mark.parametrize("page", ["views/completion.py", "views/survey.py"])
def test_partnerships_left_out_of_council_held_area_charts_are_named_under_them(page):
    """Issue 14 item 5: completion and survey figures are held by council, so at partnership
    level the partnerships sharing BCP have no bar; the page says which and why."""
    at = _app({"area": FORCE, "from": "2019/20", "to": "2024/25"})
    at.switch_page(page).run()
    note = ("*The Bournemouth, Dorset and Poole community safety partnerships are not shown: they share "
            "Bournemouth, Christchurch and Poole (council), and these figures are held by council.*")
    assert note not in [m.value for m in at.markdown]  # councils level: every council has its bar
    at.session_state["area_level"] = "Community safety partnerships"
    at.run()
    assert not at.exception
    assert note in [m.value for m in at.markdown]


def test_area_pickers_and_titles_name_areas_in_the_same_words():
    """Issue 14 item 9: the area picker listed 'Dorset (Local authority)' while titles said
    'Dorset (council)'. Both now take the kind from contract.area_kind: a picked option reads
    as its heading, the 'Areas compared' choice as the chart's subtitle, tables' "Area type"
    as the same words."""
    from cara_metrics.contract import AREA_KIND_WORDS

    at = _app({"area": "E06000059", "from": "2019/20", "to": "2024/25"})
    at.switch_page("views/completion.py").run()
    assert not at.exception
    options = at.selectbox(key="f_area").options
    assert "Dorset (council)" in options and "Dorset (police force area)" in options
    assert all(o.endswith(tuple(f"({w})" for w in AREA_KIND_WORDS.values())) for o in options), options
    captions = [c.value for c in at.caption]
    # The chosen option is, word for word, the name the page's subtitles give the area.
    assert at.selectbox(key="f_area").format_func(at.session_state["f_area"]) == "Dorset (council)"
    assert any(c.startswith("Dorset (council), ") for c in captions)
    # The level choice uses the same kinds, in the plural, and the area chart's subtitle echoes it.
    level = next(p for p in at.get("button_group") if "area_level" in p.proto.id)
    assert [o.content for o in level.proto.options] == ["Councils", "Community safety partnerships"]
    assert any("Dorset (police force area) and its councils" in c for c in captions)
    assert not any(w in " ".join(o for o in options) for w in ("Local authority", "Force area"))


def test_a_custom_date_range_is_echoed_in_words_under_the_picker():
    """Issue 14 item 9: the date picker can only show digits (DD/MM/YYYY); the range it holds
    is said in words right under it, as the pages write dates (13 August 2019)."""
    from cara_metrics.periods import range_words

    at = _app({"area": FORCE, "start": "2019-08-13", "end": "2020-03-31"})
    assert not at.exception
    sidebar = [c.value for c in at.sidebar.caption]
    assert "From 13 August 2019 to 31 March 2020" in sidebar
    # Whole financial years picked as dates read the same way; one day reads as that day.
    at.date_input(key="f_dates").set_value((dt.date(2019, 4, 1), dt.date(2025, 3, 31))).run()
    assert "From 1 April 2019 to 31 March 2025" in [c.value for c in at.sidebar.caption]
    assert range_words(dt.date(2019, 8, 13), dt.date(2019, 8, 13)) == "On 13 August 2019"
    # With whole financial years chosen by name, there is no picker and no echo.
    at = _app({"area": FORCE, "from": "2019/20", "to": "2024/25"})
    assert not any(c.value.startswith("From ") for c in at.sidebar.caption)


def test_a_change_is_coloured_only_when_clear_and_then_by_name():
    """The survey figure fell 0.1 points (149 of 159 against 180 of 192): the tile was drawn
    green, for two reasons. Streamlit reads the direction for "normal"/"inverse" from a leading
    minus, which "down 0.1 points" has not; and a change well inside its 95% interval is not
    clear, so it is not judged at all (grey, no arrow)."""
    from streamlit.proto.Metric_pb2 import Metric

    from cara_metrics import ui_common
    from cara_metrics.panels import Tile

    worse = Tile("survey_agree", "x", 0.5, "50%", "down 5.0 points on 2023/24", "", "", "", delta_is_good=False)
    better = Tile("survey_agree", "x", 0.5, "50%", "down 5.0 points on 2023/24", "", "", "", delta_is_good=True)
    assert (ui_common.colour(worse, True), ui_common.colour(better, True), ui_common.colour(worse, False)) == ("red", "green", "off")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params.update({"area": FORCE, "from": "2024/25", "to": "2024/25"})
    at.run()
    survey = next(m for m in at.metric if m.label == "Said their attitude changed")
    assert survey.proto.delta == "down 0.1 points on 2023/24"
    assert (survey.proto.color, survey.proto.direction) == (Metric.MetricColor.GRAY, Metric.MetricDirection.NONE)
