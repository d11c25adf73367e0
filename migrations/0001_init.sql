-- The whole catalogue model. Every tenant-owned table leads its primary key and every
-- foreign key with organization_id (Citus-ready), and Row Level Security is forced on it.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Folding used for search and uniqueness: case- and accent-insensitive ("Implánte" = "implante").
-- unaccent() is only STABLE (it reads a dictionary by name), so it is pinned here to be indexable.
CREATE FUNCTION fold_text(value text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;

-- Spanish ordering that ignores case and accents but keeps ñ after n.
CREATE COLLATION catalog_order (provider = icu, locale = 'es-u-ks-level1', deterministic = false);

-- The role every request runs as (SET LOCAL ROLE), so RLS applies even when DATABASE_URL
-- names a superuser or the tables' owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clinic_catalog_app') THEN
    CREATE ROLE clinic_catalog_app NOLOGIN;
  END IF;
END
$$;
GRANT clinic_catalog_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO clinic_catalog_app;

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  currency text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  clinic_sharing text NOT NULL DEFAULT 'CENTRAL_ONLY' CHECK (clinic_sharing IN ('CENTRAL_ONLY', 'BETWEEN_CLINICS')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenants (
  organization_id uuid NOT NULL REFERENCES organizations (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind text NOT NULL CHECK (kind IN ('CENTRAL', 'CLINIC')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX tenants_one_central ON tenants (organization_id) WHERE kind = 'CENTRAL';
CREATE UNIQUE INDEX tenants_name_unique ON tenants (organization_id, fold_text(name));
-- Token verification resolves a tenant by id alone, before its organization is known.
CREATE INDEX tenants_id ON tenants (id);

CREATE TABLE services (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  owner_tenant_id uuid NOT NULL,
  code text CHECK (length(code) BETWEEN 1 AND 32),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  family text CHECK (length(family) <= 80),
  price numeric(12, 2) NOT NULL CHECK (price BETWEEN 0 AND 999999.99),
  tax_rate numeric(5, 2) NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100),
  duration_minutes integer CHECK (duration_minutes BETWEEN 1 AND 1440),
  odontogram_scope text NOT NULL DEFAULT 'NONE' CHECK (odontogram_scope IN ('NONE', 'MOUTH', 'ARCH', 'QUADRANT', 'TOOTH')),
  shared boolean NOT NULL DEFAULT true,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deactivated_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, owner_tenant_id) REFERENCES tenants (organization_id, id)
);
CREATE UNIQUE INDEX services_code_unique ON services (organization_id, owner_tenant_id, fold_text(code)) WHERE code IS NOT NULL;
CREATE INDEX services_by_name ON services (organization_id, (name COLLATE catalog_order), id);
CREATE INDEX services_by_code ON services (organization_id, (coalesce(code, '') COLLATE catalog_order), id);
CREATE INDEX services_by_price ON services (organization_id, price, id);
CREATE INDEX services_by_created ON services (organization_id, created_at, id);
CREATE INDEX services_search_name ON services USING gin (organization_id, fold_text(name) gin_trgm_ops);
CREATE INDEX services_search_code ON services USING gin (organization_id, fold_text(coalesce(code, '')) gin_trgm_ops);
CREATE INDEX services_by_owner ON services (organization_id, owner_tenant_id);

CREATE TABLE packages (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  owner_tenant_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description text CHECK (length(description) <= 2000),
  shared boolean NOT NULL DEFAULT true,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deactivated_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, owner_tenant_id) REFERENCES tenants (organization_id, id)
);
CREATE UNIQUE INDEX packages_name_unique ON packages (organization_id, owner_tenant_id, fold_text(name));
CREATE INDEX packages_by_name ON packages (organization_id, (name COLLATE catalog_order), id);
CREATE INDEX packages_by_created ON packages (organization_id, created_at, id);
CREATE INDEX packages_by_updated ON packages (organization_id, updated_at, id);
CREATE INDEX packages_search_name ON packages USING gin (organization_id, fold_text(name) gin_trgm_ops);
CREATE INDEX packages_by_owner ON packages (organization_id, owner_tenant_id);

CREATE TABLE package_items (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  package_id uuid NOT NULL,
  service_id uuid NOT NULL,
  added_by_tenant_id uuid NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  -- Insertion order: items are listed oldest first.
  position bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, package_id) REFERENCES packages (organization_id, id),
  FOREIGN KEY (organization_id, service_id) REFERENCES services (organization_id, id),
  FOREIGN KEY (organization_id, added_by_tenant_id) REFERENCES tenants (organization_id, id),
  -- One row per service and adding tenant: adding it again adds to the quantity.
  UNIQUE (organization_id, package_id, added_by_tenant_id, service_id)
);
CREATE INDEX package_items_by_package ON package_items (organization_id, package_id, position);
CREATE INDEX package_items_by_service ON package_items (organization_id, service_id);
CREATE INDEX package_items_by_tenant ON package_items (organization_id, added_by_tenant_id);

GRANT SELECT, INSERT, UPDATE ON organizations, tenants, services, packages, package_items TO clinic_catalog_app;
GRANT DELETE ON package_items TO clinic_catalog_app;

-- Isolation. The organization comes from app.organization_id, set per transaction; when it is
-- missing, current_setting(..., true) is NULL and no row matches. app.platform = 'on' is the one
-- explicit bypass: it lets token verification and platform administrators read the tenancy
-- registry (organizations, tenants), never the catalogue.
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON organizations
  USING (id = nullif(current_setting('app.organization_id', true), '')::uuid
         OR current_setting('app.platform', true) = 'on')
  WITH CHECK (id = nullif(current_setting('app.organization_id', true), '')::uuid
              OR current_setting('app.platform', true) = 'on');

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON tenants
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid
         OR current_setting('app.platform', true) = 'on')
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid
              OR current_setting('app.platform', true) = 'on');

ALTER TABLE services ENABLE ROW LEVEL SECURITY;
ALTER TABLE services FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON services
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE packages ENABLE ROW LEVEL SECURITY;
ALTER TABLE packages FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON packages
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE package_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE package_items FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON package_items
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
