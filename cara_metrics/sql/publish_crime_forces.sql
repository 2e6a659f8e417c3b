-- Police force areas with at least one row in the force crime extract (the table the
-- release is built from). The release covers these only: a force that is in the areas
-- table (say, from the national ONS lookup) without its extract would otherwise be
-- published as zero crimes. No parameters.
SELECT DISTINCT m.ancestor_code AS area_code
FROM crime c
JOIN area_members m USING (area_code)
JOIN areas f ON f.area_code = m.ancestor_code AND f.area_type = 'force'
ORDER BY 1;
