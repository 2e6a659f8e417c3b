-- Mid-year resident population per current local authority and year (mid-2019 is used for
-- the financial year 2019/20), for the per-1,000-residents rates. No parameters.
SELECT area_code, year, population::BIGINT AS population
FROM population
WHERE area_code IN (SELECT area_code FROM area_members)
ORDER BY 1, 2;
