-- Reverts 0013: enter_tenant as 0011 made it; no tenancy version.
DROP FUNCTION enter_tenant(uuid);
CREATE FUNCTION enter_tenant(tenant uuid)
  RETURNS TABLE (tenant_id uuid, tenant_name text, tenant_kind text, organization_id uuid, currency text, clinic_sharing text, central_id uuid, time_zone text)
  -- PL/pgSQL keeps the query's plan for the session (see 0010).
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.platform = 'on'
  AS $$
  BEGIN
    RETURN QUERY
    SELECT t.id, t.name, t.kind, t.organization_id, o.currency, o.clinic_sharing, c.id, o.time_zone
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
DROP TRIGGER tenants_added ON tenants;
DROP TRIGGER tenants_changed ON tenants;
DROP TRIGGER tenants_removed ON tenants;
DROP FUNCTION raise_tenancy_version();
ALTER TABLE organizations DROP COLUMN tenancy_version;
