import type { RequestTransaction } from '../request/request-transaction';
import type { TenantScope } from '../tenancy/viewer';
import { EVENT_COLUMNS, toSeenEvent, type FeedPosition, type SeenEvent } from './catalog-event.repository';
import type { CatalogEventType } from './catalog-event.types';
import { Webhook, WebhookDelivery, type WebhookDeliveryStatus } from './webhook.types';

/**
 * The one door to webhooks and webhook_deliveries (migration 0009). `WebhookRepository` serves a
 * tenant's requests and the worker's steps inside one organization; `claimWork` and
 * `webhooksBehindFeed` are the worker's one narrow path across organizations.
 */

const WEBHOOK_COLUMNS = 'w.id, w.tenant_id, w.url, w.event_types, w.description, w.active, w.created_at';

function toWebhook(row: Record<string, unknown>): Webhook {
  return Object.assign(new Webhook(), {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    url: row.url as string,
    eventTypes: row.event_types as CatalogEventType[],
    description: row.description as string | null,
    active: row.active as boolean,
    createdAt: row.created_at as Date,
  });
}

/** A webhook as the worker needs it: where to send, how to sign, which events, and how far its feed is read. */
export interface WebhookTarget {
  webhook: Webhook;
  secret: string;
  feed: FeedPosition;
}

/** A claimed delivery with all it needs to be sent, read inside its organization. */
export interface DeliveryToSend {
  id: string;
  attempts: number;
  target: WebhookTarget;
  event: SeenEvent;
  organizationId: string;
}

/** The outcome of one attempt, as recorded. */
export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  statusCode: number | null;
  error: string | null;
  /** For a PENDING delivery: the delay before the next attempt. */
  retryInMs: number | null;
}

export class WebhookRepository {
  constructor(
    private readonly tx: RequestTransaction,
    private readonly scope: TenantScope,
  ) {}

  /** Reads the feed from its horizon on: the webhook receives what commits after its creation. */
  async create(fields: { url: string; eventTypes: CatalogEventType[]; description: string | null; secret: string }): Promise<Webhook> {
    const [row] = await this.tx.query(
      `INSERT INTO webhooks AS w (organization_id, tenant_id, url, event_types, description, secret, feed_tx_id, feed_seq, started_snapshot)
       VALUES ($1, $2, $3, $4, $5, $6, pg_snapshot_xmin(pg_current_snapshot())::text::bigint, 0, pg_current_snapshot()::text) RETURNING ${WEBHOOK_COLUMNS}`,
      [this.scope.organizationId, this.scope.tenantId, fields.url, fields.eventTypes, fields.description, fields.secret],
    );
    return toWebhook(row);
  }

  /** The viewer tenant's webhooks, oldest first. */
  async listOwn(): Promise<Webhook[]> {
    const rows = await this.tx.query(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks w WHERE w.organization_id = $1 AND w.tenant_id = $2 ORDER BY w.created_at, w.id`,
      [this.scope.organizationId, this.scope.tenantId],
    );
    return rows.map(toWebhook);
  }

  /** One of the viewer tenant's webhooks, locked for a change; null for any other. */
  async lockOwn(id: string): Promise<Webhook | null> {
    const [row] = await this.tx.query(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks w WHERE w.organization_id = $1 AND w.tenant_id = $2 AND w.id = $3 FOR UPDATE`,
      [this.scope.organizationId, this.scope.tenantId, id],
    );
    return row ? toWebhook(row) : null;
  }

