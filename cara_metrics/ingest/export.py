"""export-raw: a warehouse's tables written back out as raw extract files.

One CSV per non-empty table, UTF-8, a header row of contract column names, dates as
13/08/2019 (or ISO with ``--dates iso``), true/false flags, empty cells for missing values
— a shape ``ingest`` accepts. Area columns hold the code *as recorded*
(``area_code_original``), so a round trip goes through the same geography mapping as a
real extract. Crime is written in its monthly aggregate form (an ``offences`` column).

Beside the files goes ``cara-export.json``: the source version, whether it was synthetic,
and each file's SHA-256. Ingest treats a file as synthetic only if it is listed there
with the same hash, so synthetic data stays labelled through a round trip, and a file
edited by hand (or real data) does not inherit the label.

Rows are streamed by DuckDB, so exporting a national warehouse needs little memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb

from .. import contract as C
from ..dataroot import live_version
from .crosscheck import q
from .pipeline import MARKER
from .rules import AREA_COLUMNS

DATE_FORMATS = {"uk": "%d/%m/%Y", "iso": "%Y-%m-%d"}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def export_raw(root: Path, out: Path, dates: str = "uk") -> dict[str, int]:
    """Write the live warehouse of ``root`` to ``out``; returns rows written per table."""
    version = live_version(root)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 2})
    written: dict[str, int] = {}
    hashes: dict[str, str] = {}
    try:
        for name, table in C.TABLES.items():
            path = version.table_path(name)
            if not path.exists():
                continue
            view = f"t_{name}"
            con.read_parquet(str(path)).create_view(view)
            n = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0]
            if n == 0:
                continue  # ingest refuses a file with no data rows
            cols = []
            for c in table.column_names:
                if c == "area_code_original":
                    continue
                if c == "area_code" and name in AREA_COLUMNS and "area_code_original" in table.column_names:
                    cols.append(f"{q('area_code_original')} AS {q('area_code')}")  # the code as recorded
                else:
                    cols.append(q(c))
            rel = con.sql(f"SELECT {', '.join(cols)} FROM {view} ORDER BY {', '.join(q(k) for k in table.key)}")
            dest = out / f"{name}.csv"
            rel.write_csv(str(dest), header=True, date_format=DATE_FORMATS[dates])
            written[name] = n
            hashes[dest.name] = _sha256(dest)
    finally:
        con.close()
    marker = {
        "exported_from": str(version.path),
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "contract_version": C.CONTRACT_VERSION,
        "data_as_at": version.manifest.get("data_as_at"),
        "synthetic": version.synthetic,
        "files": hashes,
    }
    (out / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True), encoding="utf-8")
    return written
