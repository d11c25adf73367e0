import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { TestServer, type Chain } from './support/harness';
import { LogCapture } from './support/log-capture';
import { buildServer, spawnDatabase, type DatabaseProcess } from './support/processes';

/** A PostgreSQL of this test's own, stopped and started again (same port, same data) under the running server. */
describe('a database outage', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-catalog-outage-'));
  const logs = new LogCapture();
  let build: string;
  let database: DatabaseProcess;
  let port: number;
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    build = buildServer('outage');
    database = await spawnDatabase(build, dataDir);
    port = Number(new URL(database.url).port);
    await migrate(database.url, createLogger('silent'));
    server = await TestServer.start({ logLevel: 'warn' }, { databaseUrl: database.url, logDestination: logs.destination });
    chain = await server.provisionChain();
  });

  afterAll(async () => {
    await server?.stop();
    await database?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const me = () => server.gql('{ me { userId tenant { name } } }', {}, chain.clinics[0].admin);

  async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const started = Date.now();
    const result = await work();
    return { result, ms: Date.now() - started };
  }

  it('serves while PostgreSQL is up', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    // Several requests at once leave several connections idle in the pool, ready to go stale.
    const answers = await Promise.all(Array.from({ length: 5 }, me));
    for (const answer of answers) expect(answer.data.me.tenant.name).toBe(chain.organization.tenants[1].name);
  });

  describe('while PostgreSQL is away', () => {
    beforeAll(() => database.stop());

    it('reports not ready within a second or two', async () => {
      const { result, ms } = await timed(() => fetch(`${server.url}/readyz`));
      expect(result.status).toBe(503);
      expect(await result.json()).toEqual({ status: 'unavailable', reason: 'database not reachable' });
      expect(ms).toBeLessThan(5000);
    });

    it('fails GraphQL requests at once with INTERNAL_SERVER_ERROR', async () => {
      const { result, ms } = await timed(me);
      expect(result.status).toBe(500);
      expect(result.errors).toEqual([
        { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: result.headers.get('x-request-id') } },
      ]);
      expect(ms).toBeLessThan(10_000);
    });

    it('says in its log that pooled connections were lost', () => {
      expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'idle database connection lost', level: 40 }));
    });

    it('keeps answering /healthz', async () => {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    });
  });

  describe('when PostgreSQL is back', () => {
    beforeAll(async () => {
      database = await spawnDatabase(build, dataDir, port);
    });

    it('is ready again without a restart', async () => {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    });

    it('answers every request: no broken connection is handed out again', async () => {
      for (let attempt = 0; attempt < 8; attempt += 1) {
        const answer = await me();
        expect(answer.errors).toBeUndefined();
        expect(answer.data.me.tenant.name).toBe(chain.organization.tenants[1].name);
      }
      const added = await server.ok(
        'mutation($id: ID!) { addClinic(organizationId: $id, name: "Clínica tras el corte") { name } }',
        { id: chain.organization.id },
        await server.platformToken(),
      );
      expect(added.addClinic.name).toBe('Clínica tras el corte');
    });
  });
});
