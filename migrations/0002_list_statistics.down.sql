-- Reverts 0002.
DROP STATISTICS services_visibility;
DROP STATISTICS packages_visibility;
