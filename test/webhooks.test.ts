import { createHmac } from 'node:crypto';
import { isPublicAddress } from '../src/changes/webhook-url';
import { retryDelayMs } from '../src/changes/webhook.worker';
import { createPackage, createService } from './support/catalog';
import { expectError, TestServer } from './support/harness';
import { forgetWebhooks, Receiver } from './support/receiver';

/** Webhooks over HTTP with a real receiver on 127.0.0.1 (api.md "Webhooks"). */

const WEBHOOKS = { timeoutMs: 1000, retryBaseMs: 200, maxAttempts: 3, allowPrivateUrls: false, pollMs: 200 };

let server: TestServer;
let receiver: Receiver;
beforeAll(async () => {
  server = await TestServer.start({ webhooks: WEBHOOKS });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await server.stop();
  await receiver.stop();
  await forgetWebhooks();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.answer = () => 200;
});

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url eventTypes description active createdAt } } }`;
const DELIVERIES = `{ webhooks { id deliveries(first: 50) { nodes { id status attempts lastStatusCode lastError nextAttemptAt deliveredAt event { id type entityId } } } } }`;

async function createWebhook(token: string, input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const { createWebhook: created } = await server.ok(CREATE, { input: { url: `${receiver.url}/hook`, ...input } }, token);
  return { id: created.webhook.id, secret: created.secret };
}

async function deliveries(token: string, webhookId: string): Promise<any[]> {
  const { webhooks } = await server.ok(DELIVERIES, {}, token);
  return webhooks.find((webhook: any) => webhook.id === webhookId).deliveries.nodes;
}

/** What the receiver got for one webhook (another test's webhook may still be retrying). */
const receivedBy = (webhookId: string) => receiver.received.filter((request) => request.headers['x-catalog-webhook-id'] === webhookId);

/** Waits until `check` passes (deliveries are asynchronous). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('registration', () => {
  it('ADMIN registers; the secret is shown once; STAFF is FORBIDDEN; another tenant\'s webhook is NOT_FOUND', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const { createWebhook: created } = await server.ok(CREATE, { input: { url: `${receiver.url}/a`, description: 'ERP' } }, admin);
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(created.webhook).toMatchObject({ url: `${receiver.url}/a`, eventTypes: [], description: 'ERP', active: true });
    const listed = await server.ok('{ webhooks { id url eventTypes } }', {}, admin);
    expect(listed.webhooks).toEqual([{ id: created.webhook.id, url: `${receiver.url}/a`, eventTypes: [] }]);
    expect((await server.gql('{ webhooks { secret } }', {}, admin)).status).toBe(400);

    expectError(await server.gql('{ webhooks { id } }', {}, chain.central!.staff), 'FORBIDDEN');
    expectError(await server.gql(CREATE, { input: { url: receiver.url } }, chain.central!.staff), 'FORBIDDEN');
    const setActive = 'mutation($id: ID!) { setWebhookActive(id: $id, active: false) { id } }';
    const remove = 'mutation($id: ID!) { deleteWebhook(id: $id) }';
    expectError(await server.gql(setActive, { id: created.webhook.id }, chain.central!.staff), 'FORBIDDEN');
    for (const query of [setActive, remove]) {
      expectError(await server.gql(query, { id: created.webhook.id }, chain.clinics[0].admin), 'NOT_FOUND');
    }
    expectError(await server.gql(remove, { id: 'not-an-id' }, admin), 'NOT_FOUND');
    expect((await server.ok('{ webhooks { id } }', {}, chain.clinics[0].admin)).webhooks).toEqual([]);
    expect((await server.ok(remove, { id: created.webhook.id }, admin)).deleteWebhook).toBe(true);
    expect((await server.ok('{ webhooks { id } }', {}, admin)).webhooks).toEqual([]);
  });

  it('refuses URLs that are not http(s), carry credentials or are too long, naming `url`; the description is bounded', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    for (const url of ['ftp://example.com/x', 'http://user:pw@example.com/', 'not a url', '/relative', `https://example.com/${'a'.repeat(2050)}`]) {
      expectError(await server.gql(CREATE, { input: { url } }, admin), 'BAD_USER_INPUT', 'url');
    }
    expectError(await server.gql(CREATE, { input: { url: receiver.url, description: 'x'.repeat(2001) } }, admin), 'BAD_USER_INPUT', 'description');
    expect((await server.ok('{ webhooks { id } }', {}, admin)).webhooks).toEqual([]);
  });

  it('in production refuses loopback, private, link-local and reserved addresses, however spelled, unless allowed', async () => {
    const production = await TestServer.start({ production: true, webhooks: WEBHOOKS });
    const allowing = await TestServer.start({ production: true, webhooks: { ...WEBHOOKS, allowPrivateUrls: true } });
    try {
      const chain = await production.provisionChain({ clinics: 1 });
      const admin = chain.central!.admin;
      for (const url of [
        'http://127.0.0.1:8080/',
        'http://localhost/',
        'http://10.1.2.3/',
        'http://172.20.0.1/',
        'http://192.168.1.1/',
        'http://169.254.169.254/latest/meta-data',
        'http://100.64.0.1/',
        'http://0.0.0.0/',
        'http://[::1]/',
        'http://[fd00::1]/',
        'http://[fe80::1]/',
        'http://[::ffff:127.0.0.1]/',
        'http://0x7f.1/',
        'http://2130706433/',
        'http://0177.0.0.1/',
        'http://224.0.0.1/',
        'http://240.0.0.1/',
      ]) {
        expectError(await production.gql(CREATE, { input: { url } }, admin), 'BAD_USER_INPUT', 'url');
      }
      const allowed = await allowing.ok(CREATE, { input: { url: `${receiver.url}/x` } }, admin);
      expect(allowed.createWebhook.webhook.url).toBe(`${receiver.url}/x`);
    } finally {
      await production.stop();
      await allowing.stop();
    }
  });

  it('judges addresses as public unicast only', () => {
    expect(['8.8.8.8', '1.1.1.1', '2a00:1450:4001:80b::200e'].map(isPublicAddress)).toEqual([true, true, true]);
    expect(['127.0.0.1', '10.0.0.1', '::1', '::ffff:10.0.0.1', 'fc00::1', '198.51.100.7', 'garbage'].map(isPublicAddress)).toEqual(Array(7).fill(false));
  });
});

