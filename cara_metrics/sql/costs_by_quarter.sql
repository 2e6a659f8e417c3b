-- Programme costs by financial year and quarter.
SELECT financial_year, quarter, sum(cost_gbp)::DOUBLE AS cost_gbp
FROM costs
GROUP BY 1, 2
ORDER BY 1, 2;
