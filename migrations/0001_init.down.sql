-- Reverts 0001: the catalogue and everything it holds is dropped. The extensions and the role
-- clinic_catalog_app stay: they belong to the server, and other databases on it may use them.
DROP TABLE package_items, packages, services, tenants, organizations;
DROP COLLATION catalog_order;
DROP FUNCTION fold_text(text);
REVOKE USAGE ON SCHEMA public FROM clinic_catalog_app;
