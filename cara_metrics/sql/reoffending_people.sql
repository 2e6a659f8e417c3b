-- One row per cohort member whose reoffending follow-up is complete, for one area: the
-- Ministry of Justice proven-reoffending measure, defined once in _setup_reoffending.sql
-- (reoffending_people_of) and shared with reoffending_by_area.sql.
SELECT *
FROM reoffending_people_of($area, $last_complete_index, $date_from, $date_to)
ORDER BY index_date, person_id;
