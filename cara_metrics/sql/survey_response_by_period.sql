-- People who completed the workshops in each period (by workshop 2 date), for one area, and
-- how many of them answered the survey. Same definition as survey_response_rate.sql, by period.
SELECT period_start(workshop2_date, $grain) AS period_start,
       count(*)::BIGINT AS completers,
       count(*) FILTER (WHERE person_id IN (SELECT person_id FROM survey_responses))::BIGINT AS respondents
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND outcome = 'completed'
  AND workshop2_date BETWEEN $date_from AND $date_to
GROUP BY 1
ORDER BY 1;
