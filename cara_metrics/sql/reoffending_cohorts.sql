-- Cohort members by financial quarter of index date and group, with whether their
-- 18-month follow-up (12 months plus 6 months for proof) has ended by the data date.
SELECT period_start(c.index_date, 'quarter') AS cohort_quarter,
       c."group" AS cohort_group,
       count(*)::BIGINT AS people,
       bool_and(c.index_date <= $last_complete_index) AS follow_up_complete
FROM cohort c
WHERE c.area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
GROUP BY 1, 2
ORDER BY 1, 2;
