-- CARA referrals over the period split by each of the fixed referral characteristics, in
-- one pass (GROUPING SETS): one row per (dimension, category). The page shows all four
-- splits, so one query serves them instead of four.
SELECT CASE
           WHEN GROUPING(age_band) = 0 THEN 'age_band'
           WHEN GROUPING(sex) = 0 THEN 'sex'
           WHEN GROUPING(dash_risk) = 0 THEN 'dash_risk'
           ELSE 'index_offence'
       END AS dimension,
       coalesce(age_band, sex, dash_risk, index_offence) AS category,
       count(*)::BIGINT AS referrals
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND caution_date BETWEEN $date_from AND $date_to
GROUP BY GROUPING SETS ((age_band), (sex), (dash_risk), (index_offence))
ORDER BY 1, 2;
