-- People referred to CARA (cautions with a CARA condition) per current local authority and
-- financial quarter of caution, for cautions from $date_from to $date_to. The same count as
-- referrals_by_period.sql, cut by local authority (the leaves of the disclosure tables).
SELECT area_code,
       period_start(caution_date, 'quarter') AS quarter_start,
       count(*)::BIGINT AS referrals
FROM referrals
WHERE caution_date BETWEEN $date_from AND $date_to
  AND area_code IN (SELECT area_code FROM area_members)
GROUP BY ALL
ORDER BY 1, 2;
