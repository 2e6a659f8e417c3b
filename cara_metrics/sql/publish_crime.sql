-- Recorded crime and domestic-abuse-flagged crime (offences, not people) per current local
-- authority and financial quarter, for months from $date_from to $date_to. The same counts
-- as crime_by_period.sql, cut by local authority so the release can add them up to
-- partnerships and the force.
SELECT area_code,
       period_start(month, 'quarter') AS quarter_start,
       sum(offences)::BIGINT AS all_offences,
       coalesce(sum(offences) FILTER (WHERE da_flag), 0)::BIGINT AS da_offences
FROM crime
WHERE month BETWEEN $date_from AND $date_to
  AND area_code IN (SELECT area_code FROM area_members)
GROUP BY ALL
ORDER BY 1, 2;
