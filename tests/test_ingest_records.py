"""Record-level crime CSVs: the quick path (``ingest.records``) and the exact reader agree.

Every file here is loaded twice, into two copies of the demo warehouse: as ingest loads it,
and with the quick path switched off (every file read row by row, as before the quick
path existed). The exit code, every message, the report and every table of the new version
must be the same. Clean files must have gone the quick way; files with anything unusual
must have been left to the exact reader, which reports problems by file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version
from cara_metrics.ingest import records
from cara_metrics.ingest.commands import main

HEADER = ["Crime Ref", "Recorded Date", "Area", "Offence Code", "Offence Group", "DA Flag"]
ROWS = [
    ["CR-1", "03/02/2019", "E06000028", "8N", "Violence against the person", "Y"],
    ["CR-2", "17/02/2019", "Poole", "8N", "Violence against the person", "Y"],
    ["CR-3", "28/02/2019", "e06000028", "8n", "Violence against the person", "yes"],
    ["CR-4", "2019-05-01", "E06000058", "105A", "Violence against the person", "N"],
    ["CR-5", "09/05/2019 14:05", "Weymouth and Portland", "49", "Theft offences", "no"],
    ["CR-6", "13/08/2021", " E06000059 ", "58A", "Criminal damage and arson", "false"],
    ["CR-7", "31/08/2021", "Dorset", "58A", "Criminal damage and arson", "1"],
    ["CR-8", "01/09/2021", "E06000059", "58A", "Criminal damage and arson", "0"],
]


def csv_bytes(header, rows, *, quoting=csv.QUOTE_MINIMAL, newline="\r\n", encoding="utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=quoting, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def with_cell(row: int, col: int, value: str, rows=ROWS) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[row][col] = value
    return out


def pyarrow_quoted(header, rows) -> bytes:
    """Every value quoted, as pyarrow's CSV writer (and the bench's generator) writes them."""
    sink = io.BytesIO()
    pacsv.write_csv(pa.table({h: [r[i] for r in rows] for i, h in enumerate(header)}), sink)
    return sink.getvalue()


class Load:
    """One ingest of some files into a fresh copy of the demo warehouse."""

    def __init__(self, tmp: Path, name: str, files: list[Path], capsys, args=()):
        root = tmp / name / "root"
        shutil.copytree(DEFAULT_DATA_DIR, root)
        report = tmp / name / "report.csv"
        self.rc = main(["ingest", "--data-dir", str(root), "--report", str(report), "--quiet", *args, *map(str, files)])
        out = capsys.readouterr()
        self.out = out.out.replace(str(root), "ROOT")
        self.err = out.err.replace(str(report), "REPORT").replace(str(root), "ROOT")
        self.report = report.read_text(encoding="utf-8") if report.exists() else None
        v = live_version(root)
        self.tables = {p.stem: self._sorted(pq.read_table(p)) for p in sorted(v.path.glob("*.parquet"))}
        manifest = dict(v.manifest)
        manifest.pop("created_at", None)
        for e in manifest.get("loaded", []) + manifest.get("sources", []):
            e.pop("loaded_at", None)
        self.manifest = json.dumps(manifest, sort_keys=True, default=str)

    @staticmethod
    def _sorted(t: pa.Table) -> pa.Table:
        return t.sort_by([(c, "ascending") for c in t.column_names]) if t.num_rows else t

    def same_as(self, other: "Load") -> None:
        assert (self.rc, self.out, self.err, self.report) == (other.rc, other.out, other.err, other.report)
        assert self.tables.keys() == other.tables.keys()
        for name in self.tables:
            assert self.tables[name].schema == other.tables[name].schema, name
            assert self.tables[name].equals(other.tables[name]), name
        assert self.manifest == other.manifest


def both(tmp_path: Path, monkeypatch, capsys, files: list[Path], args=()) -> tuple[Load, list]:
    """Load ``files`` with and without the quick path; asserts the same outcome; returns (load, quick outcomes)."""
    outcomes: list = []
    real = records.count_csv

    def watched(*a, **k):
        got = real(*a, **k)
        outcomes.append(got)
        return got

    with monkeypatch.context() as m:
        m.setattr(records, "count_csv", watched)
        quick = Load(tmp_path, "quick", files, capsys, args)
    with monkeypatch.context() as m:
        m.setattr(records, "count_csv", lambda *a, **k: records.Declined("switched off"))
        exact = Load(tmp_path, "exact", files, capsys, args)
    quick.same_as(exact)
    return quick, outcomes


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    d = tmp_path / "upload"
    d.mkdir(exist_ok=True)
    (d / name).write_bytes(data)
    return d / name


# Each case: file bytes, whether the quick path must take the file, and the exit code.
CASES = {
    # clean files, in the forms extracts come in: the quick path counts them
    "minimal quoting, CRLF": (csv_bytes(HEADER, ROWS), True, 0),
    "every value quoted": (pyarrow_quoted(HEADER, ROWS), True, 0),
    "LF line ends": (csv_bytes(HEADER, ROWS, newline="\n"), True, 0),
    "UTF-8 with BOM": (csv_bytes(HEADER, ROWS, encoding="utf-8-sig"), True, 0),
    "Windows-1252": (csv_bytes(HEADER + ["Notes"], [r + ["Café £5 – “quoted” €"] for r in ROWS], encoding="cp1252"), True, 0),
    "no final line break": (csv_bytes(HEADER, ROWS)[:-2], True, 0),
    "blank lines": (csv_bytes(HEADER, ROWS[:3]) + b"\r\n" + csv_bytes(HEADER, ROWS[3:]).split(b"\r\n", 1)[1] + b"\r\n\r\n", True, 0),
    "rows of empty cells": (csv_bytes(HEADER, ROWS[:2] + [[""] * 6] + ROWS[2:] + [[""] * 6]), True, 0),
    "quotes doubled in a value": (csv_bytes(HEADER, with_cell(1, 4, 'Violence "against" the person')), True, 0),
    "quoted comma in a used value": (csv_bytes(HEADER, with_cell(6, 4, "Criminal damage, and arson")), False, 0),
    "series column": (csv_bytes(HEADER + ["Series"], [r + ["force-2"] for r in ROWS]), True, 0),
    "month column": (csv_bytes(["Month", "Area", "Offence Code", "Offence Group", "DA Flag"],
                               [["Aug 2019", "E06000058", "8N", "V", "Y"], ["2019-08", "Poole", "8N", "V", "N"],
                                ["08/2019", "E06000058", "8N", "V", "Y"]]), True, 0),
    "recorded date and month": (csv_bytes(HEADER + ["Month"], [r + ["whatever"] for r in ROWS]), True, 0),
    "empty unnamed column": (csv_bytes(HEADER + [""], [r + [""] for r in ROWS]), True, 0),
    "no-break space around a used value": (csv_bytes(HEADER, with_cell(0, 2, "\u00a0E06000028\u00a0")), True, 0),
    "tab in an ignored value": (csv_bytes(HEADER, with_cell(0, 0, "CR\t1")), True, 0),
    # files the quick path leaves to the exact reader, which loads them
    "quoted comma in an ignored value": (csv_bytes(HEADER, with_cell(2, 0, "CR,3")), False, 0),
    "quoted line break in an ignored value": (csv_bytes(HEADER, with_cell(2, 0, "CR\n3")), False, 0),
    "no-break space in an ignored value": (csv_bytes(HEADER, with_cell(2, 0, "CR\u00a03")), False, 0),
    "mixed line ends": (csv_bytes(HEADER, ROWS[:4], newline="\n") + csv_bytes(HEADER, ROWS[4:]).split(b"\r\n", 1)[1], False, 0),
    "spaces in every cell of a row": (csv_bytes(HEADER, ROWS + [[" "] * 6]), False, 0),
    "quote closed mid-cell": (csv_bytes(HEADER, ROWS).replace(b"CR-2", b'"CR"-2'), False, 0),
    "area_code_original column": (csv_bytes(HEADER + ["area_code_original"], [r + [""] for r in ROWS]), False, 0),
    "cell holding the missing-cell marker": (csv_bytes(HEADER, with_cell(0, 0, records.MISSING)), False, 0),
    # files with problems: the exact reader reports them by row and column
    "a space before a quote": (csv_bytes(HEADER, ROWS).replace(b"E06000058", b' "E06000058"'), False, 1),
    "row of spaces only": (csv_bytes(HEADER, ROWS[:3]) + b"   \r\n" + csv_bytes(HEADER, ROWS[3:]).split(b"\r\n", 1)[1], False, 1),
    "trailing comma": (csv_bytes(HEADER, ROWS).replace(b"CR-3,28/02/2019,e06000028,8n,Violence against the person,yes",
                                                     b"CR-3,28/02/2019,e06000028,8n,Violence against the person,yes,"), False, 1),
    "too few cells": (csv_bytes(HEADER, ROWS[:2] + [ROWS[2][:4]] + ROWS[3:]), False, 1),
    "carriage return inside a value": (csv_bytes(HEADER, ROWS, newline="\n").replace(b"CR-2", b"CR\r2"), False, 1),
    "postcode in an ignored column": (csv_bytes(HEADER, with_cell(3, 0, "BH1 1AA")), False, 1),
    "quoted lower-case postcode alone": (csv_bytes(HEADER, with_cell(3, 0, "bh1 1aa"), quoting=csv.QUOTE_ALL), False, 1),
    "email in a used column": (csv_bytes(HEADER, with_cell(3, 4, "j.smith@example.org")), False, 1),
    "value under a blank header": (csv_bytes(HEADER + [""], [r + (["x"] if i == 5 else [""]) for i, r in enumerate(ROWS)]), False, 1),
    "missing area": (csv_bytes(HEADER, with_cell(4, 2, "")), False, 1),
    "unknown area": (csv_bytes(HEADER, with_cell(4, 2, "Atlantis")), False, 1),
    "not a date": (csv_bytes(HEADER, with_cell(6, 1, "31/02/2021")), False, 1),
    "future date": (csv_bytes(HEADER, with_cell(6, 1, (dt.date.today() + dt.timedelta(days=40)).strftime("%d/%m/%Y"))), False, 1),
    "bad flag": (csv_bytes(HEADER, with_cell(7, 5, "maybe")), False, 1),
    "header only": (csv_bytes(HEADER, []), False, 1),
    "a column of names": (csv_bytes(HEADER + ["Surname"], [r + ["Smith"] for r in ROWS]), True, 1),
    "a column of postcodes": (csv_bytes(HEADER + ["Postcode"], [r + ["BH1 1AA"] for r in ROWS]), False, 1),
    "full-width email in an ignored column": (csv_bytes(HEADER, with_cell(3, 0, "ｊｏ＠ｘ．ｏｒｇ")), False, 1),
    "NUL byte in an ignored column": (csv_bytes(HEADER, with_cell(3, 0, "CR\x003")), False, 1),
    "NUL byte in a used column": (csv_bytes(HEADER, with_cell(3, 4, "Violence\x00")), False, 1),
    "long value in an ignored column": (csv_bytes(HEADER, with_cell(3, 0, "x" * 40_000)), False, 1),
    # old Mac line ends: the header cannot be read (both ways), so the quick path is never asked
    "CR line ends": (csv_bytes(HEADER, ROWS, newline="\r"), None, 1),
}


@pytest.mark.parametrize("name", list(CASES))
def test_quick_path_agrees_with_the_exact_reader(name, tmp_path, monkeypatch, capsys):
    data, quick, rc = CASES[name]
    load, outcomes = both(tmp_path, monkeypatch, capsys, [write(tmp_path, "crime.csv", data)])
    assert load.rc == rc, load.err
    if quick is None:
        assert outcomes == []
    else:
        assert len(outcomes) == 1 and isinstance(outcomes[0], records.Counted) == quick, outcomes[0]


def test_clean_file_counts_as_a_group_by_would(tmp_path, monkeypatch, capsys):
    load, outcomes = both(tmp_path, monkeypatch, capsys, [write(tmp_path, "crime.csv", csv_bytes(HEADER, ROWS))])
    assert isinstance(outcomes[0], records.Counted) and outcomes[0].rows == len(ROWS)
    got = {(str(r["month"]), r["area_code"], r["area_code_original"], r["offence_code"], r["da_flag"]): r["offences"]
           for r in load.tables["crime"].to_pylist() if r["series"] == "force"}
    want = {
        ("2019-02-01", "E06000058", "E06000028", "8N", True): 2,
        ("2019-02-01", "E06000058", "E06000029", "8N", True): 1,
        ("2019-05-01", "E06000058", "E06000058", "105A", False): 1,
        ("2019-05-01", "E06000059", "E07000053", "49", False): 1,
        ("2021-08-01", "E06000059", "E06000059", "58A", False): 1,
        ("2021-08-01", "E06000059", "E06000059", "58A", True): 1,
        ("2021-09-01", "E06000059", "E06000059", "58A", False): 1,
    }
    assert {k: got.get(k) for k in want} == want  # loaded over the demo's counts: these keys replaced


def test_two_record_files_add_up(tmp_path, monkeypatch, capsys):
    a = write(tmp_path, "a.csv", csv_bytes(HEADER, ROWS[:5]))
    b = write(tmp_path, "b.csv", pyarrow_quoted(HEADER, ROWS[3:]))
    load, outcomes = both(tmp_path, monkeypatch, capsys, [a, b])
    assert load.rc == 0 and all(isinstance(o, records.Counted) for o in outcomes) and len(outcomes) == 2


def test_a_file_name_duckdb_would_read_as_a_pattern(tmp_path, monkeypatch, capsys):
    decoy = write(tmp_path, "crime1.csv", csv_bytes(HEADER, ROWS[:1]))
    odd = write(tmp_path, "crime[1].csv", csv_bytes(HEADER, ROWS))
    load, outcomes = both(tmp_path, monkeypatch, capsys, [odd])
    assert load.rc == 0 and outcomes[0].rows == len(ROWS) and decoy.exists()


def test_duplicate_with_monthly_counts_names_the_first_record(tmp_path, monkeypatch, capsys):
    """A monthly row with the key of some counted records: reported naming the first record's row."""
    recs = write(tmp_path, "records.csv", csv_bytes(HEADER, ROWS))
    monthly = write(tmp_path, "monthly.csv", csv_bytes(
        ["month", "area_code", "offence_code", "offence_group", "da_flag", "offences"],
        [["2021-08-01", "E06000059", "58A", "Criminal damage and arson", "true", "3"]]))
    load, outcomes = both(tmp_path, monkeypatch, capsys, [recs, monthly])
    assert load.rc == 1 and isinstance(outcomes[0], records.Counted)
    # CR-7, the first (only) record with that key, is row 8 of records.csv
    assert "monthly.csv:2: column 'month': duplicate: the same month, area_code_original, offence_code, da_flag, " \
           "series as records.csv row 8 (month='2021-08-01'" in load.err


