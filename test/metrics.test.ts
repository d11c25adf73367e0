import { MAX_OPERATION_NAMES, measureFeedAgeWith } from '../src/observability/metrics';
import { TestServer, type Chain } from './support/harness';

/** GET /metrics as Prometheus scrapes it, and its series moving as requests are made. */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(server: TestServer, token?: string): Promise<Sample[]> {
  const response = await fetch(`${server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseMetrics(await response.text());
}

/** The value of the one series with these labels; 0 when it does not exist yet. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted));
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value ?? 0;
}

async function post(server: TestServer, body: unknown, token?: string): Promise<number> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

describe('GET /metrics in development (no METRICS_TOKEN)', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 1 });
  });

  afterAll(() => server.stop());

  it('is open and exposes every series api.md names, with the process’s default metrics', async () => {
    const response = await fetch(`${server.url}/metrics`);
    const text = await response.text();
    for (const name of [
      'http_request_duration_seconds',
      'graphql_operations_total',
      'db_pool_connections',
      'webhook_deliveries_total',
      'catalog_feed_oldest_undelivered_event_age_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const samples = parseMetrics(text);
    expect(value(samples, 'db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(samples.some((sample) => sample.name === 'db_pool_connections' && sample.labels.state === 'idle')).toBe(true);
  });

  it('counts operations by type, name and code, and request durations by route and status', async () => {
    const before = await scrape(server);
    const token = chain.clinics[0].staff;
    expect(await post(server, { query: 'query MetricsProbe { me { userId } }', operationName: 'MetricsProbe' }, token)).toBe(200);
    expect(await post(server, { query: 'query MetricsProbe { me { userId } }' }, token)).toBe(200);
    // STAFF may not create services: FORBIDDEN, under the mutation's name.
    expect(await post(server, { query: 'mutation MetricsRefused { createService(input: { name: "X", price: "1.00" }) { id } }' }, token)).toBe(200);
    expect(await post(server, { query: '{ me { userId } }' }, token)).toBe(200);
    expect(await post(server, { query: 'query MetricsBroken { me {' }, token)).toBe(400);
    expect(await post(server, { query: 'query MetricsNoToken { me { userId } }', operationName: 'MetricsNoToken' })).toBe(401);
    expect((await fetch(`${server.url}/no/such/route/${Date.now()}`)).status).toBe(404);
    const after = await scrape(server);

    const moved = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    expect(moved('graphql_operations_total', { type: 'query', name: 'MetricsProbe', code: 'OK' })).toBe(2);
    expect(moved('graphql_operations_total', { type: 'mutation', name: 'MetricsRefused', code: 'FORBIDDEN' })).toBe(1);
    expect(moved('graphql_operations_total', { type: 'query', name: 'anonymous', code: 'OK' })).toBe(1);
    expect(moved('graphql_operations_total', { type: 'unknown', name: 'anonymous', code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    expect(moved('graphql_operations_total', { type: 'unknown', name: 'MetricsNoToken', code: 'UNAUTHENTICATED' })).toBe(1);
    expect(moved('http_request_duration_seconds_count', { route: '/graphql', status: '200' })).toBe(4);
    expect(moved('http_request_duration_seconds_count', { route: '/graphql', status: '400' })).toBe(1);
    expect(moved('http_request_duration_seconds_count', { route: '/graphql', status: '401' })).toBe(1);
    // Unknown paths share one series: a scanner cannot make one per path.
    expect(moved('http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(1);
    expect(moved('http_request_duration_seconds_sum', { route: '/graphql', status: '200' })).toBeGreaterThan(0);
    expect(moved('http_request_duration_seconds_bucket', { route: '/graphql', status: '200', le: '+Inf' })).toBe(4);
    expect(after.some((sample) => sample.labels.route?.includes('/no/such'))).toBe(false);
  });

  it(`records operation names past the first ${MAX_OPERATION_NAMES} distinct ones as other`, async () => {
    const token = chain.clinics[0].staff;
    const batches = Array.from({ length: 21 }, (_, batch) =>
      Array.from({ length: 10 }, (_, index) => ({ query: `query Name${batch * 10 + index} { me { userId } }` })),
    );
    for (const batch of batches) expect(await post(server, batch, token)).toBe(200);
    const samples = (await scrape(server)).filter((sample) => sample.name === 'graphql_operations_total');
    const names = new Set(samples.map((sample) => sample.labels.name).filter((name) => name !== 'other' && name !== 'anonymous'));
    expect(names.size).toBe(MAX_OPERATION_NAMES);
    expect(value(samples, 'graphql_operations_total', { type: 'query', name: 'other', code: 'OK' })).toBeGreaterThanOrEqual(10);
    // A name seen before the limit keeps its own series.
    expect(await post(server, { query: 'query MetricsProbe { me { userId } }' }, token)).toBe(200);
    expect(value(await scrape(server), 'graphql_operations_total', { type: 'query', name: 'MetricsProbe', code: 'OK' })).toBe(3);
  });

  it('reads the change feed’s oldest undelivered event age when the feed reports it, 0 until then', async () => {
    expect(value(await scrape(server), 'catalog_feed_oldest_undelivered_event_age_seconds')).toBe(0);
    const stop = measureFeedAgeWith(async () => 42.5);
    expect(value(await scrape(server), 'catalog_feed_oldest_undelivered_event_age_seconds')).toBe(42.5);
    stop();
    expect(value(await scrape(server), 'catalog_feed_oldest_undelivered_event_age_seconds')).toBe(0);
  });
});

describe('GET /metrics access', () => {
  it('with METRICS_TOKEN set needs that bearer token (401 without it or with another)', async () => {
    const server = await TestServer.start({ metricsToken: 'scrape-secret' });
    try {
      for (const authorization of [undefined, 'Bearer wrong', 'scrape-secret', 'Bearer scrape-secret-and-more']) {
        const response = await fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
        expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
      await scrape(server, 'scrape-secret');
    } finally {
      await server.stop();
    }
  });

  it('in production without METRICS_TOKEN does not exist (404); with it, needs it', async () => {
    const hidden = await TestServer.start({ production: true });
    try {
      expect((await fetch(`${hidden.url}/metrics`)).status).toBe(404);
    } finally {
      await hidden.stop();
    }
    const guarded = await TestServer.start({ production: true, metricsToken: 'prod-scrape' });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      await scrape(guarded, 'prod-scrape');
    } finally {
      await guarded.stop();
    }
  });
});
