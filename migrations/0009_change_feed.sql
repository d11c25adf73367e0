-- The change history, the change feed and webhooks (domain.md "History and the change feed",
-- api.md "Webhooks").
--
-- catalog_events is append-only: the application role may INSERT and SELECT, never UPDATE or
-- DELETE. An event's place in the feed is (tx_id, seq): the id of the transaction that wrote it
-- (pg_current_xact_id(), an xid8 kept as bigint: it counts up from 3 and fits 63 bits for as long
-- as anyone will run this database) and its order within that transaction. A reader hands out only events whose tx_id is below
-- pg_snapshot_xmin(pg_current_snapshot()): every transaction below that horizon has ended, and
-- every transaction still to write gets a larger id, so nothing can later appear before an event
-- already handed out, whatever order transactions commit in.
--
-- Visibility is decided by the time the event happened, from what it recorded: the row's owner
-- and `shared` before and after, the sharing mode then, and for items the package's, the
-- service's and the adder's.

CREATE TABLE catalog_events (
  -- The tenant's key names the organization (no second foreign key: one lock fewer per event).
  organization_id uuid NOT NULL,
  tx_id bigint NOT NULL,
  seq integer NOT NULL CHECK (seq > 0),
  type text NOT NULL CHECK (type IN (
    'SERVICE_CREATED', 'SERVICE_UPDATED', 'SERVICE_DEACTIVATED', 'SERVICE_REACTIVATED',
    'PACKAGE_CREATED', 'PACKAGE_UPDATED', 'PACKAGE_DEACTIVATED', 'PACKAGE_REACTIVATED',
    'PACKAGE_ITEM_ADDED', 'PACKAGE_ITEM_UPDATED', 'PACKAGE_ITEM_REMOVED',
    'PRICE_LIST_CREATED', 'PRICE_LIST_UPDATED', 'PRICE_LIST_DEACTIVATED', 'PRICE_LIST_REACTIVATED',
    'PRICE_LIST_ENTRIES_CHANGED', 'CLINIC_SHARING_CHANGED')),
  entity_type text NOT NULL CHECK (entity_type IN ('SERVICE', 'PACKAGE', 'PACKAGE_ITEM', 'PRICE_LIST', 'ORGANIZATION')),
  entity_id uuid NOT NULL,
  package_id uuid,
  service_id uuid,
  version integer,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  user_id text NOT NULL,
  tenant_id uuid NOT NULL,
  -- [{"field", "before", "after"}], before/after as JSON text or null.
  changes jsonb NOT NULL,
  -- What visibility needs, as it was when the event happened.
  clinic_sharing text NOT NULL CHECK (clinic_sharing IN ('CENTRAL_ONLY', 'BETWEEN_CLINICS')),
  owner_tenant_id uuid,
  shared_before boolean,
  shared_after boolean,
  package_owner_tenant_id uuid,
  package_shared boolean,
  service_owner_tenant_id uuid,
  service_shared boolean,
  added_by_tenant_id uuid,
  -- PRICE_LIST_ENTRIES_CHANGED: what each entry's visibility needs, in the order of `changes`:
  -- [{"serviceOwnerTenantId", "serviceShared", "clinicId"}] (entries are filtered one by one).
  entry_sights jsonb,
  PRIMARY KEY (organization_id, tx_id, seq),
  FOREIGN KEY (organization_id, tenant_id) REFERENCES tenants (organization_id, id)
);
-- history: an entity's events, and a package's item events, newest first.
CREATE INDEX catalog_events_by_entity ON catalog_events (organization_id, entity_id, tx_id, seq);
CREATE INDEX catalog_events_by_package ON catalog_events (organization_id, package_id, tx_id, seq) WHERE package_id IS NOT NULL;

GRANT SELECT, INSERT ON catalog_events TO clinic_catalog_app;
ALTER TABLE catalog_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog_events FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON catalog_events
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- A tenant's webhooks. The feed position (feed_tx_id, feed_seq) is how far the webhook's events
-- have been turned into deliveries; it starts at the feed's horizon when the webhook is created
-- (and again when it is reactivated). Transactions at or past that horizon that had already
-- committed then are in started_snapshot and are skipped: the webhook receives exactly the events
-- committed after its creation.
CREATE TABLE webhooks (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL,
  url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  event_types text[] NOT NULL,
  description text CHECK (length(description) <= 2000),
  secret text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  feed_tx_id bigint NOT NULL,
  feed_seq integer NOT NULL,
  -- pg_current_snapshot() as text.
  started_snapshot text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, tenant_id) REFERENCES tenants (organization_id, id)
);
CREATE INDEX webhooks_by_tenant ON webhooks (organization_id, tenant_id, created_at);
CREATE INDEX webhooks_active ON webhooks (organization_id, id) WHERE active;

-- One event to one webhook. Only the first PENDING delivery of a webhook (in feed order) may be
-- sent, by the worker holding its lease (locked_until, locked_by): one at a time per webhook, in
-- order, never by two servers at once; a server that dies leaves its lease to expire.
CREATE TABLE webhook_deliveries (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  webhook_id uuid NOT NULL,
  event_tx_id bigint NOT NULL,
  event_seq integer NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts integer NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz DEFAULT now(),
  delivered_at timestamptz,
  locked_until timestamptz,
  locked_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, webhook_id, event_tx_id, event_seq),
  FOREIGN KEY (organization_id, webhook_id) REFERENCES webhooks (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, event_tx_id, event_seq) REFERENCES catalog_events (organization_id, tx_id, seq)
);
-- The worker's claim: pending deliveries that are due, across organizations.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';