def test_same_key_twice_within_records_names_both_rows(tmp_path, monkeypatch, capsys):
    """Two offence groups for one offence code make two counts with one key: both rows are named."""
    rows = with_cell(6, 5, "false", with_cell(6, 4, "Arson"))  # CR-7: CR-6's key, another offence group
    load, _ = both(tmp_path, monkeypatch, capsys, [write(tmp_path, "crime.csv", csv_bytes(HEADER, rows))])
    assert load.rc == 1
    assert "crime.csv:8: column 'month': duplicate: the same month, area_code_original, offence_code, da_flag, series " \
           "as row 7 (month='2021-08-01'" in load.err


def test_bad_row_deep_in_a_large_file_is_named_by_row_and_column(tmp_path, monkeypatch, capsys):
    """A large clean-looking file with one bad date near the end: row and column as the spreadsheet shows them."""
    n, bad = 60_000, 51_234  # data row index (0-based) of the bad date: spreadsheet row bad + 2
    day = [f"{d:02d}/{m:02d}/{y}" for y in (2019, 2020) for m in range(1, 13) for d in (1, 9, 17, 28)]
    table = {
        "crime_reference": [f"CR-{i}" for i in range(n)],
        "recorded_date": [day[i % len(day)] if i != bad else "30/02/2020" for i in range(n)],
        "area_code": ["E06000058" if i % 3 else "Purbeck" for i in range(n)],
        "offence_code": ["8N" if i % 2 else "49" for i in range(n)],
        "offence_group": ["Violence against the person" if i % 2 else "Theft offences" for i in range(n)],
        "da_flag": ["Y" if i % 7 == 0 else "N" for i in range(n)],
    }
    f = tmp_path / "big.csv"
    pacsv.write_csv(pa.table(table), f)
    load, outcomes = both(tmp_path, monkeypatch, capsys, [f])
    assert load.rc == 1 and isinstance(outcomes[0], records.Declined)
    assert f"big.csv:{bad + 2}: column 'recorded_date': no such date: '30/02/2020'" in load.err
    assert load.report.count("\n") == 2  # the header and that one problem


