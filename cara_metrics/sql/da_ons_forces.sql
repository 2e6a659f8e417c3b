-- The ONS series for one financial year: every force (and the England and Wales total) the
-- published table holds, for the latest year starting inside the selection that the force
-- $force appears in.
WITH chosen AS (
    SELECT max(left(financial_year, 4)::INT) AS fy
    FROM da_crime_ons
    WHERE area_code = $force
      AND left(financial_year, 4)::INT BETWEEN fy_start($date_from) AND fy_start($date_to)
)
SELECT d.area_code, d.area_name, d.financial_year, d.da_crimes, d.rate_per_1000, d.share_of_crime_pct, d.note
FROM da_crime_ons d, chosen
WHERE left(d.financial_year, 4)::INT = chosen.fy
ORDER BY d.area_code;
