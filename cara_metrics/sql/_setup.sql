-- needs: areas area_memberships
-- Helper views and macros, run once per new database (no user values here).

-- Every current area with the current local authorities it contains (itself included),
-- so one parameter ($area) selects a force, a CSP or a local authority alike.
-- A CSP that shares a council with another CSP (area_memberships: Bournemouth, Christchurch
-- and Poole sits in three) has no members here: figures held by council cannot be split
-- between its CSPs, so they are shown for the council and the force only (see unit_ancestors
-- for figures held by former district, which can be).
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
WHERE area_code IN (SELECT area_code FROM areas WHERE area_type = 'local_authority')
  AND ancestor_code NOT IN (SELECT parent_code FROM area_memberships);

-- Every area a row's area code (a "unit": current or former council, CSP, force) counts
-- towards: itself, its parents, its successor and the successor's parents, transitively.
-- A former district counts for the CSP it was in (Christchurch: the Dorset CSP) and for its
-- successor council; a council in several CSPs (parent_code = its force) for none of them.
CREATE OR REPLACE TABLE unit_ancestors AS
WITH RECURSIVE edges(child, up) AS (
    SELECT area_code, parent_code FROM areas WHERE parent_code IS NOT NULL
    UNION
    SELECT area_code, successor_code FROM areas WHERE successor_code IS NOT NULL
),
tree(unit_code, ancestor_code) AS (
    SELECT area_code, area_code FROM areas
    UNION
    SELECT t.unit_code, e.up FROM tree t JOIN edges e ON e.child = t.ancestor_code
)
SELECT DISTINCT unit_code, ancestor_code FROM tree;

-- Financial year (April to March) that a date falls in, as its starting calendar year.
CREATE OR REPLACE MACRO fy_start(d) AS year(d - INTERVAL 3 MONTH);

-- The first day of the month, financial quarter or financial year containing d.
CREATE OR REPLACE MACRO period_start(d, grain) AS CASE grain
    WHEN 'month' THEN date_trunc('month', d)::DATE
    WHEN 'quarter' THEN date_trunc('quarter', d)::DATE
    ELSE make_date(fy_start(d), 4, 1)
END;

-- The areas wholly inside an area (`area`, a force), itself included: every area all of whose
-- current councils lie in it. The reoffending by-area queries list these (a partnership
-- sharing a council has no councils in area_members, so it is never listed).
CREATE OR REPLACE MACRO areas_inside(area) AS TABLE
SELECT ancestor_code AS area_code
FROM area_members
GROUP BY ancestor_code
HAVING bool_and(area_code IN (SELECT m.area_code FROM area_members m WHERE m.ancestor_code = area));
