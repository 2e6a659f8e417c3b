-- Breaks in series recorded in the public release, oldest first. No parameters.
SELECT break_date, series, description
FROM series_breaks
ORDER BY break_date, series;
