-- Days from caution to a later step, for people cautioned in the period who reached it:
-- n and quartiles per period of caution, and over the whole period (the row with
-- overall = true), in one pass (GROUPING SETS). $step is 'workshop1' (first workshop
-- attended) or 'completion' (completed both workshops); a bound value, not SQL text.
WITH t AS (
    SELECT period_start(caution_date, $grain) AS period_start,
           CASE $step
               WHEN 'workshop1' THEN workshop1_date - caution_date
               WHEN 'completion' THEN CASE WHEN outcome = 'completed' THEN outcome_date - caution_date END
           END AS days
    FROM referrals
    WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
      AND caution_date BETWEEN $date_from AND $date_to
)
SELECT period_start,
       GROUPING(period_start) = 1 AS overall,
       count(*)::BIGINT AS n,
       quantile_cont(days, 0.25) AS q1,
       quantile_cont(days, 0.5) AS median,
       quantile_cont(days, 0.75) AS q3
FROM t
WHERE days IS NOT NULL
GROUP BY GROUPING SETS ((period_start), ())
ORDER BY overall, period_start;
