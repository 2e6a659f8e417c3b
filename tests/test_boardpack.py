"""The board pack: a PowerPoint deck whose every figure is the dashboard's own.

The expected values are taken from the library functions the pages call, for filters built
here (not by the board pack), so a pack that chose other periods, areas or numbers fails.
"""

from __future__ import annotations

import argparse
import io
import json
import re

import pytest
from pptx import Presentation
from pptx.util import Inches, Pt
from streamlit.testing.v1 import AppTest

from cara_metrics import boardpack, formatting as fmt, registry
from cara_metrics import metrics
from cara_metrics.analysis import completion, crime, overview, referrals, reoffending, survey, value
from cara_metrics.periods import Filters

from .conftest import DORSET, FORCE, REPO

PERIOD = "2024/25"
WINDOW = Filters.financial_years(2019, 2024, FORCE)  # the six years to 2024/25 (the dashboard's default view)
YEAR = Filters.financial_years(2024, 2024, FORCE)


@pytest.fixture(scope="module")
def deck() -> bytes:
    return boardpack.build(PERIOD, area=FORCE)


@pytest.fixture(scope="module")
def prs(deck):
    return Presentation(io.BytesIO(deck))


def shape(slide, name):
    found = [s for s in slide.shapes if s.name == name]
    assert found, f"no shape {name!r} on the slide: {[s.name for s in slide.shapes]}"
    return found[0]


def slide_text(slide) -> str:
    parts = []
    for s in slide.shapes:
        if s.has_text_frame:
            parts.append(s.text_frame.text)
        if s.has_table:
            parts.extend(c.text for r in s.table.rows for c in r.cells)
    return "\n".join(parts)


def question_slides(prs):
    return list(prs.slides)[2:7]


# --- structure ------------------------------------------------------------------------------


def test_pack_opens_and_has_the_expected_slides(prs, deck):
    titles = [shape(s, "title").text_frame.text for s in prs.slides]
    assert len(titles) >= 8
    v = value.compute(YEAR)
    expected = [
        "CARA board pack: Dorset (police force area), 2024/25",
        "2024/25 in brief: Dorset (police force area)",
        crime.share_panel(WINDOW, "year").title,
        referrals.volume_panel(WINDOW, "year").title,
        completion.rate_period_panel(WINDOW, "year").title,
        survey.agree_panel(YEAR).title,
        reoffending.rate_panel(WINDOW).title,
        f"CARA cost {fmt.gbp(v.cost_per_referral)} per person referred in 2024/25; about £6 back for every £1 spent, "
        "if the difference is due to CARA",
        "The estimate assumes the measured difference holds for everyone referred",
        "What these figures can and cannot show",
    ]
    assert titles[: len(expected)] == expected
    appendix = titles[len(expected):]
    assert appendix and all(t.startswith("Definitions and sources") for t in appendix)
    assert boardpack.titles_of(deck) == titles


def test_slide_titles_function_matches_the_deck(prs):
    assert boardpack.slide_titles(PERIOD, FORCE) == [shape(s, "title").text_frame.text for s in prs.slides]


def test_title_slide_names_period_area_and_data_date(prs):
    text = slide_text(prs.slides[0])
    assert "CARA board pack: Dorset (police force area), 2024/25" in text
    assert "Financial year 2024/25 (1 April 2024 to 31 March 2025); data as at 31 March 2025" in text


# --- the same figures as the dashboard ------------------------------------------------------


def test_summary_slide_is_the_overview_summary(prs):
    lines = [p.text for p in shape(prs.slides[1], "summary").text_frame.paragraphs]
    assert lines == overview.summary(WINDOW)
    assert lines == boardpack.summary_lines(PERIOD, FORCE)
    assert any("about 8 in 10 (84.4% [p]) completed both workshops. Some cases are still open, so this figure can still "
               "change and is not compared with the year before." in line for line in lines)


