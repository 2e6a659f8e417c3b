"""Raw extract files for the ingest tests, written into a temporary folder on demand.

Nothing binary is committed: every CSV, XLSX, ODS and Parquet file is generated here.
``CASES`` is the corpus of malformed files: each case writes its file(s) and says where
the problem must be reported (file, row as a spreadsheet counts it, column as written in
the header) and a fragment of the message. The good files are small and consistent with
the embedded demo warehouse (its areas, people and question bank), which the tests load
into.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

REFERRAL_HEADER = ["person_id", "caution_date", "area_code", "age_band", "sex", "index_offence", "dash_risk",
                   "workshop1_date", "workshop2_date", "repeats", "outcome", "outcome_date"]
REFERRALS = [
    ["T-0001", "13/08/2019", "E06000058", "25-34", "male", "common_assault", "standard", "07/09/2019", "12/10/2019", "0", "completed", "12/10/2019"],
    ["T-0002", "20/08/2019", "E06000059", "35-44", "male", "harassment", "medium", "14/09/2019", "", "0", "breached", "28/09/2019"],
    ["T-0003", "2019-09-02", "E06000058", "18-24", "male", "criminal_damage", "standard", "", "", "1", "in_progress", ""],
]
CRIME_RECORD_HEADER = ["recorded_date", "area_code", "offence_code", "offence_group", "da_flag"]
CRIME_RECORDS = [
    ["03/02/2019", "E06000028", "8N", "Violence against the person", "Y"],
    ["17/02/2019", "Poole", "8N", "Violence against the person", "Y"],
    ["28/02/2019", "E06000028", "8N", "Violence against the person", "Y"],
    ["01/05/2019", "E06000058", "105A", "Violence against the person", "N"],
    ["09/05/2019", "Weymouth and Portland", "49", "Theft offences", "N"],
]
HO_OLD = ["Financial Year", "Financial Quarter", "Force Name", "CSP Name", "Offence Description",
          "Offence Group", "Offence Subgroup", "Offence Code", "Number of Offences"]
HO_NEW = ["Financial Year", "Financial Quarter", "Police Force", "CSP Name", "Offence Description",
          "Offence Group", "Offence Subgroup", "Offence Code", "Offence Count"]
HO_ROWS = [
    ["2019/20", "1", "Dorset", "Bournemouth, Christchurch and Poole", "Assault without injury", "Violence against the person", "Violence without injury", "105A", "412"],
    ["2019/20", "1", "Dorset", "Dorset", "Assault without injury", "Violence against the person", "Violence without injury", "105A", "355"],
    ["2019/20", "2", "Dorset", "Dorset", "Other theft", "Theft offences", "Other theft offences", "49", "-3"],
    ["2019/20", "2", "Hampshire", "Southampton", "Other theft", "Theft offences", "Other theft offences", "49", "120"],
]


def write_csv(path: Path, header: list[str] | None, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> Path:
    """An .ods workbook; ``merges`` per sheet: (row, col, rows spanned, cols spanned), 0-based."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        spans = {(r, c): (nr, nc) for r, c, nr, nc in (merges or {}).get(name, [])}
        covered = {(r + i, c + j) for (r, c), (nr, nc) in spans.items() for i in range(nr) for j in range(nc)} - set(spans)
        table = Table(name=name)
        for r, row in enumerate(rows):
            tr = TableRow()
            for c, v in enumerate(row):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                attrs = {}
                if (r, c) in spans:
                    attrs = {"numberrowsspanned": spans[(r, c)][0], "numbercolumnsspanned": spans[(r, c)][1]}
                if isinstance(v, bool) or v is None or v == "":
                    cell = TableCell(**attrs)
                elif isinstance(v, (int, float)):
                    cell = TableCell(valuetype="float", value=v, **attrs)
                elif isinstance(v, dt.date):
                    cell = TableCell(valuetype="date", datevalue=v.isoformat(), **attrs)
                else:
                    cell = TableCell(valuetype="string", **attrs)
                    cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_parquet(path: Path, header: list[str], rows: list[list]) -> Path:
    cols = {h: [r[i] if r[i] != "" else None for r in rows] for i, h in enumerate(header)}
    pq.write_table(pa.table(cols), path)
    return path


