"""Public series as published: Home Office force-level tables (both header variants, CSV and
ODS) and the ONS domestic abuse-related crimes by police force area; the reconciliation of
the force's extract with the ONS count, and the force against every force.

No real copy of the ONS table or a Home Office force-level file could be obtained, so these
files are written here to the publishers' documented layouts (header rows as published,
"Year ending March 2020", "[x]" for not available, thousands separators). The ONS counts
used for the reconciliation are derived from the demo extract in the test, so the expected
gaps are known exactly; they are not real figures.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cara_metrics import contract as C
from cara_metrics.cli import main as cli_main
from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version
from cara_metrics.ingest.commands import main
from cara_metrics.ingest.headers import detect
from cara_metrics.ingest.rules import spec_for
from cara_metrics.ingest.values import encode, parse_column

from .ingest_corpus import HO_NEW, write_csv, write_ods, write_xlsx

PFA_OLD = ["Financial Year", "Financial Quarter", "Force Name", "Offence Description", "Offence Group",
           "Offence Subgroup", "Offence Code", "Number of Offences"]
PFA_NEW = ["Financial Year", "Financial Quarter", "Police Force", "Offence Description", "Offence Group",
           "Offence Subgroup", "Offence Code", "Offence Count"]
PFA_ROW = ["Dorset", "Assault without injury", "Violence against the person", "Violence without injury", "105A"]
ONS_HEADER = ["Police force area code", "Police force area name", "Year", "Domestic abuse-related crimes",
              "Rate per 1,000 population", "Percentage of all crime", "Notes"]
FORCE = "E23000039"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    dst = tmp_path_factory.mktemp("public") / "root"
    shutil.copytree(DEFAULT_DATA_DIR, dst)
    return dst


def ingest(root: Path, *files: Path) -> int:
    return main(["ingest", "--data-dir", str(root), "--report", str(root.parent / "report.csv"), *map(str, files)])


def rows(root: Path, name: str) -> list[dict]:
    return pq.read_table(live_version(root).table_path(name)).to_pylist()


def _extract_da(root: Path) -> dict[int, int]:
    """The demo force extract's DA-flagged crimes per financial year (whole years only)."""
    path = live_version(root).table_path("crime")
    got = duckdb.sql(f"""SELECT year(month - INTERVAL 3 MONTH) AS fy, sum(offences) FILTER (WHERE da_flag),
                                count(DISTINCT month) FROM read_parquet('{path}') WHERE series = 'force' GROUP BY 1""").fetchall()
    return {int(fy): int(n) for fy, n, months in got if months == 12}


def test_pfa_and_csp_tables_are_told_apart_by_header():
    assert detect(PFA_OLD).shape.table == "crime_context_force"
    assert detect(PFA_NEW).shape.table == "crime_context_force"
    assert detect(HO_NEW).shape.table == "crime_context"  # a CSP file also fits the force shape: CSP wins
    assert detect(ONS_HEADER).shape.table == "da_crime_ons"


def test_ons_year_labels_and_markers_read_as_published():
    col = C.DA_CRIME_ONS.column("financial_year")
    got = parse_column(encode(pa.array(["Year ending March 2020", "Apr 2018 to Mar 2019", "2016/17", "YE Mar 2021 [r]"])),
                       spec_for("da_crime_ons", col, dt.date(2025, 1, 1)))
    assert got.values.to_pylist() == ["2019/20", "2018/19", "2016/17", "2020/21"] and not got.bad.any()
    n = parse_column(encode(pa.array(["123,456", "[x]"])), spec_for("da_crime_ons", C.DA_CRIME_ONS.column("da_crimes"), dt.date(2025, 1, 1)))
    assert n.values.to_pylist() == [123456, None] and not n.bad.any()
    # Only the ONS table reads [x] as "not available": elsewhere it is still an error.
    other = parse_column(encode(pa.array(["[x]"])), spec_for("population", C.POPULATION.column("population"), dt.date(2025, 1, 1)))
    assert other.bad.all()


