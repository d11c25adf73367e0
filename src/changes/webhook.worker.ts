import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { RequestTransaction } from '../request/request-transaction';
import { DomainError } from '../errors';
import type { Logger } from '../logger';
import { enterTenant } from '../tenancy/tenancy.store';
import type { TenantScope } from '../tenancy/viewer';
import { CatalogEventRepository, EVENTS_CHANNEL } from './catalog-event.repository';
import { measureFeedAgeWith, webhookDeliveries } from '../observability/metrics';
import { claimDeliveries, oldestUndeliveredEventAge, webhooksBehindFeed, WebhookRepository, type AttemptOutcome, type DeliveryToSend, type WorkRef } from './webhook.repository';
import { send, signature } from './webhook.sender';
import { checkUrl } from './webhook-url';

/** Webhooks whose new events are turned into deliveries per pass, and events read per webhook. */
const FAN_OUT_BATCH = 50;
const FAN_OUT_EVENTS = 500;
/** Deliveries claimed per pass (one per webhook at most: each webhook sends in order). */
const CLAIM_BATCH = 10;
/** Retries never wait longer than this (api.md). */
const MAX_RETRY_DELAY_MS = 3_600_000;

/** webhook_deliveries_total{status}: what each attempt came to. */
const ATTEMPT_LABELS = { DELIVERED: 'delivered', PENDING: 'retrying', FAILED: 'failed' } as const;

/** Retry n (after n failed attempts) waits base x 2^(n-1), at most an hour; no jitter. */
export function retryDelayMs(baseMs: number, failedAttempts: number): number {
  return Math.min(baseMs * 2 ** (failedAttempts - 1), MAX_RETRY_DELAY_MS);
}

/** The small JSON notification (api.md): receivers read the details through the API. */
export function deliveryBody(delivery: DeliveryToSend): string {
  const { event } = delivery.event;
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    organizationId: delivery.organizationId,
    tenantId: event.tenantId,
    userId: event.userId,
    entityType: event.entityType,
    entityId: event.entityId,
    packageId: event.packageId,
    version: event.version,
  });
}

/**
 * Delivers webhooks from every server process. Work is found through the database only: woken by
 * LISTEN/NOTIFY when events commit, and by polling as a fallback (a missed notification, a retry
 * coming due, another server's death). Each step is a short transaction of its own; no transaction
 * is open while a receiver is called, as it would hold back the feed's horizon for everyone.
 */
