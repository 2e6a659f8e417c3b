-- For each month of the period: referrals in the 12 months to the end of that month, and in
-- the 12 months before those.
WITH months AS (
    SELECT unnest(generate_series(date_trunc('month', $date_from::DATE - INTERVAL 24 MONTH),
                                  date_trunc('month', $date_to::DATE),
                                  INTERVAL 1 MONTH))::DATE AS month
),
counts AS (
    SELECT date_trunc('month', caution_date)::DATE AS month, count(*) AS n
    FROM referrals
    WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area)
    GROUP BY 1
),
series AS (
    SELECT m.month, coalesce(c.n, 0) AS n FROM months m LEFT JOIN counts c USING (month)
)
SELECT month,
       (sum(n) OVER (ORDER BY month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW))::BIGINT AS last_12_months,
       (sum(n) OVER (ORDER BY month ROWS BETWEEN 23 PRECEDING AND 12 PRECEDING))::BIGINT AS previous_12_months
FROM series
QUALIFY month >= date_trunc('month', $date_from::DATE)
ORDER BY month;
