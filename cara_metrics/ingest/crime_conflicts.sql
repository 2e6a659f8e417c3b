-- Whether a crime key (the contract's, formatted in as {key}) occurs more than once among
-- the batch's counted records (crime_counts) and its monthly rows (crime_rows): what
-- crosscheck.duplicates will report, naming rows, so they must then be real (stage.py).
SELECT count(*) > 0 AS clash
FROM (
    SELECT {key}
    FROM (SELECT {key} FROM crime_counts UNION ALL SELECT {key} FROM crime_rows)
    GROUP BY ALL
    HAVING count(*) > 1
);
