-- Every area wholly inside an area ($area, the force), itself included, with each of its
-- current councils (area_members): the areas reoffending_counts.sql's council rows add up to.
-- A partnership sharing a council with another partnership has no councils, so no row.
SELECT ancestor_code AS area_code, area_code AS council_code
FROM area_members
WHERE ancestor_code IN (SELECT area_code FROM areas_inside($area))
ORDER BY 1, 2;
