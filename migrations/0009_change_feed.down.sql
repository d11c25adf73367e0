-- Reverts 0009: the change history and feed, webhooks and their deliveries are dropped with their data.
DROP FUNCTION oldest_undelivered_event_age();
DROP FUNCTION claim_webhook_deliveries(text, integer, integer);
DROP FUNCTION webhooks_behind_feed(integer);
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE catalog_events;
