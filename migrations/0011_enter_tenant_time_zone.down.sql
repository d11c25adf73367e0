-- Reverts 0011: enter_tenant as 0010 made it, without the time zone.
DROP FUNCTION enter_tenant(uuid);
CREATE FUNCTION enter_tenant(tenant uuid)
  RETURNS TABLE (tenant_id uuid, tenant_name text, tenant_kind text, organization_id uuid, currency text, clinic_sharing text, central_id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.platform = 'on'
  AS $$
  BEGIN
    RETURN QUERY
    SELECT t.id, t.name, t.kind, t.organization_id, o.currency, o.clinic_sharing, c.id
      FROM tenants t
      JOIN organizations o ON o.id = t.organization_id
      LEFT JOIN tenants c ON c.organization_id = t.organization_id AND c.kind = 'CENTRAL'
     WHERE t.id = tenant
     LIMIT 1;
  END
  $$;
REVOKE ALL ON FUNCTION enter_tenant(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enter_tenant(uuid) TO clinic_catalog_app;
