"""Every download's content and file name: the public tables (CSV and ODS, symbols kept, with
a metadata sheet) and the staff pages' tables (CSV).

Every file carries its context, and is named after it (:class:`Context`,
:func:`file_name`): the selection (area and period), the source, the data-as-at date and
whether the data are synthetic. A staff table gets them as columns after its own
(:func:`staff_csv`); a public table, whose rows already name their area and period, gets
``source``, ``data_as_at`` and ``synthetic`` columns and a "Selection" line on its metadata
sheet. Counts (people, offences) are written as whole numbers (``137``, not ``137.0``).

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

import datetime as dt
import re
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


#: Context columns after :data:`DOWNLOAD_COLUMNS` in a public download: the same on every row.
CONTEXT_COLUMNS = {
    "source": "Where the figure comes from (the metric's source).",
    "data_as_at": "The date the data run to.",
    "synthetic": "yes when these are synthetic demonstration data (made up, describing no real person), else no.",
}
COLUMN_MEANINGS.update(CONTEXT_COLUMNS)

#: Units whose figures are counts, written as whole numbers.
COUNT_UNITS = frozenset({"people", "offences"})


# --- what a file is about, inside it and in its name -------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a downloaded file holds: the selection (``area``, ``period``), where the figures
    come from, the date the data run to and whether they are synthetic."""

    area: str
    period: str
    source: str
    data_as_at: dt.date
    synthetic: bool

    def columns(self) -> dict[str, str]:
        """The context as columns added to a staff table (names that no table column uses)."""
        return {"Area chosen": self.area, "Period chosen": self.period, "Source": self.source,
                "Data as at": format_date(self.data_as_at), "Synthetic data": synthetic_text(self.synthetic)}


def synthetic_text(synthetic: bool) -> str:
    return "yes: made-up demonstration data, not about real people" if synthetic else "no"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def file_name(what: str, ctx: Context, ext: str) -> str:
    """'cara-<what>-<area>-<period>-data-to-<date>[-synthetic].<ext>': the name changes with the
    selection, so two downloads for different areas or periods never share a name."""
    parts = ["cara", what, ctx.area, ctx.period, f"data to {ctx.data_as_at.isoformat()}"]
    stem = "-".join(p for p in (_slug(x) for x in parts) if p)[:150]
    return f"{stem}{'-synthetic' if ctx.synthetic else ''}.{ext}"


