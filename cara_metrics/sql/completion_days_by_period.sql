-- Days from caution to completion per period of caution (the cohort), for people who
-- completed: n and quartiles.
SELECT period_start(caution_date, $grain) AS period_start,
       count(*)::BIGINT AS n,
       quantile_cont(outcome_date - caution_date, 0.25) AS q1,
       quantile_cont(outcome_date - caution_date, 0.5) AS median,
       quantile_cont(outcome_date - caution_date, 0.75) AS q3
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND caution_date BETWEEN $date_from AND $date_to
  AND outcome = 'completed'
GROUP BY 1
ORDER BY 1;
