-- Current areas a user can choose, force first, then CSPs, then local authorities.
SELECT area_code, area_name, area_type, parent_code
FROM areas
WHERE successor_code IS NULL
ORDER BY CASE area_type WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END,
         area_name;
