-- Recorded crime and domestic-abuse-flagged crime over the period for every current area in
-- the force $force (the force, its CSPs and its local authorities), with population-years.
WITH force_las AS (
    SELECT area_code FROM area_members WHERE ancestor_code = $force
),
areas_in_force AS (
    SELECT DISTINCT ancestor_code AS area_code
    FROM area_members WHERE area_code IN (SELECT area_code FROM force_las)
),
monthly AS (
    SELECT area_code, month,
           sum(offences)::BIGINT AS all_offences,
           coalesce(sum(offences) FILTER (WHERE da_flag), 0)::BIGINT AS da_offences
    FROM crime
    WHERE area_code IN (SELECT area_code FROM force_las)
      AND month BETWEEN $date_from AND $date_to
    GROUP BY area_code, month
)
SELECT am.ancestor_code AS area_code,
       any_value(a.area_name) AS area_name,
       any_value(a.area_type) AS area_type,
       sum(m.all_offences)::BIGINT AS all_offences,
       sum(m.da_offences)::BIGINT AS da_offences,
       CASE WHEN count(p.population) = count(*) THEN sum(p.population) / 12.0 END AS population_years
FROM monthly m
JOIN area_members am ON am.area_code = m.area_code
JOIN areas a ON a.area_code = am.ancestor_code
LEFT JOIN population p ON p.area_code = m.area_code AND p.year = fy_start(m.month)
WHERE am.ancestor_code IN (SELECT area_code FROM areas_in_force)
GROUP BY am.ancestor_code
ORDER BY CASE any_value(a.area_type) WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END,
         any_value(a.area_name);
