"""Issue 14 items 8, 9 and 10: how figures read. Numbers the British way (true minus sign,
one decimal rule), intervals in plain words, the glossary, chart axes and labels, and the
context every download carries. All fast: no browser, no Streamlit run."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest

from cara_metrics import charts, export, formatting as fmt, glossary
from cara_metrics.analysis import overview, reoffending
from cara_metrics.periods import Filters

from .conftest import FORCE

MINUS = "\u2212"
HYPHEN_NUMBER = re.compile(r"(?<![\w.])-\d")  # '-4', not '2019-20' or 'x-1'


# --- numbers ------------------------------------------------------------------------------------


def test_negative_numbers_carry_a_true_minus_sign():
    assert fmt.count(-1234) == f"{MINUS}1,234"
    assert fmt.pct(-0.021) == f"{MINUS}2.1%"
    assert fmt.number(-3.26, 1) == f"{MINUS}3.3"
    assert fmt.gbp(-806315) == f"{MINUS}£806,315"
    assert fmt.signed(-0.31) == f"{MINUS}0.3" and fmt.signed(4.1) == "+4.1"
    # a figure that rounds to zero has no sign at all
    assert fmt.number(-0.04, 1) == "0.0" and fmt.gbp(-0.2) == "£0" and fmt.signed(-0.01) == "0.0"


def _staff_table_script():
    import pandas as pd
    from cara_metrics import ui

    ui.dataframe(pd.DataFrame({"Area": ["North", "South", "East"], "Difference (points)": [-3.2, 4.0, None],
                               "People referred": [55028, -12, 7], "Ratio": [1.25, -0.5, 0.1]}))


def test_staff_tables_show_a_true_minus_and_sort_on_the_numbers():
    """Issue 14 item 9: a NumberColumn format prints the browser's hyphen-minus; staff tables
    send Streamlit a Styler's text (true minus, thousands separators, the column's decimals)
    over data that stay numbers, so a column still sorts by value."""
    import pyarrow as pa
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_staff_table_script, default_timeout=30).run()
    assert not at.exception
    table = at.dataframe[0]
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert list(shown["Difference (points)"]) == [f"{MINUS}3.2", "4.0", "–"]
    assert list(shown["People referred"]) == ["55,028", f"{MINUS}12", "7"]
    assert list(shown["Ratio"]) == ["1.25", f"{MINUS}0.50", "0.10"]
    assert not any(HYPHEN_NUMBER.search(str(v)) for v in shown.to_numpy().ravel())
    # The data under the text are the numbers (what the browser sorts on) ...
    assert pd.api.types.is_float_dtype(table.value["Difference (points)"])
    assert list(table.value["People referred"]) == [55028, -12, 7]
    # ... and no column format overrides the Styler's text.
    assert '"format"' not in table.proto.columns


def test_table_decimals_follow_the_rounding_of_the_column():
    assert fmt.decimals([94.4, 100.0, 12.3]) == 1
    assert fmt.decimals([376480.0, 12.0]) == 0
    assert fmt.decimals([0.0612, 1.5]) == 2  # never more than two places in a table

    def shown(df):
        styler, _ = fmt.table_view(df)
        return [c["display_value"] for row in styler._translate(True, True)["body"] for c in row if c["type"] == "td"]

    # A percentage or a difference in points has one place by the one rule, even when whole ...
    assert shown(pd.DataFrame({"Completion rate (%)": [100.0, -50.0]})) == ["100.0", f"{MINUS}50.0"]
    # ... and a table can declare what its values cannot tell (a rate per 1,000 to two places).
    rates = pd.DataFrame({"Per 1,000 residents a year": [0.3]})
    rates.attrs["decimals"] = {"Per 1,000 residents a year": 2}
    assert shown(rates) == ["0.30"]
    from cara_metrics.analysis import referrals

    table = referrals.area_panel(Filters.financial_years(2019, 2024, FORCE)).table
    assert table.attrs["decimals"]["Per 1,000 residents a year"] == 2


@pytest.mark.parametrize("low, high, words", [
    (-11.2, -2.1, "likely between 2 and 11 fewer per 100"),
    (2.4, 11.8, "likely between 2 and 12 more per 100"),
    (-4.0, 18.0, "likely between 4 fewer and 18 more per 100"),
])
def test_an_interval_in_plain_words_never_has_a_negative_fewer(low, high, words):
    assert fmt.likely_between(low, high) == words


def test_staff_tiles_use_plain_words_not_ci_or_hyphen_minus():
    """The issue's tile read '95% CI -4 to 18 fewer per 100'."""
    f = Filters.financial_years(2019, 2024, FORCE)
    for t in overview.tiles(f) + reoffending.headline_tiles(f):
        for text in (t.value_text, t.delta_text or "", t.n_text, t.period_text):
            assert "95% CI" not in text and "p = " not in text, text
            assert not HYPHEN_NUMBER.search(text), text


