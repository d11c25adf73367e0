-- Reverts 0008: no price lists, no time zone.
DROP TABLE price_list_entries;
DROP TABLE price_lists;
ALTER TABLE organizations DROP COLUMN time_zone;
