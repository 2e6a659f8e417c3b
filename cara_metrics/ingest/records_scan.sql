-- One pass over a record-level crime CSV (records.py): every cell as raw text, split on
-- commas only (quotes are kept and read in Python exactly as the exact reader reads them),
-- one more column than the header has, so a row with too few cells shows a missing cell
-- ($missing is the text DuckDB marks it with) and a row with too many a filled extra one.
--
-- Rows are grouped by the raw text of the columns ingest uses, with the month of the date
-- standing in for the date (cara_month_key), so the result is about as small as the
-- monthly counts; a second grouping set lists every distinct raw date under its key.
-- `doubtful`: some row of the group has a cell the quick pass cannot vouch for
-- (cara_doubtful, an extra cell, a value under a blank header); `others_empty`: every row
-- of the group has all its other cells empty (with empty used columns: blank rows, which
-- are skipped as the exact reader skips them).
--
-- The placeholders are column identifiers of the file, by position (c0, c1, ...), and
-- checks built from the macros; the path, the columns and every value are bound.
CREATE OR REPLACE TEMP TABLE records_scan AS
SELECT
    GROUPING(date_raw) = 0 AS is_date,
    month_key, date_raw, area, code, grp, flag, series,
    bool_or(doubtful) AS doubtful, bool_and(others_empty) AS others_empty, count(*) AS n
FROM (
    SELECT
        cara_month_key({month}) AS month_key,
        {month} AS date_raw,
        {area} AS area,
        {code} AS code,
        {group} AS grp,
        {flag} AS flag,
        {series} AS series,
        {doubtful} AS doubtful,
        {others_empty} AS others_empty
    FROM read_csv($path, columns = $columns, header = true, delim = ',', quote = '', escape = '',
                  strict_mode = true, null_padding = true, nullstr = $missing, auto_detect = false,
                  encoding = 'utf-8', compression = 'none', hive_partitioning = false)
)
GROUP BY GROUPING SETS (
    (month_key, area, code, grp, flag, series),
    (month_key, date_raw)
);
