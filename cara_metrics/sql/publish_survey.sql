-- Survey respondents and those agreeing, per current local authority (of the person's
-- referral), financial year of the survey and question, for surveys from $date_from to
-- $date_to: the counts of survey_by_period.sql, cut by local authority.
SELECT r.area_code,
       period_start(s.response_date, 'year') AS year_start,
       q.question_id,
       count(*) FILTER (WHERE s.answer >= q.agree_min)::BIGINT AS agree,
       count(*)::BIGINT AS respondents
FROM survey_responses s
JOIN referrals r USING (person_id)
JOIN survey_questions q USING (question_id)
WHERE s.response_date BETWEEN $date_from AND $date_to
  AND r.area_code IN (SELECT area_code FROM area_members)
GROUP BY ALL
ORDER BY 1, 2, 3;
