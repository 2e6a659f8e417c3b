-- Days from caution to first attended workshop over the whole period (not split by period):
-- n and quartiles, for people cautioned in the period who attended workshop 1.
SELECT count(*)::BIGINT AS n,
       quantile_cont(workshop1_date - caution_date, 0.25) AS q1,
       quantile_cont(workshop1_date - caution_date, 0.5) AS median,
       quantile_cont(workshop1_date - caution_date, 0.75) AS q3
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND caution_date BETWEEN $date_from AND $date_to
  AND workshop1_date IS NOT NULL;
