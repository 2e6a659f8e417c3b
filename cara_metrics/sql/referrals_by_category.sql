-- CARA referrals over the period split by one of the fixed referral characteristics.
-- $dimension selects the column from a fixed list; it is a bound value, not SQL text.
SELECT CASE $dimension
           WHEN 'age_band' THEN age_band
           WHEN 'sex' THEN sex
           WHEN 'dash_risk' THEN dash_risk
           WHEN 'index_offence' THEN index_offence
       END AS category,
       count(*)::BIGINT AS referrals
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND caution_date BETWEEN $date_from AND $date_to
GROUP BY 1
ORDER BY 1;
