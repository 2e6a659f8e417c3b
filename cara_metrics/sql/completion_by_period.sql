-- Outcomes of the referrals cautioned in each period (the cohort), for one area.
-- "Closed" cases are those completed, breached or withdrawn: in-progress cases are not
-- counted in a completion rate because their outcome is not known yet.
SELECT period_start(caution_date, $grain) AS period_start,
       count(*)::BIGINT AS referred,
       count(workshop1_date)::BIGINT AS attended_workshop1,
       count(*) FILTER (WHERE outcome = 'completed')::BIGINT AS completed,
       count(*) FILTER (WHERE outcome = 'breached')::BIGINT AS breached,
       count(*) FILTER (WHERE outcome = 'withdrawn')::BIGINT AS withdrawn,
       count(*) FILTER (WHERE outcome = 'in_progress')::BIGINT AS in_progress,
       count(*) FILTER (WHERE repeats > 0)::BIGINT AS repeated
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND caution_date BETWEEN $date_from AND $date_to
GROUP BY 1
ORDER BY 1;
