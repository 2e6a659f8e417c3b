-- The areas of the public release, force first, then partnerships, then local authorities,
-- with whether figures about people are published for each. Reads the public release only.
SELECT area_code, area_name, area_type, parent_code, force_code, people_figures
FROM areas;
