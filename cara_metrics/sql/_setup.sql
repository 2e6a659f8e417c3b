-- needs: areas
-- Helper views and macros, run once per new database (no user values here).

-- Every current area with the current local authorities it contains (itself included),
-- so one parameter ($area) selects a force, a CSP or a local authority alike.
-- A table, not a view: computed once per data version instead of once per query
-- (the recursive walk cost 6-7 ms a query; see docs/performance.md).
CREATE OR REPLACE TABLE area_members AS
WITH RECURSIVE tree(ancestor_code, area_code) AS (
    SELECT area_code, area_code FROM areas WHERE successor_code IS NULL
    UNION ALL
    SELECT t.ancestor_code, a.area_code
    FROM tree t JOIN areas a ON a.parent_code = t.area_code
    WHERE a.successor_code IS NULL
)
SELECT DISTINCT ancestor_code, area_code
FROM tree
WHERE area_code IN (SELECT area_code FROM areas WHERE area_type = 'local_authority');

-- Financial year (April to March) that a date falls in, as its starting calendar year.
CREATE OR REPLACE MACRO fy_start(d) AS year(d - INTERVAL 3 MONTH);

-- The first day of the month, financial quarter or financial year containing d.
CREATE OR REPLACE MACRO period_start(d, grain) AS CASE grain
    WHEN 'month' THEN date_trunc('month', d)::DATE
    WHEN 'quarter' THEN date_trunc('quarter', d)::DATE
    ELSE make_date(fy_start(d), 4, 1)
END;
