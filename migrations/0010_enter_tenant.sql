-- The tenancy registry (organizations, tenants) is closed to request transactions: only a
-- platform administrator's transaction turns app.platform on. A tenant user's request enters its
-- tenant through this function instead, which reads the one tenant its token names (with its
-- organization and central) and nothing else. It runs as the owner with app.platform on for its
-- own duration only (the SET clause is undone when it returns), so it works whether or not the
-- owner bypasses Row Level Security; the caller sets app.organization_id from the row it returns.

CREATE FUNCTION enter_tenant(tenant uuid)
  RETURNS TABLE (tenant_id uuid, tenant_name text, tenant_kind text, organization_id uuid, currency text, clinic_sharing text, central_id uuid)
  -- PL/pgSQL keeps the query's plan for the session; a SQL function with a SET clause is planned
  -- on every call (about 2 ms more per request, measured with pgbench).
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.platform = 'on'
  AS $$
  BEGIN
    RETURN QUERY
    SELECT t.id, t.name, t.kind, t.organization_id, o.currency, o.clinic_sharing, c.id
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
