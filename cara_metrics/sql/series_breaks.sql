-- Breaks in series that fall inside the chosen period.
SELECT break_date, series, description
FROM series_breaks
WHERE break_date BETWEEN $date_from AND $date_to
ORDER BY break_date;