export class WebhookWorker {
  /** The lease holder's name in webhook_deliveries.locked_by. */
  readonly id = `worker-${randomUUID()}`;
  private listener: Client | null = null;
  private poll: NodeJS.Timeout | null = null;
  private readonly retries = new Set<NodeJS.Timeout>();
  private running: Promise<void> | null = null;
  private stopMeasuring: (() => void) | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly databaseUrl: string,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.poll = setInterval(() => this.wake(), this.config.webhooks.pollMs);
    this.poll.unref();
    this.stopMeasuring = measureFeedAgeWith(() => this.outside(oldestUndeliveredEventAge));
    this.wake();
  }

  /** Stops taking work and lets the deliveries in flight finish (each bounded by WEBHOOK_TIMEOUT_MS); one cut short is retried once its lease ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopMeasuring?.();
    if (this.poll) clearInterval(this.poll);
    for (const timer of this.retries) clearTimeout(timer);
    await this.running;
    await this.listener?.end().catch(() => undefined);
  }

  /** Runs a pass now, or right after the one running. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.passes()
      .catch((error: unknown) => this.log.error({ err: error }, 'webhook worker pass failed'))
      .finally(() => {
        this.running = null;
      });
  }

  private async listen(): Promise<void> {
    const listener = new Client({ connectionString: this.databaseUrl });
    listener.on('notification', () => this.wake());
    // A lost listener only slows delivery down to the polling pace; it is opened again.
    listener.on('error', (error) => {
      this.log.warn({ err: error }, 'webhook listener lost; polling until it is back');
      this.listener = null;
      setTimeout(() => void this.reconnect(), this.config.webhooks.pollMs).unref();
    });
    await listener.connect();
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.listener = listener;
  }

  private async reconnect(): Promise<void> {
    if (this.stopped || this.listener) return;
    await this.listen().catch(() => setTimeout(() => void this.reconnect(), this.config.webhooks.pollMs).unref());
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      await this.fanOut();
      while (!this.stopped && (await this.deliverDue()) === CLAIM_BATCH);
    } while (this.again && !this.stopped);
  }

  /** A short transaction entered like a request of `tenantId`, committed when `work` succeeds. */
  private async inTenant<T>(tenantId: string, work: (tx: RequestTransaction, scope: TenantScope) => Promise<T>): Promise<T | null> {
    const tx = await RequestTransaction.begin(this.dataSource, this.config);
    try {
      const scope = await enterTenant(tx, tenantId);
      const result = scope ? await work(tx, scope) : null;
      await tx.commit();
      return result;
    } finally {
      await tx.rollback();
    }
  }

  /** A short transaction on the worker's cross-organization path. */
  private async outside<T>(work: (tx: RequestTransaction) => Promise<T>): Promise<T> {
    const tx = await RequestTransaction.begin(this.dataSource, this.config);
    try {
      const result = await work(tx);
      await tx.commit();
      return result;
    } finally {
      await tx.rollback();
    }
  }

  /** New feed events become deliveries: each webhook's events as its tenant sees them, filtered by type. */
  private async fanOut(): Promise<void> {
    const behind = await this.outside((tx) => webhooksBehindFeed(tx, FAN_OUT_BATCH));
    for (const ref of behind) {
      while (!this.stopped && (await this.fanOutWindow(ref)) === FAN_OUT_EVENTS);
    }
  }

  /** One window of a webhook's feed into deliveries; answers how many events it read (0 when another server holds the webhook). */
  private async fanOutWindow(ref: WorkRef): Promise<number> {
    const read = await this.inTenant(ref.tenantId, async (tx, scope) => {
      const webhooks = new WebhookRepository(tx, scope);
      const target = await webhooks.lockForFanOut(ref.webhookId);
      if (!target) return 0;
      const window = await new CatalogEventRepository(tx, scope).feedWindow(target.feed, FAN_OUT_EVENTS);
      if (window.scanned.length === 0) return 0;
      const types = target.webhook.eventTypes;
      const wanted = window.events.filter(({ event }) => types.length === 0 || types.includes(event.type));
      await webhooks.addDeliveries(ref.webhookId, wanted.map(({ position }) => position), window.scanned[window.scanned.length - 1]);
      return window.scanned.length;
    });
    return read ?? 0;
  }

  /** Claims due deliveries and sends them side by side (different webhooks); answers how many were claimed. */
  private async deliverDue(): Promise<number> {
    const leaseMs = this.config.webhooks.timeoutMs + 5_000;
    const claimed = await this.outside((tx) => claimDeliveries(tx, this.id, leaseMs, CLAIM_BATCH));
    await Promise.all(claimed.map((ref) => this.deliver(ref).catch((error: unknown) => this.log.error({ err: error, deliveryId: ref.deliveryId }, 'webhook delivery failed'))));
    return claimed.length;
  }

  private async deliver(ref: WorkRef): Promise<void> {
    const delivery = await this.inTenant(ref.tenantId, (tx, scope) => new WebhookRepository(tx, scope).claimedDelivery(ref.deliveryId!, this.id));
    if (!delivery) return;
    const outcome = await this.attempt(delivery);
    await this.inTenant(ref.tenantId, (tx, scope) => new WebhookRepository(tx, scope).recordAttempt(delivery.id, this.id, outcome));
    webhookDeliveries.inc({ status: ATTEMPT_LABELS[outcome.status] });
    if (outcome.retryInMs !== null) {
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        this.wake();
      }, outcome.retryInMs);
      timer.unref();
      this.retries.add(timer);
    }
    this.log.info({ deliveryId: delivery.id, webhookId: delivery.target.webhook.id, status: outcome.status, attempts: delivery.attempts, error: outcome.error }, 'webhook delivery attempt');
  }

  /** One attempt, no transaction open: the address checked again and pinned, signed anew. */
  private async attempt(delivery: DeliveryToSend): Promise<AttemptOutcome> {
    const { timeoutMs, retryBaseMs, maxAttempts, allowPrivateUrls } = this.config.webhooks;
    const body = deliveryBody(delivery);
    let result: { delivered: boolean; statusCode: number | null; error?: string };
    try {
      const checked = await checkUrl(new URL(delivery.target.webhook.url), { refusePrivate: this.config.production && !allowPrivateUrls });
      const timestamp = Math.floor(Date.now() / 1000);
      result = await send(
        checked,
        {
          'content-type': 'application/json',
          'user-agent': 'clinic-catalog-webhooks',
          'x-catalog-event-id': delivery.event.event.id,
          'x-catalog-delivery-id': delivery.id,
          'x-catalog-webhook-id': delivery.target.webhook.id,
          'x-catalog-timestamp': String(timestamp),
          'x-catalog-signature': signature(delivery.target.secret, timestamp, body),
        },
        body,
        timeoutMs,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      result = { delivered: false, statusCode: null, error: `address refused: ${error.message}` };
    }
    if (result.delivered) return { status: 'DELIVERED', statusCode: result.statusCode, error: null, retryInMs: null };
    const failed = delivery.attempts >= maxAttempts;
    return {
      status: failed ? 'FAILED' : 'PENDING',
      statusCode: result.statusCode,
      error: result.error ?? null,
      retryInMs: failed ? null : retryDelayMs(retryBaseMs, delivery.attempts),
    };
  }
}
