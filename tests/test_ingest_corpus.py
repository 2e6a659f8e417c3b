"""Bad input is refused with a message naming file, row and column, and changes nothing.

Every case of ``ingest_corpus.CASES`` (60 malformed uploads: unreadable files, headers,
personal identifiers, values, rules across rows and tables) is loaded into a private copy
of the demo warehouse. Each must exit 1, print ``FILE:ROW: column 'X': ...`` on stderr,
save the full list as a report CSV, and leave every byte under the data root as it was.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from cara_metrics.dataroot import DEFAULT_DATA_DIR
from cara_metrics.ingest.commands import main

from .ingest_corpus import CASES, REFERRAL_HEADER, REFERRALS, referrals_with, tree_hash, write_csv


def _expected_line(case) -> tuple[str, str]:
    prefix = case.file + (f":{case.row}:" if case.row is not None else ":")
    column = f" column '{case.column}':" if case.column else ""
    return prefix, column


def test_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_file_is_refused(case, tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    before = tree_hash(root)
    upload = tmp_path / "upload"
    upload.mkdir()
    files = case.write(upload)
    report = tmp_path / "report.csv"

    rc = main(["ingest", "--data-dir", str(root), "--report", str(report), *case.args, *map(str, files)])

    err = capsys.readouterr().err
    assert rc == 1, err
    prefix, column = _expected_line(case)
    lines = [ln for ln in err.splitlines() if ln.startswith(prefix) and column in ln]
    assert any(case.text in ln for ln in lines), f"expected {prefix}{column} ... {case.text!r} in:\n{err}"
    assert "Traceback" not in err
    assert tree_hash(root) == before, "the warehouse changed although the batch was refused"
    assert str(report) in err
    with open(report, encoding="utf-8") as fh:
        listed = list(csv.DictReader(fh))
    assert any(case.text in r["problem"] for r in listed)


def test_one_bad_file_stops_the_whole_batch(tmp_path, capsys):
    """All or nothing: a good file in the same batch as a bad one is not loaded either."""
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    before = tree_hash(root)
    good = write_csv(tmp_path / "good.csv", REFERRAL_HEADER, REFERRALS)
    bad = write_csv(tmp_path / "bad.csv", *referrals_with({0: {"person_id": "T-0009", "sex": "?"}}))
    assert main(["ingest", "--data-dir", str(root), "--report", str(tmp_path / "r.csv"), str(good), str(bad)]) == 1
    assert "bad.csv:2: column 'sex'" in capsys.readouterr().err
    assert tree_hash(root) == before
    # The good file on its own loads.
    assert main(["ingest", "--data-dir", str(root), str(good)]) == 0


def test_failed_load_into_a_new_folder_creates_nothing(tmp_path, capsys):
    root = tmp_path / "new-root"
    bad = write_csv(tmp_path / "bad.csv", *referrals_with({0: {"caution_date": "soon"}}))
    assert main(["ingest", "--data-dir", str(root), "--report", str(tmp_path / "r.csv"), str(bad)]) == 1
    assert not root.exists()


def test_first_fifty_problems_are_printed_and_the_rest_counted(tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    rows = [[f"T-{i:04d}", "not a date", "E06000058", "25-34", "male", "common_assault", "standard", "", "", "0", "in_progress", ""]
            for i in range(120)]
    bad = write_csv(tmp_path / "many.csv", REFERRAL_HEADER, rows)
    report = tmp_path / "r.csv"
    assert main(["ingest", "--data-dir", str(root), "--report", str(report), str(bad)]) == 1
    err = capsys.readouterr().err
    listed = [ln for ln in err.splitlines() if ln.startswith("many.csv:")]
    assert len(listed) == 50
    assert listed[0].startswith("many.csv:2: column 'caution_date'") and listed[-1].startswith("many.csv:51:")
    assert "and 70 more problems" in err
    with open(report, encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 120


def test_personal_identifiers_are_not_echoed(tmp_path, capsys):
    """A value that looks like an identifier is named, never printed or written to the report."""
    root = tmp_path / "root"
    shutil.copytree(DEFAULT_DATA_DIR, root)
    bad = write_csv(tmp_path / "pii.csv", *referrals_with({0: {"person_id": "jo@example.org"}, 1: {"caution_date": "BH1 1AA"}}))
    report = tmp_path / "r.csv"
    assert main(["ingest", "--data-dir", str(root), "--report", str(report), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "pii.csv:2: column 'person_id': looks like an email address" in err
    assert "pii.csv:3: column 'caution_date'" in err
    text = err + report.read_text(encoding="utf-8")
    assert "jo@example.org" not in text and "BH1 1AA" not in text
