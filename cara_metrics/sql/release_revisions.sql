-- Figures revised since the previous release (their shown value changed). No parameters.
SELECT "table", metric_id, measure, area_code, area_name, period, category,
       previous_shown, previous_symbol, shown, symbol
FROM revisions;
