-- Councils that lie in more than one community safety partnership, with those partnerships.
SELECT m.area_code, any_value(c.area_name) AS council_name,
       string_agg(p.area_name || ' (' || m.parent_code || ')', '; ' ORDER BY p.area_name) AS csps
FROM area_memberships m
LEFT JOIN areas c ON c.area_code = m.area_code
LEFT JOIN areas p ON p.area_code = m.parent_code
GROUP BY m.area_code
ORDER BY council_name;