# --- the glossary and the plain-English summary ------------------------------------------------


def test_glossary_explains_the_jargon_the_pages_use():
    terms = " ".join(glossary.TERMS).lower()
    for word in ("n", "95% confidence interval", "p-value", "wilson", "newcombe", "intention to treat", "dash",
                 "percentage points", "comparison group", "[p]", "[c]"):
        assert word in terms, word
    assert all(len(text) > 40 for text in glossary.TERMS.values())
    assert glossary.markdown().count("\n- **") == len(glossary.TERMS) - 1


def test_plain_english_says_what_the_tiles_do_not():
    f = Filters.financial_years(2019, 2024, FORCE)
    tiles, lines = overview.tiles(f), overview.summary(f)
    assert len(lines) == len(tiles)  # four tiles in words, then the reoffending sentence
    for t, line in zip(tiles[:4], lines[:4]):
        assert "in 10" in line or "a month" in line, line  # natural frequencies, not the tile again
        assert t.n_text not in line
    assert "not a trial" in lines[-1]


# --- charts ---------------------------------------------------------------------------------------


def test_chart_axes_have_thousands_separators_and_labels_that_fit():
    long = "Bournemouth, Christchurch and Poole Council"
    df = pd.DataFrame({"area": [long, "Dorset Council"], "people": [1200.0, 950.0]})
    fig = charts.bar_chart(df, "area", "people", value_title="People referred to CARA in the year, all areas")
    assert fig.layout.separators == ".,"
    assert fig.layout.xaxis.tickformat == ","  # 1,200 not 1200
    assert list(fig.data[0].y) == [long, "Dorset Council"]  # the data and hover keep the full name
    wrapped = fig.layout.yaxis.ticktext[0]
    assert wrapped.replace("<br>", " ") == long and all(len(p) <= charts.LABEL_WIDTH for p in wrapped.split("<br>"))
    assert all(len(p) <= charts.TITLE_WIDTH for p in fig.layout.xaxis.title.text.split("<br>"))
    # a date axis keeps its dates: only numeric axes get the number format
    line = charts.line_chart(pd.DataFrame({"d": pd.to_datetime(["2019-04-01", "2020-04-01"]), "n": [1000, 1200]}), "d", ["n"])
    assert line.layout.xaxis.tickformat is None and line.layout.yaxis.tickformat == ","


# --- downloads --------------------------------------------------------------------------------------


def _ctx(area: str = "Dorset Council", period: str = "2021/22 to 2023/24") -> export.Context:
    return export.Context(area, period, "CARA referral records", dt.date(2025, 3, 31), True)


