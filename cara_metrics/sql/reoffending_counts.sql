-- The Reoffending page's figures for every council of an area ($area: the force), counted
-- in SQL so that no row per person is fetched. The Ministry of Justice measure is defined
-- once, in _setup_reoffending.sql (reoffending_people_of). An area inside the force is the
-- sum of its councils' rows (reoffending_area_members.sql), so one query serves the force
-- and every area in it, for one period and data version.
--
-- One row per council (area_code), group (cara: referred to CARA, else the comparison
-- group), completed, quarter of the index date, and the days to the first proven reoffence
-- (any_days; any_event true) or, for people without one, the length of their 12-month
-- follow-up (any_event false); da_days and da_event the same for domestic-abuse reoffences.
-- These are the Kaplan-Meier counts: people at risk and events on each day follow from
-- them. Per row: people, their reoffences and crime-harm days with the sums of squares (for
-- the variance of the means), and the first and last index date. A person reoffended within
-- the year exactly when any_event is true (da_event for domestic abuse).
WITH people AS (
    SELECT *, (index_date + INTERVAL 12 MONTH)::DATE - index_date AS follow_days
    FROM reoffending_people_of($area, $last_complete_index, $date_from, $date_to)
)
SELECT area_code,
       cohort_group = 'cara' AS cara,
       completed,
       period_start(index_date, 'quarter') AS quarter,
       coalesce(days_to_first, follow_days)::BIGINT AS any_days,
       days_to_first IS NOT NULL AS any_event,
       coalesce(days_to_first_da, follow_days)::BIGINT AS da_days,
       days_to_first_da IS NOT NULL AS da_event,
       count(*)::BIGINT AS people,
       sum(reoffences)::BIGINT AS reoffences,
       sum(reoffences * reoffences)::BIGINT AS reoffences_squared,
       sum(harm_days)::DOUBLE AS harm_days,
       sum(harm_days * harm_days)::DOUBLE AS harm_days_squared,
       min(index_date) AS first_index,
       max(index_date) AS last_index
FROM people
GROUP BY ALL
ORDER BY ALL;
