-- CARA referrals over the period for every current area in the force $force.
WITH force_las AS (
    SELECT area_code FROM area_members WHERE ancestor_code = $force
)
SELECT am.ancestor_code AS area_code,
       any_value(a.area_name) AS area_name,
       any_value(a.area_type) AS area_type,
       count(r.person_id)::BIGINT AS referrals
FROM area_members am
JOIN areas a ON a.area_code = am.ancestor_code
LEFT JOIN referrals r ON r.area_code = am.area_code AND r.caution_date BETWEEN $date_from AND $date_to
WHERE am.area_code IN (SELECT area_code FROM force_las)
GROUP BY am.ancestor_code
ORDER BY CASE any_value(a.area_type) WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END,
         any_value(a.area_name);