  /**
   * Deactivated: its pending deliveries end FAILED (no backlog). Reactivated: it reads the feed
   * from now on, not what happened meanwhile.
   */
  async setActive(id: string, active: boolean): Promise<Webhook> {
    const [row] = await this.tx.query(
      `UPDATE webhooks w SET active = $3, updated_at = now(),
              feed_tx_id = CASE WHEN $3 THEN pg_snapshot_xmin(pg_current_snapshot())::text::bigint ELSE feed_tx_id END,
              feed_seq = CASE WHEN $3 THEN 0 ELSE feed_seq END,
              started_snapshot = CASE WHEN $3 THEN pg_current_snapshot()::text ELSE started_snapshot END
        WHERE w.organization_id = $1 AND w.id = $2 RETURNING ${WEBHOOK_COLUMNS}`,
      [this.scope.organizationId, id, active],
    );
    if (!active) {
      await this.tx.query(
        `UPDATE webhook_deliveries SET status = 'FAILED', last_error = 'webhook deactivated', next_attempt_at = NULL,
                locked_until = NULL, locked_by = NULL
          WHERE organization_id = $1 AND webhook_id = $2 AND status = 'PENDING'`,
        [this.scope.organizationId, id],
      );
    }
    return toWebhook(row);
  }

  /** With its delivery log (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.tx.query('DELETE FROM webhooks WHERE organization_id = $1 AND id = $2', [this.scope.organizationId, id]);
  }

  /** A page of a webhook's deliveries, newest first (by the event's feed position), each with its event. */
  async deliveries(webhookId: string, before: FeedPosition | null, limit: number): Promise<{ position: FeedPosition; delivery: WebhookDelivery }[]> {
    const params: unknown[] = [this.scope.organizationId, webhookId, limit];
    if (before) params.push(before.txId, before.seq);
    const rows = await this.tx.query(
      `SELECT d.id AS delivery_id, d.status, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at, d.delivered_at, ${EVENT_COLUMNS}
         FROM webhook_deliveries d
         JOIN catalog_events e ON e.organization_id = d.organization_id AND e.tx_id = d.event_tx_id AND e.seq = d.event_seq
        WHERE d.organization_id = $1 AND d.webhook_id = $2${before ? ' AND (d.event_tx_id, d.event_seq) < ($4::bigint, $5::int)' : ''}
        ORDER BY d.event_tx_id DESC, d.event_seq DESC LIMIT $3`,
      params,
    );
    return rows.flatMap((row) => {
      // A delivery was made of an event its tenant saw; it still does (visibility is fixed at the event).
      const seen = toSeenEvent(this.scope, row);
      if (!seen) return [];
      const delivery = Object.assign(new WebhookDelivery(), {
        id: row.delivery_id as string,
        event: seen.event,
        status: row.status as WebhookDeliveryStatus,
        attempts: row.attempts as number,
        lastStatusCode: row.last_status_code as number | null,
        lastError: row.last_error as string | null,
        nextAttemptAt: row.next_attempt_at as Date | null,
        deliveredAt: row.delivered_at as Date | null,
      });
      return [{ position: seen.position, delivery }];
    });
  }

  /** The worker's fan-out step: the webhook, locked, unless another server is at it (then null). */
  async lockForFanOut(id: string): Promise<WebhookTarget | null> {
    const [row] = await this.tx.query(
      `SELECT ${WEBHOOK_COLUMNS}, w.secret, w.feed_tx_id::text AS feed_tx_id, w.feed_seq FROM webhooks w
        WHERE w.organization_id = $1 AND w.id = $2 AND w.active FOR UPDATE SKIP LOCKED`,
      [this.scope.organizationId, id],
    );
    return row ? toTarget(row) : null;
  }

  /**
   * Turns events into deliveries, in feed order, but those of transactions that had committed when
   * the webhook started; and moves its feed position to `readUpTo`.
   */
  async addDeliveries(webhookId: string, events: FeedPosition[], readUpTo: FeedPosition): Promise<void> {
    await this.tx.query(
      `WITH added AS (
         INSERT INTO webhook_deliveries (organization_id, webhook_id, event_tx_id, event_seq)
         SELECT $1, $2, t::bigint, s FROM unnest($3::text[], $4::int[]) AS a(t, s)
          WHERE NOT pg_visible_in_snapshot(t::xid8, (SELECT started_snapshot::pg_snapshot FROM webhooks WHERE organization_id = $1 AND id = $2))
         ON CONFLICT DO NOTHING
       )
       UPDATE webhooks SET feed_tx_id = $5::bigint, feed_seq = $6 WHERE organization_id = $1 AND id = $2`,
      [this.scope.organizationId, webhookId, events.map((event) => event.txId), events.map((event) => event.seq), readUpTo.txId, readUpTo.seq],
    );
  }

