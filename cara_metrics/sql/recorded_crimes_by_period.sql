-- All recorded crime per month, financial quarter or year for one area ($area: force, CSP or
-- council) of the force $force, from the source that covers each period (recorded_rows in
-- _setup_recorded.sql). Home Office quarters are left out at month grain (they have no months).
-- not_located / outside_force: police.uk crimes in the force's figure with no location, or
-- located outside the force's area (NULL for any other area: they count for the force only).
-- first_month / last_month: the first and last month the sources hold in the period (a period
-- may be covered in part).
-- unsplit: crimes held only by a council that lies partly in this CSP (so the CSP's figure
-- would be incomplete).
WITH rows AS (
    SELECT * FROM recorded_rows($force, $date_from, $date_to)
    WHERE NOT (span = 'quarter' AND $grain = 'month')
),
units AS (
    SELECT unit_code FROM unit_ancestors WHERE ancestor_code = $area
),
split AS (
    SELECT area_code FROM area_memberships WHERE parent_code = $area
)
SELECT period_start(period_date, $grain) AS period_start,
       sum(offences) FILTER (WHERE $area = $force OR (location = 'in_force' AND unit_code IN (SELECT unit_code FROM units)))::BIGINT AS offences,
       CASE WHEN $area = $force THEN coalesce(sum(offences) FILTER (WHERE location = 'not_located'), 0) END::BIGINT AS not_located,
       CASE WHEN $area = $force THEN coalesce(sum(offences) FILTER (WHERE location = 'outside_force'), 0) END::BIGINT AS outside_force,
       coalesce(sum(offences) FILTER (WHERE unit_code IN (SELECT area_code FROM split)), 0)::BIGINT AS unsplit,
       string_agg(DISTINCT source, '; ' ORDER BY source) AS source,
       min(period_date) AS first_month,
       max(CASE span WHEN 'quarter' THEN (period_date + INTERVAL 2 MONTH)::DATE ELSE period_date END) AS last_month
FROM rows
GROUP BY 1
ORDER BY 1;
