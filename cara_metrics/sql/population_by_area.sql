-- Resident population-years over the selection ($date_from to $date_to, whole months) for
-- every current area in the force $area (the force, its CSPs and its local authorities):
-- the ONS mid-year estimate of each local authority for each financial year, a month
-- counting one twelfth (as crime_by_area.sql). NULL for an area when an estimate is missing.
WITH force_las AS (
    SELECT area_code FROM area_members WHERE ancestor_code = $area
),
months AS (
    SELECT unnest(generate_series(date_trunc('month', $date_from::DATE), date_trunc('month', $date_to::DATE),
                                  INTERVAL 1 MONTH))::DATE AS month
),
la_months AS (
    SELECT l.area_code, m.month, p.population
    FROM force_las l CROSS JOIN months m
    LEFT JOIN population p ON p.area_code = l.area_code AND p.year = fy_start(m.month)
)
SELECT am.ancestor_code AS area_code,
       CASE WHEN count(lm.population) = count(*) THEN sum(lm.population) / 12.0 END AS population_years
FROM la_months lm
JOIN area_members am ON am.area_code = lm.area_code
GROUP BY am.ancestor_code
ORDER BY am.ancestor_code;
