"""Issue 11, items 5 and 6: personal identifiers in any form, hidden sheets, and files that
would exhaust memory are refused with a clear message naming file, sheet, row and column.

The hostile files are built here, in each test's temporary folder, with ``zipfile``: a few
kilobytes that describe millions of rows or columns, or a 400 MB shared string. The bomb
tests run ingest in a subprocess with a generous timeout (60 s: they take a few seconds),
so a regression fails instead of hanging CI; time and memory are measured in the report
of the change, not asserted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest

from cara_metrics.dataroot import DEFAULT_DATA_DIR
from cara_metrics.ingest import pii
from cara_metrics.ingest.commands import main
from cara_metrics.ingest.settings import Settings, SettingsError, load

from .ingest_corpus import COSTS_HEADER, referrals_with, tree_hash, write_csv, write_parquet, write_xlsx

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root(tmp_path):
    dst = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, dst)
    return dst


def ingest(root: Path, *files: Path, args=()) -> int:
    return main(["ingest", "--data-dir", str(root), "--report", str(root.parent / "report.csv"), "--dry-run",
                 *args, *map(str, files)])


def refused(capsys, root: Path, *files: Path, args=()) -> str:
    """Ingest ``files``; assert it refused them with no traceback and the warehouse unchanged; the messages."""
    before = tree_hash(root)
    rc = ingest(root, *files, args=args)
    err = capsys.readouterr().err
    assert rc == 1, err
    assert "Traceback" not in err and tree_hash(root) == before
    return err


# --- item 5: identifiers in any form ----------------------------------------------------------

SCREENED = [
    # values issue 11 reported loaded, and their kin
    ("John Smith 01/02/1985", "a name with a date of birth"), ("john smith 1985-02-01", "a name with a date of birth"),
    ("SMITH, John (01.02.1985)", "a name with a date of birth"), ("Smith John 1 Feb 1985", "a name with a date of birth"),
    ("Payment re J Smith DOB 01/02/85", "a name with a date of birth"), ("01/02/1985 John Smith", "a name with a date of birth"),
    ("P_AB123456C", "a National Insurance number"), ("AB-12-34-56-C", "a National Insurance number"),
    ("ab 12 34 56 c", "a National Insurance number"), ("AB.12.34.56.C", "a National Insurance number"),
    ("PNC12/123456A", "a PNC id"), ("PNC:2012/0123456b", "a PNC id"), ("pnc_12/123456a", "a PNC id"),
    ("(01202) 123456", "a UK phone number"), ("01202.123.456", "a UK phone number"),
    ("0044 1202 123456", "a UK phone number"), ("+44 (0)1202 123456", "a UK phone number"),
    ("tel:01202123456", "a UK phone number"), ("tel01202123456", "a UK phone number"), ("07700  900123", "a UK phone number"),
    ("bh1 1aa", "a UK postcode"), ("BH1  1AA", "a UK postcode"), ("moved to sw1a 1aa", "a UK postcode"), ("bh11aa", "a UK postcode"),
    ("jo(at)example.org", "an email address"), ("jo [at] example dot org", "an email address"),
    ("jo@localhost", "an email address"), ("ｊｏ＠ｅｘａｍｐｌｅ．ｏｒｇ", "an email address"), ("jo﹫example.org", "an email address"),
]
NOT_IDENTIFIERS = [
    "E06000058", "E22000367", "DOR-P000001", "SYN-F01-P000123", "SYN-F01-L01", "105A", "8N", "13/08/2019",
    "2019-08-13", "43690", "2019/20", "36074.38", "£36,074.38", "Violence against the person", "the Q1 2nd payment",
    "Workshop delivery contract", "01.08.2019 12.30", "2019-08-13 10:00:00", "Bournemouth, Christchurch and Poole",
    "The workshops changed my attitude towards my partner.", "Domestic-abuse flagging changed 01/04/2019",
    "Hampton Trust contract 2019/20 Q2", "costs borne by the PCC", "Sessions @ 500 each", "Réunion", "-3",
]


@pytest.mark.parametrize("value, kind", SCREENED)
def test_identifiers_are_screened_whatever_the_case_spacing_or_separators(value, kind):
    assert pii.screen(pa.array([value])).tolist() == [True]
    assert pii.kind_of(value) == kind
    assert pii.safe(value).startswith("(value not shown")


def test_contract_values_are_not_mistaken_for_identifiers():
    assert not pii.screen(pa.array(NOT_IDENTIFIERS)).any(), [v for v in NOT_IDENTIFIERS if pii.kind_of(v)]


@pytest.mark.parametrize("person, text", [
    ("John Smith 01/02/1985", "looks like a name with a date of birth"),
    ("P_AB123456C", "looks like a National Insurance number"),
    ("jsmith", "not a pseudonymous token of the declared shape: a capital letter"),
    ("T-0001 ", None),  # spaces at the ends are trimmed: fine
    ("SMITH-01021985", "eight digits that read as a date"),
])
def test_person_id_must_be_a_pseudonymous_token(root, tmp_path, capsys, person, text):
    f = write_csv(tmp_path / "referrals.csv", *referrals_with({0: {"person_id": person}}))
    if text is None:
        assert ingest(root, f) == 0, capsys.readouterr().err
        return
    err = refused(capsys, root, f)
    assert any(ln.startswith("referrals.csv:2: column 'person_id':") and text in ln for ln in err.splitlines()), err
    assert person.strip() not in err  # never echoed
    assert err.count("referrals.csv:2:") == 1  # one problem per cell: no shape message on top of the screen's


def test_the_token_shape_is_configurable(root, tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "ingest.toml"
    cfg.write_text("[identifiers]\nperson_id = 'T-[0-9]{5}'\nperson_id_description = 'T- and five digits'\n"
                   "person_id_example = 'T-00001'\n", encoding="utf-8")
    f = write_csv(tmp_path / "referrals.csv", *referrals_with())  # T-0001: four digits
    err = refused(capsys, root, f, args=["--config", str(cfg)])
    assert "column 'person_id': not a pseudonymous token of the declared shape: T- and five digits, e.g. T-00001" in err
    monkeypatch.setenv("CARA_INGEST_CONFIG", str(cfg))
    assert "T- and five digits" in refused(capsys, root, f)
    monkeypatch.delenv("CARA_INGEST_CONFIG")
    assert ingest(root, f) == 0


@pytest.mark.parametrize("text, problem", [
    ("[identifiers]\nperson_id = '['\n", "[identifiers] person_id: not a regular expression"),
    ("[identifiers]\nperson_id = 'X[0-9]+'\n", "person_id_example 'DOR-P000123' does not fit"),
    ("[limits]\nmax_rows = 5\n", "[limits] max_rows: unknown setting"),
    ("[limits]\nmax_columns = -1\n", "[limits] max_columns: must be a whole number above 0"),
    ("[identifier]\n", "unknown section [identifier]"),
])
def test_a_bad_settings_file_is_named_and_nothing_runs(tmp_path, text, problem, capsys):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=__import__("re").escape(problem)):
        load(cfg)
    rc = main(["ingest", "--data-dir", str(tmp_path / "new"), "--config", str(cfg), str(cfg)])
    err = capsys.readouterr().err
    assert rc == 2 and str(cfg) in err and problem in err and not (tmp_path / "new").exists()


def test_the_shipped_settings_are_the_defaults():
    shipped = load(ROOT / "config" / "ingest.toml")
    assert (shipped.identifiers, shipped.limits) == (Settings().identifiers, Settings().limits)


def test_free_text_is_screened(root, tmp_path, capsys):
    costs = write_csv(tmp_path / "costs.csv", COSTS_HEADER, [
        ["2019/20", "2", "18500", "Workshop delivery contract"],
        ["2019/20", "3", "100", "Refund to John Smith 01/02/1985"],
    ])
    questions = write_csv(tmp_path / "questions.csv", ["question_id", "text", "scale", "agree_min"], [
        ["q_phone", "Worried? Call (01202) 123456", "agree5", "4"],
        ["q_post", "Sessions at our centre, bh1  1aa", "agree5", "4"],
        ["q_mail", "Write to help(at)example.org", "agree5", "4"],
    ])
    err = refused(capsys, root, costs, questions)
    assert "costs.csv:3: column 'description': looks like a name with a date of birth" in err
    assert "questions.csv:2: column 'text': looks like a UK phone number" in err
    assert "questions.csv:3: column 'text': looks like a UK postcode" in err
    assert "questions.csv:4: column 'text': looks like an email address" in err
    assert "Smith" not in err and "123456" not in err


def _hide(path: Path, sheet: str, state: str) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb[sheet].sheet_state = state
    wb.save(path)
    return path


@pytest.mark.parametrize("state, said", [("veryHidden", "very hidden"), ("hidden", "is hidden")])
def test_hidden_xlsx_sheets_are_refused_and_named(root, tmp_path, capsys, state, said):
    h, rows = referrals_with()
    f = write_xlsx(tmp_path / "referrals.xlsx", {"Referrals": [h] + rows, "Extra": [h] + rows[:1], "Blank": []})
    _hide(f, "Extra", state)
    _hide(f, "Blank", state)
    err = refused(capsys, root, f)
    assert f"referrals.xlsx (sheet 'Extra'): the sheet is {said.replace('is ', '')}" in err
    assert "note: referrals.xlsx (sheet 'Blank'): skipped (an empty" in err
    assert "sheet 'Referrals'" not in err.replace("note:", "")  # the visible sheet itself is fine


def test_hidden_ods_sheets_are_refused_and_named(root, tmp_path, capsys):
    h, rows = referrals_with()
    table = "".join("<table:table-row>" + "".join(_cell(v) for v in r) + "</table:table-row>" for r in [h] + rows)
    style = ('<style:style style:name="ta2" style:family="table">'
             '<style:table-properties table:display="false"/></style:style>')
    f = write_ods_xml(tmp_path / "referrals.ods",
                      f'<table:table table:name="Shown">{table}</table:table>'
                      f'<table:table table:name="Secret" table:style-name="ta2">{table}</table:table>', styles=style)
    err = refused(capsys, root, f)
    assert "referrals.ods (sheet 'Secret'): the sheet is hidden" in err
    assert "(sheet 'Shown')" not in err


# --- item 6: files that would exhaust memory, and unreadable text ----------------------------------

_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')
_HEADER = ["person_id", "question_id", "response_date", "answer"]


def _cell(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{rep}><text:p>{text}</text:p></table:table-cell>'


def write_ods_xml(path: Path, tables: str, styles: str = "") -> Path:
    """An .ods whose content.xml body is ``tables`` (raw XML), with ``styles`` as automatic styles."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               f"<office:automatic-styles>{styles}</office:automatic-styles>"
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path


