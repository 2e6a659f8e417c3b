-- Outcomes of the referrals cautioned in the period, for every current area in the force.
WITH force_las AS (
    SELECT area_code FROM area_members WHERE ancestor_code = $force
)
SELECT am.ancestor_code AS area_code,
       any_value(a.area_name) AS area_name,
       any_value(a.area_type) AS area_type,
       count(r.person_id)::BIGINT AS referred,
       count(r.workshop1_date)::BIGINT AS attended_workshop1,
       count(*) FILTER (WHERE r.outcome = 'completed')::BIGINT AS completed,
       count(*) FILTER (WHERE r.outcome = 'breached')::BIGINT AS breached,
       count(*) FILTER (WHERE r.outcome = 'withdrawn')::BIGINT AS withdrawn,
       count(*) FILTER (WHERE r.outcome = 'in_progress')::BIGINT AS in_progress,
       count(*) FILTER (WHERE r.repeats > 0)::BIGINT AS repeated
FROM area_members am
JOIN areas a ON a.area_code = am.ancestor_code
LEFT JOIN referrals r ON r.area_code = am.area_code AND r.caution_date BETWEEN $date_from AND $date_to
WHERE am.area_code IN (SELECT area_code FROM force_las)
GROUP BY am.ancestor_code
ORDER BY CASE any_value(a.area_type) WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END,
         any_value(a.area_name);
