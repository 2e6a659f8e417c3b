-- Rows the quick pass read, and whether any of them has a doubtful cell (records_scan).
SELECT coalesce(sum(n), 0)::BIGINT AS rows, coalesce(bool_or(doubtful), false) AS doubtful
FROM records_scan
WHERE NOT is_date;