  /** A delivery this worker holds the lease of, with its webhook and event; null when the lease was lost or the webhook went away. */
  async claimedDelivery(deliveryId: string, worker: string): Promise<DeliveryToSend | null> {
    const [row] = await this.tx.query(
      `SELECT d.id AS delivery_id, d.attempts, ${WEBHOOK_COLUMNS}, w.secret, w.feed_tx_id::text AS feed_tx_id, w.feed_seq, ${EVENT_COLUMNS}
         FROM webhook_deliveries d
         JOIN webhooks w ON w.organization_id = d.organization_id AND w.id = d.webhook_id
         JOIN catalog_events e ON e.organization_id = d.organization_id AND e.tx_id = d.event_tx_id AND e.seq = d.event_seq
        WHERE d.organization_id = $1 AND d.id = $2 AND d.locked_by = $3 AND d.status = 'PENDING' AND w.active`,
      [this.scope.organizationId, deliveryId, worker],
    );
    if (!row) return null;
    const event = toSeenEvent(this.scope, row);
    if (!event) return null;
    return { id: row.delivery_id as string, attempts: row.attempts as number, target: toTarget(row), event, organizationId: this.scope.organizationId };
  }

  /** Records one attempt and releases the lease, unless the lease was lost meanwhile (then nothing changes). */
  async recordAttempt(deliveryId: string, worker: string, outcome: AttemptOutcome): Promise<void> {
    await this.tx.query(
      `UPDATE webhook_deliveries
          SET status = $4, last_status_code = $5, last_error = $6,
              next_attempt_at = CASE WHEN $4 = 'PENDING' THEN clock_timestamp() + make_interval(secs => $7::double precision / 1000) END,
              delivered_at = CASE WHEN $4 = 'DELIVERED' THEN clock_timestamp() END,
              locked_until = NULL, locked_by = NULL
        WHERE organization_id = $1 AND id = $2 AND locked_by = $3`,
      [this.scope.organizationId, deliveryId, worker, outcome.status, outcome.statusCode, outcome.error, outcome.retryInMs ?? 0],
    );
  }
}

function toTarget(row: Record<string, unknown>): WebhookTarget {
  return { webhook: toWebhook(row), secret: row.secret as string, feed: { txId: row.feed_tx_id as string, seq: row.feed_seq as number } };
}

/** Work found across organizations: which tenant's transaction to open for it. */
export interface WorkRef {
  organizationId: string;
  tenantId: string;
  webhookId: string;
  deliveryId?: string;
}

/** Active webhooks anywhere with committed events past their feed position (migration 0009's function). */
export async function webhooksBehindFeed(tx: RequestTransaction, max: number): Promise<WorkRef[]> {
  const rows = await tx.query<{ organization_id: string; tenant_id: string; webhook_id: string }>('SELECT * FROM webhooks_behind_feed($1)', [max]);
  return rows.map((row) => ({ organizationId: row.organization_id, tenantId: row.tenant_id, webhookId: row.webhook_id }));
}

/** Leases due deliveries anywhere, the first pending one of each webhook (migration 0009's function); each lease is one attempt. */
export async function claimDeliveries(tx: RequestTransaction, worker: string, leaseMs: number, max: number): Promise<WorkRef[]> {
  const rows = await tx.query<{ organization_id: string; tenant_id: string; webhook_id: string; delivery_id: string }>(
    'SELECT * FROM claim_webhook_deliveries($1, $2, $3)',
    [worker, leaseMs, max],
  );
  return rows.map((row) => ({ organizationId: row.organization_id, tenantId: row.tenant_id, webhookId: row.webhook_id, deliveryId: row.delivery_id }));
}

/** Seconds since the oldest event an active webhook still has to receive happened; null when none (migration 0009's function). */
export async function oldestUndeliveredEventAge(tx: RequestTransaction): Promise<number | null> {
  const [row] = await tx.query<{ age: number | null }>('SELECT oldest_undelivered_event_age() AS age');
  return row.age;
}