def referrals_with(change: dict[int, dict[str, str]] | None = None, header: list[str] | None = None) -> tuple[list[str], list[list]]:
    """The good referrals with some cells changed: {row index: {column: value}}."""
    header = list(header or REFERRAL_HEADER)
    rows = [list(r) for r in REFERRALS]
    for i, cells in (change or {}).items():
        for col, value in cells.items():
            rows[i][REFERRAL_HEADER.index(col)] = value
    return header, rows


@dataclass
class Case:
    """A malformed upload and where its problem must be reported."""

    name: str
    write: Callable[[Path], list[Path]]
    file: str
    row: int | None
    column: str | None
    text: str
    args: list[str] = field(default_factory=list)


def _ref_case(name, change, row, column, text, header=None):
    def write(d: Path) -> list[Path]:
        h, rows = referrals_with(change, header)
        return [write_csv(d / f"{name}.csv", h, rows)]
    return Case(name, write, f"{name}.csv", row, column, text)


def _csv_case(name, header, rows, row, column, text, encoding="utf-8", delimiter=",", args=()):
    return Case(name, lambda d: [write_csv(d / f"{name}.csv", header, rows, encoding, delimiter)],
                f"{name}.csv", row, column, text, list(args))


def _bytes_case(name, data: bytes, row, column, text, suffix=".csv"):
    def write(d: Path) -> list[Path]:
        p = d / f"{name}{suffix}"
        p.write_bytes(data)
        return [p]
    return Case(name, write, f"{name}{suffix}", row, column, text)


def _truncated_parquet(d: Path) -> list[Path]:
    p = write_parquet(d / "truncated.parquet", REFERRAL_HEADER, REFERRALS)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return [p]


def _merged_ods(d: Path) -> list[Path]:
    rows = [REFERRAL_HEADER] + [list(r) for r in REFERRALS]
    # C3:C4 merged: the area of the second and third referral typed once.
    return [write_ods(d / "merged.ods", {"Referrals": rows}, {"Referrals": [(2, 2, 2, 1)]})]


def _merged_header_ods(d: Path) -> list[Path]:
    rows = [REFERRAL_HEADER + ["extra", ""]] + [list(r) + ["", ""] for r in REFERRALS]
    return [write_ods(d / "merged_header.ods", {"Referrals": rows}, {"Referrals": [(0, 12, 1, 2)]})]


def _xlsx_bad_value(d: Path) -> list[Path]:
    rows = [REFERRAL_HEADER] + [list(r) for r in REFERRALS]
    rows[2][REFERRAL_HEADER.index("dash_risk")] = "high"
    return [write_xlsx(d / "bad_value.xlsx", {"Referrals": rows})]


def _xlsx_empty(d: Path) -> list[Path]:
    return [write_xlsx(d / "empty_sheet.xlsx", {"Referrals": []})]


def _xlsx_no_header_col(d: Path) -> list[Path]:
    rows = [REFERRAL_HEADER] + [list(r) for r in REFERRALS]
    rows[1] = rows[1] + ["", "stray note"]
    return [write_xlsx(d / "stray.xlsx", {"Referrals": rows})]


def _parquet_bad_value(d: Path) -> list[Path]:
    _h, rows = referrals_with({1: {"outcome": "finished"}})
    return [write_parquet(d / "bad_value.parquet", REFERRAL_HEADER, rows)]


def _ods_ho_bad(d: Path) -> list[Path]:
    rows = [HO_NEW] + [list(r) for r in HO_ROWS]
    rows[3][1] = "5"
    return [write_ods(d / "ho_bad.ods", {"Notes": [["About these tables"]], "2019-20": rows})]


def _same_file_twice(d: Path) -> list[Path]:
    a = write_csv(d / "crime_a.csv", CRIME_RECORD_HEADER, CRIME_RECORDS)
    b = d / "crime_b.csv"
    b.write_bytes(a.read_bytes())
    return [a, b]


def _xlsx_title_and_typo(d: Path) -> list[Path]:
    header = [h if h != "caution_date" else "cuation_date" for h in REFERRAL_HEADER]
    rows = [["CARA referrals, pseudonymised"], [], header] + [list(r) for r in REFERRALS]
    return [write_xlsx(d / "titled.xlsx", {"Referrals": rows})]


