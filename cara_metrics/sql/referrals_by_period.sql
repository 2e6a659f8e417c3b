-- CARA referrals (cautions with a CARA condition) per month, financial quarter or year.
SELECT period_start(caution_date, $grain) AS period_start, count(*)::BIGINT AS referrals
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND caution_date BETWEEN $date_from AND $date_to
GROUP BY 1
ORDER BY 1;