# --- any file: random cells built from the characters that make CSV hard ---------------------

_PIECES = ["E06000058", "Poole", "8N", "49", "Y", "no", "03/02/2019", "2019-05-01", "Aug 2019", "Theft", ",", '"', '""',
           " ", "\t", "\u00a0", "\x0b", "x", "BH1 1AA", "é", "", "0", "#", records.MISSING[:3]]
_EDGES = ["", "", " ", "  ", "\t", "\u00a0", '"']
_cell = st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)
_breaks = st.sampled_from(["\r", "\n", "\r\n", "a\nb", "\r\r"])
_good = [st.text("CR-0123456789", max_size=6), st.sampled_from(["03/02/2019", "2019-05-01 10:00", "13/08/2021", "Aug 2019", " 1/2/2020"]),
         st.sampled_from(["E06000058", "Poole", "dorset", "E07000051", "e06000059"]), st.sampled_from(["8N", "49", "105a"]),
         st.sampled_from(["Theft offences", "Violence", 'a "b" c']), st.sampled_from(["Y", "N", "true", "0"])]


def _sometimes_odd(good):
    """Mostly a good value; sometimes with spaces or quotes around it, or anything at all."""
    padded = st.tuples(st.sampled_from(_EDGES), good, st.sampled_from(_EDGES)).map("".join)
    return st.one_of(good, good, good, good, good, good, padded, _cell)


