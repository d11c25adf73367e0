-- Price lists (tarifas) and their entries, and the organization's time zone ("today" for them).
-- Same layout as 0001: organization_id leads every key and foreign key; Row Level Security forced.

-- IANA name; checked by the application against the IANA database (Intl) when it is set.
ALTER TABLE organizations ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Madrid' CHECK (length(time_zone) BETWEEN 1 AND 64);

CREATE TABLE price_lists (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  owner_tenant_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind text NOT NULL DEFAULT 'GENERAL' CHECK (kind IN ('GENERAL', 'INSURER', 'AGREEMENT')),
  partner_name text CHECK (length(partner_name) BETWEEN 1 AND 120),
  partner_tax_id text CHECK (length(partner_tax_id) BETWEEN 1 AND 20),
  valid_from date,
  valid_until date,
  shared boolean NOT NULL DEFAULT true,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deactivated_at timestamptz,
  -- Search by name or partner (see 0003: stored folded text, served by trigram indexes under RLS).
  search_folded text GENERATED ALWAYS AS (fold_text(name || ' ' || coalesce(partner_name, ''))) STORED,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, owner_tenant_id) REFERENCES tenants (organization_id, id),
  CONSTRAINT price_lists_partner_check CHECK (kind = 'GENERAL' OR partner_name IS NOT NULL),
  CONSTRAINT price_lists_validity_check CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until)
);
-- Unique per owner as the list sorts names: case and accents ignored, ñ distinct from n.
CREATE UNIQUE INDEX price_lists_name_unique ON price_lists (organization_id, owner_tenant_id, (name COLLATE catalog_order));
CREATE INDEX price_lists_by_name ON price_lists (organization_id, (name COLLATE catalog_order), id);
CREATE INDEX price_lists_visibility ON price_lists (organization_id, owner_tenant_id, shared, active);
CREATE INDEX price_lists_search ON price_lists USING gin (organization_id, search_folded gin_trgm_ops);

CREATE TABLE price_list_entries (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  price_list_id uuid NOT NULL,
  service_id uuid NOT NULL,
  -- Null: the price for every clinic; else an override for that clinic (central lists only).
  clinic_tenant_id uuid,
  price numeric(12, 2) NOT NULL CHECK (price BETWEEN 0 AND 999999.99),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, price_list_id) REFERENCES price_lists (organization_id, id),
  FOREIGN KEY (organization_id, service_id) REFERENCES services (organization_id, id),
  FOREIGN KEY (organization_id, clinic_tenant_id) REFERENCES tenants (organization_id, id)
);
-- One entry per (list, service, clinic), "every clinic" (null) included.
CREATE UNIQUE INDEX price_list_entries_key ON price_list_entries (organization_id, price_list_id, service_id, clinic_tenant_id) NULLS NOT DISTINCT;
CREATE INDEX price_list_entries_by_service ON price_list_entries (organization_id, service_id);

GRANT SELECT, INSERT, UPDATE ON price_lists TO clinic_catalog_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON price_list_entries TO clinic_catalog_app;

ALTER TABLE price_lists ENABLE ROW LEVEL SECURITY;
ALTER TABLE price_lists FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON price_lists
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE price_list_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE price_list_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON price_list_entries
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
