-- Reverts 0005: totalCount goes back to counting packages.
DROP TRIGGER packages_recounted ON packages;
DROP TRIGGER packages_counted ON packages;
DROP FUNCTION count_package();
DROP FUNCTION add_package_count(uuid, uuid, boolean, boolean, integer);
DROP TABLE package_counts;
