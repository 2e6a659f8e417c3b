-- All recorded crime over the selection for every current area of the force $force (the
-- force, its CSPs and its councils), from the source that covers each period (recorded_rows
-- in _setup_recorded.sql). Columns as in recorded_crimes_by_period.sql.
WITH rows AS (
    SELECT * FROM recorded_rows($force, $date_from, $date_to)
),
areas_in AS (
    SELECT a.area_code, a.area_name, a.area_type
    FROM areas a
    WHERE a.successor_code IS NULL
      AND a.area_code IN (SELECT ua.ancestor_code FROM unit_ancestors ua
                          WHERE ua.unit_code IN (SELECT unit_code FROM unit_ancestors WHERE ancestor_code = $force))
),
per_area AS (
    SELECT ua.ancestor_code AS area_code, sum(r.offences)::BIGINT AS offences
    FROM rows r JOIN unit_ancestors ua ON ua.unit_code = r.unit_code
    WHERE r.location = 'in_force'
    GROUP BY 1
),
unsplit AS (
    SELECT m.parent_code AS area_code, sum(r.offences)::BIGINT AS unsplit
    FROM rows r JOIN area_memberships m ON m.area_code = r.unit_code
    GROUP BY 1
),
totals AS (
    SELECT sum(offences)::BIGINT AS offences,
           coalesce(sum(offences) FILTER (WHERE location = 'not_located'), 0)::BIGINT AS not_located,
           coalesce(sum(offences) FILTER (WHERE location = 'outside_force'), 0)::BIGINT AS outside_force,
           string_agg(DISTINCT source, '; ' ORDER BY source) AS source,
           min(period_date) AS first_month,
           max(CASE span WHEN 'quarter' THEN (period_date + INTERVAL 2 MONTH)::DATE ELSE period_date END) AS last_month
    FROM rows
)
SELECT ai.area_code, ai.area_name, ai.area_type,
       CASE WHEN ai.area_code = $force THEN t.offences ELSE p.offences END AS offences,
       CASE WHEN ai.area_code = $force THEN t.not_located END AS not_located,
       CASE WHEN ai.area_code = $force THEN t.outside_force END AS outside_force,
       coalesce(u.unsplit, 0)::BIGINT AS unsplit,
       t.source, t.first_month, t.last_month
FROM areas_in ai
CROSS JOIN totals t
LEFT JOIN per_area p ON p.area_code = ai.area_code
LEFT JOIN unsplit u ON u.area_code = ai.area_code
WHERE t.offences IS NOT NULL
ORDER BY CASE ai.area_type WHEN 'force' THEN 0 WHEN 'community_safety_partnership' THEN 1 ELSE 2 END, ai.area_name;
