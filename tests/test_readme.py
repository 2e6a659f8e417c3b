"""The README's example rows really load: one file per table, ingested as one batch."""

from __future__ import annotations

import re

from cara_metrics import cli, warehouse
from cara_metrics.dataroot import live_version

from .conftest import REPO

NAMES = {"crime (one row per crime)": "crime_records", "crime (monthly counts)": "crime_monthly"}


def _examples() -> dict[str, str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    out = {}
    for name, header, row in re.findall(r"^\| ([a-z_ ()]+?) \| `([^`]+)` / `([^`]+)` \|$", text, flags=re.M):
        out[NAMES.get(name, name)] = f"{header}\n{row}\n"
    return out


def test_readme_examples_cover_every_table():
    ex = _examples()
    assert {"areas", "population", "crime_records", "crime_monthly", "series_breaks", "referrals", "survey_questions",
            "survey_responses", "cohort", "reoffences", "costs"} <= set(ex)


def test_readme_examples_load_into_a_new_data_root(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, body in _examples().items():
        if name == "areas":  # the example row needs its parents
            body += "E23000039,Dorset,force,,,,\nE22000367,Dorset,CSP,E23000039,,,\nE06000058,\"Bournemouth, Christchurch and Poole\",local_authority,E23000039,,,\n"
        (raw / f"{name}.csv").write_text(body, encoding="utf-8")
    root = tmp_path / "root"
    assert cli.main(["ingest", "--data-dir", str(root), "--report", str(tmp_path / "r.csv"), str(raw)]) == 0
    v = live_version(root, "warehouse")
    assert v.synthetic is False
    assert v.manifest["tables"]["referrals"] == 1 and v.manifest["tables"]["crime"] == 2
    warehouse.clear_cache()