def test_a_staff_download_carries_and_is_named_after_its_selection():
    table = pd.DataFrame({"Period": ["2021/22", "2022/23"], "People referred": [118, 124]})
    back = pd.read_csv(io.BytesIO(export.staff_csv(table, _ctx())), encoding="utf-8-sig")
    assert list(back.columns) == ["Period", "People referred", "Area chosen", "Period chosen", "Source", "Data as at",
                                  "Synthetic data"]
    assert back["People referred"].tolist() == [118, 124]
    row = back.iloc[0]
    assert (row["Area chosen"], row["Period chosen"], row["Data as at"]) == ("Dorset Council", "2021/22 to 2023/24", "31 March 2025")
    assert row["Source"] == "CARA referral records" and row["Synthetic data"].startswith("yes")
    name = export.file_name("referrals-volume", _ctx(), "csv")
    assert name == "cara-referrals-volume-dorset-council-2021-22-to-2023-24-data-to-2025-03-31-synthetic.csv"
    assert export.file_name("referrals-volume", _ctx("Dorset police force area"), "csv") != name
    assert export.file_name("referrals-volume", _ctx(period="2023/24"), "csv") != name


# --- names in brackets ---------------------------------------------------------------------------

#: A bracket opened inside another: "18.3% (Dorset (council))".
NESTED = re.compile(r"\([^()]*\(")


def test_a_named_area_is_never_put_in_brackets_inside_brackets():
    """Issue 14 item 9: a name with its kind ("Dorset (council)") reads badly inside brackets of
    its own ("18.3% (Dorset (council))"): the crime page's area headline says "18.3% ... in
    Dorset (council)" instead."""
    from cara_metrics.analysis import completion, crime

    title = crime.area_panel(Filters.financial_years(2024, 2024, "E06000059")).title
    assert title.startswith("Across the councils, domestic abuse ranged from ")
    assert re.search(r"\d% of recorded crime in Dorset \(council\) to [\d.]+% in Bournemouth, Christchurch and Poole;", title)
    assert not NESTED.search(title), title
    # Nor straight after a name with its kind: "Dorset (police force area), likely between ...".
    one = completion.rate_area_panel(Filters.financial_years(2019, 2024, FORCE), level="community_safety_partnership").title
    assert re.fullmatch(r"Completion was [\d.]+% in Dorset \(police force area\), likely between [\d.]+% and [\d.]+%", one), one


def test_board_pack_text_has_no_brackets_inside_brackets():
    """The board pack's slides and speaker notes, and its refusal for a partnership that shares
    its councils, put no bracket inside another ("80.3% (answered ... (likely between ...))")."""
    import io

    from pptx import Presentation

    from cara_metrics import boardpack
    from cara_metrics.boardpack.selection import BoardPackError, check

    prs = Presentation(io.BytesIO(boardpack.build("2024/25", area="E06000059")))
    texts = []
    for slide in prs.slides:
        for s in slide.shapes:
            if s.has_text_frame:
                texts.append(s.text_frame.text)
            if s.has_table:
                texts.extend(c.text for r in s.table.rows for c in r.cells)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    assert any(re.search(r"Response rate 2024/25: [\d.]+%; answered the survey: ", t) for t in texts)
    assert [t for t in texts if NESTED.search(t)] == []
    with pytest.raises(BoardPackError) as refused:
        check("2024/25", "E22000367")
    assert str(refused.value).startswith("No board pack for Dorset (community safety partnership), code E22000367: ")


def test_a_percentage_change_is_worked_out_from_the_figures_shown():
    """93.8% in 2023/24 and 93.7% in 2024/25: the staff tile said "no change" (the exact change
    is -0.04 points) while the public tile, from the published figures, said "down 0.1 points".
    One change, one wording: both work it out from the percentages as shown."""
    from cara_metrics import public, registry

    m = registry.get("survey_agree")
    assert fmt.change(m, 149 / 159, 180 / 192) == "down 0.1 points"
    assert fmt.change(m, 0.9371, 0.93712) == "no change"
    staff = {t.metric_id: t.delta_text for t in overview.tiles(Filters.financial_years(2024, 2024, FORCE))}
    shown = {t.metric_id: t.delta_text for t in public.headline_tiles(FORCE, "2024/25")}
    for metric_id in ("da_share", "survey_agree"):
        assert staff[metric_id] == shown[metric_id], metric_id
    assert staff["survey_agree"] == "down 0.1 points on 2023/24"
