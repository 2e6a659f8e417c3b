-- Current areas for the public release: each with the police force area it lies in and,
-- for a force or community safety partnership, how many current local authorities it
-- contains (a partnership with exactly one is the same people as that authority).
-- No parameters.
WITH la_force AS (
    SELECT m.area_code AS la_code, m.ancestor_code AS force_code
    FROM area_members m
    JOIN areas f ON f.area_code = m.ancestor_code
    WHERE f.area_type = 'force'
),
members AS (
    SELECT m.ancestor_code AS area_code,
           count(DISTINCT m.area_code)::BIGINT AS local_authorities,
           any_value(lf.force_code) AS force_code
    FROM area_members m
    LEFT JOIN la_force lf ON lf.la_code = m.area_code
    GROUP BY m.ancestor_code
)
SELECT a.area_code, a.area_name, a.area_type, a.parent_code, mb.force_code,
       coalesce(mb.local_authorities, 0)::BIGINT AS local_authorities
FROM areas a
LEFT JOIN members mb ON mb.area_code = a.area_code
WHERE a.successor_code IS NULL
ORDER BY mb.force_code,
         CASE a.area_type WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END,
         a.area_name;
