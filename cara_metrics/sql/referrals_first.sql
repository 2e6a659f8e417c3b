-- First and last caution date of any CARA referral in area $area (all time), and how many
-- referrals there are: tells an empty selection apart from an area with no CARA at all.
SELECT min(caution_date) AS first_date,
       max(caution_date) AS last_date,
       count(*)::BIGINT AS referrals
FROM referrals
WHERE area_code IN (SELECT area_code FROM area_members WHERE ancestor_code = $area);
