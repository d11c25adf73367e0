import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (GET /metrics), one registry per process as Prometheus scrapes
 * a process. Recording is a label lookup and an addition: one histogram observation per HTTP
 * request and one counter increment per GraphQL operation, never anything per field.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Operation names are chosen by clients: past this many distinct names they are recorded as `other`. */
export const MAX_OPERATION_NAMES = 200;

const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by route (the matched route pattern, or "unmatched") and status, from arrival until the response is sent or abandoned.',
  labelNames: ['route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

const graphqlOperations = new Counter({
  name: 'graphql_operations_total',
  help: `GraphQL operations by type (query, mutation, or "unknown" when it was not parsed), name ("anonymous" without one; "other" past the first ${MAX_OPERATION_NAMES} distinct names) and code ("OK" or the first error's code).`,
  labelNames: ['type', 'name', 'code'] as const,
  registers: [registry],
});

/** Webhook deliveries by outcome; the change feed's worker counts them (`webhookDeliveries.inc({ status })`). */
export const webhookDeliveries = new Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook delivery attempts by status.',
  labelNames: ['status'] as const,
  registers: [registry],
});

/** Pools of the servers running in this process (one in production; tests start several). */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const pools = new Set<PoolCounts>();

new Gauge({
  name: 'db_pool_connections',
  help: 'Database pool connections: total (open), idle, and waiting (requests queued for a connection).',
  labelNames: ['state'] as const,
  collect() {
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of pools) {
      total += pool.totalCount;
      idle += pool.idleCount;
      waiting += pool.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
  registers: [registry],
});

/** Reports the pool's connections until the returned function is called (when the server stops). */
export function watchPool(pool: PoolCounts): () => void {
  pools.add(pool);
  return () => pools.delete(pool);
}

type FeedAgeSource = () => Promise<number | null> | number | null;
/** The sources registered, latest last: one per running server (tests run several in one process). */
const feedAgeSources: FeedAgeSource[] = [];

new Gauge({
  name: 'catalog_feed_oldest_undelivered_event_age_seconds',
  help: 'Age of the oldest change-feed event not yet delivered to every active webhook; 0 when there is none.',
  async collect() {
    this.set((await feedAgeSources[feedAgeSources.length - 1]?.()) ?? 0);
  },
  registers: [registry],
});

/**
 * The change feed tells, at each scrape, how old its oldest undelivered event is (seconds, or null
 * for none); the latest source registered answers. Until one is, the gauge reads 0. Returns the
 * function that removes this source.
 */
export function measureFeedAgeWith(source: FeedAgeSource): () => void {
  feedAgeSources.push(source);
  return () => {
    const index = feedAgeSources.indexOf(source);
    if (index >= 0) feedAgeSources.splice(index, 1);
  };
}

export function observeRequest(route: string, status: number, seconds: number): void {
  httpRequestDuration.observe({ route, status: String(status) }, seconds);
}

const operationNames = new Set<string>();

/** The name as a label: the first MAX_OPERATION_NAMES distinct names are kept, later ones are `other`. */
function operationNameLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return 'other';
  operationNames.add(name);
  return name;
}

export function countOperation(type: string, name: string | null | undefined, code: string): void {
  graphqlOperations.inc({ type, name: operationNameLabel(name), code });
}
