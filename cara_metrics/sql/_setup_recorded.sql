-- needs: areas crime crime_context street_crime area_memberships
-- All recorded crime of one force, from whichever source covers each period, in this order
-- of precedence (docs/data-contract.md, "recorded_crimes"):
--   1. the force's own extract (crime), for every month it holds for the force;
--   2. Home Office open data (crime_context, by CSP and financial quarter), for a quarter that
--      lies wholly inside the selection and of which the force extract holds no month;
--   3. data.police.uk street-level crime (street_crime), for the remaining months.
-- One row per (period date, span, unit, location, source): a unit is the area code a row
-- carries (a former district, a council, a CSP), counted up through unit_ancestors.
-- Police.uk crimes with no location, or located outside the force's area, count for the
-- force only (location not_located / outside_force).
CREATE OR REPLACE MACRO recorded_rows(p_force, p_from, p_to) AS TABLE
WITH force_units AS (
    SELECT unit_code FROM unit_ancestors WHERE ancestor_code = p_force
),
ext_all AS (
    SELECT month, coalesce(area_code_original, area_code) AS unit_code, offences
    FROM crime
    WHERE coalesce(area_code_original, area_code) IN (SELECT unit_code FROM force_units)
),
ext_months AS (
    SELECT DISTINCT month FROM ext_all
),
ho AS (
    SELECT (make_date(CAST(left(financial_year, 4) AS INTEGER), 4, 1) + to_months(CAST(3 * (quarter - 1) AS INTEGER)))::DATE AS period_date,
           area_code AS unit_code, offences
    FROM crime_context
    WHERE area_code IN (SELECT unit_code FROM force_units)
),
ho_quarters AS (
    SELECT DISTINCT period_date FROM ho
    WHERE period_date >= p_from AND (period_date + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE <= p_to
      AND NOT EXISTS (SELECT 1 FROM ext_months e
                      WHERE e.month >= ho.period_date AND e.month < ho.period_date + INTERVAL 3 MONTH)
)
SELECT month AS period_date, 'month' AS span, unit_code, 'in_force' AS location, 'force extract' AS source,
       sum(offences)::BIGINT AS offences
FROM ext_all
WHERE month BETWEEN date_trunc('month', p_from) AND p_to
GROUP BY ALL
UNION ALL
SELECT period_date, 'quarter', unit_code, 'in_force', 'Home Office', sum(offences)::BIGINT
FROM ho
WHERE period_date IN (SELECT period_date FROM ho_quarters)
GROUP BY ALL
UNION ALL
SELECT month, 'month', coalesce(area_code_original, area_code), location, 'police.uk', sum(offences)::BIGINT
FROM street_crime
WHERE force_code = p_force
  AND month BETWEEN date_trunc('month', p_from) AND p_to
  AND month NOT IN (SELECT month FROM ext_months)
  AND NOT EXISTS (SELECT 1 FROM ho_quarters h
                  WHERE street_crime.month >= h.period_date AND street_crime.month < h.period_date + INTERVAL 3 MONTH)
GROUP BY ALL;