def test_home_office_force_tables_both_variants_csv_and_ods(root, tmp_path, capsys):
    ods = write_ods(tmp_path / "prc-pfa.ods", {
        "Notes": [["Police recorded crime by police force area"]],
        "2018_19": [PFA_OLD, ["2018/19", "4"] + PFA_ROW + ["1,190"]],
        "2019_20": [PFA_NEW, ["2019/20", "1"] + PFA_ROW + ["1204"], ["2019/20", "1", "Hampshire"] + PFA_ROW[1:] + ["-2"]],
    })
    csv = write_csv(tmp_path / "prc-pfa.csv", PFA_NEW, [["2019-20", "Q2"] + PFA_ROW + ["1251"]])
    assert ingest(root, ods, csv) == 0
    err = capsys.readouterr().err
    got = {(r["financial_year"], r["quarter"], r["force_name"]): r for r in rows(root, "crime_context_force")}
    assert got[("2018/19", 4, "Dorset")]["offences"] == 1190  # "Force Name" / "Number of Offences"
    assert got[("2019/20", 1, "Dorset")]["offences"] == 1204  # "Police Force" / "Offence Count"
    assert got[("2019/20", 2, "Dorset")]["offences"] == 1251  # the CSV
    assert got[("2019/20", 1, "Hampshire")]["offences"] == -2  # negative counts kept as published
    # The demo's force has its ONS name, "Dorset", so the row matches it exactly; a force not
    # in the areas table loads without a code and the note says so.
    assert got[("2019/20", 1, "Dorset")]["area_code"] == "E23000039"
    assert got[("2019/20", 1, "Hampshire")]["area_code"] is None
    assert "force name(s) not in the areas table" in err and "Hampshire" in err
    assert not [r for r in rows(root, "crime_context") if r["csp_name"] == "Dorset" and r["offences"] == 1204]


