-- Every published figure of the release table `referrals` (one row per figure, in publication
-- order: area, then period). Reads the public release only. No parameters.
SELECT metric_id, measure, measure_label, unit, area_code, area_name, area_type, period, period_type,
       financial_year, quarter, category, category_label, shown, symbol
FROM referrals;