PANELS = [
    # (slide index, panel (title, subtitle), the metric result the chart is bound to, row filter, scale, decimals)
    (2, lambda: crime.share_panel(WINDOW, "year"), lambda: metrics.compute("da_share", WINDOW, "period"), {}, 100, 1),
    (3, lambda: referrals.volume_panel(WINDOW, "year"), lambda: metrics.compute("referrals", WINDOW, "period"), {}, 1, 0),
    (4, lambda: completion.rate_period_panel(WINDOW, "year"), lambda: metrics.compute("completion_rate", WINDOW, "period"), {}, 100, 1),
    (5, lambda: survey.agree_panel(YEAR), lambda: metrics.compute("survey_agree", YEAR, "total"), {}, 100, 1),
    (6, lambda: reoffending.rate_panel(WINDOW), lambda: metrics.compute("reoffending_rate", WINDOW, "total"),
     {"category": ["cara", "comparison"]}, 100, 1),
]
IDS = ["crime", "referrals", "completion", "survey", "reoffending"]


def _rows(result, where):
    t = result.table
    for k, allowed in where.items():
        t = t[t[k].isin(allowed)]
    return t


@pytest.mark.parametrize("index,make,result,where,scale,dp", PANELS, ids=IDS)
def test_question_slide_chart_is_bound_to_the_metric_result(prs, index, make, result, where, scale, dp):
    """The chart's values are the result's machine column ``value`` (never a display heading),
    and provisional or break periods carry their mark in the category label."""
    slide = prs.slides[index]
    panel, rows = make(), _rows(result(), where)
    charts = [s for s in slide.shapes if s.has_chart]
    assert len(charts) == 1
    plot = charts[0].chart.plots[0]
    assert list(plot.series[0].values) == [round(scale * v, dp) for v in rows["value"]]
    if index in (2, 3, 4):
        assert [str(c) for c in plot.categories] == [f"{p} {s}".strip() for p, s in zip(rows["period"], rows["symbol"])]
    assert shape(slide, "title").text_frame.text == panel.title
    assert shape(slide, "subtitle").text_frame.text == panel.subtitle


def test_provisional_year_is_marked_on_the_completion_chart(prs):
    cats = [str(c) for c in [s for s in prs.slides[4].shapes if s.has_chart][0].chart.plots[0].categories]
    assert cats[-1] == "2024/25 [p]" and not any("[p]" in c for c in cats[:-1])


@pytest.mark.parametrize("index,make,result,where,scale,dp", PANELS, ids=IDS)
def test_question_slide_table_shows_the_same_values(prs, index, make, result, where, scale, dp):
    slide = prs.slides[index]
    rows = _rows(result(), where).tail(boardpack.MAX_TABLE_ROWS)
    tables = [s for s in slide.shapes if s.has_table]
    assert len(tables) == 1
    tbl = tables[0].table
    assert 2 <= len(tbl.rows) <= boardpack.MAX_TABLE_ROWS + 1
    texts = [[c.text for c in r.cells] for r in list(tbl.rows)[1:]]
    want = [fmt.count(v) if dp == 0 else fmt.number(scale * v, 1) for v in rows["value"]]
    assert all(w in row for w, row in zip(want, texts)), (want, texts)


def test_chart_names_cannot_become_formulas():
    """Issue 11 item 4: a category or series name starting with '=' is written as text."""
    import zipfile

    from pptx import Presentation as P

    prs = P()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    spec = boardpack.ChartSpec("bar", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "Safe"], [("=SUM(A1)", [1.0, 2.0, 3.0])])
    boardpack.add_chart(slide, spec, 0.5, 0.5, 6, 4)
    buf = io.BytesIO()
    prs.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        book = next(n for n in z.namelist() if n.endswith(".xlsx"))
        with zipfile.ZipFile(io.BytesIO(z.read(book))) as x:
            sheet = x.read("xl/worksheets/sheet1.xml").decode()
            strings = x.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in x.namelist() else ""
    assert "<f>" not in sheet, "a chart name became a live formula in the embedded workbook"
    assert "'=HYPERLINK" in strings or "'=HYPERLINK" in sheet


