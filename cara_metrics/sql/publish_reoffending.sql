-- Proven reoffending for the public release, for every force at once: people with a complete
-- follow-up and people with a proven reoffence, per current local authority, cohort group and
-- financial year of the index date (the measure is reoffending_people_of's, with every local
-- authority: NULL area), with the first and last index date of each group. CARA members are
-- those with an index date from $date_from to $last_complete_index; publish cuts each force's
-- cohorts from CARA's launch there, by financial year.
SELECT area_code,
       cohort_group,
       period_start(index_date, 'year') AS year_start,
       count(*)::BIGINT AS people,
       (count(*) FILTER (WHERE reoffences > 0))::BIGINT AS reoffenders,
       min(index_date) AS first_index,
       max(index_date) AS last_index
FROM reoffending_people_of(NULL, $last_complete_index, $date_from, $last_complete_index)
GROUP BY ALL
ORDER BY 1, 2, 3;
