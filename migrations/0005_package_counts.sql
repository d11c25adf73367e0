-- totalCount of the package table without reading the packages.
--
-- The package table asks for `totalCount` with every page. Counting the packages a clinic of a
-- large chain sees reads every one of them (20,000 index entries even as an index-only scan), so
-- the first page got slower as the chain grew. The visibility rules, the status filter and the
-- origin filter only read owner_tenant_id, shared and active, so a count per (owner, shared,
-- active) answers all of them by summing a few rows per tenant: the API's count is
-- `sum(packages)` over the rows of package_counts that pass the same conditions the packages would
-- (only a search still counts packages, through the trigram index, and its matches are few).
--
-- The counts are exact and transactional: a constraint trigger, deferred to commit, moves a package
-- between counts when it is created, deleted, deactivated, reactivated, shared or unshared. Being
-- deferred, it holds a count's row lock only while committing, so packages created at once by one
-- tenant do not wait for each other's whole transactions; a mutation rolled back to its savepoint
-- leaves no queued change. When a package moves between two counts, the two rows are updated in
-- one fixed order, so two opposite moves cannot deadlock.

CREATE TABLE package_counts (
  organization_id uuid NOT NULL,
  owner_tenant_id uuid NOT NULL,
  shared boolean NOT NULL,
  active boolean NOT NULL,
  packages bigint NOT NULL CHECK (packages >= 0),
  PRIMARY KEY (organization_id, owner_tenant_id, shared, active),
  FOREIGN KEY (organization_id, owner_tenant_id) REFERENCES tenants (organization_id, id)
);

GRANT SELECT ON package_counts TO clinic_catalog_app;
ALTER TABLE package_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE package_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON package_counts
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- Adds `delta` to one count. Runs as the table owner (the application role may only read counts);
-- Row Level Security still keeps it to the transaction's organization.
CREATE FUNCTION add_package_count(organization uuid, owner uuid, is_shared boolean, is_active boolean, delta integer) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF delta > 0 THEN
      INSERT INTO package_counts (organization_id, owner_tenant_id, shared, active, packages)
      VALUES (organization, owner, is_shared, is_active, delta)
      ON CONFLICT (organization_id, owner_tenant_id, shared, active) DO UPDATE SET packages = package_counts.packages + EXCLUDED.packages;
    ELSE
      -- A package leaving a count was counted in it: the row exists (an insert of a negative count
      -- would fail the CHECK before ON CONFLICT could turn it into an update).
      UPDATE package_counts SET packages = packages + delta
       WHERE organization_id = organization AND owner_tenant_id = owner AND shared = is_shared AND active = is_active;
    END IF;
  END
  $$;
REVOKE ALL ON FUNCTION add_package_count(uuid, uuid, boolean, boolean, integer) FROM PUBLIC;

CREATE FUNCTION count_package() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM add_package_count(NEW.organization_id, NEW.owner_tenant_id, NEW.shared, NEW.active, 1);
    ELSIF TG_OP = 'DELETE' THEN
      PERFORM add_package_count(OLD.organization_id, OLD.owner_tenant_id, OLD.shared, OLD.active, -1);
    ELSIF (OLD.owner_tenant_id, OLD.shared, OLD.active) < (NEW.owner_tenant_id, NEW.shared, NEW.active) THEN
      PERFORM add_package_count(OLD.organization_id, OLD.owner_tenant_id, OLD.shared, OLD.active, -1);
      PERFORM add_package_count(NEW.organization_id, NEW.owner_tenant_id, NEW.shared, NEW.active, 1);
    ELSE
      PERFORM add_package_count(NEW.organization_id, NEW.owner_tenant_id, NEW.shared, NEW.active, 1);
      PERFORM add_package_count(OLD.organization_id, OLD.owner_tenant_id, OLD.shared, OLD.active, -1);
    END IF;
    RETURN NULL;
  END
  $$;

CREATE CONSTRAINT TRIGGER packages_counted AFTER INSERT OR DELETE ON packages
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_package();
CREATE CONSTRAINT TRIGGER packages_recounted AFTER UPDATE OF organization_id, owner_tenant_id, shared, active ON packages
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.organization_id, OLD.owner_tenant_id, OLD.shared, OLD.active) IS DISTINCT FROM (NEW.organization_id, NEW.owner_tenant_id, NEW.shared, NEW.active))
  EXECUTE FUNCTION count_package();

-- The counts of the packages already there, one organization at a time (as the table owner, Row
-- Level Security applies when it is forced and the owner is no superuser).
DO $$
DECLARE
  organization uuid;
BEGIN
  PERFORM set_config('app.platform', 'on', true);
  FOR organization IN SELECT id FROM organizations LOOP
    PERFORM set_config('app.organization_id', organization::text, true);
    INSERT INTO package_counts (organization_id, owner_tenant_id, shared, active, packages)
    SELECT organization_id, owner_tenant_id, shared, active, count(*) FROM packages WHERE organization_id = organization
     GROUP BY organization_id, owner_tenant_id, shared, active;
  END LOOP;
  PERFORM set_config('app.organization_id', '', true);
  PERFORM set_config('app.platform', 'off', true);
END
$$;
