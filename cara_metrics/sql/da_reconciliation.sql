-- The force's own domestic-abuse-flagged extract (crime, series 'force') against the official
-- ONS series (da_crime_ons) for the force $force, by financial year, for every year in which
-- both have figures and the year starts inside the selection. `months` says how many months
-- of the year the extract covers: a part year is listed but not compared.
WITH force_las AS (
    SELECT area_code FROM area_members WHERE ancestor_code = $force
),
extract AS (
    SELECT fy_start(month) AS fy,
           coalesce(sum(offences) FILTER (WHERE da_flag), 0)::BIGINT AS force_da,
           count(DISTINCT month)::INT AS months
    FROM crime
    WHERE series = 'force' AND area_code IN (SELECT area_code FROM force_las)
    GROUP BY 1
),
ons AS (
    SELECT left(financial_year, 4)::INT AS fy, financial_year, area_name, da_crimes, note
    FROM da_crime_ons
    WHERE area_code = $force
)
SELECT o.fy, o.financial_year, o.area_name, o.da_crimes AS ons_da, e.force_da, e.months, o.note
FROM ons o
JOIN extract e ON e.fy = o.fy
WHERE o.fy BETWEEN fy_start($date_from) AND fy_start($date_to)
ORDER BY o.fy;
