-- First and last month of each table with dates, to offer only periods that have data.
SELECT 'crime' AS source, min(month) AS first_date, max(month) AS last_date FROM crime
UNION ALL
SELECT 'street_crime', min(month), max(month) FROM street_crime
UNION ALL
SELECT 'referrals', min(caution_date), max(caution_date) FROM referrals
UNION ALL
SELECT 'cohort', min(index_date), max(index_date) FROM cohort;
