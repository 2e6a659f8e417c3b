-- Share agreeing with each question over the period, for every current area in the force.
WITH force_las AS (
    SELECT area_code FROM area_members WHERE ancestor_code = $force
)
SELECT am.ancestor_code AS area_code,
       any_value(a.area_name) AS area_name,
       any_value(a.area_type) AS area_type,
       q.question_id,
       count(*) FILTER (WHERE s.answer >= q.agree_min)::BIGINT AS agree,
       count(*)::BIGINT AS n
FROM survey_responses s
JOIN referrals r USING (person_id)
JOIN survey_questions q USING (question_id)
JOIN area_members am ON am.area_code = r.area_code
JOIN areas a ON a.area_code = am.ancestor_code
WHERE r.area_code IN (SELECT area_code FROM force_las)
  AND s.response_date BETWEEN $date_from AND $date_to
GROUP BY am.ancestor_code, q.question_id
ORDER BY CASE any_value(a.area_type) WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END,
         any_value(a.area_name), q.question_id;
