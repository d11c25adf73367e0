-- Every change to an organization's tenants raises the organization's tenancy_version, and
-- enter_tenant returns it: a server may keep an organization's tenants in memory and tell, from the
-- statement that enters the tenant, whether they are still current (the page that names owners
-- then needs no statement for them).
ALTER TABLE organizations ADD COLUMN tenancy_version bigint NOT NULL DEFAULT 0;

-- Whoever changes tenants (a platform administrator, a seeder, an operator in psql): the raise is
-- made with the registry open, as the function's owner.
CREATE FUNCTION raise_tenancy_version() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public
  SET app.platform = 'on'
  AS $$
  BEGIN
    UPDATE organizations o SET tenancy_version = o.tenancy_version + 1
     WHERE o.id IN (SELECT changed.organization_id FROM changed);
    RETURN NULL;
  END
  $$;
REVOKE ALL ON FUNCTION raise_tenancy_version() FROM PUBLIC;
-- Once per statement, whatever the number of rows (seeders insert tenants by the thousand).
CREATE TRIGGER tenants_added AFTER INSERT ON tenants REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION raise_tenancy_version();
CREATE TRIGGER tenants_changed AFTER UPDATE ON tenants REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION raise_tenancy_version();
CREATE TRIGGER tenants_removed AFTER DELETE ON tenants REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION raise_tenancy_version();

-- enter_tenant (0011) also returns the tenancy version.
DROP FUNCTION enter_tenant(uuid);
CREATE FUNCTION enter_tenant(tenant uuid)
  RETURNS TABLE (tenant_id uuid, tenant_name text, tenant_kind text, organization_id uuid, currency text, clinic_sharing text, central_id uuid, time_zone text,
                 tenancy_version bigint)
  -- PL/pgSQL keeps the query's plan for the session (see 0010).
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.platform = 'on'
  AS $$
  BEGIN
    RETURN QUERY
    SELECT t.id, t.name, t.kind, t.organization_id, o.currency, o.clinic_sharing, c.id, o.time_zone, o.tenancy_version
      FROM tenants t
      JOIN organizations o ON o.id = t.organization_id
      -- At most one central per organization (tenants_one_central).
      LEFT JOIN tenants c ON c.organization_id = t.organization_id AND c.kind = 'CENTRAL'
     WHERE t.id = tenant
     LIMIT 1;
  END
  $$;
REVOKE ALL ON FUNCTION enter_tenant(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enter_tenant(uuid) TO clinic_catalog_app;