def _demo_survey(d: Path, person: str, question: str) -> list[Path]:
    return [write_csv(d / "survey.csv", ["person_id", "question_id", "response_date", "answer"], [[person, question, "19/10/2019", "5"]])]


AREAS_HEADER = ["area_code", "area_name", "area_type", "parent_code", "successor_code", "valid_from", "valid_to"]
COSTS_HEADER = ["financial_year", "quarter", "cost_gbp", "description"]
REOFF_HEADER = ["person_id", "offence_date", "proven_date", "offence_code", "da_flag", "harm_days"]
NEXT_YEAR = dt.date.today().year + 1

CASES: list[Case] = [
    # --- files that cannot be read at all
    _bytes_case("zero_bytes", b"", None, None, "empty (0 bytes)"),
    _csv_case("header_only", REFERRAL_HEADER, [], 2, None, "no data rows"),
    _csv_case("semicolons", REFERRAL_HEADER, REFERRALS, 1, None, "separated by semicolons", delimiter=";"),
    _csv_case("tabs", REFERRAL_HEADER, REFERRALS, 1, None, "separated by tabs", delimiter="\t"),
    Case("same_file_twice", _same_file_twice, "crime_b.csv", None, None, "the same file as crime_a.csv"),
    _bytes_case("not_text", "person_id,caution_date\r\n".encode() + b"\x81\x8d\x9d\r\n", None, None, "neither UTF-8 nor Windows-1252"),
    _bytes_case("old_excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, None, None, "old Excel .xls", suffix=".xls"),
    _bytes_case("not_workbook", b"PK\x03\x04" + b"\x00" * 64, None, None, "zip", suffix=".xlsx"),
    Case("truncated_parquet", _truncated_parquet, "truncated.parquet", None, None, "not a readable Parquet file"),
    Case("empty_sheet", _xlsx_empty, "empty_sheet.xlsx (sheet 'Referrals')", None, None, "sheet is empty"),
    _csv_case("ragged_row", REFERRAL_HEADER, [REFERRALS[0], REFERRALS[1][:-2], REFERRALS[2]], 3, None, "this row has 10 cells but the header has 12"),
    # --- headers
    _csv_case("unknown_table", ["colour", "size", "weight"], [["red", "1", "2"]], 1, None, "cannot tell which table"),
    _ref_case("missing_column", None, 1, "dash_risk", "missing column for the referrals table",
              header=[h if h != "dash_risk" else "risk_level" for h in REFERRAL_HEADER]),
    _ref_case("misspelt_required", None, 1, "caution_date", "did you mean 'cuation date'?",
              header=[h if h != "caution_date" else "cuation date" for h in REFERRAL_HEADER]),
    _ref_case("misspelt_optional", None, 1, "workshp1_date", "did you mean 'workshop1_date'?",
              header=[h if h != "workshop1_date" else "workshp1_date" for h in REFERRAL_HEADER]),
    _csv_case("duplicate_header", REFERRAL_HEADER + ["Caution Date"], [r + ["13/08/2019"] for r in REFERRALS], 1, "Caution Date", "appears more than once"),
    Case("title_row_and_typo", _xlsx_title_and_typo, "titled.xlsx (sheet 'Referrals')", 3, "caution_date", "did you mean 'cuation_date'?"),
    Case("merged_header", _merged_header_ods, "merged_header.ods (sheet 'Referrals')", 1, "N", "merged cells"),
    # --- personal identifiers
    _csv_case("pii_surname", REFERRAL_HEADER + ["Surname"], [r + ["Smith"] for r in REFERRALS], 1, "Surname", "personal identifier (names)"),
    _csv_case("pii_dob", REFERRAL_HEADER + ["Date of Birth"], [r + ["01/01/1980"] for r in REFERRALS], 1, "Date of Birth", "dates of birth"),
    _csv_case("pii_postcode_header", REFERRAL_HEADER + ["Post Code"], [r + ["x"] for r in REFERRALS], 1, "Post Code", "postcodes"),
    _csv_case("pii_phone_header", REFERRAL_HEADER + ["Mobile"], [r + ["x"] for r in REFERRALS], 1, "Mobile", "phone numbers"),
    _csv_case("pii_postcode_value", REFERRAL_HEADER + ["notes"], [r + [n] for r, n in zip(REFERRALS, ["", "moved to BH1 1AA", ""])], 3, "notes", "looks like a UK postcode"),
    _csv_case("pii_email_value", CRIME_RECORD_HEADER, [CRIME_RECORDS[0], ["03/02/2019", "E06000028", "8N", "j.smith@example.org", "Y"]], 3, "offence_group", "looks like an email address"),
    _csv_case("pii_phone_value", REFERRAL_HEADER + ["comment"], [r + [n] for r, n in zip(REFERRALS, ["", "", "call 07700 900123"])], 4, "comment", "looks like a UK phone number"),
    _ref_case("pii_ni_value", {0: {"person_id": "QQ123456C"}}, 2, "person_id", "looks like a National Insurance number"),
    _ref_case("pii_pnc_value", {1: {"person_id": "12/123456A"}}, 3, "person_id", "looks like a PNC id"),
    # --- values
    _ref_case("bad_date", {1: {"caution_date": "twentieth of August"}}, 3, "caution_date", "not a date"),
    _ref_case("two_digit_year", {0: {"caution_date": "13/08/19"}}, 2, "caution_date", "two-digit year"),
    _ref_case("no_such_date", {2: {"workshop1_date": "31/02/2020"}}, 4, "workshop1_date", "no such date"),
    _ref_case("future_date", {0: {"outcome_date": f"01/01/{NEXT_YEAR}"}}, 2, "outcome_date", "in the future"),
    _ref_case("not_allowed", {1: {"sex": "mael"}}, 3, "sex", "did you mean 'male'?"),
    _ref_case("not_integer", {2: {"repeats": "two"}}, 4, "repeats", "not a whole number"),
    _ref_case("negative", {0: {"repeats": "-1"}}, 2, "repeats", "out of range"),
    _csv_case("absurd", ["area_code", "year", "population"], [["E06000058", "2023", "50000000"]], 2, "population", "out of range"),
    _ref_case("required_missing", {1: {"person_id": ""}}, 3, "person_id", "a value is required"),
    _csv_case("bad_flag", CRIME_RECORD_HEADER, [CRIME_RECORDS[0], ["03/02/2019", "E06000028", "8N", "Violence against the person", "maybe"]], 3, "da_flag", "not true or false"),
    _csv_case("bad_month", ["month", "area_code", "offence_code", "offence_group", "da_flag", "offences"],
              [["Smarch 2019", "E06000058", "8N", "Violence against the person", "true", "4"]], 2, "month", "not a month"),
    _csv_case("bad_cost", COSTS_HEADER, [["2023/24", "1", "lots", "Workshops"]], 2, "cost_gbp", "not a number"),
    _csv_case("future_quarter", COSTS_HEADER, [[f"{NEXT_YEAR}/{(NEXT_YEAR + 1) % 100:02d}", "3", "100", "Workshops"]], 2, "quarter", "has not started"),
    _csv_case("bad_financial_year", HO_OLD, [HO_ROWS[0], ["2019/21"] + HO_ROWS[1][1:]], 3, "Financial Year", "not a financial year"),
    Case("ho_bad_quarter_ods", _ods_ho_bad, "ho_bad.ods (sheet '2019-20')", 4, "Financial Quarter", "not a quarter"),
    Case("xlsx_bad_value", _xlsx_bad_value, "bad_value.xlsx (sheet 'Referrals')", 3, "dash_risk", "is not one of"),
    Case("xlsx_stray_value", _xlsx_no_header_col, "stray.xlsx (sheet 'Referrals')", 2, "N (no header)", "no header"),
    Case("parquet_bad_value", _parquet_bad_value, "bad_value.parquet", 3, "outcome", "is not one of"),
    Case("merged_cells", _merged_ods, "merged.ods (sheet 'Referrals')", 4, "area_code", "merged cell"),
    _csv_case("cp1252_bad_value", COSTS_HEADER, [["2023/24", "1", "£1,200", "Café – venue"], ["2023/24", "2", "£ten", "Café – venue"]], 3, "cost_gbp", "not a number", encoding="cp1252"),
    # --- rules across columns, rows and tables
    _ref_case("workshops_out_of_order", {0: {"workshop2_date": "01/09/2019"}}, 2, "workshop2_date", "before workshop 1"),
    _ref_case("outcome_before_caution", {1: {"outcome_date": "01/08/2019"}}, 3, "outcome_date", "before the caution"),
    _ref_case("in_progress_with_outcome", {2: {"outcome_date": "01/10/2019"}}, 4, "outcome_date", "still in progress"),
    _ref_case("completed_without_workshop2", {0: {"workshop2_date": ""}}, 2, "workshop2_date", "'completed' but workshop 2"),
    _csv_case("duplicate_key", REFERRAL_HEADER, [REFERRALS[0], REFERRALS[1], REFERRALS[0]], 4, "person_id", "duplicate"),
    _ref_case("unknown_area", {2: {"area_code": "E09999999"}}, 4, "area_code", "unknown area"),
    _ref_case("area_not_local_authority", {0: {"area_code": "E22000367"}}, 2, "area_code", "community safety partnership"),
    _csv_case("population_former_area", ["area_code", "year", "population"], [["E06000028", "2017", "190000"]], 2, "area_code", "former area"),
    _csv_case("unknown_area_name", CRIME_RECORD_HEADER, [CRIME_RECORDS[0], ["05/02/2019", "Atlantis", "8N", "Violence against the person", "Y"]], 3, "area_code", "unknown area"),
    _csv_case("areas_unknown_parent", AREAS_HEADER, [["E07000099", "Somewhere", "local_authority", "E99999999", "", "", ""]], 2, "parent_code", "not a known area"),
    _csv_case("areas_valid_order", AREAS_HEADER, [["E07000099", "Somewhere", "local_authority", "E22000367", "", "01/04/2020", "31/03/2019"]], 2, "valid_to", "before valid_from"),
    Case("survey_unknown_person", lambda d: _demo_survey(d, "NOBODY-1", "attitude"), "survey.csv", 2, "person_id", "not in the referrals"),
    Case("survey_unknown_question", lambda d: _demo_survey(d, "DOR-P000000", "happiness"), "survey.csv", 2, "question_id", "question bank"),
    _csv_case("reoffence_not_in_cohort", REOFF_HEADER, [["NOBODY-2", "01/01/2021", "", "8N", "true", "30"]], 2, "person_id", "not in the reoffending cohort"),
    _csv_case("reoffence_before_index", REOFF_HEADER, [["DOR-P000001", "01/01/2019", "", "8N", "true", "30"]], 2, "offence_date", "before the person's index date"),
    _csv_case("proven_before_offence", REOFF_HEADER, [["DOR-P000001", "01/01/2021", "01/12/2020", "8N", "true", "30"]], 2, "proven_date", "before the offence"),
    _csv_case("forced_kind_mismatch", REFERRAL_HEADER, REFERRALS, 1, "index_date", "missing column for the cohort table", args=["--kind", "cohort"]),
]


# --- helpers shared by the ingest tests ----------------------------------------------------


def tree_hash(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative path -> hash); {} if it does not exist.

    The ingest log and the problem reports beside the warehouse record each attempt, refused
    ones too, so they are left out.
    """
    import hashlib

    if not root.exists():
        return {}
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "ingest-log.jsonl" and p.relative_to(root).parts[0] != "ingest-reports"}


def big_crime_csv(path: Path, rows: int) -> Path:
    """An aggregated crime CSV with ``rows`` distinct keys (for the interrupted-load test)."""
    import numpy as np
    import pyarrow.csv as pacsv

    i = np.arange(rows)
    months = np.array([f"{2016 + m // 12}-{m % 12 + 1:02d}-01" for m in range(100)])
    codes = np.array([f"C{k:05d}" for k in range(rows // 200 + 1)])
    table = pa.table({
        "month": months[i % 100],
        "area_code": np.where(i % 2 == 0, "E06000058", "E06000059"),
        "offence_code": codes[(i // 200)],
        "offence_group": np.full(rows, "Other crimes against society"),
        "da_flag": np.where((i // 100) % 2 == 0, "true", "false"),
        "offences": (i % 97 + 1).astype(str),
    })
    pacsv.write_csv(table, path)
    return path
