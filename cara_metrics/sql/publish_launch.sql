-- First caution date of any CARA referral in each area (all time), for the public release:
-- referrals_first.sql's first_date for every area at once (one query, not one per force).
-- No parameters.
SELECT m.ancestor_code AS area_code,
       min(r.caution_date) AS first_date
FROM referrals r
JOIN area_members m USING (area_code)
GROUP BY 1
ORDER BY 1;
