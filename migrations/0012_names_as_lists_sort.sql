-- Names are unique as the lists sort them (api.md "Errors and limits"): compared with
-- catalog_order (0001: ICU, Spanish, primary strength), so case and accents are ignored and ñ is a
-- letter of its own ("Implánte" = "implante", "Año" ≠ "Ano"). Package names, service codes and
-- tenant names were compared with fold_text() (unaccent), which folds ñ to n; price list names
-- already compared as they sort (0008).
--
-- The new comparison keeps apart everything the old one did, but for a few rare pairs: ICU also
-- ignores characters it has no weight for (a soft hyphen, a zero-width joiner) and folds the case
-- of every script, where lower() under the database's ctype may not. Before an index is built, any
-- rows such a pair makes equal are told apart: the oldest keeps its text, the others get " (2)",
-- " (3)"... (codes "-2", "-3"...) within the column's length, and a package or service renamed so
-- gets a new version. No catalogue event is recorded for these renames.

CREATE FUNCTION pg_temp.tell_apart(target regclass, text_column text, owner_columns text, max_length integer, separator text, closer text, has_version boolean)
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  organization uuid;
  duplicate record;
  suffix integer;
  candidate text;
  taken boolean;
BEGIN
  FOR organization IN SELECT id FROM organizations LOOP
    -- Row Level Security is forced: the owner too sees one organization at a time.
    PERFORM set_config('app.organization_id', organization::text, true);
    FOR duplicate IN EXECUTE format(
      'SELECT id, owners, value FROM (
         SELECT id, ROW(%2$s)::text AS owners, %1$I AS value,
                row_number() OVER (PARTITION BY %2$s, %1$I COLLATE catalog_order ORDER BY created_at, id) AS rank
           FROM %3$s WHERE organization_id = $1 AND %1$I IS NOT NULL) ranked
        WHERE rank > 1', text_column, owner_columns, target) USING organization
    LOOP
      suffix := 2;
      LOOP
        candidate := left(duplicate.value, max_length - length(separator || suffix || closer)) || separator || suffix || closer;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %3$s WHERE organization_id = $1 AND ROW(%2$s)::text = $2 AND %1$I COLLATE catalog_order = $3)',
                       text_column, owner_columns, target)
          INTO taken USING organization, duplicate.owners, candidate;
        EXIT WHEN NOT taken;
        suffix := suffix + 1;
      END LOOP;
      EXECUTE format('UPDATE %2$s SET %1$I = $3%3$s WHERE organization_id = $1 AND id = $2', text_column, target,
                     CASE WHEN has_version THEN ', version = version + 1, updated_at = now()' ELSE '' END)
        USING organization, duplicate.id, candidate;
    END LOOP;
  END LOOP;
  PERFORM set_config('app.organization_id', '', true);
END
$$;

SELECT set_config('app.platform', 'on', true);
SELECT pg_temp.tell_apart('tenants', 'name', 'organization_id', 120, ' (', ')', false);
SELECT pg_temp.tell_apart('packages', 'name', 'owner_tenant_id', 120, ' (', ')', true);
SELECT pg_temp.tell_apart('services', 'code', 'owner_tenant_id', 32, '-', '', true);
SELECT set_config('app.platform', 'off', true);
DROP FUNCTION pg_temp.tell_apart(regclass, text, text, integer, text, text, boolean);

DROP INDEX tenants_name_unique;
CREATE UNIQUE INDEX tenants_name_unique ON tenants (organization_id, (name COLLATE catalog_order));
DROP INDEX packages_name_unique;
CREATE UNIQUE INDEX packages_name_unique ON packages (organization_id, owner_tenant_id, (name COLLATE catalog_order));
DROP INDEX services_code_unique;
CREATE UNIQUE INDEX services_code_unique ON services (organization_id, owner_tenant_id, (code COLLATE catalog_order)) WHERE code IS NOT NULL;
