-- The distinct raw values of each used column of records_scan, by role; for dates, with
-- the month key each falls under.
SELECT 'date' AS role, month_key AS key, date_raw AS raw FROM records_scan WHERE is_date
UNION ALL SELECT DISTINCT 'area', NULL, area FROM records_scan WHERE NOT is_date
UNION ALL SELECT DISTINCT 'code', NULL, code FROM records_scan WHERE NOT is_date
UNION ALL SELECT DISTINCT 'group', NULL, grp FROM records_scan WHERE NOT is_date
UNION ALL SELECT DISTINCT 'flag', NULL, flag FROM records_scan WHERE NOT is_date
UNION ALL SELECT DISTINCT 'series', NULL, series FROM records_scan WHERE NOT is_date;
