"""What ingest accepts: encodings, workbooks, Home Office tables, old Dorset geography,
record-level crime, loose headers, and the command line's usage errors."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq
import pytest

from cara_metrics import contract as C
from cara_metrics.dataroot import DEFAULT_DATA_DIR, has_version, live_version
from cara_metrics.ingest.commands import main

from .ingest_corpus import (
    COSTS_HEADER, CRIME_RECORD_HEADER, CRIME_RECORDS, HO_NEW, HO_OLD, HO_ROWS, REFERRAL_HEADER, REFERRALS,
    tree_hash, write_csv, write_ods, write_parquet, write_xlsx,
)


@pytest.fixture
def root(tmp_path):
    dst = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, dst)
    return dst


def ingest(root, *files, args=()):
    return main(["ingest", "--data-dir", str(root), "--report", str(root.parent / "report.csv"), *args, *map(str, files)])


def table(root, name):
    return pq.read_table(live_version(root).table_path(name))


def rows_of(root, name, where: str = "true"):
    """Rows of a live table, sorted; ``where`` is a fixed SQL condition written in the test."""
    return duckdb.read_parquet(str(live_version(root).table_path(name))).filter(where).order("all").fetchall()


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings_as_excel_saves_them(root, tmp_path, encoding):
    f = write_csv(tmp_path / "costs.csv", COSTS_HEADER, [["2023/24", "1", "£1,200.50", "Café venue – Weymouth"]], encoding=encoding)
    if encoding == "cp1252":
        with pytest.raises(UnicodeDecodeError):
            f.read_bytes().decode("utf-8")  # really not UTF-8
    assert ingest(root, f) == 0
    got = [r for r in table(root, "costs").to_pylist() if r["cost_gbp"] == 1200.5]
    assert got == [{"financial_year": "2023/24", "quarter": 1, "cost_gbp": 1200.5, "description": "Café venue – Weymouth"}]


def test_bom_does_not_hide_the_first_header(root, tmp_path):
    f = write_csv(tmp_path / "ref.csv", REFERRAL_HEADER, REFERRALS, encoding="utf-8-sig")
    assert f.read_bytes().startswith(b"\xef\xbb\xbf")
    assert ingest(root, f) == 0
    assert {"T-0001", "T-0002", "T-0003"} <= set(table(root, "referrals").column("person_id").to_pylist())


def test_headers_match_loosely(root, tmp_path):
    header = ["Person ID", "CAUTION-DATE", "Area Code", "age band", "Sex", "Index Offence", "DASH risk",
              "Workshop 1 Date", "workshop2Date", "Repeats", "OUTCOME", "Outcome_Date"]
    rows = [list(r) for r in REFERRALS]
    rows[0][4], rows[0][5], rows[0][10] = "M", "Common assault", "Completed"
    assert ingest(root, write_csv(tmp_path / "loose.csv", header, rows)) == 0
    got = {r["person_id"]: r for r in table(root, "referrals").to_pylist()}["T-0001"]
    assert (got["sex"], got["index_offence"], got["outcome"]) == ("male", "common_assault", "completed")
    assert got["caution_date"] == dt.date(2019, 8, 13) and got["workshop2_date"] == dt.date(2019, 10, 12)


def test_date_forms_are_read_the_same(root, tmp_path):
    rows = [list(r) for r in REFERRALS]
    rows[0][1] = "2019-08-13"
    rows[1][1] = "43697"  # Excel serial day number for 20/08/2019
    rows[2][1] = "02/09/2019 00:00"
    assert ingest(root, write_csv(tmp_path / "dates.csv", REFERRAL_HEADER, rows)) == 0
    got = {r["person_id"]: r["caution_date"] for r in table(root, "referrals").to_pylist()}
    assert (got["T-0001"], got["T-0002"], got["T-0003"]) == (dt.date(2019, 8, 13), dt.date(2019, 8, 20), dt.date(2019, 9, 2))


@pytest.mark.parametrize("data, fmt, encoding", [
    ("a,b\r\n1,2\r\n".encode() * 5000, "csv", "utf-8"),
    (("a,é\r\n" + "x" * (9 << 20) + "\r\n").encode("utf-8"), "csv", "utf-8"),  # a character after the first 8 MB chunk
    (("a,é\r\n" + "x" * (9 << 20) + "é\r\n").encode("cp1252"), "csv", "cp1252"),
    (b"a,b\r\n" + b"x" * ((8 << 20) - 6) + "é".encode() + b"x" * 100, "csv", "utf-8"),  # é split across two chunks
    (b"a,b\r\n" + b"x" * ((8 << 20) - 6) + b"\xc3" + b"x" * 100, "csv", "cp1252"),  # half a character, then ASCII
    (b"PAR1" + bytes(range(256)) * 100, "parquet", None),
])
def test_inspect_tells_the_encoding_and_hashes_in_the_background(tmp_path, data, fmt, encoding):
    import hashlib

    from cara_metrics.ingest.formats import inspect

    f = tmp_path / "f.bin"
    f.write_bytes(data)
    info = inspect(f, f.name)
    assert (info.format, info.encoding) == (fmt, encoding)
    assert info.sha256 == hashlib.sha256(data).hexdigest() == info.sha256


# --- workbooks and Parquet --------------------------------------------------------------------


def test_xlsx_with_date_cells_and_a_notes_sheet(root, tmp_path, capsys):
    rows = [["Referrals to CARA (pseudonymised)"], [], REFERRAL_HEADER] + [list(r) for r in REFERRALS]
    rows[3][1] = dt.datetime(2019, 8, 13)  # a real date cell
    rows[3][9] = 0
    f = write_xlsx(tmp_path / "ref.xlsx", {"Notes": [["Source: provider"]], "Referrals": rows})
    assert ingest(root, f) == 0
    assert "ref.xlsx (sheet 'Notes'): skipped" in capsys.readouterr().err
    got = {r["person_id"]: r for r in table(root, "referrals").to_pylist()}
    assert got["T-0001"]["caution_date"] == dt.date(2019, 8, 13) and got["T-0001"]["repeats"] == 0


def test_parquet_with_typed_columns(root, tmp_path):
    f = write_parquet(tmp_path / "ref.parquet", REFERRAL_HEADER, [list(r) for r in REFERRALS])
    assert ingest(root, f) == 0
    assert len([p for p in table(root, "referrals").column("person_id").to_pylist() if p.startswith("T-")]) == 3


def _home_office_ods(path, old_sheet=True):
    y18 = [["2018/19"] + r[1:] for r in HO_ROWS]
    y18[0][3], y18[1][3] = "Bournemouth", "Poole"  # CSPs before the 2019 reorganisation
    sheets = {"Notes": [["Police recorded crime by CSP"], ["Counts may be negative after reclassification."]]}
    if old_sheet:
        sheets["2018-19"] = [HO_OLD] + y18
    sheets["2019-20"] = [HO_NEW] + [list(r) for r in HO_ROWS]
    return write_ods(path, sheets)


def test_home_office_ods_both_header_variants(root, tmp_path, capsys):
    assert ingest(root, _home_office_ods(tmp_path / "prc-csp.ods")) == 0
    err = capsys.readouterr().err
    assert "skipped (a notes sheet" in err and "Southampton" in err  # an unmatched CSP is noted, not refused
    got = {(r["financial_year"], r["quarter"], r["csp_name"], r["offence_code"]): r for r in table(root, "crime_context").to_pylist()}
    assert len(got) == 8
    # BCP sits in three CSPs (ONS lookup), so its Home Office row counts for the council itself.
    assert got[("2019/20", 1, "Bournemouth, Christchurch and Poole", "105A")]["area_code"] == "E06000058"
    assert got[("2019/20", 1, "Dorset", "105A")]["area_code"] == "E22000367"  # the CSP, not the force or council
    assert got[("2018/19", 1, "Bournemouth", "105A")]["area_code"] == "E22000063"  # the Bournemouth CSP
    assert got[("2018/19", 1, "Poole", "105A")]["force_name"] == "Dorset"  # 'Force Name' (old variant)
    assert got[("2019/20", 2, "Dorset", "49")]["offences"] == -3  # negative counts kept as published
    assert got[("2019/20", 2, "Southampton", "49")]["area_code"] is None
    assert got[("2019/20", 1, "Dorset", "105A")]["offence_subgroup"] == "Violence without injury"


def test_home_office_csv_new_variant(root, tmp_path):
    f = write_csv(tmp_path / "ho.csv", HO_NEW, [["2019-20", "Q3"] + HO_ROWS[0][2:]])
    assert ingest(root, f) == 0
    (r,) = table(root, "crime_context").to_pylist()
    assert (r["financial_year"], r["quarter"], r["offences"]) == ("2019/20", 3, 412)


# --- geography and record-level crime ---------------------------------------------------------


def test_old_dorset_codes_and_names_map_to_current_areas(root, tmp_path):
    header = REFERRAL_HEADER
    rows = [list(r) for r in REFERRALS]
    rows[0][2], rows[1][2], rows[2][2] = "E07000048", "weymouth & portland", "Poole"
    assert ingest(root, write_csv(tmp_path / "ref.csv", header, rows)) == 0
    got = {r["person_id"]: (r["area_code"], r["area_code_original"]) for r in table(root, "referrals").to_pylist()}
    assert got["T-0001"] == ("E06000058", "E07000048")  # Christchurch -> BCP
    assert got["T-0002"] == ("E06000059", "E07000053")  # Weymouth and Portland -> Dorset
    assert got["T-0003"] == ("E06000058", "E06000029")  # Poole -> BCP


def test_old_dorset_codes_map_without_them_in_the_areas_table(tmp_path):
    """A new warehouse whose areas list only the current councils still maps former districts."""
    root = tmp_path / "new"
    areas = write_csv(tmp_path / "areas.csv", ["area_code", "area_name", "area_type"], [
        ["E06000058", "Bournemouth, Christchurch and Poole", "local_authority"], ["E06000059", "Dorset", "local_authority"]])
    crime = write_csv(tmp_path / "crime.csv", CRIME_RECORD_HEADER, CRIME_RECORDS)
    assert ingest(root, crime, areas) == 0  # areas first, whatever the order given
    got = rows_of(root, "crime")
    assert [(str(r[0]), r[1], r[2], r[3], r[5], r[6], r[7]) for r in got] == [
        ("2019-02-01", "E06000058", "E06000028", "8N", True, 2, "force"),
        ("2019-02-01", "E06000058", "E06000029", "8N", True, 1, "force"),
        ("2019-05-01", "E06000058", "E06000058", "105A", False, 1, "force"),
        ("2019-05-01", "E06000059", "E07000053", "49", False, 1, "force"),
    ]


def test_record_level_crime_is_counted_like_a_group_by(tmp_path):
    """Aggregating on the way in gives the same counts as grouping the records directly."""
    import random

    rnd = random.Random(4)
    areas = ["E06000058", "E06000059", "E06000028", "Purbeck", "west dorset"]
    codes = [("8N", "Violence against the person"), ("49", "Theft offences"), ("58A", "Criminal damage and arson")]
    records = []
    for _ in range(3000):
        d = dt.date(2018, 1, 1) + dt.timedelta(days=rnd.randrange(700))
        code, group = rnd.choice(codes)
        records.append([d.strftime("%d/%m/%Y"), rnd.choice(areas), code, group, rnd.choice(["Y", "N", "yes", "no"])])
    f = write_csv(tmp_path / "records.csv", ["Recorded Date", "Area", "Offence Code", "Offence Group", "Domestic Abuse"] + ["Crime Ref"],
                  [r + [f"CR{i}"] for i, r in enumerate(records)])
    # Load into an empty crime table so the merge cannot hide a miscount.
    fresh = tmp_path / "fresh"
    demo_areas = tmp_path / "areas.parquet"
    shutil.copy(live_version(DEFAULT_DATA_DIR).table_path("areas"), demo_areas)
    assert ingest(fresh, demo_areas, f) == 0
    want: dict[tuple, int] = {}
    names = {"E06000028": "E06000028", "Purbeck": "E07000051", "west dorset": "E07000052"}
    for d, area, code, _g, flag in records:
        day = dt.datetime.strptime(d, "%d/%m/%Y").date().replace(day=1)
        key = (day, names.get(area, area), code, flag in ("Y", "yes"))
        want[key] = want.get(key, 0) + 1
    got = {(r["month"], r["area_code_original"], r["offence_code"], r["da_flag"]): r["offences"] for r in table(fresh, "crime").to_pylist()}
    assert got == want
    assert sum(got.values()) == 3000
    assert live_version(fresh).manifest["sources"][-1]["rows"] == 3000


def test_aggregated_crime_is_accepted_as_it_is(root, tmp_path):
    f = write_csv(tmp_path / "agg.csv", ["month", "area_code", "offence_code", "offence_group", "da_flag", "offences", "series"],
                  [["2024-11", "E06000058", "8N", "Violence against the person", "true", "57", "force"]])
    assert ingest(root, f) == 0
    got = rows_of(root, "crime", "month = DATE '2024-11-01' AND offence_code = '8N' AND da_flag AND area_code = 'E06000058' AND series = 'force'")
    assert [r[6] for r in got] == [57]


# --- command line ---------------------------------------------------------------------------


def test_kind_forces_the_table(root, tmp_path):
    # Headers that could be referrals are read as the cohort when told so.
    f = write_csv(tmp_path / "people.csv", ["person_id", "group", "index_date", "area_code"], [["T-9", "cara", "01/09/2019", "E06000058"]])
    assert ingest(root, f, args=["--kind", "cohort"]) == 0
    assert "T-9" in table(root, "cohort").column("person_id").to_pylist()


def test_dry_run_changes_nothing(root, tmp_path, capsys):
    before = tree_hash(root)
    assert ingest(root, write_csv(tmp_path / "ref.csv", REFERRAL_HEADER, REFERRALS), args=["--dry-run"]) == 0
    assert "referrals: 3 rows would be loaded" in capsys.readouterr().out
    assert tree_hash(root) == before
    new = tmp_path / "never"
    assert ingest(new, write_csv(tmp_path / "ref2.csv", REFERRAL_HEADER, REFERRALS), args=["--dry-run"]) == 1  # unknown areas
    assert not new.exists()


@pytest.mark.parametrize("argv, text", [
    (["ingest", "--data-dir", "{root}"], "no files given"),
    (["ingest", "--data-dir", "{root}", "{tmp}/missing.csv"], "no such file"),
    (["ingest", "--data-dir", "{root}", "--kind", "people", "{tmp}/x.csv"], "invalid choice"),
    (["ingest", "--data-dir", "{root}", "--as-at", "31/03/2025", "{tmp}/x.csv"], "not a date"),
    (["ingest", "--data-dir", "{root}", "--rollback", "{tmp}/x.csv"], "--rollback takes no files"),
    (["export-raw", "--data-dir", "{root}"], "--out"),
])
def test_usage_errors_exit_2(root, tmp_path, capsys, argv, text):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    before = tree_hash(root)
    argv = [a.format(root=root, tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    assert text in capsys.readouterr().err
    assert tree_hash(root) == before


def test_help_and_the_full_cli(tmp_path):
    out = subprocess.run([sys.executable, "-m", "cara_metrics.ingest", "ingest", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--rollback" in out.stdout and "--dry-run" in out.stdout
    from cara_metrics import cli

    parser = cli.build_parser()
    if "ingest" not in parser.format_help():
        pytest.skip("cara_metrics/cli.py does not register the ingest commands yet (# INGEST-HOOK)")
    assert cli.main(["ingest", "--data-dir", str(tmp_path / "r"), "--rollback"]) == 1
    assert cli.main(["ingest", "--data-dir", str(tmp_path / "r")]) == 2
    assert not has_version(tmp_path / "r", "warehouse")


def test_empty_tables_of_a_new_warehouse_have_the_contract_schema(tmp_path):
    root = tmp_path / "new"
    areas = tmp_path / "areas.parquet"
    shutil.copy(live_version(DEFAULT_DATA_DIR).table_path("areas"), areas)
    assert ingest(root, areas) == 0
    v = live_version(root)
    assert sorted(p.stem for p in v.path.glob("*.parquet")) == sorted(C.REQUIRED_TABLES)
    assert v.manifest["synthetic"] is False  # a Parquet file not written by export-raw


def test_home_office_context_survives_export_and_reload(root, tmp_path):
    """export-raw writes crime_context with its area codes; ingest checks and keeps them."""
    assert ingest(root, _home_office_ods(tmp_path / "prc-csp.ods")) == 0
    raw = tmp_path / "raw"
    assert main(["export-raw", "--data-dir", str(root), "--out", str(raw), "--dates", "iso"]) == 0
    assert (raw / "crime_context.csv").exists()
    again = tmp_path / "again"
    assert ingest(again, raw) == 0
    key = [(k, "ascending") for k in C.CRIME_CONTEXT.key]
    assert table(again, "crime_context").sort_by(key).equals(table(root, "crime_context").sort_by(key))
    assert live_version(again).synthetic is False  # the warehouse exported was real data
    # An area code in the file must be a known area.
    text = (raw / "crime_context.csv").read_text(encoding="utf-8").replace("E22000367", "E22999999", 1)
    (tmp_path / "ctx.csv").write_text(text, encoding="utf-8")
    assert ingest(again, tmp_path / "ctx.csv") == 1


def test_a_second_load_at_the_same_time_is_refused(root, tmp_path, capsys):
    fcntl = pytest.importorskip("fcntl")
    import os

    fd = os.open(root / "warehouse", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a running load holds it
    try:
        before = tree_hash(root)
        assert ingest(root, write_csv(tmp_path / "ref.csv", REFERRAL_HEADER, REFERRALS)) == 1
        assert "another load" in capsys.readouterr().err
        assert tree_hash(root) == before
    finally:
        os.close(fd)
    assert ingest(root, tmp_path / "ref.csv") == 0
