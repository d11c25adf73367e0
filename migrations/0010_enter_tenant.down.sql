-- Reverts 0010: tenants are entered with app.platform on again (the code before it).
DROP FUNCTION enter_tenant(uuid);