def staff_frame(table: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """A staff page's table with its context columns (the same on every row) after its own."""
    out = table.reset_index(drop=True).copy()
    for k, v in ctx.columns().items():
        out[k] = pd.Series([v] * len(out), dtype="string")
    return out


def staff_csv(table: pd.DataFrame, ctx: Context) -> bytes:
    """The CSV a staff page offers for ``table``: its rows, then the context columns."""
    return csv_bytes(staff_frame(table, ctx))


# --- the public release's tables -----------------------------------------------------------------


def public_context(name: str, root: Path | None = None) -> Context:
    """A public table's context: every area and every financial year of the release."""
    info = public.release_info(root)
    covered = info.manifest.get("period_covered", {})
    period = (f"{covered['from']} to {covered['to']}" if covered.get("from") and covered.get("to") else info.period_text)
    spec = public.table_specs(root).get(name, {})
    sources = list(dict.fromkeys(registry.get(m).source for m in spec.get("metric_ids", ())))
    return Context("every area", period, "; ".join(sources), info.data_as_at, info.synthetic)


def _value_column(values: pd.Series, units: pd.Series) -> pd.Series:
    """Counts as whole numbers (137, never 137.0), other figures as published; empty where not published."""
    # Missing and count flags worked out for the whole column at once (a national table has
    # some 60,000 rows); each value is then converted once.
    missing = values.isna().tolist()
    counts = units.isin(COUNT_UNITS).fillna(False).tolist()
    out = [None if m else _count_or_float(float(v), c) for v, m, c in zip(values.tolist(), missing, counts)]
    return pd.Series(out, index=values.index, dtype="object")


def _count_or_float(v: float, count: bool) -> int | float:
    return int(v) if count and v.is_integer() else v


def data_frame(name: str, root: Path | None = None) -> pd.DataFrame:
    """The download of release table ``name``: every row, columns as :data:`DOWNLOAD_COLUMNS`
    then :data:`CONTEXT_COLUMNS`."""
    t = public.table(name, root)
    out = t[list(DOWNLOAD_COLUMNS)].rename(columns=DOWNLOAD_COLUMNS).reset_index(drop=True)
    out["quarter"] = out["quarter"].astype("Int64")
    out["symbol"] = out["symbol"].fillna("")
    out["value"] = _value_column(out["value"], out["unit"])
    info = public.release_info(root)
    metric_ids = out["metric_id"].tolist()
    sources = {m: registry.get(m).source for m in dict.fromkeys(metric_ids)}  # each metric once
    out["source"] = pd.Series([sources[m] for m in metric_ids], dtype="string")
    out["data_as_at"] = pd.Series([format_date(info.data_as_at)] * len(out), dtype="string")
    out["synthetic"] = pd.Series(["yes" if info.synthetic else "no"] * len(out), dtype="string")
    return out


def metadata_frame(name: str, root: Path | None = None) -> pd.DataFrame:
    """The metadata sheet of a download: two columns, Field and Value."""
    info = public.release_info(root)
    spec = public.table_specs(root).get(name, {})
    ctx = public_context(name, root)
    rows: list[tuple[str, str]] = [
        ("Title", spec.get("title", name)),
        ("Description", spec.get("description", "")),
        ("Selection", f"Every area (police force area, community safety partnerships, local authorities), "
                      f"financial years {ctx.period}"),
        ("Source", ctx.source),
        ("Synthetic", synthetic_text(info.synthetic)),
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


@dataclass(frozen=True)
class DownloadInputs:
    """What a public table's download files are made from, read from the release: the data
    (:func:`data_frame`), its metadata sheet (:func:`metadata_frame`) and its context."""

    data: pd.DataFrame
    meta: pd.DataFrame
    ctx: Context


#: How many files each public table offers (:func:`download_file`).
FILES_PER_TABLE = 3


def download_inputs(name: str, root: Path | None = None) -> DownloadInputs:
    """Read what table ``name``'s download files are made from (the release's only reads)."""
    return DownloadInputs(data_frame(name, root), metadata_frame(name, root), public_context(name, root))


def download_file(name: str, inputs: DownloadInputs, i: int) -> Download:
    """File ``i`` (0 to :data:`FILES_PER_TABLE` - 1, in offer order) of table ``name``: data as
    CSV, data and metadata as ODS, metadata as CSV. Reads nothing: made from ``inputs`` only."""
    what, ctx = name.replace("_", " "), inputs.ctx
    if i == 0:
        return Download(f"Download {what} data (CSV)", file_name(name, ctx, "csv"), "text/csv", csv_bytes(inputs.data))
    if i == 1:
        return Download(f"Download {what} data and metadata (ODS)", file_name(name, ctx, "ods"),
                        "application/vnd.oasis.opendocument.spreadsheet", ods_bytes(inputs.data, inputs.meta))
    if i == 2:
        return Download(f"Download {what} metadata (CSV)", file_name(f"{name}-metadata", ctx, "csv"), "text/csv",
                        csv_bytes(inputs.meta))
    raise IndexError(f"a public table offers {FILES_PER_TABLE} files, not file {i}")


def downloads(name: str, root: Path | None = None) -> list[Download]:
    """The files offered for one public table: data as CSV, data and metadata as ODS, metadata as CSV."""
    inputs = download_inputs(name, root)
    return [download_file(name, inputs, i) for i in range(FILES_PER_TABLE)]
