-- Statistics for the lists' visibility filter. A list filters by organization and by owner (and
-- shared) together: `organization_id = $1 AND (owner_tenant_id = $2 OR (shared AND owner_tenant_id = $3))`.
-- Per-column statistics multiply those selectivities as if independent, but a tenant belongs to
-- one organization, so the planner underestimated the visible rows (by about the number of
-- organizations) and chose to fetch and sort ALL of an organization's visible rows for every
-- page, instead of walking the by-name / by-date index from the cursor and stopping after one
-- page. A multi-column MCV list (which also estimates the OR) and functional dependencies
-- (for owners outside the MCV list) correct the estimate; ANALYZE (autovacuum) fills them in.
CREATE STATISTICS services_visibility (dependencies, mcv) ON organization_id, owner_tenant_id, shared FROM services;
CREATE STATISTICS packages_visibility (dependencies, mcv) ON organization_id, owner_tenant_id, shared FROM packages;
