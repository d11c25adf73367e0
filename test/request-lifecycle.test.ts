import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RequestTransaction } from '../src/request/request-transaction';
import { Atomic } from '../src/graphql/atomic';
import { createLogger } from '../src/logger';
import { createLoaders } from '../src/request/loaders';
import { Repositories } from '../src/request/repositories';
import { enterTenant } from '../src/tenancy/tenancy.store';
import { createPackage, createService, uniqueName } from './support/catalog';
import { countRows, openDataSource, TEST_TRANSACTION_LIMITS, withDatabase } from './support/db';
import { TestServer, type Chain, type GraphQLResponse } from './support/harness';
import { holdRowLock, lockOrganization } from './support/locks';
import { LogCapture } from './support/log-capture';

/**
 * The request lifecycle (api.md, "Errors and limits"): what a response shows is what was stored.
 * Each operation is one transaction committed before it is answered; PostgreSQL's answer to the
 * COMMIT is checked; an answer without data stores nothing; deadlocks and serialization failures
 * between concurrent requests are retried, never answered as INTERNAL_SERVER_ERROR.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CREATE_PACKAGE = 'mutation($input: CreatePackageInput!) { createPackage(input: $input) { id name } }';
const ADD_CLINIC = 'mutation($organizationId: ID!, $name: String!) { addClinic(organizationId: $organizationId, name: $name) { id } }';

/** The backend of this database that waits for a lock while running a statement starting with `statement`. */
async function waitingBackend(statement: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const pid = await withDatabase(async (client) => {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
        [`${statement}%`],
      );
      return rows[0]?.pid;
    });
    if (pid) return pid;
    await sleep(50);
  }
  throw new Error(`no backend waits in ${statement}`);
}

