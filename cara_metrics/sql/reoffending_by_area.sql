-- Proven reoffending within a year in each area of a force ($area): people with a complete
-- follow-up and people with a proven reoffence, for everyone referred to CARA in the period
-- and for each area's comparison group. An area counts the people of its own local
-- authorities; only areas wholly inside the force are listed.
SELECT m.ancestor_code AS area_code,
       (count(*) FILTER (WHERE p.cohort_group = 'cara'))::BIGINT AS cara_n,
       (count(*) FILTER (WHERE p.cohort_group = 'cara' AND p.reoffences > 0))::BIGINT AS cara_x,
       (count(*) FILTER (WHERE p.cohort_group = 'comparison'))::BIGINT AS comparison_n,
       (count(*) FILTER (WHERE p.cohort_group = 'comparison' AND p.reoffences > 0))::BIGINT AS comparison_x
FROM reoffending_people_of($area, $last_complete_index, $date_from, $date_to) p
JOIN area_members m ON m.area_code = p.area_code
WHERE m.ancestor_code IN (SELECT area_code FROM areas_inside($area))
GROUP BY 1
ORDER BY 1;
