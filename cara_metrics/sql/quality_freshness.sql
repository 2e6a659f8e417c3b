-- For each dated table: rows, first and last date (freshness is judged against data_as_at).
SELECT 'crime' AS table_name, sum(offences)::BIGINT AS records, count(*)::BIGINT AS rows, min(month) AS first_date, max(month) AS last_date FROM crime
UNION ALL SELECT 'referrals', count(*), count(*), min(caution_date), max(caution_date) FROM referrals
UNION ALL SELECT 'survey_responses', count(*), count(*), min(response_date), max(response_date) FROM survey_responses
UNION ALL SELECT 'cohort', count(*), count(*), min(index_date), max(index_date) FROM cohort
UNION ALL SELECT 'reoffences', count(*), count(*), min(offence_date), max(offence_date) FROM reoffences
UNION ALL SELECT 'costs', count(*), count(*), make_date(min(left(financial_year, 4)::INT), 4, 1), make_date(max(left(financial_year, 4)::INT) + 1, 3, 31) FROM costs;
