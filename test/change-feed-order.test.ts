import type { DataSource } from 'typeorm';
import { createService as createServiceOperation } from '../src/catalog/services/service.operations';
import { RequestTransaction } from '../src/request/request-transaction';
import { createLoaders } from '../src/request/loaders';
import { Repositories } from '../src/request/repositories';
import { createLogger } from '../src/logger';
import { todayIn } from '../src/pricing/price-source';
import { enterTenant } from '../src/tenancy/tenancy.store';
import { createService } from './support/catalog';
import { drainFeed, feedHead, feedPage, feedSettled } from './support/changes';
import { openDataSource, TEST_TRANSACTION_LIMITS } from './support/db';
import { TestServer } from './support/harness';

/**
 * The feed is exactly-once for a polling consumer even when transactions commit in another order
 * than they started: an event is handed out only once no running transaction can precede it.
 */

let server: TestServer;
let dataSource: DataSource;
beforeAll(async () => {
  server = await TestServer.start();
  dataSource = await openDataSource();
});
afterAll(async () => {
  await dataSource.destroy();
  await server.stop();
});

/** A createService in a request transaction left open: it has written its event but not committed. */
async function openWritingTransaction(tenantId: string): Promise<{ tx: RequestTransaction; serviceId: string }> {
  const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
  const scope = (await enterTenant(tx, tenantId))!;
  const viewer = { userId: 'slow-writer', roles: ['ADMIN' as const], scope };
  const repositories = new Repositories(tx, viewer);
  const ctx = { requestId: 'held', viewer, tx, repositories, loaders: createLoaders(repositories, viewer), log: createLogger('silent'), config: server.config, today: () => todayIn(scope.timeZone) };
  const service = await createServiceOperation(ctx, {
    name: 'Lenta',
    price: '1.00',
    taxRate: '0.00',
    odontogramScope: 'NONE',
    shared: true,
  } as never);
  return { tx, serviceId: service.id };
}

it('holds back events committed after a transaction that is still writing, then hands out every one once, in feed order', async () => {
  const chain = await server.provisionChain({ clinics: 1 });
  const admin = chain.central!.admin;
  await feedSettled();
  const start = await feedHead(server, admin);
  const held = await openWritingTransaction(chain.central!.id);
  try {
    const later = [];
    for (let index = 0; index < 3; index += 1) later.push((await createService(server, admin)).id);
    // Committed, but an older transaction still runs: nothing may be handed out past it yet.
    const early = await feedPage(server, admin, start);
    expect(early.nodes.map((event) => event.entityId)).not.toContain(later[0]);
    expect(early.nodes).toEqual([]);
    expect(early.pageInfo.endCursor).toBe(start);
    await held.tx.commit();
    const { events } = await drainFeed(server, admin, early.pageInfo.endCursor);
    // The held transaction started first: its event comes first although it committed last.
    expect(events.map((event) => event.entityId)).toEqual([held.serviceId, ...later]);
    expect(events[0]).toMatchObject({ userId: 'slow-writer', type: 'SERVICE_CREATED' });
  } finally {
    await held.tx.rollback();
  }
});

it('a rolled-back writing transaction leaves no event, and the events after it come through', async () => {
  const chain = await server.provisionChain({ clinics: 1 });
  const admin = chain.central!.admin;
  await feedSettled();
  const start = await feedHead(server, admin);
  const held = await openWritingTransaction(chain.central!.id);
  const later = (await createService(server, admin)).id;
  await held.tx.rollback();
  const { events } = await drainFeed(server, admin, start);
  expect(events.map((event) => event.entityId)).toEqual([later]);
});

it('many concurrent writers and one tight poller: every event once, none missed, in increasing order', async () => {
  const chain = await server.provisionChain({ clinics: 1 });
  const admin = chain.central!.admin;
  const service = await createService(server, admin);
  const WRITERS = 6;
  const ROUNDS = 12;
  let writing = true;
  const seen: string[] = [];
  const poller = (async () => {
    let cursor: string | null = null;
    while (writing) {
      const page = await feedPage(server, admin, cursor, 500, 'id');
      seen.push(...page.nodes.map((event) => event.id));
      cursor = page.pageInfo.endCursor;
    }
    const rest = await drainFeed(server, admin, cursor);
    seen.push(...rest.events.map((event) => event.id));
  })();
  const writers = Array.from({ length: WRITERS }, async (_, writer) => {
    for (let round = 0; round < ROUNDS; round += 1) {
      // Mixed: one-mutation operations, and operations of two mutations (two events in one transaction).
      if (round % 3 === 0) {
        await server.ok(
          `mutation { a: createService(input: { name: "W${writer}-${round}-a", price: "1.00" }) { id }
                      b: createService(input: { name: "W${writer}-${round}-b", price: "2.00" }) { id } }`,
          {},
          admin,
        );
      } else {
        await server.ok(`mutation($id: ID!) { updateService(id: $id, input: { family: "F${writer}-${round}" }) { id } }`, { id: service.id }, admin);
      }
    }
  });
  await Promise.all(writers);
  writing = false;
  await poller;

  const everything = (await drainFeed(server, admin, null)).events.map((event) => event.id);
  // 1 service, then per writer 4 rounds of two creations and 8 updates.
  expect(everything).toHaveLength(1 + WRITERS * (4 * 2 + 8));
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen).toEqual(everything);
  expect([...seen].sort()).toEqual(seen);
});
