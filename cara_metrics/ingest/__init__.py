"""Loading real extracts: validated, all-or-nothing, versioned ingest (issue 4).

``python -m cara_metrics ingest --data-dir DIR FILE...`` reads raw files (CSV, XLSX, ODS,
Parquet), tells each file's table from its header, validates every row against the data
contract, refuses personal identifiers, maps old geography to current areas and, only if
the whole batch is clean, writes a new warehouse version with the batch merged in.
``export-raw`` writes a warehouse back out as raw files. docs/loading-data.md is the
analyst's guide.

Modules, in the order data flows through them:

* ``formats``, ``spreadsheets``: open a file as sheets of text rows, streamed in batches;
* ``headers``: which table (and shape) a header row is; misspelt columns;
* ``pii``: personal identifiers in headers and values;
* ``values``, ``dates``, ``rules``, ``geography``: parse and check each value, row and area;
* ``stage``: validate a sheet batch by batch and stage it as Parquet; ``crime``: count
  record-level crime into the monthly table as it streams;
* ``crosscheck``: keys, people and dates across rows, files and tables (DuckDB);
* ``commit``: merge with the live version, manifest, atomic switch, rollback;
* ``pipeline``: the whole batch; ``export``: export-raw; ``commands``: the CLI.
"""