describe('delivery', () => {
  it('POSTs a signed notification of each event committed after registration', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    await createService(server, admin);
    const { id: webhookId, secret } = await createWebhook(admin, {});
    const service = await createService(server, admin, { name: 'Blanqueamiento' });
    await eventually(async () => expect(receivedBy(webhookId)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receivedBy(webhookId)).toHaveLength(1);
    const [received] = receivedBy(webhookId);

    const { headers, body, json } = received;
    expect(headers['content-type']).toBe('application/json');
    const timestamp = Number(headers['x-catalog-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(300);
    const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    expect(headers['x-catalog-signature']).toBe(expected);
    expect(headers['x-catalog-signature']).not.toBe(`v1=${createHmac('sha256', 'another secret').update(`${timestamp}.${body}`).digest('hex')}`);
    expect(Object.keys(json)).toEqual(['id', 'type', 'occurredAt', 'organizationId', 'tenantId', 'userId', 'entityType', 'entityId', 'packageId', 'version']);
    expect(json).toMatchObject({
      type: 'SERVICE_CREATED',
      organizationId: chain.organization.id,
      tenantId: chain.central!.id,
      entityType: 'SERVICE',
      entityId: service.id,
      packageId: null,
      version: 1,
    });
    expect(headers['x-catalog-event-id']).toBe(json.id);
    expect(headers['x-catalog-webhook-id']).toBe(webhookId);

    const [delivery] = await eventually(async () => {
      const list = await deliveries(admin, webhookId);
      expect(list[0].status).toBe('DELIVERED');
      return list;
    });
    expect(delivery).toMatchObject({ id: headers['x-catalog-delivery-id'], attempts: 1, lastStatusCode: 200, lastError: null, event: { id: json.id, entityId: service.id } });
    await eventually(async () => {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(Number(/^webhook_deliveries_total\{status="delivered"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    });
  });

  it('retries with exponential backoff, in order: a later event waits until the earlier one is delivered; then FAILED after the last attempt', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const { id: webhookId } = await createWebhook(admin, {});
    const first = await createService(server, admin, { name: 'Primero' });
    const answers: (number | 'hang')[] = [500, 'hang', 200];
    receiver.answer = (_request, index) => answers[index] ?? 200;
    const second = await createService(server, admin, { name: 'Segundo' });
    await eventually(async () => expect(receivedBy(webhookId).length).toBeGreaterThanOrEqual(4));
    const received = receivedBy(webhookId);
    expect(received.map((request) => request.json.entityId)).toEqual([first.id, first.id, first.id, second.id]);
    // Retry n waits base x 2^(n-1): 200 ms after the 500, 400 ms after the timeout (1 s).
    expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(200);
    expect(received[2].at - received[1].at).toBeGreaterThanOrEqual(1000 + 400 - 50);
    expect(new Set(received.slice(0, 3).map((request) => request.headers['x-catalog-delivery-id'])).size).toBe(1);
    const list = await eventually(async () => {
      const found = await deliveries(admin, webhookId);
      expect(found.map((delivery) => delivery.status)).toEqual(['DELIVERED', 'DELIVERED']);
      return found;
    });
    expect(list[1]).toMatchObject({ attempts: 3, lastStatusCode: 200, event: { entityId: first.id } });

    // A receiver that keeps failing: FAILED after WEBHOOK_MAX_ATTEMPTS, then the next event goes.
    receiver.received.length = 0;
    receiver.answer = (request) => (request.json.entityId === third.id ? 503 : 200);
    const third = await createService(server, admin, { name: 'Tercero' });
    const fourth = await createService(server, admin, { name: 'Cuarto' });
    await eventually(async () => expect(receivedBy(webhookId).length).toBeGreaterThanOrEqual(4));
    expect(receivedBy(webhookId).map((request) => request.json.entityId)).toEqual([third.id, third.id, third.id, fourth.id]);
    const failed = await eventually(async () => {
      const found = await deliveries(admin, webhookId);
      expect(found[0].status).toBe('DELIVERED');
      return found[1];
    });
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: null, deliveredAt: null });
    expect(JSON.stringify(failed)).not.toContain('receiver body');
  });

  it('never follows a redirect', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const { id: webhookId } = await createWebhook(admin, {});
    receiver.answer = (request) => (request.headers['x-catalog-webhook-id'] === webhookId ? 302 : 200);
    await createService(server, admin);
    const [delivery] = await eventually(async () => {
      const found = await deliveries(admin, webhookId);
      expect(found[0].lastStatusCode).toBe(302);
      return found;
    });
    expect(delivery).toMatchObject({ status: 'PENDING', lastError: 'redirect not followed (HTTP 302)' });
  });

  it('delivers only the chosen types, as the webhook\'s tenant sees the events', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const clinic = chain.clinics[0];
    const { id: webhookId } = await createWebhook(clinic.admin, { eventTypes: ['SERVICE_CREATED'] });
    await createService(server, chain.central!.admin, { shared: false });
    const visible = await createService(server, chain.central!.admin);
    await createPackage(server, chain.central!.admin);
    await eventually(async () => expect(receivedBy(webhookId)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receivedBy(webhookId).map((request) => [request.json.type, request.json.entityId])).toEqual([['SERVICE_CREATED', visible.id]]);
  });

  it('a deactivated webhook receives nothing and keeps no backlog; reactivated, it receives what commits from then on', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const { id: webhookId } = await createWebhook(admin, {});
    receiver.answer = () => 500;
    await createService(server, admin);
    await eventually(async () => expect(receivedBy(webhookId).length).toBeGreaterThanOrEqual(1));
    // A pending delivery: the feed-age gauge reads its age; failed attempts are counted.
    await eventually(async () => expect((await deliveries(admin, webhookId))[0].attempts).toBeGreaterThanOrEqual(1));
    await eventually(async () => {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(Number(/^catalog_feed_oldest_undelivered_event_age_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(Number(/^webhook_deliveries_total\{status="retrying"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    });
    const off = await server.ok('mutation($id: ID!) { setWebhookActive(id: $id, active: false) { active } }', { id: webhookId }, admin);
    expect(off.setWebhookActive.active).toBe(false);
    const [dropped] = await deliveries(admin, webhookId);
    expect(dropped).toMatchObject({ status: 'FAILED', lastError: 'webhook deactivated' });
    receiver.answer = () => 200;
    await createService(server, admin);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = receivedBy(webhookId).length;
    await server.ok('mutation($id: ID!) { setWebhookActive(id: $id, active: true) { active } }', { id: webhookId }, admin);
    const later = await createService(server, admin);
    await eventually(async () => expect(receivedBy(webhookId).length).toBe(before + 1));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receivedBy(webhookId).slice(before).map((request) => request.json.entityId)).toEqual([later.id]);
  });

  it('a page of deliveries costs the same number of statements for 5 or 50', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const { id: webhookId } = await createWebhook(admin, {});
    await server.ok(`mutation { ${Array.from({ length: 55 }, (_, index) => `s${index}: createService(input: { name: "Lote ${index}", price: "1.00" }) { id }`).join('\n')} }`, {}, admin);
    await eventually(async () => expect((await deliveries(admin, webhookId)).length).toBe(50));
    const statements = async (first: number) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: `{ webhooks { id deliveries(first: ${first}) { nodes { id status event { id tenant { name } changes { field } } } } } }` }),
      });
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      return Number(response.headers.get('x-sql-statements'));
    };
    // The first reads the organization's tenants, which the server then keeps (test/tenants-kept.test.ts).
    await statements(5);
    expect(await statements(5)).toBe(await statements(50));
  });

  it('computes backoff as base x 2^(n-1), at most an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(1000, n))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(1000, 30)).toBe(3_600_000);
  });
});
