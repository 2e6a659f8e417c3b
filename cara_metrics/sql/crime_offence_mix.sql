-- Domestic-abuse-flagged crime by Home Office offence group over the period, for one area.
SELECT offence_group,
       coalesce(sum(offences) FILTER (WHERE da_flag), 0)::BIGINT AS da_offences,
       sum(offences)::BIGINT AS all_offences
FROM crime
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND month BETWEEN $date_from AND $date_to
GROUP BY offence_group
ORDER BY da_offences DESC, offence_group;
