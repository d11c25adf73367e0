-- Reverts 0003: search indexes on the folding function again. textlike stays LEAKPROOF: the flag is
-- global to the server (other databases may rely on it) and only a superuser could take it back.
DROP INDEX packages_search;
DROP INDEX services_search_name;
DROP INDEX services_search_code;
ALTER TABLE packages DROP COLUMN name_folded;
ALTER TABLE services DROP COLUMN name_folded, DROP COLUMN code_folded;
CREATE INDEX packages_search_name ON packages USING gin (organization_id, fold_text(name) gin_trgm_ops);
CREATE INDEX services_search_name ON services USING gin (organization_id, fold_text(name) gin_trgm_ops);
CREATE INDEX services_search_code ON services USING gin (organization_id, fold_text(coalesce(code, '')) gin_trgm_ops);