describe('request transactions, driven directly on the database', () => {
  const log = createLogger('silent');
  let dataSource: DataSource;
  let server: TestServer;
  let ours: Chain;

  beforeAll(async () => {
    dataSource = await openDataSource();
    server = await TestServer.start();
    ours = await server.provisionChain({ clinics: 2 });
    await server.provisionChain({ clinics: 1 });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await server.stop();
  });

  describe('the commit', () => {
    it('is refused when PostgreSQL answers ROLLBACK: a statement failed after the savepoint of a write', async () => {
      const name = uniqueName('Perdido');
      const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
      try {
        const scope = (await enterTenant(tx, ours.clinics[0].id))!;
        await tx.savepoint(log, async () => {
          await tx.query('INSERT INTO services (organization_id, owner_tenant_id, name, price) VALUES ($1, $2, $3, 1)', [
            scope.organizationId,
            scope.tenantId,
            name,
          ]);
        });
        // What a response resolver's failed statement (a timeout, say) does: the transaction is aborted.
        await expect(tx.query('SELECT 1 / 0')).rejects.toThrow();
        await expect(tx.commit()).rejects.toThrow(/rolled back/);
      } finally {
        await tx.rollback();
      }
      expect(await countRows('SELECT count(*) FROM services WHERE name = $1', [name])).toBe(0);
    });
  });

  describe('a mutation that fails', () => {
    it("clears the request's loaders, as one that succeeds does: what it read may have been undone", async () => {
      const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
      try {
        const scope = (await enterTenant(tx, ours.clinics[0].id))!;
        const viewer = { userId: 'loader-test', roles: ['ADMIN' as const], scope };
        const repositories = new Repositories(tx, viewer);
        const context = { requestId: 'loader-test', viewer, tx, repositories, loaders: createLoaders(repositories, viewer), log };
        // The organization loader: the tenants are also kept by the server across requests (test/tenants-kept.test.ts).
        await context.loaders.organization.load(scope.organizationId);
        const cached = tx.statementCount;
        await context.loaders.organization.load(scope.organizationId);
        expect(tx.statementCount).toBe(cached);
        const failing = Atomic({ context } as never, async () => {
          throw new Error('the mutation failed');
        });
        await expect(failing).rejects.toThrow('the mutation failed');
        const afterFailure = tx.statementCount; // SAVEPOINT and ROLLBACK TO SAVEPOINT
        await context.loaders.organization.load(scope.organizationId);
        expect(tx.statementCount).toBe(afterFailure + 1);
      } finally {
        await tx.rollback();
      }
    });
  });

  describe('the tenancy registry', () => {
    const REGISTRY = 'SELECT (SELECT count(*) FROM organizations)::int AS organizations, (SELECT count(*) FROM tenants)::int AS tenants';

    it('is closed to a request transaction by default', async () => {
      const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
      try {
        expect((await tx.query(REGISTRY))[0]).toEqual({ organizations: 0, tenants: 0 });
      } finally {
        await tx.rollback();
      }
    });

    it("is open to a platform administrator's transaction, and only then", async () => {
      const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS, { platform: true });
      try {
        const [registry] = await tx.query<{ organizations: number; tenants: number }>(REGISTRY);
        expect(registry.organizations).toBeGreaterThanOrEqual(2);
        expect(registry.tenants).toBeGreaterThanOrEqual(5);
      } finally {
        await tx.rollback();
      }
    });

    it("once a tenant is entered, shows its own organization's rows only", async () => {
      const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
      try {
        const scope = await enterTenant(tx, ours.clinics[1].id);
        expect(scope).toMatchObject({ organizationId: ours.organization.id, tenantId: ours.clinics[1].id, centralTenantId: ours.central!.id });
        expect((await tx.query(REGISTRY))[0]).toEqual({ organizations: 1, tenants: 3 });
        const [setting] = await tx.query<{ platform: string | null }>("SELECT current_setting('app.platform', true) AS platform");
        expect(setting.platform === null || setting.platform === '' || setting.platform === 'off').toBe(true);
      } finally {
        await tx.rollback();
      }
    });

    it('is entered through one function that reads a single tenant and opens the registry for itself only', async () => {
      const definition = await withDatabase(async (client) => {
        const { rows } = await client.query<{ security_definer: boolean; config: string[] | null; body: string }>(
          `SELECT p.prosecdef AS security_definer, p.proconfig AS config, p.prosrc AS body FROM pg_proc p WHERE p.proname = 'enter_tenant'`,
        );
        return rows;
      });
      expect(definition).toHaveLength(1);
      expect(definition[0].security_definer).toBe(true);
      expect(definition[0].body).toMatch(/LIMIT 1/i);
      expect(definition[0].config).toContain('app.platform=on');
      const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
      try {
        expect(await tx.query('SELECT tenant_id FROM enter_tenant($1)', [randomUUID()])).toEqual([]);
        expect(await tx.query('SELECT tenant_id FROM enter_tenant($1)', [ours.clinics[0].id])).toEqual([{ tenant_id: ours.clinics[0].id }]);
        // The function opened the registry for itself only.
        expect((await tx.query(REGISTRY))[0]).toEqual({ organizations: 0, tenants: 0 });
      } finally {
        await tx.rollback();
      }
    });

    it('is opened in one place of the code: the start of a platform administrator\'s transaction', async () => {
      const { execFileSync } = await import('node:child_process');
      const found = execFileSync('grep', ['-rlE', "app\\.platform'?, *'on'", 'src'], { cwd: `${__dirname}/..`, encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(found).toEqual(['src/request/request-transaction.ts']);
    });
  });
});

describe('operations over HTTP', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 1 });
  });
  afterAll(() => server.stop());

  it("answers without an ETag: a GraphQL answer is one viewer's and never cached, so it is not hashed", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${chain.clinics[0].admin}` },
      body: JSON.stringify({ query: '{ packages(first: 5) { totalCount } }' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { packages: { totalCount: number } } }).data.packages.totalCount).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('etag')).toBeNull();
  });

  describe('an operation answered without data', () => {
    it('stores none of its mutations: a later non-null mutation failing leaves data null, and the earlier one is undone', async () => {
      const name = uniqueName('Oculto');
      const response = await server.gql(
        `mutation($input: CreatePackageInput!, $missing: ID!) {
           m1: createPackage(input: $input) { id }
           m2: addPackageItems(packageId: $missing, items: [{ serviceId: $missing }]) { id }
         }`,
        { input: { name }, missing: randomUUID() },
        chain.clinics[0].admin,
      );
      expect(response.data).toBeUndefined();
      expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['m2'], 'NOT_FOUND']]);
      expect(await countRows('SELECT count(*) FROM packages WHERE name = $1', [name])).toBe(0);
    });
  });

  describe('a commit that fails', () => {
    let clinic: Chain['clinics'][number];

    beforeAll(async () => {
      clinic = chain.clinics[0];
      // The count rows the clinic's shared and private packages are counted in.
      await createPackage(server, clinic.admin, { shared: true });
      await createPackage(server, clinic.admin, { shared: false });
    });

    /**
     * Locks the count a shared, active package of the clinic is counted in: committing such a
     * creation waits for it (the count is updated at commit), and is then cancelled.
     */
    const lockSharedCount = () =>
      holdRowLock('SELECT 1 FROM package_counts WHERE organization_id = $1 AND owner_tenant_id = $2 AND shared AND active FOR UPDATE', [
        chain.organization.id,
        clinic.id,
      ]);

    async function cancelWaitingCommit(): Promise<void> {
      const pid = await waitingBackend('COMMIT');
      await withDatabase((client) => client.query('SELECT pg_cancel_backend($1)', [pid]));
    }

    async function post(body: unknown): Promise<{ status: number; body: any; requestId: string | null }> {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${clinic.admin}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json(), requestId: response.headers.get('x-request-id') };
    }

    it('answers INTERNAL_SERVER_ERROR and shows nothing of the operation', async () => {
      const name = uniqueName('Sin confirmar');
      const lock = await lockSharedCount();
      let response;
      try {
        [response] = await Promise.all([post({ query: CREATE_PACKAGE, variables: { input: { name, shared: true } } }), cancelWaitingCommit()]);
      } finally {
        await lock.release();
      }
      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: response.requestId } }],
      });
      expect(await countRows('SELECT count(*) FROM packages WHERE name = $1', [name])).toBe(0);
    });

    it('in a batch, answers for that operation only: the operations committed before it keep their answers', async () => {
      const [stored, lost, after] = [uniqueName('Guardado'), uniqueName('Perdido'), uniqueName('Después')];
      const lock = await lockSharedCount();
      let response;
      try {
        [response] = await Promise.all([
          post([
            { query: CREATE_PACKAGE, variables: { input: { name: stored, shared: false } } },
            { query: CREATE_PACKAGE, variables: { input: { name: lost, shared: true } } },
            { query: CREATE_PACKAGE, variables: { input: { name: after, shared: false } } },
          ]),
          cancelWaitingCommit(),
        ]);
      } finally {
        await lock.release();
      }
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body)).toBe(true);
      const [first, second, third] = response.body;
      expect(first).toEqual({ data: { createPackage: { id: expect.any(String), name: stored } } });
      expect(second).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: response.requestId } }],
      });
      expect(third).toEqual({ data: { createPackage: { id: expect.any(String), name: after } } });
      expect(await countRows('SELECT count(*) FROM packages WHERE name = ANY($1)', [[stored, after]])).toBe(2);
      expect(await countRows('SELECT count(*) FROM packages WHERE name = $1', [lost])).toBe(0);
    });
  });

  describe('two mutations of one operation against the same two packages in the opposite order', () => {
    it('are retried after a deadlock: six at a time, all 30 succeed and the stored quantities are the reported ones', async () => {
      const admin = chain.central!.admin;
      const service = await createService(server, admin);
      const [p1, p2] = [await createPackage(server, admin), await createPackage(server, admin)];
      const operation = `mutation($first: ID!, $second: ID!, $items: [PackageItemInput!]!) {
        m1: addPackageItems(packageId: $first, items: $items) { id items { quantity } }
        m2: addPackageItems(packageId: $second, items: $items) { id items { quantity } }
      }`;
      const items = [{ serviceId: service.id, quantity: 1 }];
      const responses: GraphQLResponse[] = [];
      for (let batch = 0; batch < 5; batch += 1) {
        responses.push(
          ...(await Promise.all(
            Array.from({ length: 6 }, (_, index) =>
              server.gql(operation, index % 2 === 0 ? { first: p1.id, second: p2.id, items } : { first: p2.id, second: p1.id, items }, admin),
            ),
          )),
        );
      }
      expect(responses.map((response) => [response.status, response.errors ?? []])).toEqual(responses.map(() => [200, []]));
      // Each add is counted once: the quantities reported for a package are 1 to 30, each once.
      const reported = (packageId: string) =>
        responses
          .flatMap((response) => [response.data.m1, response.data.m2])
          .filter((pkg) => pkg.id === packageId)
          .map((pkg) => pkg.items[0].quantity)
          .sort((a: number, b: number) => a - b);
      const oneToThirty = Array.from({ length: 30 }, (_, index) => index + 1);
      expect(reported(p1.id)).toEqual(oneToThirty);
      expect(reported(p2.id)).toEqual(oneToThirty);
      for (const pkg of [p1, p2]) {
        expect(await countRows('SELECT sum(quantity) AS count FROM package_items WHERE package_id = $1', [pkg.id])).toBe(30);
      }
    });
  });
});

describe('a savepoint that cannot be rolled back to', () => {
  const logs = new LogCapture();
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start({ logLevel: 'info' }, { logDestination: logs.destination });
    chain = await server.provisionChain();
  });
  afterAll(() => server.stop());

  it('logs the rollback failure and answers for the original error, storing nothing', async () => {
    const name = uniqueName('Clínica cortada');
    const lock = await lockOrganization(chain.organization.id);
    let response;
    try {
      const pending = fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.platformToken()}` },
        body: JSON.stringify({ query: ADD_CLINIC, variables: { organizationId: chain.organization.id, name } }),
      });
      // The connection dies under the mutation: its savepoint can no longer be rolled back to.
      const pid = await waitingBackend('INSERT INTO "tenants"');
      await withDatabase((client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
      const answer = await pending;
      response = { status: answer.status, requestId: answer.headers.get('x-request-id'), body: (await answer.json()) as any };
    } finally {
      await lock.release();
    }
    expect(response.body.errors).toEqual([expect.objectContaining({ path: ['addClinic'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: response.requestId } })]);
    const entries = logs.entries().filter((entry) => entry.requestId === response.requestId);
    // The failure the client was answered for is the mutation's own (the terminated statement).
    expect(entries.find((entry) => entry.msg === 'internal error')?.err.code).toBe('57P01');
    expect(entries.find((entry) => entry.msg === 'rollback to savepoint failed')).toBeDefined();
    expect(await countRows('SELECT count(*) FROM tenants WHERE name = $1', [name])).toBe(0);
  });
});

describe('the x-sql-statements header', () => {
  it.each([
    ['outside production', false, true],
    ['in production', true, false],
  ])('is sent %s: %s', async (_label, production, sent) => {
    const server = await TestServer.start({ production });
    try {
      const response = await server.gql('{ me { userId } }', {}, await server.platformToken());
      expect(response.status).toBe(200);
      expect(response.headers.has('x-sql-statements')).toBe(sent);
    } finally {
      await server.stop();
    }
  });
});
