import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { signToken } from '../src/auth/token';
import { DEVELOPMENT_JWT_SECRET } from '../src/config';
import { TEST_SECRET, TestServer } from './support/harness';
import { lockOrganization } from './support/locks';
import { buildServer, listeningUrl, spawnServer, type Child } from './support/processes';

/** The built server (`node dist/src/main.js`) as an operator starts and stops it. */
let build: string;
beforeAll(() => {
  build = buildServer('process');
});

async function gql(url: string, query: string, token: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions: { code: string } }[] } };
}

/** Whether anything accepts TCP connections at the URL's port. */
function accepting(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const platformToken = (jwtSecret: string) => signToken({ sub: 'operator', roles: ['PLATFORM_ADMIN'] }, { jwtSecret });

describe('a bad environment value', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HOST: 'not a host' }, 'HOST'],
    [{ DB_POOL_MAX: '0' }, 'DB_POOL_MAX'],
    [{ DATABASE_URL: 'nonsense' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://user:secret@127.0.0.1/catalog' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://user:secret@127.0.0.1:1/catalog' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LOG_LEVEL: 'info\nand a second line' }, 'LOG_LEVEL'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START'],
    [{ DEMO_DATA: 'perhaps' }, 'DEMO_DATA'],
    [{ STATEMENT_TIMEOUT_MS: 'fast' }, 'STATEMENT_TIMEOUT_MS'],
    [{ WEBHOOK_TIMEOUT_MS: 'soon' }, 'WEBHOOK_TIMEOUT_MS'],
    [{ WEBHOOK_RETRY_BASE_MS: '-5' }, 'WEBHOOK_RETRY_BASE_MS'],
    [{ WEBHOOK_MAX_ATTEMPTS: '0' }, 'WEBHOOK_MAX_ATTEMPTS'],
    [{ WEBHOOK_ALLOW_PRIVATE_URLS: 'perhaps' }, 'WEBHOOK_ALLOW_PRIVATE_URLS'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: '   ' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret', DEMO_DATA: 'true' }, 'DEMO_DATA'],
    [{ METRICS_TOKEN: 'two words' }, 'METRICS_TOKEN'],
    [{ LOG_FORMAT: 'fancy' }, 'LOG_FORMAT'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'perhaps' }, 'OTEL_SDK_DISABLED'],
  ])('%j stops the start with one line naming %s', async (env, variable) => {
    const server = spawnServer(build, env);
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    const lines = server.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^configuration error: (.* )?${variable}\\b`));
    expect(lines[0]).not.toContain('secret@');
  });
});

describe('an address the server cannot listen on', () => {
  const env = (overrides: Record<string, string>) => ({ DATABASE_URL: process.env.DATABASE_URL!, MIGRATE_ON_START: 'false', ...overrides });

  it('a taken PORT stops the start with one line naming it', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const server = spawnServer(build, env({ PORT: String((taken.address() as net.AddressInfo).port) }));
      expect((await server.exited).code).toBe(1);
      expect(server.stderr).toMatch(/^configuration error: PORT \d+ on HOST 127\.0\.0\.1 cannot be listened on: .*EADDRINUSE.*\n$/);
    } finally {
      taken.close();
    }
  });

  it('a HOST that is not an address of this machine stops the start with one line naming it', async () => {
    // 192.0.2.0/24 is reserved for documentation: never assigned to a machine.
    const server = spawnServer(build, env({ HOST: '192.0.2.1', PORT: '0' }));
    expect((await server.exited).code).toBe(1);
    expect(server.stderr).toMatch(/^configuration error: .*HOST 192\.0\.2\.1 cannot be listened on: .*EADDRNOTAVAIL.*\n$/);
  });
});

describe('production mode', () => {
  const database = `clinic_production_${randomUUID().replace(/-/g, '')}`;
  const admin = () => new Client({ connectionString: process.env.DATABASE_URL });
  let databaseUrl: string;
  let server: Child;
  let url: string;
  const secret = 'a-production-secret-of-some-length';

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${database}`);
    await client.end();
    const parsed = new URL(process.env.DATABASE_URL!);
    parsed.pathname = `/${database}`;
    databaseUrl = parsed.toString();
    server = spawnServer(build, { NODE_ENV: 'production', JWT_SECRET: secret, DATABASE_URL: databaseUrl, PORT: '0' });
    url = await listeningUrl(server);
  });

  afterAll(async () => {
    server?.signal('SIGTERM');
    await server?.exited;
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database}`);
    await client.end();
  });

  it('serves with JWT_SECRET, and refuses tokens of the development secret', async () => {
    expect((await gql(url, '{ me { roles } }', await platformToken(secret))).body.data).toEqual({ me: { roles: ['PLATFORM_ADMIN'] } });
    expect((await gql(url, '{ me { roles } }', await platformToken(DEVELOPMENT_JWT_SECRET))).status).toBe(401);
  });

  it('refuses introspection', async () => {
    const { status, body } = await gql(url, '{ __schema { queryType { name } } }', await platformToken(secret));
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('shows no landing page, where development shows one', async () => {
    const landing = async (base: string) => {
      const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
      return /<!DOCTYPE html/i.test(await response.text());
    };
    expect(await landing(url)).toBe(false);
    const development = await TestServer.start();
    try {
      expect(await landing(development.url)).toBe(true);
    } finally {
      await development.stop();
    }
  });

  it('loads no demo data into an empty database, and prints no tokens', async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM organizations')).rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    expect(server.stdout).not.toMatch(/Demo tokens|eyJ/);
  });
});

describe('graceful shutdown', () => {
  const env = () => ({ DATABASE_URL: process.env.DATABASE_URL!, JWT_SECRET: TEST_SECRET, PORT: '0', MIGRATE_ON_START: 'false' });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s stops listening and exits 0', async (signal) => {
    const server = spawnServer(build, env());
    const url = await listeningUrl(server);
    expect(await accepting(url)).toBe(true);
    server.signal(signal);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(await accepting(url)).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s sent the moment it says it is listening, still exits 0', async (signal) => {
    // The signal can arrive while main() is between its "listening" line and the rest of its start.
    for (let attempt = 0; attempt < 8; attempt++) {
      const server = spawnServer(build, env());
      server.signalOnOutput('clinic-catalog listening', signal);
      expect(await server.exited).toEqual({ code: 0, signal: null });
    }
  });

  it('lets an in-flight request finish, refusing new connections meanwhile', async () => {
    const server = spawnServer(build, env());
    const url = await listeningUrl(server);
    const platform = await platformToken(TEST_SECRET);
    const provisioned = await gql(
      url,
      'mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { id } }',
      platform,
      { input: { name: `Cadena ${randomUUID()}`, centralName: 'Central', clinicNames: ['Clínica'] } },
    );
    const organizationId = provisioned.body.data.provisionOrganization.id as string;
    const lock = await lockOrganization(organizationId);
    // Waits on the lock, holding its request open.
    const inFlight = gql(url, 'mutation($id: ID!) { addClinic(organizationId: $id, name: "Clínica de última hora") { name } }', platform, {
      id: organizationId,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      server.signal('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await accepting(url)).toBe(false);
    } finally {
      await lock.release();
    }
    expect((await inFlight).body).toEqual({ data: { addClinic: { name: 'Clínica de última hora' } } });
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('stops the embedded PostgreSQL it started', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-catalog-process-'));
    try {
      const server = spawnServer(build, { DATA_DIR: dataDir, JWT_SECRET: TEST_SECRET, PORT: '0' });
      const url = await listeningUrl(server);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);
      server.signal('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      // PostgreSQL removes its pid file when it has shut down cleanly.
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('OpenTelemetry export', () => {
  it('with OTEL_EXPORTER_OTLP_ENDPOINT sends the spans over OTLP (http/protobuf), the last ones at shutdown', async () => {
    const received: { path: string; type: string | undefined; body: Buffer }[] = [];
    const collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as net.AddressInfo).port}`;
      const server = spawnServer(build, {
        DATABASE_URL: process.env.DATABASE_URL!,
        JWT_SECRET: TEST_SECRET,
        PORT: '0',
        MIGRATE_ON_START: 'false',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      });
      const url = await listeningUrl(server);
      const traceId = randomUUID().replace(/-/g, '');
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await platformToken(TEST_SECRET)}`,
          traceparent: `00-${traceId}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`,
        },
        body: JSON.stringify({ query: 'query Exported { me { roles } }' }),
      });
      expect(response.status).toBe(200);
      server.signal('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const traces = received.filter((request) => request.path === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      expect(traces[0].type).toBe('application/x-protobuf');
      const body = Buffer.concat(traces.map((request) => request.body));
      expect(body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
      expect(body.includes(Buffer.from('query Exported'))).toBe(true);
    } finally {
      collector.close();
    }
  });
});
