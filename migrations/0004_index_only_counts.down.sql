-- Reverts 0004: the owner indexes it replaced come back.
CREATE INDEX packages_by_owner ON packages (organization_id, owner_tenant_id);
CREATE INDEX services_by_owner ON services (organization_id, owner_tenant_id);
DROP INDEX packages_visibility;
DROP INDEX services_visibility;
