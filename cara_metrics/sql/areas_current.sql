-- Current areas a user can choose, force first, then CSPs, then local authorities.
-- Among forces, those with police.uk crime loaded come first: the ONS lookup lists every
-- force in England and Wales, and the default area is the first force.
SELECT area_code, area_name, area_type, parent_code
FROM areas
WHERE successor_code IS NULL
ORDER BY CASE area_type WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END,
         area_code IN (SELECT force_code FROM street_crime) DESC,
         area_name;
