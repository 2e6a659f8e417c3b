"""Downloads of the public tables: CSV and ODS round trips, the metadata sheet, formula injection."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from cara_metrics import export, public, publish
from cara_metrics.dataroot import live_version
from cara_metrics.disclosure import SYMBOLS

ODS = "application/vnd.oasis.opendocument.spreadsheet"


@pytest.fixture(scope="module")
def root(release_only) -> Path:
    """A release built from the demo, with the warehouse removed (downloads need only the release)."""
    return release_only


def _release(root: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(live_version(root, "release").table_path(name))


def _files(root: Path, name: str) -> dict[str, export.Download]:
    return {f.file_name.rsplit(".", 1)[-1] + ("-meta" if "metadata" in f.file_name else ""): f
            for f in export.downloads(name, root)}


@pytest.mark.parametrize("name", list(publish.TABLES))
def test_csv_round_trip_keeps_values_and_symbols(root, name):
    f = _files(root, name)["csv"]
    # named after what it holds (issue 14 item 10): every area, the release's years, data date, synthetic
    assert f.mime == "text/csv" and f.file_name == f"cara-{name}-every-area-2016-17-to-2024-25-data-to-2025-03-31-synthetic.csv"
    assert f.data.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheets read UTF-8
    back = pd.read_csv(io.BytesIO(f.data), encoding="utf-8-sig", keep_default_na=False, na_values=[""],
                       dtype={"symbol": "string"})
    rel = _release(root, name)
    assert len(back) == len(rel)
    assert list(back.columns) == list(export.DOWNLOAD_COLUMNS.values()) + list(export.CONTEXT_COLUMNS)
    # every row carries its source, data date and synthetic flag
    assert set(back["data_as_at"]) == {"31 March 2025"} and set(back["synthetic"]) == {"yes"} and back["source"].all()
    # counts are whole numbers in the file: 137, never 137.0
    text = f.data.decode("utf-8-sig")
    counts = back.loc[back["unit"].isin(["people", "offences"]) & back["value"].notna(), "value"]
    assert len(counts) and not any(re.search(rf",{int(v)}\.0,", text) for v in counts.head(20))
    assert back["symbol"].fillna("").tolist() == rel["symbol"].tolist()
    pd.testing.assert_series_equal(back["value"].astype(float), rel["shown"].astype(float), check_names=False)
    suppressed = back["symbol"].fillna("").str.contains(r"\[c\]", regex=True)
    assert back.loc[suppressed, "value"].isna().all()


@pytest.mark.parametrize("name", list(publish.TABLES))
def test_ods_round_trip_keeps_values_symbols_and_has_a_metadata_sheet(root, name):
    f = _files(root, name)["ods"]
    assert f.mime == ODS
    sheets = pd.read_excel(io.BytesIO(f.data), engine="odf", sheet_name=None, dtype={"symbol": "string"})
    assert list(sheets) == ["Metadata", "Data"]  # the cover sheet first
    data, rel = sheets["Data"], _release(root, name)
    assert len(data) == len(rel)
    assert data["symbol"].fillna("").tolist() == rel["symbol"].tolist()
    pd.testing.assert_series_equal(data["value"].astype(float), rel["shown"].astype(float), check_names=False)
    meta = dict(zip(sheets["Metadata"]["Field"], sheets["Metadata"]["Value"]))
    spec = publish.TABLES[name]
    assert meta["Title"] == spec.title
    assert meta["Selection"].startswith("Every area") and "2016/17 to 2024/25" in meta["Selection"]
    assert meta["Source"] and meta["Synthetic"].startswith("yes")
    assert meta["Release date"] == "30 June 2025"
    assert meta["Data as at"] == "31 March 2025"
    assert meta["Next update"] == "30 September 2025"
    assert "Synthetic data" in meta
    for symbol, meaning in SYMBOLS.items():
        assert meta[f"Symbol {symbol}"] == meaning
    for mid in spec.metric_ids:
        assert meta[f"{mid}: definition"] and meta[f"{mid}: source"] and meta[f"{mid}: caveats"]
    assert any(k.startswith("Disclosure control") for k in sheets["Metadata"]["Field"])
    assert all(f"Column {c}" in meta for c in data.columns)


def test_metadata_also_comes_as_csv(root):
    f = _files(root, "referrals")["csv-meta"]
    meta = pd.read_csv(io.BytesIO(f.data), encoding="utf-8-sig")
    assert list(meta.columns) == ["Field", "Value"]
    assert "Breaks in series" in set(meta["Field"])


EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(1,2)", "-2+3", "@cmd", "\t=1"]


def test_formula_injection_is_neutralised_in_csv_and_ods():
    data = pd.DataFrame({"area_name": EVIL, "value": [1.0, -5.0, 2.0, None, 3.0], "symbol": ["", "[c]", "", "[c]", ""]})
    meta = pd.DataFrame({"Field": ["=Title", "Source"], "Value": ["+evil", "safe"]})
    csv = pd.read_csv(io.BytesIO(export.csv_bytes(data)), encoding="utf-8-sig", keep_default_na=False)
    assert all(v.startswith("'") for v in csv["area_name"])
    assert csv["value"].tolist()[:3] == ["1.0", "-5.0", "2.0"]  # numbers are left alone
    sheets = pd.read_excel(io.BytesIO(export.ods_bytes(data, meta)), engine="odf", sheet_name=None)
    assert all(str(v).startswith("'") for v in sheets["Data"]["area_name"])
    assert sheets["Metadata"]["Field"].tolist()[0] == "'=Title"
    assert sheets["Metadata"]["Value"].tolist()[0] == "'+evil"
    assert float(sheets["Data"]["value"].iloc[1]) == -5.0


def test_downloads_neutralise_text_coming_from_the_release(root, monkeypatch):
    """An area name that looks like a formula (bad input upstream) is defused in every file."""
    real = public.table

    def poisoned(name, root=None):
        t = real(name, root)
        if name == "referrals":
            t["area_name"] = "=cmd|' /C calc'!A0"
        return t

    monkeypatch.setattr(public, "table", poisoned)
    files = _files(root, "referrals")
    csv = pd.read_csv(io.BytesIO(files["csv"].data), encoding="utf-8-sig", keep_default_na=False)
    assert (csv["area_name"] == "'=cmd|' /C calc'!A0").all()
    ods = pd.read_excel(io.BytesIO(files["ods"].data), engine="odf", sheet_name="Data")
    assert (ods["area_name"] == "'=cmd|' /C calc'!A0").all()
