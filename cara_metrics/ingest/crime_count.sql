-- Record-level crime as monthly rows (crime.py): the rows the exact reader staged, one per
-- crime (read_parquet($records)), and the counts the quick path made (crime_counted),
-- summed per month, area, offence, flag and series. `_src` keeps the first row counted.
SELECT month, area_code, area_code_original, offence_code, offence_group, da_flag, series,
       min(_src) AS _src, sum(offences)::BIGINT AS offences
FROM (
    SELECT month, area_code, area_code_original, offence_code, offence_group, da_flag, series,
           min(_src) AS _src, count(*) AS offences
    FROM read_parquet($records)
    GROUP BY ALL
    UNION ALL
    SELECT month, area_code, area_code_original, offence_code, offence_group, da_flag, series, _src, offences
    FROM crime_counted
)
GROUP BY ALL;