_row = st.tuples(st.one_of(*[_good[0]] * 6, *[_cell] * 6, _breaks), *[_sometimes_odd(g) for g in _good[1:]])


@settings(max_examples=int(os.environ.get("CARA_RECORDS_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(_row, min_size=1, max_size=6), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       newline=st.sampled_from(["\r\n", "\n"]), raw=st.booleans(), breaks=st.booleans())
def test_any_file_loads_the_same_either_way(rows, quoting, newline, raw, breaks, tmp_path_factory, monkeypatch, capsys):
    """Whatever the cells hold, both ways give the same outcome (raw: joined by commas with no quoting at all)."""
    if not breaks:  # line breaks inside cells send nearly every file to the exact reader: half the files have none
        rows = [[c.replace("\r", "").replace("\n", "") for c in r] for r in rows]
    if raw:
        data = (",".join(HEADER) + newline + newline.join(",".join(r) for r in rows) + newline).encode()
    else:
        data = csv_bytes(HEADER, [list(r) for r in rows], quoting=quoting, newline=newline)
    tmp = tmp_path_factory.mktemp("fuzz")
    both(tmp, monkeypatch, capsys, [write(tmp, "crime.csv", data)])


_plain = [st.one_of(_good[0], _cell)] + [
    st.tuples(st.sampled_from(["", "", " ", "\t", "\u00a0"]), g, st.sampled_from(["", "", " ", "\t", "\u00a0"])).map("".join)
    for g in _good[1:]]


@settings(max_examples=int(os.environ.get("CARA_RECORDS_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(*_plain), min_size=1, max_size=8), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       newline=st.sampled_from(["\r\n", "\n"]))
def test_values_with_spaces_and_quotes_load_the_same_either_way(rows, quoting, newline, tmp_path_factory, monkeypatch, capsys):
    """Good values, padded with spaces of any kind, quoted or not: most of these files go the quick way."""
    tmp = tmp_path_factory.mktemp("fuzz")
    rows = [[c.replace("\r", "").replace("\n", "") for c in r] for r in rows]
    both(tmp, monkeypatch, capsys, [write(tmp, "crime.csv", csv_bytes(HEADER, [list(r) for r in rows], quoting=quoting, newline=newline))])


# --- the pieces the quick path relies on -------------------------------------------------------

_text = st.text(st.sampled_from(['"', "a", "Z", "1", " ", "\t", "\u00a0", "\x0b", "@", ".", "/", "é", "-", "+"]), max_size=12)
_pii_like = st.sampled_from(["BH1 1AA", "bh1 1aa", "j.s@example.org", "07700 900123", "+44 7700 900123", "QQ123456C",
                             "12/123456A", "2019/1234567z", "GIR 0AA", "sw1a 1aa",
                             # issue 11: prefixes, separators, spacing, full-width forms, names with dates
                             "P_AB123456C", "AB-12-34-56-C", "PNC12/123456A", "(01202) 123456", "tel01202123456",
                             "0044 1202 123456", "bh1  1aa", "jo(at)example.org", "ｊｏ＠ｘ．ｏｒｇ", "jo﹫x",
                             "John Smith 01/02/1985", "dob 1.2.85", "１２/123456A"])
_raw_cell = st.one_of(_text, st.tuples(_text, _pii_like, _text).map("".join),
                      st.tuples(st.sampled_from(['"', ' "', '""']), _pii_like, st.sampled_from(['"', '" ', '""'])).map("".join))


def _pyarrow_reads(cell: str) -> str | None:
    """What pyarrow's CSV reader (as the exact reader sets it up) makes of ``cell`` alone in a row."""
    try:
        t = pacsv.read_csv(io.BytesIO(("a,b\n" + cell + ",x\n").encode()), read_options=pacsv.ReadOptions(use_threads=False),
                           parse_options=pacsv.ParseOptions(newlines_in_values=True),
                           convert_options=pacsv.ConvertOptions(column_types={"a": pa.string(), "b": pa.string()},
                                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    return t.column("a")[0].as_py() if t.num_rows == 1 and t.column("b")[0].as_py() == "x" else None


@settings(max_examples=300, deadline=None)
@given(_raw_cell)
def test_cells_read_as_pyarrow_reads_them(cell):
    """``pyarrow_cell`` gives pyarrow's value, or None; DuckDB's OPEN_QUOTE flags exactly the Nones."""
    import duckdb

    mine = records.pyarrow_cell(cell)
    if mine is not None:
        assert mine == _pyarrow_reads(cell)
    flagged = duckdb.execute("SELECT regexp_matches($v, $p)", {"v": cell, "p": records.OPEN_QUOTE}).fetchall()[0][0]
    assert flagged == (mine is None)


@settings(max_examples=300, deadline=None)
@given(_raw_cell)
def test_sql_screen_flags_every_raw_cell_the_exact_screen_flags(cell):
    """What the exact reader refuses as a personal identifier, the quick path's SQL screen catches raw."""
    import duckdb

    from cara_metrics.ingest import pii
    from cara_metrics.ingest.values import clean_text

    value = records.pyarrow_cell(cell)
    if value is None:
        return  # flagged by OPEN_QUOTE (above)
    exact = bool(pii.screen(clean_text(pa.array([value]))).any())
    raw = duckdb.execute("SELECT regexp_matches($v, $p)", {"v": cell, "p": records.DOUBTFUL}).fetchall()[0][0]
    assert raw or not exact
