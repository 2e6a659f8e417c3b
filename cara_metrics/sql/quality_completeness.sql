-- Completeness of key fields where a value is expected: n expected and n present.
SELECT 'referrals' AS table_name, 'workshop1_date' AS column_name,
       'Completed or breached after attending (outcome completed)' AS expected_when,
       count(*) FILTER (WHERE outcome = 'completed')::BIGINT AS expected,
       count(workshop1_date) FILTER (WHERE outcome = 'completed')::BIGINT AS present
FROM referrals
UNION ALL
SELECT 'referrals', 'workshop2_date', 'Outcome completed',
       count(*) FILTER (WHERE outcome = 'completed'), count(workshop2_date) FILTER (WHERE outcome = 'completed')
FROM referrals
UNION ALL
SELECT 'referrals', 'outcome_date', 'Outcome completed, breached or withdrawn',
       count(*) FILTER (WHERE outcome <> 'in_progress'), count(outcome_date) FILTER (WHERE outcome <> 'in_progress')
FROM referrals
UNION ALL
SELECT 'reoffences', 'proven_date', 'Every later offence (empty = not proven yet)',
       count(*), count(proven_date)
FROM reoffences
UNION ALL
SELECT 'survey_responses', 'person_id', 'Completers surveyed (response rate)',
       (SELECT count(*) FROM referrals WHERE outcome = 'completed'),
       (SELECT count(DISTINCT person_id) FROM survey_responses);
