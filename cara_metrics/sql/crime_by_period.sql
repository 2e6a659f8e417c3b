-- All recorded crime and domestic-abuse-flagged crime per month, financial quarter or year,
-- for one area ($area: force, CSP or local authority), with the resident population-years
-- behind the per-1,000 rate (each month counts a twelfth of that financial year's population).
WITH members AS (
    SELECT area_code FROM area_members WHERE ancestor_code = $area
),
monthly AS (
    SELECT month,
           sum(offences)::BIGINT AS all_offences,
           coalesce(sum(offences) FILTER (WHERE da_flag), 0)::BIGINT AS da_offences
    FROM crime
    WHERE area_code IN (SELECT area_code FROM members)
      AND month BETWEEN $date_from AND $date_to
    GROUP BY month
),
pop AS (
    SELECT year, sum(population)::BIGINT AS population
    FROM population
    WHERE area_code IN (SELECT area_code FROM members)
    GROUP BY year
)
SELECT period_start(m.month, $grain) AS period_start,
       sum(m.all_offences)::BIGINT AS all_offences,
       sum(m.da_offences)::BIGINT AS da_offences,
       CASE WHEN count(p.population) = count(*) THEN sum(p.population) / 12.0 END AS population_years,
       count(*)::BIGINT AS months
FROM monthly m
LEFT JOIN pop p ON p.year = fy_start(m.month)
GROUP BY 1
ORDER BY 1;
