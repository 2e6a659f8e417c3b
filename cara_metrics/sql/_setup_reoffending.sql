-- needs: cohort referrals reoffences areas
-- The reoffending cohort as a table macro, so the page's queries share one definition of
-- the Ministry of Justice measure (run once per new database; no user values here).
--
-- One row per cohort member whose follow-up is complete, in the local authorities of one
-- area: an offence committed within 12 months of the index date and proven by conviction
-- or caution within a further 6 months. CARA members are those with an index date in the
-- period; the comparison group is the fixed historical group and is not cut by the period.
-- A NULL area means every current local authority: publish reads all forces in one query
-- (publish_reoffending.sql) rather than one query per force.
CREATE OR REPLACE MACRO reoffending_people_of(area, last_complete_index, date_from, date_to) AS TABLE
WITH people AS (
    SELECT c.person_id, c."group", c.index_date, c.area_code,
           coalesce(r.outcome = 'completed', false) AS completed
    FROM cohort c
    LEFT JOIN referrals r USING (person_id)
    WHERE c.area_code IN (SELECT m.area_code FROM area_members m WHERE m.ancestor_code = area OR area IS NULL)
      AND c.index_date <= last_complete_index
      AND (c."group" = 'comparison' OR c.index_date BETWEEN date_from AND date_to)
),
proven AS (
    SELECT o.person_id, o.offence_date, o.da_flag, o.harm_days, o.offence_date - p.index_date AS days
    FROM reoffences o
    JOIN people p USING (person_id)
    WHERE o.offence_date > p.index_date
      AND o.offence_date <= p.index_date + INTERVAL 12 MONTH
      AND o.proven_date IS NOT NULL
      AND o.proven_date <= p.index_date + INTERVAL 18 MONTH
)
SELECT p.person_id, p."group" AS cohort_group, p.index_date, p.area_code, p.completed,
       count(o.person_id)::BIGINT AS reoffences,
       (count(o.person_id) FILTER (WHERE o.da_flag))::BIGINT AS da_reoffences,
       coalesce(sum(o.harm_days), 0)::DOUBLE AS harm_days,
       min(o.days)::BIGINT AS days_to_first,
       (min(o.days) FILTER (WHERE o.da_flag))::BIGINT AS days_to_first_da
FROM people p
LEFT JOIN proven o USING (person_id)
GROUP BY ALL;
