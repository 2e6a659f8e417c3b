"""Collecting what is wrong with a batch, and telling the analyst where.

Every problem names a place a spreadsheet user can find: the file, the sheet (for
workbooks), the row as the spreadsheet numbers it (the header is row 1, the first data row
is row 2) and the column as it is spelt in the file. Problems are streamed to a CSV file
as they are found, so a file with an error in each of ten million rows needs no memory for
them; only the first few are kept to print.

Assumption: a batch is rejected as soon as it has one problem, so "warnings" (columns that
are ignored, sheets that are skipped) are kept apart as notes and never block a load.
"""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

#: How many problems are printed; the report CSV has the rest.
SHOWN = 50
#: The report stops listing after this many (it still counts them): beyond it, the same
#: mistake repeated down a file adds nothing an analyst can act on.
REPORT_LIMIT = 1_000_000


@dataclass(frozen=True)
class Location:
    """Where rows come from: one file, or one sheet of a workbook."""

    file: str
    sheet: str | None = None

    def label(self) -> str:
        return f"{self.file} (sheet '{self.sheet}')" if self.sheet is not None else self.file


@dataclass(frozen=True)
class Problem:
    location: Location
    row: int | None
    column: str | None
    message: str

    def format(self) -> str:
        where = self.location.label()
        if self.row is not None:
            where += f":{self.row}"
        col = f" column '{self.column}':" if self.column else ""
        return f"{where}:{col} {self.message}"


class ProblemLog:
    """Problems of one batch: counted, the first ``SHOWN`` kept, all written to a CSV."""

    def __init__(self, work_dir: Path | None) -> None:
        """``work_dir`` holds the full list as it grows; None keeps only the count and the first few."""
        self.count = 0
        self._rows: set[tuple] = set()  # distinct rows with a problem (for the data quality page)
        self.first: list[Problem] = []
        self.notes: list[str] = []
        self._path = work_dir / "problems.csv" if work_dir is not None else None
        self._fh: TextIO | None = None
        self._writer = None

    @property
    def rejected_rows(self) -> int:
        """Distinct data rows with at least one problem (file-level problems count no rows)."""
        return len(self._rows)

    def add(self, location: Location, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if row is not None and len(self._rows) < 10_000_000:
            self._rows.add((location.file, location.sheet, row))
        problem = Problem(location, row, column, message)
        if len(self.first) < SHOWN:
            self.first.append(problem)
        if self.count <= REPORT_LIMIT and self._path is not None:
            if self._writer is None:
                self._fh = open(self._path, "w", encoding="utf-8", newline="")
                self._writer = csv.writer(self._fh)
                self._writer.writerow(["file", "sheet", "row", "column", "problem"])
            self._writer.writerow([location.file, location.sheet or "", row or "", column or "", message])

    def room(self) -> int:
        """How many more problems the report will list (callers materialise no more)."""
        return max(REPORT_LIMIT - self.count, 0) + SHOWN

    def note(self, text: str) -> None:
        """Something the analyst should know that does not stop the load."""
        if text not in self.notes:
            self.notes.append(text)

    def __bool__(self) -> bool:
        return self.count > 0

    def save_report(self, dest: Path) -> Path:
        """Move the full list to ``dest`` (parents created) and return its path."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        dest.parent.mkdir(parents=True, exist_ok=True)
        if self._path is not None and self._path.exists():
            shutil.copyfile(self._path, dest)
        else:
            dest.write_text("file,sheet,row,column,problem\n", encoding="utf-8")
        return dest

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def print_notes(self, stream: TextIO | None = None) -> None:
        stream = stream or sys.stderr
        for text in self.notes:
            print(f"note: {text}", file=stream)

    def print_problems(self, stream: TextIO | None = None) -> None:
        stream = stream or sys.stderr
        for p in self.first:
            print(p.format(), file=stream)
        rest = self.count - len(self.first)
        if rest > 0:
            print(f"... and {rest:,} more problem{'s' if rest != 1 else ''} (see the report)", file=stream)
        if self.count > REPORT_LIMIT:
            print(f"(the report lists the first {REPORT_LIMIT:,}; {self.count - REPORT_LIMIT:,} more were counted)", file=stream)