def _header_row() -> str:
    return "<table:table-row>" + "".join(_cell(h) for h in _HEADER) + "</table:table-row>"


def ods_repeated_columns(path: Path) -> Path:
    """One row of 200 cells each repeated 16,384 times (3.3 million columns), repeated 1,000 times."""
    wide = "<table:table-row table:number-rows-repeated=\"1000\">" + _cell("x", 16384) * 200 + "</table:table-row>"
    return write_ods_xml(path, f'<table:table table:name="Survey">{_header_row()}{wide}</table:table>')


def ods_repeated_rows(path: Path) -> Path:
    """Fifty data rows each repeated 1,000,000 times: fifty million rows."""
    row = ("<table:table-row table:number-rows-repeated=\"1000000\">"
           + "".join(_cell(v) for v in ["DOR-P000001", "attitude", "2019-10-12", "5"]) + "</table:table-row>")
    return write_ods_xml(path, f'<table:table table:name="Survey">{_header_row()}{row * 50}</table:table>')


def xlsx_huge_shared_string(path: Path, mb: int = 400) -> Path:
    """A valid .xlsx whose one shared string is ``mb`` MB of 'A' (a few hundred KB zipped)."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>")
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
          '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wb_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
               "</Relationships>")
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("xl/workbook.xml", wb)
        zf.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                     b'count="1" uniqueCount="1"><si><t>')
            block = b"A" * (1 << 20)
            for _ in range(mb):
                fh.write(block)
            fh.write(b"</t></si></sst>")
    return path




def _run_bomb(tmp_path: Path, path: Path) -> str:
    """Ingest ``path`` in a fresh interpreter (so a regression fails on the timeout, not CI's)."""
    proc = subprocess.run([sys.executable, "-m", "cara_metrics", "ingest", "--data-dir", str(tmp_path / "root"), "--quiet",
                           "--report", str(tmp_path / "report.csv"), str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "root").exists()
    return proc.stderr


def test_ods_with_repeated_columns_is_refused_at_once(tmp_path):
    err = _run_bomb(tmp_path, ods_repeated_columns(tmp_path / "wide.ods"))
    assert "wide.ods (sheet 'Survey'):2: a row with more than 16,384 columns (limit max_columns)" in err


def test_ods_with_repeated_rows_is_refused_at_once(tmp_path):
    err = _run_bomb(tmp_path, ods_repeated_rows(tmp_path / "long.ods"))
    assert "long.ods (sheet 'Survey'):2: this row is repeated 1,000,000 times, more than the 1,000 allowed" in err


def test_xlsx_with_a_huge_shared_string_is_refused_unread(tmp_path):
    err = _run_bomb(tmp_path, xlsx_huge_shared_string(tmp_path / "strings.xlsx"))
    assert "strings.xlsx: the workbook part xl/sharedStrings.xml unpacks to 400 MB, more than the 64 MB allowed" in err


def test_limits_apply_to_rows_cells_and_long_values_in_sheets(root, tmp_path, capsys):
    """Smaller limits through a settings file: each is named where it is passed."""
    cfg = tmp_path / "small.toml"
    cfg.write_text("[limits]\nmax_rows_per_sheet = 3\nmax_row_repeats = 2\nmax_value_chars = 100\n", encoding="utf-8")
    h, rows = referrals_with()
    many = write_xlsx(tmp_path / "many.xlsx", {"Referrals": [h] + rows})  # header + 3 rows: row 4 is past 3
    twice = write_ods_xml(tmp_path / "twice.ods", '<table:table table:name="S">'
                          '<table:table-row>' + _cell("a") + '</table:table-row>'
                          '<table:table-row table:number-rows-repeated="3">' + _cell("b") + '</table:table-row></table:table>')
    long = write_ods_xml(tmp_path / "long.ods", '<table:table table:name="S"><table:table-row>'
                         + "".join(_cell(c) for c in COSTS_HEADER) + '</table:table-row><table:table-row>'
                         + "".join(_cell(c) for c in ["2019/20", "2", "1", "x" * 5000]) + '</table:table-row></table:table>')
    err = refused(capsys, root, many, twice, long, args=["--config", str(cfg)])
    assert "many.xlsx (sheet 'Referrals'):4: the sheet goes past row 3 (limit max_rows_per_sheet)" in err
    assert "twice.ods (sheet 'S'):2: this row is repeated 3 times, more than the 2 allowed (limit max_row_repeats)" in err
    assert "long.ods (sheet 'S'):2: column 'description': a value of 5,000 characters: longer than the 100" in err


def test_a_value_longer_than_a_workbook_can_hold_is_refused_while_reading(tmp_path):
    """A 2 MB cell in an .ods is refused from the XML stream, before it is built in memory."""
    from cara_metrics.ingest.formats import BadFile, inspect
    from cara_metrics.ingest.problems import ProblemLog
    from cara_metrics.ingest.spreadsheets import open_workbook

    f = write_ods_xml(tmp_path / "big.ods", '<table:table table:name="S"><table:table-row>' + _cell("x" * (2 << 20))
                      + '</table:table-row></table:table>')
    with pytest.raises(BadFile, match="holds more than 1,024 KB of text without a tag: a cell value longer than 32,767"):
        for sheet in open_workbook(inspect(f, f.name), ProblemLog(None), None):
            pass


def test_csv_mixing_utf8_and_windows_1252_is_refused(root, tmp_path, capsys):
    f = tmp_path / "costs.csv"
    f.write_bytes("financial_year,quarter,cost_gbp,description\r\n2019/20,2,1,Café hire £5\r\n".encode("utf-8")
                  + "2019/20,3,1,Café hire\r\n".encode("cp1252"))
    err = refused(capsys, root, f)
    assert "costs.csv: mixes two encodings: line 2 is UTF-8 but line 3 is Windows-1252" in err


def test_windows_1252_alone_still_loads(root, tmp_path, capsys):
    f = tmp_path / "costs.csv"
    f.write_bytes("financial_year,quarter,cost_gbp,description\r\n2019/20,2,1,Café hire £5 “ok”\r\n".encode("cp1252"))
    assert ingest(root, f) == 0, capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_nul_bytes_and_control_characters_are_refused_by_cell(root, tmp_path, capsys, fmt):
    rows = [["2019/20", "2", "1", "Workshop\x00 hire"], ["2019/20", "3", "1", "Room\x0chire"]]
    f = (write_csv(tmp_path / "costs.csv", COSTS_HEADER, rows) if fmt == "csv"
         else write_parquet(tmp_path / "costs.parquet", COSTS_HEADER, rows))
    err = refused(capsys, root, f)
    assert f"costs.{fmt}:2: column 'description': holds a NUL byte (U+0000)" in err
    assert f"costs.{fmt}:3: column 'description': holds the control character U+000C" in err


def test_a_two_megabyte_value_gets_a_clear_message(root, tmp_path, capsys):
    f = write_csv(tmp_path / "costs.csv", COSTS_HEADER, [["2019/20", "2", "1", "ok"], ["2019/20", "3", "1", "x" * (2 << 20)]])
    err = refused(capsys, root, f)
    assert "costs.csv:3: column 'description': a value of 2,097,152 characters: longer than the 32,767 a cell may hold" in err
