-- People who completed in the period (workshop 2 date) and how many of them answered the survey.
SELECT count(*)::BIGINT AS completers,
       count(*) FILTER (WHERE person_id IN (SELECT person_id FROM survey_responses))::BIGINT AS respondents
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND outcome = 'completed'
  AND workshop2_date BETWEEN $date_from AND $date_to;
