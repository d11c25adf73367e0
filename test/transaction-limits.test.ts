import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { sqlState } from '../src/db/errors';
import { RequestTransaction } from '../src/request/request-transaction';
import { createLogger } from '../src/logger';
import { createPackage, createService } from './support/catalog';
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
    // BEGIN goes with the first statement: from then on the transaction is open, and idle.
    await tx.query('SELECT 1');
    await sleep(1000);
    await expect(tx.query('SELECT 1')).rejects.toThrow();
    await tx.rollback();
    // The pool holds one connection: the next transaction can only run on a new one.
    expect(await backendPid()).not.toBe(before);
  });
});

describe('the opening of a request transaction', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createDataSource(process.env.DATABASE_URL!, { dbPoolMax: 1 }, createLogger('silent'));
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  const SETTINGS = `SELECT current_setting('role') AS role, current_setting('statement_timeout') AS timeout,
                           current_setting('idle_in_transaction_session_timeout') AS idle, pg_current_xact_id()::text AS xact`;

  it.each([
    ['with parameters (one extended-protocol pipeline)', `${SETTINGS}, $1::int AS echo`, [7]],
    ['without parameters (one simple-protocol text)', SETTINGS, undefined],
  ])('BEGIN, the role and the limits go with the first statement, %s', async (_how, sql, params) => {
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 4321 });
    try {
      const [first] = await tx.query<{ role: string; timeout: string; idle: string; xact: string; echo?: number }>(sql, params);
      expect(first).toMatchObject({ role: 'clinic_catalog_app', timeout: '4321ms', idle: '4321ms' });
      if (params) expect(first.echo).toBe(7);
      // The second statement runs in the same transaction.
      const [second] = await tx.query<{ xact: string }>('SELECT pg_current_xact_id()::text AS xact');
      expect(second.xact).toBe(first.xact);
      expect(tx.statementCount).toBe(2);
      await tx.commit();
    } catch (error) {
      await tx.rollback();
      throw error;
    }
    // Committed: the connection is back in the pool, outside any transaction and with its own role.
    const after = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    const [row] = await after.query<{ role: string }>(`SELECT current_setting('role') AS role`);
    expect(row.role).toBe('clinic_catalog_app');
    await after.rollback();
  });

  it('a failing first statement fails alone: the transaction rolls back and the connection serves the next one', async () => {
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    const failure = await tx.query('SELECT $1::int AS n', ['not a number']).catch((error: unknown) => error);
    expect(sqlState(failure)).toBe('22P02');
    await tx.rollback();
    const next = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    expect(await next.query<{ n: number }>('SELECT $1::int AS n', [3])).toEqual([{ n: 3 }]);
    await next.commit();
  });

  it('a transaction that sent nothing ends without a round trip', async () => {
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    await tx.commit();
    expect(tx.statementCount).toBe(0);
    const other = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    await other.rollback();
    expect(other.statementCount).toBe(0);
    await expect(other.query('SELECT 1')).rejects.toThrow('query after the request transaction finished');
  });
});

