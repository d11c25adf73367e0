import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { sqlState } from '../src/db/errors';
import { RequestTransaction } from '../src/request/request-transaction';
import { createLogger } from '../src/logger';
import { TestServer } from './support/harness';
import { lockOrganization } from './support/locks';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the request transaction (one pooled connection)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createDataSource(process.env.DATABASE_URL!, { dbPoolMax: 1 }, createLogger('silent'));
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  async function backendPid(): Promise<number> {
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    try {
      return (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;
    } finally {
      await tx.rollback();
    }
  }

  it('cancels a statement that outlives the statement timeout, and keeps the healthy connection', async () => {
    const before = await backendPid();
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 200 });
    const started = Date.now();
    const failure = await tx.query('SELECT pg_sleep(30)').catch((error: unknown) => error);
    expect(sqlState(failure)).toBe('57014'); // query_canceled
    expect(Date.now() - started).toBeLessThan(20_000);
    await tx.rollback();
    expect(await backendPid()).toBe(before);
  });

  it('loses a transaction left idle past the timeout, and never hands out its dead connection again', async () => {
    const before = await backendPid();
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 200 });
    await sleep(1000);
    await expect(tx.query('SELECT 1')).rejects.toThrow();
    await tx.rollback();
    // The pool holds one connection: the next transaction can only run on a new one.
    expect(await backendPid()).not.toBe(before);
  });
});

describe('a request waiting for a connection', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start({ dbPoolMax: 1, statementTimeoutMs: 60_000 });
  });
  afterAll(() => server.stop());

  it('fails fast with INTERNAL_SERVER_ERROR while every connection is busy, instead of queueing forever', async () => {
    const platform = await server.platformToken();
    const chain = await server.provisionChain();
    const lock = await lockOrganization(chain.organization.id);
    // Holds the only connection until the lock is released.
    const stuck = server.gql('mutation($id: ID!) { addClinic(organizationId: $id, name: "Clínica retenida") { name } }', { id: chain.organization.id }, platform);
    try {
      await sleep(300);
      const waiting = await server.gql('{ me { userId } }', {}, platform);
      expect(waiting.status).toBe(500);
      expect(waiting.errors).toEqual([
        { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: waiting.headers.get('x-request-id') } },
      ]);
    } finally {
      await lock.release();
    }
    expect((await stuck).data).toEqual({ addClinic: { name: 'Clínica retenida' } });
    expect((await server.ok('{ me { userId } }', {}, platform)).me.userId).toBe('platform');
  });
});