def test_ons_series_loads_and_reconciles_with_the_force_extract(root, tmp_path, capsys):
    extract = _extract_da(root)
    years = sorted(extract)[-2:]
    within, gap = years  # ONS 1% below the extract in one year, 5% below in the other
    ons = {within: round(extract[within] / 1.01), gap: round(extract[gap] / 1.05)}
    label = lambda fy: f"Year ending March {fy + 1}"
    sheet = [["Table 9: Domestic abuse-related crimes recorded by the police, by police force area"], [], ONS_HEADER,
             ["K04000001", "England and Wales", label(gap), "800,000", "14.8", "16.2", ""],
             [FORCE, "Dorset", label(within), f"{ons[within]:,}", "11.0", "14.1", ""],
             [FORCE, "Dorset", label(gap), f"{ons[gap]:,}", "11.5", "14.6", "[b]"],
             ["E23000005", "Greater Manchester", label(gap), "[x]", "[x]", "[x]", "Not included"],
             ["E23000001", "Metropolitan Police", label(gap), "95,000", "10.5", "11.9", ""]]
    assert ingest(root, write_xlsx(tmp_path / "ons-da.xlsx", {"Contents": [["Tables"]], "Table 9": sheet})) == 0
    held = {(r["area_code"], r["financial_year"]): r for r in rows(root, "da_crime_ons")}
    assert held[("E23000005", C.financial_year_label(gap))]["da_crimes"] is None  # [x]: not available
    assert held[("K04000001", C.financial_year_label(gap))]["da_crimes"] == 800000
    capsys.readouterr()

    assert cli_main(["figures", "da_reconciliation", "--data-dir", str(root), "--area", "E06000059",
                 "--period", f"{C.financial_year_label(within)}-{C.financial_year_label(gap)}", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by_year = {r["period"]: r for r in doc["rows"]}
    w, g = by_year[C.financial_year_label(within)], by_year[C.financial_year_label(gap)]
    assert (w["extract_crimes"], w["ons_crimes"], w["difference"]) == (extract[within], ons[within], extract[within] - ons[within])
    assert w["value"] == pytest.approx((extract[within] - ons[within]) / ons[within]) and not w["gap_over_2pct"]
    assert g["gap_over_2pct"] and g["value"] == pytest.approx((extract[gap] - ons[gap]) / ons[gap])
    assert g["area_code"] == FORCE and g["ons_note"] == "[b]"  # always the force; the series break is carried

    from cara_metrics.analysis import public_series
    from cara_metrics.periods import Filters

    table = public_series.reconciliation_table(root)
    assert list(table["Check"]).count("within 2%") >= 1 and any(c.startswith("gap over 2%") for c in table["Check"])
    assert "**Gap over 2%**" in public_series.reconciliation_text(root)
    assert public_series.ons_note(Filters(dt.date(gap, 4, 1), dt.date(gap + 1, 3, 31), "E06000059"), root=root) is None
    panel = public_series.ons_force_panel(Filters(dt.date(gap, 4, 1), dt.date(gap + 1, 3, 31), "E06000059"), root=root)
    assert panel.title == "Dorset: 14.6% of recorded crime was domestic abuse-related against 16.2% for England and Wales"
    assert "1 of 2 forces by share" in panel.summary  # Greater Manchester has no figure, so is not ranked
    assert list(panel.table["Police force area"]) == ["England and Wales", "Dorset", "Metropolitan Police", "Greater Manchester"]
    assert panel.notes == ("Not available in the ONS table ([x]): Greater Manchester.",)


def test_pages_say_when_the_ons_series_is_not_loaded():
    from cara_metrics.analysis import public_series
    from cara_metrics.panels import NoData
    from cara_metrics.periods import Filters

    assert "is not loaded" in public_series.ons_note(Filters(dt.date(2019, 4, 1), dt.date(2020, 3, 31), FORCE), root=DEFAULT_DATA_DIR)
    with pytest.raises(NoData, match="not loaded"):
        public_series.ons_force_panel(Filters(dt.date(2019, 4, 1), dt.date(2020, 3, 31), FORCE), root=DEFAULT_DATA_DIR)
    assert public_series.reconciliation_table(DEFAULT_DATA_DIR) is None
    assert "nothing to reconcile" in public_series.reconciliation_text(DEFAULT_DATA_DIR)


AGES = [str(a) for a in range(90)] + ["90+"]


def _mye_row(code: str, name: str, geography: str, total: int) -> list:
    return [code, name, geography, total] + [1] * len(AGES)  # made-up figures, not the published ones


def test_ons_mid_year_estimates_as_published(root, tmp_path, capsys):
    """MYE2 (persons): the year from the title, the council rows kept, the rest skipped."""
    sheet = [["Population estimates for the UK, England and Wales, Scotland and Northern Ireland, mid-2020"], [],
             ["Code", "Name", "Geography", "All ages"] + AGES,
             _mye_row("K02000001", "UNITED KINGDOM", "Country", 67_000_000),
             _mye_row("E12000009", "SOUTH WEST", "Region", 5_600_000),
             _mye_row("E06000058", "Bournemouth, Christchurch and Poole", "Unitary Authority", 400_000),
             _mye_row("E06000059", "Dorset", "Unitary Authority", 380_000),
             _mye_row("E08000003", "Manchester", "Metropolitan District", 550_000)]
    assert ingest(root, write_xlsx(tmp_path / "ukpopestimates.xlsx", {"Contents": [["Tables"]], "MYE2 - Persons": sheet})) == 0
    got = {(r["area_code"], r["year"]): r["population"] for r in rows(root, "population") if r["year"] == 2020}
    assert got == {("E06000058", 2020): 400_000, ("E06000059", 2020): 380_000}
    err = capsys.readouterr().err
    assert "mid-2020 population estimates; 3 rows" in err and "'0'" not in err  # ages are not listed one by one
    # A CSV saved from the sheet, without the title: the year comes from the file name.
    header = ["Code", "Name", "Geography1", "All ages"] + AGES
    assert ingest(root, write_csv(tmp_path / "mye-mid2021.csv", header, [_mye_row("E06000059", "Dorset", "Unitary Authority", 381_000)])) == 0
    assert {(r["area_code"], r["year"]): r["population"] for r in rows(root, "population")}[("E06000059", 2021)] == 381_000


def test_mid_year_estimates_without_a_year_or_on_old_councils_are_refused(root, tmp_path, capsys):
    header = ["Code", "Name", "Geography", "All ages"] + AGES
    assert ingest(root, write_csv(tmp_path / "estimates.csv", header, [_mye_row("E06000059", "Dorset", "Unitary Authority", 1)])) == 1
    assert "cannot tell which mid-year" in capsys.readouterr().err
    old = write_csv(tmp_path / "mid2018.csv", header, [_mye_row("E06000028", "Bournemouth", "Unitary Authority", 1)])
    assert ingest(root, old) == 1
    assert "former area" in capsys.readouterr().err  # estimates on the old councils: give current ones


def test_crime_and_quality_pages_say_the_ons_series_is_not_loaded_on_the_demo():
    from streamlit.testing.v1 import AppTest

    from .conftest import REPO

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params.update({"area": FORCE, "from": "2019/20", "to": "2024/25"})
    at.run()
    at.switch_page("views/crime.py").run()
    assert not at.exception and any("ONS series of domestic abuse-related crimes" in i.value and "not loaded" in i.value
                                    for i in at.info)
    at.switch_page("views/data_quality.py").run()
    assert not at.exception and any("nothing to reconcile" in m.value for m in at.markdown)
