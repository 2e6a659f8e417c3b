-- Current outcome of the people referred, per current local authority and financial year of
-- caution, for cautions from $date_from to $date_to: the outcome counts of
-- completion_by_period.sql, cut by local authority.
SELECT area_code,
       period_start(caution_date, 'year') AS year_start,
       count(*) FILTER (WHERE outcome = 'completed')::BIGINT AS completed,
       count(*) FILTER (WHERE outcome = 'breached')::BIGINT AS breached,
       count(*) FILTER (WHERE outcome = 'withdrawn')::BIGINT AS withdrawn,
       count(*) FILTER (WHERE outcome = 'in_progress')::BIGINT AS in_progress
FROM referrals
WHERE caution_date BETWEEN $date_from AND $date_to
  AND area_code IN (SELECT area_code FROM area_members)
GROUP BY ALL
ORDER BY 1, 2;
