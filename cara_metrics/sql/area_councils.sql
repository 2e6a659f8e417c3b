-- How many current councils area $area holds figures for (area_members: a council counts
-- itself; a partnership sharing a council with another partnership holds none).
SELECT count(*)::BIGINT AS councils FROM area_members WHERE ancestor_code = $area;
