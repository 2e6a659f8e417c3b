-- Share agreeing with each question per period of response, for one area.
SELECT period_start(s.response_date, $grain) AS period_start,
       q.question_id,
       count(*) FILTER (WHERE s.answer >= q.agree_min)::BIGINT AS agree,
       count(*)::BIGINT AS n
FROM survey_responses s
JOIN referrals r USING (person_id)
JOIN survey_questions q USING (question_id)
WHERE r.area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND s.response_date BETWEEN $date_from AND $date_to
GROUP BY ALL
ORDER BY 1, 2;