def test_reoffending_slide_has_the_justice_data_lab_sentence_and_interval(prs):
    slide = prs.slides[6]
    c = reoffending.compare(WINDOW)
    callout = [p.text for p in shape(slide, "callout").text_frame.paragraphs]
    assert callout == [c.sentence(), boardpack.NOT_A_TRIAL]
    assert callout[0].startswith("For every 100 people referred to CARA, 20 reoffended within a year")
    assert "likely between 2 and 12 fewer per 100" in callout[0]  # the difference with its interval, in words
    # the test statistics stay with the presenter
    assert reoffending.difference_text(c.difference, "percentage points", scale=100) in slide.notes_slide.notes_text_frame.text
    assert "17.9 to 22.8" in slide_text(slide)  # the CARA group's interval in the table


def test_value_slide_bcr_equals_value_compute(prs):
    slide = prs.slides[7]
    v = value.compute(YEAR)
    tile = shape(slide, "tile:benefit_cost_ratio").text_frame.text
    assert fmt.number(v.bcr.value, 1) in tile  # one decimal: the inputs support no more
    assert f"likely between {fmt.number(v.bcr.low, 1)} and {fmt.number(v.bcr.high, 1)}" in tile
    assert f"about £{round(v.bcr.value)} back for every £1 spent" in tile
    plot = [s for s in slide.shapes if s.has_chart][0].chart.plots[0]
    start, length = (list(s.values) for s in plot.series)
    # floating bars: this estimate runs from 0 to the ratio; the published ratios are ONE bar from low to high
    assert [a + b for a, b in zip(start, length)] == pytest.approx([v.bcr.value, 11.1])
    assert start == [0.0, 2.75]
    assert [str(c) for c in plot.categories] == ["This estimate, 2024/25", "Published range (Karavias et al. 2023)"]
    assert "2.75 to 11.1" in plot.series[1].points[1].data_label.text_frame.text
    text = slide_text(slide)
    assert fmt.gbp(v.cost_per_referral) in text and fmt.gbp(v.cost_per_completion) in text
    assert value.money(v.cost_gbp) in text
    assert boardpack.SAVINGS_ASSUME in shape(slide, "callout").text_frame.text  # beside the saving (item 1)


def test_value_detail_slide_has_every_assumption_and_the_estimates(prs):
    slide = prs.slides[8]
    v = value.compute(YEAR)
    shown = [p.text for p in shape(slide, "assumptions").text_frame.paragraphs]
    # every assumption, less the two that are caveats (said once, on the caveats slide)
    assert shown == [x for x in value.assumption_lines(v) if "not randomised" not in x and x != v.price_note]
    assert slide.notes_slide.notes_text_frame.text == "\n".join(value.assumption_lines(v))
    tbl = [s for s in slide.shapes if s.has_table][0].table
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in tbl.rows}
    assert rows["Benefit-cost ratio"][1:] == [fmt.number(x, 1) for x in (v.bcr.value, v.bcr.low, v.bcr.high)]
    assert rows["Benefit"][1:] == [value.money(x) for x in (v.benefit_gbp.value, v.benefit_gbp.low, v.benefit_gbp.high)]


def test_caveats_slide_and_appendix_carry_each_metric_break_in_series_and_follow_up_rule(prs):
    caveats = prs.slides[9]
    said = slide_text(caveats)
    appendix = "\n".join(slide_text(s) for s in list(prs.slides)[10:])
    for mid in ("da_share", "referrals", "completion_rate", "survey_agree", "reoffending_rate", "cost_per_referral",
                "cost_per_completion", "benefit_cost_ratio"):
        m = registry.get(mid)
        assert m.title in appendix and m.definition in appendix, mid
        assert m.caveats in caveats.notes_slide.notes_text_frame.text, mid  # every caveat in full, with the presenter
    assert "Source: Force crime recording system" in appendix
    assert "From April 2019 domestic-abuse counts come from the Home Office" in said  # the break in series
    assert "only cautions up to 30 September 2023 have a complete follow-up" in said
    assert boardpack.NOT_A_TRIAL in said
    assert boardpack.SYNTHETIC_TEXT in said
    assert "Cases are still in progress in 2024/25" in said  # provisional periods


