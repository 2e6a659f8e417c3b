-- The monthly counts of a record-level crime CSV: records_scan joined to the value maps
-- records.py built from its distinct raw values (records_<role>: raw -> value, absent when
-- the cell is empty once trimmed). Each group of rows is one of:
--   count       every used value present: counted under its month, area, offence, flag, series;
--   blank       every cell empty: skipped, as the exact reader skips blank rows;
--   incomplete  anything else (a required value missing): the caller leaves the file to
--               the exact reader, which reports it by row.
-- A file without a series column has one series row (raw NULL, absent NULL).
SELECT kind, month, area_code, area_code_original, offence_code, offence_group, da_flag, series,
       sum(n)::BIGINT AS offences
FROM (
    SELECT
        CASE
            WHEN NOT (m.absent OR a.absent OR c.absent OR g.absent OR f.absent OR coalesce(s.absent, false)) THEN 'count'
            WHEN m.absent AND a.absent AND c.absent AND g.absent AND f.absent AND coalesce(s.absent, true)
                 AND r.others_empty THEN 'blank'
            ELSE 'incomplete'
        END AS kind,
        m.month, a.area_code, a.area_code_original, c.offence_code, g.offence_group, f.da_flag, s.series, r.n
    FROM records_scan r
    JOIN records_month m ON m.raw = r.month_key
    JOIN records_area a ON a.raw = r.area
    JOIN records_code c ON c.raw = r.code
    JOIN records_group g ON g.raw = r.grp
    JOIN records_flag f ON f.raw = r.flag
    JOIN records_series s ON s.raw IS NOT DISTINCT FROM r.series
    WHERE NOT r.is_date
)
GROUP BY ALL;
