-- Search that an index serves under Row Level Security.
--
-- Under RLS, PostgreSQL only lets a query's own condition drive an index scan when every function
-- it applies to a column is LEAKPROOF (it must not reveal rows the policy hides). The search
-- `fold_text(name) LIKE '%term%'` failed that twice: fold_text (unaccent) and LIKE (textlike) are
-- not leakproof, so the trigram indexes were never used and every search read all of the
-- organization's rows. The fix: the folded text is a stored column (no function applied at query
-- time), and textlike is declared LEAKPROOF (its only errors come from the pattern, never from
-- the row's value). Declaring LEAKPROOF needs a superuser; without one, search still works, it
-- just scans the organization's rows instead of using the trigram index.

ALTER TABLE packages ADD COLUMN name_folded text GENERATED ALWAYS AS (fold_text(name)) STORED;
ALTER TABLE services ADD COLUMN name_folded text GENERATED ALWAYS AS (fold_text(name)) STORED;
ALTER TABLE services ADD COLUMN code_folded text GENERATED ALWAYS AS (fold_text(coalesce(code, ''))) STORED;

DROP INDEX packages_search_name;
DROP INDEX services_search_name;
DROP INDEX services_search_code;
CREATE INDEX packages_search ON packages USING gin (organization_id, name_folded gin_trgm_ops);
CREATE INDEX services_search_name ON services USING gin (organization_id, name_folded gin_trgm_ops);
CREATE INDEX services_search_code ON services USING gin (organization_id, code_folded gin_trgm_ops);

DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;
  ELSE
    RAISE NOTICE 'not a superuser: textlike stays non-leakproof and search scans rows instead of the trigram index';
  END IF;
END
$$;
