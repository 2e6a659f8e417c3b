"""Downloads of every public table: CSV and ODS, symbols kept, with a metadata sheet.

Read from the public release only (through :mod:`cara_metrics.public`). A download is the
whole release table, long (one figure a row): the figure's ``value`` (empty where it is
not published) and its ``symbol`` ([c], [u], [p], [r] ...) side by side, so a value is
never mixed with text in a numeric column. The ODS file opens on a "Metadata" sheet (title,
source, definitions, release date, data date, next update, revisions, breaks, symbols,
disclosure rules, column meanings), as the Analysis Function's spreadsheet guidance asks;
the same sheet is offered as a CSV of its own.

Every text cell passes :func:`disclosure.neutralise_frame`, so text starting ``= + - @``
cannot run as a formula when the file is opened in a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import ods, public, registry
from .disclosure import SYMBOLS, neutralise_frame
from .periods import format_date

#: release column -> download column, in download order.
DOWNLOAD_COLUMNS = {
    "area_code": "area_code",
    "area_name": "area_name",
    "area_type": "area_type",
    "period": "period",
    "period_type": "period_type",
    "financial_year": "financial_year",
    "quarter": "quarter",
    "measure": "measure",
    "measure_label": "measure_label",
    "category": "category",
    "category_label": "category_label",
    "unit": "unit",
    "shown": "value",
    "symbol": "symbol",
    "metric_id": "metric_id",
}

COLUMN_MEANINGS = {
    "area_code": "ONS code of the area (E23: police force area; E06/E07: local authority), or a local code for a community safety partnership.",
    "area_name": "Name of the area.",
    "area_type": "force, community_safety_partnership or local_authority.",
    "period": "Financial year (April to March, e.g. 2019/20), quarter of it (Q1 = April to June) or a range of years.",
    "period_type": "financial year, quarter, financial years (several years together) or comparison group.",
    "financial_year": "The financial year the period belongs to (empty for a range of years).",
    "quarter": "Quarter of the financial year, 1 to 4 (empty for a whole year).",
    "measure": "What the figure measures (a short name).",
    "measure_label": "What the figure measures, in words.",
    "category": "The breakdown the figure belongs to, if any (an outcome, a survey statement, a group).",
    "category_label": "The breakdown in words.",
    "unit": "people, offences, percent, per 1,000 residents or percentage points.",
    "value": "The published figure. Empty where it is not published: the symbol says why.",
    "symbol": "Symbols that apply to the figure (see the symbols below); empty if none.",
    "metric_id": "The metric the figure comes from, defined below and on the methodology page.",
}


def data_frame(name: str, root: Path | None = None) -> pd.DataFrame:
    """The download of release table ``name``: every row, columns as :data:`DOWNLOAD_COLUMNS`."""
    t = public.table(name, root)
    out = t[list(DOWNLOAD_COLUMNS)].rename(columns=DOWNLOAD_COLUMNS)
    out["quarter"] = out["quarter"].astype("Int64")
    out["symbol"] = out["symbol"].fillna("")
    return out.reset_index(drop=True)


def metadata_frame(name: str, root: Path | None = None) -> pd.DataFrame:
    """The metadata sheet of a download: two columns, Field and Value."""
    info = public.release_info(root)
    spec = public.table_specs(root).get(name, {})
    rows: list[tuple[str, str]] = [
        ("Title", spec.get("title", name)),
        ("Description", spec.get("description", "")),
    ]
    if info.synthetic:
        rows.append(("Synthetic data", "These are synthetic demonstration data: made up at random and calibrated to "
                                       "published figures. They describe no real person or outcome."))
    rows += [
        ("Release", info.version),
        ("Release date", format_date(info.release_date)),
        ("Data as at", format_date(info.data_as_at)),
        ("Next update", format_date(info.next_update)),
        ("Period covered", info.period_text),
        ("Revisions", _table_revisions(info, name)),
        ("Breaks in series", info.breaks_text),
    ]
    for mid in spec.get("metric_ids", ()):
        m = registry.get(mid)
        rows += [
            (f"Metric {m.id}", m.title),
            (f"{m.id}: definition", m.definition),
            (f"{m.id}: numerator", m.numerator),
            (f"{m.id}: denominator", m.denominator),
            (f"{m.id}: caveats", m.caveats),
            (f"{m.id}: source", m.source),
            (f"{m.id}: disclosure rule", m.disclosure_rule),
        ]
    rows += [(f"Symbol {k}", v) for k, v in SYMBOLS.items()]
    rows += [("Disclosure control", line) for line in public.policy_lines(info)]
    rows += [(f"Column {k}", v) for k, v in COLUMN_MEANINGS.items()]
    return pd.DataFrame(rows, columns=["Field", "Value"]).astype("string")


def _table_revisions(info: public.ReleaseInfo, name: str) -> str:
    n = int((info.revisions["table"] == name).sum()) if len(info.revisions) else 0
    if info.compared_with is None:
        return "None: this is the first release."
    return f"{n:,} figure{'s' if n != 1 else ''} in this table revised since release {info.compared_with}, marked [r]."


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheets keep £ and accents), formulas neutralised."""
    return neutralise_frame(df).to_csv(index=False).encode("utf-8-sig")


def ods_bytes(data: pd.DataFrame, metadata: pd.DataFrame) -> bytes:
    """An OpenDocument spreadsheet: the Metadata sheet first, then Data; formulas neutralised.

    Written by :mod:`cara_metrics.ods` (numbers as numbers, empty where missing), whose bytes
    depend only on the content, so a release's files are reproducible."""
    return ods.ods_bytes([("Metadata", neutralise_frame(metadata)), ("Data", neutralise_frame(data))])


@dataclass(frozen=True)
class Download:
    label: str
    file_name: str
    mime: str
    data: bytes


def downloads(name: str, root: Path | None = None) -> list[Download]:
    """The files offered for one public table: data as CSV, data and metadata as ODS, metadata as CSV."""
    info = public.release_info(root)
    data, meta = data_frame(name, root), metadata_frame(name, root)
    stem = f"cara-{name}-{info.release_date.isoformat()}"
    what = name.replace("_", " ")
    return [
        Download(f"Download {what} data (CSV)", f"{stem}.csv", "text/csv", csv_bytes(data)),
        Download(f"Download {what} data and metadata (ODS)", f"{stem}.ods",
                 "application/vnd.oasis.opendocument.spreadsheet", ods_bytes(data, meta)),
        Download(f"Download {what} metadata (CSV)", f"{stem}-metadata.csv", "text/csv", csv_bytes(meta)),
    ]