GRANT SELECT, INSERT, UPDATE, DELETE ON webhooks, webhook_deliveries TO clinic_catalog_app;
ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON webhooks
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON webhook_deliveries
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The worker's one path across organizations: these two functions run as the table owner and
-- return only what names work to do (organization, webhook, delivery); the worker then reads and
-- writes inside each organization like a request does.

-- The functions' owner (who ran this migration) passes Row Level Security only while a function
-- has app.webhook_worker on (a superuser owner bypasses it anyway).
DO $$
BEGIN
  EXECUTE format($p$CREATE POLICY webhook_worker ON catalog_events FOR SELECT TO %I
                    USING (current_setting('app.webhook_worker', true) = 'on')$p$, current_user);
  EXECUTE format($p$CREATE POLICY webhook_worker ON webhooks FOR SELECT TO %I
                    USING (current_setting('app.webhook_worker', true) = 'on')$p$, current_user);
  EXECUTE format($p$CREATE POLICY webhook_worker ON webhook_deliveries TO %I
                    USING (current_setting('app.webhook_worker', true) = 'on')$p$, current_user);
END
$$;

-- Active webhooks of any organization with committed events past their feed position.
CREATE FUNCTION webhooks_behind_feed(max_rows integer) RETURNS TABLE (organization_id uuid, tenant_id uuid, webhook_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET app.webhook_worker = 'on'
  AS $$
    SELECT w.organization_id, w.tenant_id, w.id FROM webhooks w
     WHERE w.active AND EXISTS (
       SELECT 1 FROM catalog_events e
        WHERE e.organization_id = w.organization_id AND (e.tx_id, e.seq) > (w.feed_tx_id, w.feed_seq)
          AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
     LIMIT max_rows
  $$;

-- Leases the first pending delivery of webhooks with nothing leased, when it is due: each lease
-- counts one attempt. SKIP LOCKED lets several servers claim side by side without waiting.
CREATE FUNCTION claim_webhook_deliveries(worker text, lease_ms integer, max_rows integer)
  RETURNS TABLE (organization_id uuid, tenant_id uuid, delivery_id uuid, webhook_id uuid, attempts integer)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public SET app.webhook_worker = 'on'
  AS $$
    WITH due AS (
      SELECT d.organization_id, d.id, w.tenant_id FROM webhook_deliveries d
        JOIN webhooks w ON w.organization_id = d.organization_id AND w.id = d.webhook_id AND w.active
       WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
         AND (d.locked_until IS NULL OR d.locked_until < now())
         AND NOT EXISTS (
           SELECT 1 FROM webhook_deliveries e
            WHERE e.organization_id = d.organization_id AND e.webhook_id = d.webhook_id AND e.status = 'PENDING'
              AND ((e.event_tx_id, e.event_seq) < (d.event_tx_id, d.event_seq) OR e.locked_until >= now()))
       ORDER BY d.next_attempt_at
       LIMIT max_rows
       FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_deliveries d
       SET locked_until = clock_timestamp() + make_interval(secs => lease_ms / 1000.0), locked_by = worker, attempts = d.attempts + 1
      FROM due WHERE d.organization_id = due.organization_id AND d.id = due.id
    RETURNING d.organization_id, due.tenant_id, d.id, d.webhook_id, d.attempts
  $$;

-- For the metric catalog_feed_oldest_undelivered_event_age_seconds: how long ago the oldest event
-- that an active webhook still has to receive happened (pending deliveries, and events past a
-- webhook's feed position); null when there is none.
CREATE FUNCTION oldest_undelivered_event_age() RETURNS double precision
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET app.webhook_worker = 'on'
  AS $$
    SELECT extract(epoch FROM clock_timestamp() - min(oldest)) FROM (
      SELECT min(e.occurred_at) AS oldest FROM webhook_deliveries d
        JOIN webhooks w ON w.organization_id = d.organization_id AND w.id = d.webhook_id AND w.active
        JOIN catalog_events e ON e.organization_id = d.organization_id AND e.tx_id = d.event_tx_id AND e.seq = d.event_seq
       WHERE d.status = 'PENDING'
      UNION ALL
      SELECT (SELECT e.occurred_at FROM catalog_events e
               WHERE e.organization_id = w.organization_id AND (e.tx_id, e.seq) > (w.feed_tx_id, w.feed_seq)
               ORDER BY e.tx_id, e.seq LIMIT 1)
        FROM webhooks w WHERE w.active
    ) behind
  $$;

REVOKE ALL ON FUNCTION oldest_undelivered_event_age() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oldest_undelivered_event_age() TO clinic_catalog_app;
REVOKE ALL ON FUNCTION webhooks_behind_feed(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_webhook_deliveries(text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION webhooks_behind_feed(integer) TO clinic_catalog_app;
GRANT EXECUTE ON FUNCTION claim_webhook_deliveries(text, integer, integer) TO clinic_catalog_app;