describe('a request transaction that commits each statement (a query)', () => {
  let dataSource: DataSource;
  const ORGANIZATION = '6f1d7c2e-8a4b-4c3d-9e5f-0a1b2c3d4e5f';

  beforeAll(async () => {
    dataSource = createDataSource(process.env.DATABASE_URL!, { dbPoolMax: 1 }, createLogger('silent'));
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  const STATE = `SELECT now()::text AS started, pg_backend_pid() AS pid, current_setting('role') AS role,
                        current_setting('statement_timeout') AS timeout, current_setting('app.organization_id', true) AS organization,
                        current_setting('transaction_read_only') AS read_only`;
  type State = { started: string; pid: number; role: string; timeout: string; organization: string | null; read_only: string };

  it('ends the open transaction with the next statement, then gives each statement its own, with the same settings and organization', async () => {
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 4321 });
    try {
      // As the tenant's entry does: the organization is set in the first transaction, and remembered.
      const [entered] = await tx.query<State>(`SELECT set_config('app.organization_id', $1, true), s.* FROM (${STATE}) s`, [ORGANIZATION]);
      tx.narrowTo(ORGANIZATION);
      tx.commitEachStatement();
      const [closing] = await tx.query<State>(STATE);
      await sleep(5);
      const [own] = await tx.query<State>(`${STATE}, $1::int AS echo`, [1]);
      await sleep(5);
      const [another] = await tx.query<State>(STATE);
      // The first statement after the switch still ran in the entry's transaction, and closed it.
      expect(closing.started).toBe(entered.started);
      expect(new Set([closing.started, own.started, another.started]).size).toBe(3);
      for (const state of [entered, closing, own, another]) {
        expect(state).toMatchObject({ pid: entered.pid, role: 'clinic_catalog_app', timeout: '4321ms', organization: ORGANIZATION });
      }
      expect([entered.read_only, own.read_only, another.read_only]).toEqual(['off', 'on', 'on']);
      expect(tx.statementCount).toBe(4);
      await tx.commit();
      // Nothing was left open: no closing COMMIT was sent.
      expect(tx.statementCount).toBe(4);
    } catch (error) {
      await tx.rollback();
      throw error;
    }
    // The connection went back to the pool outside any transaction, its settings gone.
    const after = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    const [row] = await after.query<State>(STATE);
    expect(row.timeout).toBe('5s');
    expect(row.organization ?? '').toBe('');
    await after.rollback();
  });

  it('refuses a write (its transactions are read only) and stores nothing; the failure leaves the transaction to roll back', async () => {
    const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    await tx.query('SELECT 1');
    tx.commitEachStatement();
    await tx.query('SELECT 1');
    const failure = await tx.query('CREATE TABLE commits_each_statement_probe (id int)').catch((error: unknown) => error);
    expect(sqlState(failure)).toBe('25006'); // read_only_sql_transaction
    // The aborted transaction takes no more statements until it is rolled back.
    expect(sqlState(await tx.query('SELECT 1').catch((error: unknown) => error))).toBe('25P02');
    await tx.rollback();
    const next = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 5000 });
    expect(await next.query(`SELECT to_regclass('commits_each_statement_probe') AS probe`)).toEqual([{ probe: null }]);
    await next.commit();
  });
});

describe('a query over HTTP, its statements each committed', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start({ dbPoolMax: 1 });
  });
  afterAll(() => server.stop());

  const PAGE = '{ packages(first: 10) { nodes { name items { quantity service { name } addedBy { name } } } } }';

  it("reads later statements narrowed to the viewer's organization, and never another's", async () => {
    const [ours, theirs] = [await server.provisionChain(), await server.provisionChain()];
    for (const [chain, name] of [[ours, 'Ortodoncia nuestra'], [theirs, 'Ortodoncia ajena']] as const) {
      const service = await createService(server, chain.central!.admin, { name: `${name} servicio`, shared: true });
      await createPackage(server, chain.central!.admin, { name, shared: true, items: [{ serviceId: service.id, quantity: 2 }] });
    }
    const response = await server.gql(PAGE, {}, ours.clinics[0].admin);
    expect(response.errors).toBeUndefined();
    // The entry; the page, closing the entry's transaction; the items in a transaction of their own.
    expect(Number(response.headers.get('x-sql-statements'))).toBe(3);
    expect(response.data.packages.nodes).toEqual([
      { name: 'Ortodoncia nuestra', items: [{ quantity: 2, service: { name: 'Ortodoncia nuestra servicio' }, addedBy: { name: ours.organization.tenants.find((tenant) => tenant.kind === 'CENTRAL')!.name } }] },
    ]);
  });

  it("a query refused after the entry still ends the entry's transaction: the one pooled connection serves the next request", async () => {
    const chain = await server.provisionChain();
    // A cursor that is no cursor: refused once the tenant is entered, before any other statement.
    const bad = await server.gql('{ packages(first: 5, after: "no-es-un-cursor") { nodes { name } } }', {}, chain.clinics[0].admin);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const next = await server.gql(PAGE, {}, chain.clinics[0].admin);
    expect(next.errors).toBeUndefined();
    expect(next.data.packages.nodes).toEqual([]);
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
