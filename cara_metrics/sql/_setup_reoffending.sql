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
WITH chosen AS (
    SELECT c.person_id, c."group", c.index_date, c.area_code
    FROM cohort c
    WHERE c.area_code IN (SELECT m.area_code FROM area_members m WHERE m.ancestor_code = area OR area IS NULL)
      AND c.index_date <= last_complete_index
      AND (c."group" = 'comparison' OR c.index_date BETWEEN date_from AND date_to)
),
-- The person_id conditions below (between the lowest and highest chosen) change no result:
-- every id that joins lies between them. They let DuckDB skip the Parquet row groups that
-- hold only other people (tables are written sorted by person_id, and one force's ids sort
-- together): about half this macro's time nationally (measured December 2026).
people AS (
    SELECT c.person_id, c."group", c.index_date, c.area_code,
           coalesce(r.outcome = 'completed', false) AS completed
    FROM chosen c
    LEFT JOIN (SELECT person_id, outcome FROM referrals
               WHERE person_id >= (SELECT min(person_id) FROM chosen)
                 AND person_id <= (SELECT max(person_id) FROM chosen)) r USING (person_id)
),
proven AS (
    -- Each person's proven reoffences summed here, before the join back to people: grouping
    -- the few people who reoffended by their id costs less than grouping everyone by all
    -- their columns (the same rows either way: person_id is the key of cohort and referrals).
    SELECT o.person_id,
           count(*)::BIGINT AS reoffences,
           (count(*) FILTER (WHERE o.da_flag))::BIGINT AS da_reoffences,
           sum(o.harm_days)::DOUBLE AS harm_days,
           min(o.offence_date - p.index_date)::BIGINT AS days_to_first,
           (min(o.offence_date - p.index_date) FILTER (WHERE o.da_flag))::BIGINT AS days_to_first_da
    FROM reoffences o
    JOIN people p USING (person_id)
    WHERE o.person_id >= (SELECT min(person_id) FROM chosen)
      AND o.person_id <= (SELECT max(person_id) FROM chosen)
      AND o.offence_date > p.index_date
      AND o.offence_date <= p.index_date + INTERVAL 12 MONTH
      AND o.proven_date IS NOT NULL
      AND o.proven_date <= p.index_date + INTERVAL 18 MONTH
    GROUP BY o.person_id
)
SELECT p.person_id, p."group" AS cohort_group, p.index_date, p.area_code, p.completed,
       coalesce(o.reoffences, 0)::BIGINT AS reoffences,
       coalesce(o.da_reoffences, 0)::BIGINT AS da_reoffences,
       coalesce(o.harm_days, 0)::DOUBLE AS harm_days,
       o.days_to_first,
       o.days_to_first_da
FROM people p
LEFT JOIN proven o USING (person_id);
