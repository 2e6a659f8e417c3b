-- Macros for the quick pass over a record-level crime CSV (records.py). Values are bound
-- by the caller; nothing here depends on the file.

-- A coarse grouping key for a raw date cell: the month and year of the usual forms
-- (13/08/2019 and 2019-08-13, quoted or not, with or without a time after them), otherwise
-- the cell itself. Only a key: records.py reads every distinct raw date exactly and checks
-- that all dates sharing a key fall in the same month.
CREATE OR REPLACE TEMP MACRO cara_month_key(v) AS CASE
    WHEN v LIKE '__/__/____%' THEN substr(v, 4, 7)
    WHEN v LIKE '"__/__/____%' THEN substr(v, 5, 7)
    WHEN v LIKE '____-__-__%' THEN substr(v, 1, 7)
    WHEN v LIKE '"____-__-__%' THEN substr(v, 2, 7)
    ELSE v
END;

-- A cell of a column ingest does not use that the quick pass cannot vouch for: missing (the
-- row has too few cells), longer than `max_chars` (the raw cell is never shorter than its
-- value) or matching `pattern` (records.DOUBTFUL: anything that might be a personal
-- identifier, a control character, and a quote that opens the cell but does not close it
-- at its end).
CREATE OR REPLACE TEMP MACRO cara_doubtful(v, pattern, max_chars) AS
    v IS NULL OR length(v) > max_chars OR regexp_matches(v, pattern);
