-- Counts that an index answers alone.
--
-- `totalCount` of the package and service tables counts every row the viewer sees: for a clinic
-- of a large chain that is most of the organization's rows (20,000 packages), whatever the page
-- size. The visibility filter reads organization_id, owner_tenant_id, shared and (with a status
-- filter) active; with all four in one index the count is an index-only scan of the
-- organization's entries (the heap is not read for pages the visibility map marks all-visible,
-- which VACUUM, or autovacuum, keeps up to date) instead of a scan of the table's rows. They lead
-- with (organization_id, owner_tenant_id), so they also serve what the *_by_owner indexes did.
CREATE INDEX packages_visibility ON packages (organization_id, owner_tenant_id, shared, active);
CREATE INDEX services_visibility ON services (organization_id, owner_tenant_id, shared, active);
DROP INDEX packages_by_owner;
DROP INDEX services_by_owner;