# --- framing: what a board reads in five minutes (issue 14 item 13) -------------------------


def test_first_slide_has_one_plain_statement_and_four_or_five_big_numbers(prs):
    first = prs.slides[0]
    statement = shape(first, "statement").text_frame
    assert len(statement.paragraphs) == 1
    c = reoffending.compare(WINDOW)
    assert statement.text.startswith(c.sentence()) and "not a trial" in statement.text
    big = [s for s in first.shapes if s.name.startswith("big:")]
    assert 4 <= len(big) <= 5
    # each big number is the page's own figure: the Overview tile, or the Value for money tile
    tiles = {t.metric_id: t for t in [*overview.tiles(WINDOW), *value.tiles(value.compute(YEAR))]}
    for b in big:
        label, number, *_ = [p.text for p in b.text_frame.paragraphs]
        t = tiles[b.name.removeprefix("big:")]
        assert number == t.value_text, b.name
        assert label.startswith(t.label.split(" (")[0]), b.name
        assert "CI" not in b.text_frame.text and "likely between" not in b.text_frame.text


def test_titles_carry_no_intervals_or_marks(prs):
    for i, slide in enumerate(prs.slides, start=1):
        title = shape(slide, "title").text_frame.text
        assert "[" not in title and "CI" not in title and "95%" not in title and "likely between" not in title, (i, title)


def test_money_is_in_millions_from_100000(prs):
    v = value.compute(YEAR)
    assert value.money(806_315) == "£0.8 million" and value.money(1_278_244) == "£1.3 million" and value.money(713) == "£713"
    for i, slide in enumerate(prs.slides, start=1):
        assert not re.search(r"£\d{3},\d{3}", slide_text(slide)), i  # never £806,315 on a slide
    assert value.money(v.benefit_gbp.value) in slide_text(prs.slides[7]) + slide_text(prs.slides[8])


def test_every_chart_has_a_source_line_under_it(prs):
    charts = 0
    for i, slide in enumerate(prs.slides, start=1):
        for ch in [s for s in slide.shapes if s.has_chart]:
            charts += 1
            src = shape(slide, "source")
            assert src.text_frame.text.startswith("Source: "), i
            assert src.top >= ch.top + ch.height - Inches(0.01), i  # under the chart, not beside it
    assert charts >= 6


def test_caveats_are_on_exactly_one_slide(prs):
    kickers = [shape(s, "kicker").text_frame.text for s in prs.slides if any(x.name == "kicker" for x in s.shapes)]
    assert kickers.count("Caveats") == 1
    caveat_slide = [s for s in prs.slides if any(x.name == "kicker" and x.text_frame.text == "Caveats" for x in s.shapes)][0]
    others = [slide_text(s) for s in prs.slides if s is not caveat_slide]
    for mid in ("da_share", "completion_rate", "reoffending_rate", "benefit_cost_ratio"):
        first = registry.get(mid).caveats.split(". ")[0]
        assert not any(first in t for t in others), mid
    assert not any("Caveats:" in t for t in others)
    provisional = "Cases are still in progress"
    assert provisional in slide_text(caveat_slide) and not any(provisional in t for t in others)


