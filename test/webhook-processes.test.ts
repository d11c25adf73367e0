import { signToken } from '../src/auth/token';
import { withDatabase } from './support/db';
import { TEST_SECRET } from './support/harness';
import { buildServer, listeningUrl, spawnServer, type Child } from './support/processes';
import { forgetWebhooks, Receiver } from './support/receiver';

/**
 * Webhook delivery across server processes (`node dist/src/main.js`) sharing one database: work is
 * claimed through the database, never sent twice at the same moment, and a delivery whose server
 * died is taken up by another once its lease ends.
 */

const TIMEOUT_MS = 2000;
let build: string;
let receiver: Receiver;
const servers: Child[] = [];

beforeAll(async () => {
  build = buildServer('webhook-processes');
  receiver = await Receiver.start();
});
afterAll(async () => {
  for (const server of servers) server.signal('SIGKILL');
  await Promise.all(servers.map((server) => server.exited));
  await receiver.stop();
  await forgetWebhooks();
});

async function startServer(): Promise<{ child: Child; url: string }> {
  const child = spawnServer(build, {
    DATABASE_URL: process.env.DATABASE_URL!,
    JWT_SECRET: TEST_SECRET,
    NODE_ENV: 'test',
    PORT: '0',
    MIGRATE_ON_START: 'false',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'info',
    WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOK_RETRY_BASE_MS: '100',
  });
  servers.push(child);
  return { child, url: await listeningUrl(child) };
}

async function gql(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const token = (tid: string | undefined, roles: ('ADMIN' | 'PLATFORM_ADMIN')[]) => signToken({ sub: 'process-test', tid, roles }, { jwtSecret: TEST_SECRET });

/** A standalone organization with one clinic, its ADMIN token and a webhook to the receiver. */
async function tenantWithWebhook(url: string): Promise<{ admin: string; webhookId: string }> {
  const name = `Procesos ${Math.random().toString(36).slice(2, 10)}`;
  const data = await gql(
    url,
    'mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { tenants { id } } }',
    { input: { name, centralName: null, clinicNames: [name] } },
    await token(undefined, ['PLATFORM_ADMIN']),
  );
  const admin = await token(data.provisionOrganization.tenants[0].id, ['ADMIN']);
  const created = await gql(url, 'mutation($url: String!) { createWebhook(input: { url: $url }) { webhook { id } } }', { url: `${receiver.url}/hook` }, admin);
  return { admin, webhookId: created.createWebhook.webhook.id };
}

async function createService(url: string, admin: string, name: string): Promise<string> {
  return (await gql(url, 'mutation($name: String!) { createService(input: { name: $name, price: "1.00" }) { id } }', { name }, admin)).createService.id;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const attemptsLogged = (child: Child) => child.stdout.split('\n').filter((line) => line.includes('"webhook delivery attempt"')).length;

it('a server killed mid-delivery: another takes the delivery up once the lease ends, and it is delivered', async () => {
  const first = await startServer();
  const { admin, webhookId } = await tenantWithWebhook(first.url);
  receiver.received.length = 0;
  receiver.answer = (_request, index) => (index === 0 ? 'hang' : 200);
  const serviceId = await createService(first.url, admin, 'Interrumpido');
  // Generous: the feed's horizon waits for every transaction running in the cluster.
  await until(() => receiver.received.length === 1, 60_000, 'the first attempt');
  first.child.signal('SIGKILL');
  await first.child.exited;

  const second = await startServer();
  await until(() => receiver.received.length >= 2, 30_000, 'the attempt of the other server');
  const [cut, retried] = receiver.received;
  expect(retried.json.entityId).toBe(serviceId);
  expect(retried.headers['x-catalog-delivery-id']).toBe(cut.headers['x-catalog-delivery-id']);
  // Not before the lease (timeout + 5 s) ended.
  expect(retried.at - cut.at).toBeGreaterThanOrEqual(TIMEOUT_MS + 5000 - 100);
  let delivery: any;
  await until(
    async () => {
      const data = await gql(second.url, '{ webhooks { id deliveries { nodes { status attempts lastStatusCode } } } }', {}, admin);
      delivery = data.webhooks.find((webhook: any) => webhook.id === webhookId).deliveries.nodes[0];
      return delivery.status === 'DELIVERED';
    },
    10_000,
    'the delivery recorded',
  );
  expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatusCode: 200 });
  second.child.signal('SIGTERM');
  expect((await second.child.exited).code).toBe(0);
});

it('two servers share the work: every delivery once, never two sends of one delivery at the same moment, each webhook in feed order', async () => {
  const [one, two] = [await startServer(), await startServer()];
  const tenants = await Promise.all([one, two, one, two].map((server) => tenantWithWebhook(server.url)));
  receiver.received.length = 0;
  receiver.maxConcurrentPerDelivery = 0;
  receiver.answer = () => ({ status: 200, delayMs: 30 });
  const before = [attemptsLogged(one.child), attemptsLogged(two.child)];
  const created = new Map<string, string[]>();
  await Promise.all(
    tenants.map(async ({ admin, webhookId }, index) => {
      const ids: string[] = [];
      for (let round = 0; round < 8; round += 1) ids.push(await createService([one, two][round % 2].url, admin, `S${index}-${round}`));
      created.set(webhookId, ids);
    }),
  );
  await until(() => receiver.received.length >= 32, 60_000, 'all deliveries');
  await new Promise((resolve) => setTimeout(resolve, 1000));

  expect(receiver.received).toHaveLength(32);
  expect(receiver.maxConcurrentPerDelivery).toBe(1);
  expect(new Set(receiver.received.map((request) => request.headers['x-catalog-delivery-id'])).size).toBe(32);
  for (const [webhookId, ids] of created) {
    const order = receiver.received.filter((request) => request.headers['x-catalog-webhook-id'] === webhookId).map((request) => request.json.entityId);
    expect(order).toEqual(ids);
  }
  // Both processes sent some of them.
  expect(attemptsLogged(one.child)).toBeGreaterThan(before[0]);
  expect(attemptsLogged(two.child)).toBeGreaterThan(before[1]);
});

it('a server stopped with SIGTERM lets the delivery in flight finish and records it before it exits', async () => {
  // The other servers stop first, so that this one is the only sender.
  for (const server of servers) server.signal('SIGTERM');
  await Promise.all(servers.map((server) => server.exited));
  const only = await startServer();
  const { admin, webhookId } = await tenantWithWebhook(only.url);
  receiver.received.length = 0;
  receiver.answer = () => ({ status: 200, delayMs: 1500 });
  await createService(only.url, admin, 'En vuelo');
  await until(() => receiver.received.length === 1, 20_000, 'the attempt');
  only.child.signal('SIGTERM');
  expect((await only.child.exited).code).toBe(0);
  const rows = await withDatabase(async (client) =>
    (await client.query('SELECT status, attempts, last_status_code FROM webhook_deliveries WHERE webhook_id = $1', [webhookId])).rows,
  );
  expect(rows).toEqual([{ status: 'DELIVERED', attempts: 1, last_status_code: 200 }]);
  expect(receiver.received).toHaveLength(1);
});
