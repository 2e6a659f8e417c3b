-- Every answer to every survey question given in the period, by answer value, for one area.
-- The area of a response is the area of the person's referral.
SELECT q.question_id, q.text, q.agree_min, s.answer, count(*)::BIGINT AS responses
FROM survey_responses s
JOIN referrals r USING (person_id)
JOIN survey_questions q USING (question_id)
WHERE r.area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
  AND s.response_date BETWEEN $date_from AND $date_to
GROUP BY ALL
ORDER BY q.question_id, s.answer;