def _tool(name: str) -> str:
    import os
    import shutil

    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (apt-get install libreoffice-impress poppler-utils): the pack is drawn with it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_pack_renders_in_libreoffice_slide_by_slide(deck, prs, tmp_path):
    """LibreOffice draws every slide (headless, to PDF, then PNG as a reviewer looks at them):
    one page per slide, none blank, each with its title and every chart's source line as drawn."""
    import subprocess

    from PIL import Image

    soffice, pdftoppm, pdftotext = _tool("soffice"), _tool("pdftoppm"), _tool("pdftotext")
    pptx = tmp_path / "pack.pptx"
    pptx.write_bytes(deck)
    profile = tmp_path / "lo-profile"  # its own profile: never shares a running LibreOffice's
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(pptx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "pack.pdf"
    subprocess.run([pdftoppm, "-png", "-r", "20", str(pdf), str(tmp_path / "s")], check=True, timeout=120)
    pngs = sorted(tmp_path.glob("s-*.png"))
    assert len(pngs) == len(prs.slides)
    for png in pngs:
        lo, hi = Image.open(png).convert("L").getextrema()
        assert lo < 128 < hi or lo < 100, png.name  # something dark drawn on the page
    pages = subprocess.run([pdftotext, str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60).stdout.split("\f")
    for i, slide in enumerate(prs.slides, start=1):
        flat = " ".join(pages[i - 1].split())
        title = " ".join(shape(slide, "title").text_frame.text.split())
        assert title[:40] in flat, (i, title)
        if any(s.has_chart for s in slide.shapes):
            assert "Source:" in flat, i


# --- labelling and look ---------------------------------------------------------------------


def test_synthetic_marker_on_every_slide(prs):
    banner = shape(prs.slides[0], "synthetic-banner").text_frame.text
    assert banner.startswith("SYNTHETIC DEMONSTRATION DATA")
    for i, slide in enumerate(prs.slides, start=1):
        assert shape(slide, "footer-synthetic").text_frame.text.startswith("SYNTHETIC DEMONSTRATION DATA"), i


def test_real_data_has_no_synthetic_marker(demo_copy):
    wh = demo_copy / "warehouse"
    manifest = wh / (wh / "CURRENT").read_text().strip() / "manifest.json"
    m = json.loads(manifest.read_text())
    m["synthetic"] = False
    manifest.write_text(json.dumps(m))
    p = Presentation(io.BytesIO(boardpack.build(PERIOD, area=FORCE, root=demo_copy)))
    assert len(p.slides) >= 8
    for slide in p.slides:
        assert "SYNTHETIC" not in slide_text(slide).upper()
        assert shape(slide, "footer").text_frame.text.startswith("Dorset (police force area) · 2024/25")


def test_text_fits_and_fonts_are_large_arial(deck, prs):
    assert boardpack.fit_problems(deck) == []
    assert prs.slide_width == Inches(13.333) and prs.slide_height == Inches(7.5)
    for i, slide in enumerate(prs.slides, start=1):
        for s in slide.shapes:
            frames = [s.text_frame] if s.has_text_frame else [c.text_frame for r in s.table.rows for c in r.cells] if s.has_table else []
            for tf in frames:
                for p in tf.paragraphs:
                    for r in p.runs:
                        assert r.font.name == "Arial", (i, s.name)
                        assert r.font.size >= (Pt(28) if s.name == "title" else Pt(14)), (i, s.name, r.text)
            if s.has_text_frame and s.text_frame.text:
                assert s.text_frame.word_wrap is True
            if s.has_chart:
                xml = s.chart.part.blob.decode("utf-8")
                sizes = [int(x) for x in re.findall(r'\bsz="(\d+)"', xml)]
                assert sizes and min(sizes) >= 1400, (i, sizes)
                assert 'typeface="Arial"' in xml


def test_fit_check_catches_text_that_overflows():
    p = Presentation()
    box = p.slides.add_slide(p.slide_layouts[6]).shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(0.4))
    box.text_frame.word_wrap = True
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "A sentence far too long for a box two inches wide and one line high. " * 3
    run.font.size = Pt(18)
    buf = io.BytesIO()
    p.save(buf)
    assert any("needs" in x for x in boardpack.fit_problems(buf.getvalue()))


def test_a_year_before_cara_explains_the_missing_figures():
    data = boardpack.build("2016/17", area=FORCE)
    p = Presentation(io.BytesIO(data))
    assert len(p.slides) >= 8
    texts = [slide_text(s) for s in p.slides]
    assert any("Domestic abuse was" in t for t in texts[2:3])  # crime data exists before CARA
    assert "No data for this selection. No one in Dorset (police force area) was referred to CARA in 2016/17" in texts[3]
    assert boardpack.fit_problems(data) == []


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2030/31", "abc", "2024/26", "2015/16"])
def test_a_period_not_in_the_data_is_refused(period):
    with pytest.raises(boardpack.BoardPackError, match="2024/25|financial year"):
        boardpack.build(period)


def test_an_unknown_area_is_refused():
    with pytest.raises(boardpack.BoardPackError, match="Unknown area code 'E99999999'"):
        boardpack.build(PERIOD, area="E99999999")


def test_a_partnership_sharing_a_council_is_refused_with_the_reason():
    """The Dorset CSP shares BCP with two other partnerships (ONS lookup): it has no
    council-held figures, so no pack (it once read '0 people were referred')."""
    with pytest.raises(boardpack.BoardPackError, match="sits in more than one community safety partnership"):
        boardpack.build(PERIOD, area="E22000367")


def test_names():
    assert boardpack.file_name("2024/25", FORCE) == "cara-board-pack-2024-25-E23000039.pptx"
    assert boardpack.period_of(Filters.financial_years(2019, 2023, FORCE)) == "2023/24"


# --- command line ---------------------------------------------------------------------------


def _cli(argv):
    parser = argparse.ArgumentParser(prog="python -m cara_metrics")
    boardpack.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


def test_cli_writes_the_pack(tmp_path, demo_root, monkeypatch, capsys):
    monkeypatch.setenv("CARA_DATA_DIR", "")  # the command sets it; the test restores it
    out = tmp_path / "sub" / "pack.pptx"
    assert _cli(["boardpack", "--data-dir", str(demo_root), "--period", "2024/25", "--out", str(out)]) == 0
    p = Presentation(str(out))
    assert len(p.slides) >= 8
    assert "wrote" in capsys.readouterr().out


def test_cli_rejects_a_period_without_data(tmp_path, demo_root, monkeypatch, capsys):
    monkeypatch.setenv("CARA_DATA_DIR", "")
    out = tmp_path / "pack.pptx"
    assert _cli(["boardpack", "--data-dir", str(demo_root), "--period", "2030/31", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "There is no data for 2030/31" in err and "Traceback" not in err
    assert not out.exists()


def test_cli_rejects_a_malformed_period_as_usage(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        _cli(["boardpack", "--period", "abc", "--out", str(tmp_path / "p.pptx")])
    assert exc.value.code == 2
    assert "not a financial year like 2019/20" in capsys.readouterr().err


def test_cli_rejects_a_missing_data_folder(tmp_path, capsys):
    assert _cli(["boardpack", "--data-dir", str(tmp_path / "nope"), "--period", "2024/25", "--out", str(tmp_path / "p.pptx")]) == 1
    assert "does not exist" in capsys.readouterr().err


# --- the Overview page ----------------------------------------------------------------------


def test_overview_page_offers_the_board_pack_for_the_chosen_area(monkeypatch):
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = []
    original = MediaFileManager.add_deferred

    def record(self, fn, *a, **k):
        made.append(fn)
        return original(self, fn, *a, **k)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params.update({"area": "E23000039", "from": "2019/20", "to": "2024/25"})
    at.run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.label == "Download the board pack (PowerPoint)"]
    assert len(buttons) == 1
    assert buttons[0].proto.deferred_file_id  # built lazily, on click
    # What the click would download: the pack for the last year chosen and the chosen area.
    at.selectbox(key="f_area").set_value(DORSET).run()
    assert not at.exception
    titles = boardpack.titles_of(made[-1]())
    assert titles[1] == "2024/25 in brief: Dorset (council)"
