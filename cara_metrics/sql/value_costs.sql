-- Programme cost, people referred and people completing per financial year, for the force
-- containing $area (costs are held for the whole PCC contract, not by area).
WITH money AS (
    SELECT left(financial_year, 4)::INT AS fy, sum(cost_gbp)::DOUBLE AS cost_gbp
    FROM costs GROUP BY 1
),
people AS (
    SELECT fy_start(caution_date) AS fy,
           count(*)::BIGINT AS referred,
           count(*) FILTER (WHERE outcome = 'completed')::BIGINT AS completed
    FROM referrals
    WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $force)
    GROUP BY 1
)
SELECT coalesce(m.fy, p.fy) AS fy, coalesce(m.cost_gbp, 0) AS cost_gbp,
       coalesce(p.referred, 0) AS referred, coalesce(p.completed, 0) AS completed
FROM money m FULL OUTER JOIN people p ON p.fy = m.fy
WHERE coalesce(m.fy, p.fy) BETWEEN fy_start($date_from) AND fy_start($date_to)
ORDER BY 1;
