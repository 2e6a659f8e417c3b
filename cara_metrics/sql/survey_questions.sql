-- The survey question bank in a stable order: question id, text as asked, and the lowest
-- answer that counts as agreeing. No parameters.
SELECT question_id, text, agree_min
FROM survey_questions
ORDER BY question_id;
