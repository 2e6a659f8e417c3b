-- Days from caution to first attended workshop, for people cautioned in the period who
-- attended workshop 1: n and quartiles per period of caution, and over the whole period
-- (the row with overall = true), in one pass (GROUPING SETS).
WITH t AS (
    SELECT period_start(caution_date, $grain) AS period_start, workshop1_date - caution_date AS days
    FROM referrals
    WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
      AND caution_date BETWEEN $date_from AND $date_to
      AND workshop1_date IS NOT NULL
)
SELECT period_start,
       GROUPING(period_start) = 1 AS overall,
       count(*)::BIGINT AS n,
       quantile_cont(days, 0.25) AS q1,
       quantile_cont(days, 0.5) AS median,
       quantile_cont(days, 0.75) AS q3
FROM t
GROUP BY GROUPING SETS ((period_start), ())
ORDER BY overall, period_start;
