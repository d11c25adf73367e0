-- Back to comparing with fold_text() (unaccent: ñ folded to n). Fails, changing nothing, when names
-- or codes that differ only by ñ/n were stored since: rename one of them first.
DROP INDEX tenants_name_unique;
CREATE UNIQUE INDEX tenants_name_unique ON tenants (organization_id, fold_text(name));
DROP INDEX packages_name_unique;
CREATE UNIQUE INDEX packages_name_unique ON packages (organization_id, owner_tenant_id, fold_text(name));
DROP INDEX services_code_unique;
CREATE UNIQUE INDEX services_code_unique ON services (organization_id, owner_tenant_id, fold_text(code)) WHERE code IS NOT NULL;
