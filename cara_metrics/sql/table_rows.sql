-- Rows held in each programme table, to say plainly which have not been loaded yet.
SELECT 'referrals' AS table_name, count(*)::BIGINT AS n FROM referrals
UNION ALL SELECT 'survey_responses', count(*)::BIGINT FROM survey_responses
UNION ALL SELECT 'cohort', count(*)::BIGINT FROM cohort
UNION ALL SELECT 'costs', count(*)::BIGINT FROM costs;
