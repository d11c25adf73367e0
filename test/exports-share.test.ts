import http from 'node:http';
import { prepareExportStorm, runExportStorm, type StormFixture } from '../bench/export-storm';
import { ConfigError, loadConfig, type ExportSettings } from '../src/config';
import { createPriceList } from './support/price-lists';
import { TestServer, type Chain } from './support/harness';
import { LogCapture } from './support/log-capture';

/**
 * Exports never starve the API (issue 14, item 1; api.md "Errors and limits"): downloads use a
 * bounded share of the pool, each organization a small cap of it, a download that finds no room
 * waits briefly and then gets 503 with Retry-After, and clients that stop reading or read too
 * slowly are cut off. All of it over HTTP against PostgreSQL.
 *
 * The exporting organization has 20,000 packages with long names: its CSV is about 5 MiB, more
 * than loopback sockets buffer (about 4 MiB), so a client that stops reading really holds its
 * download (and, before this was bounded, its connection).
 */
const PACKAGES = 20_000;

/**
 * A download whose client stops reading after its first bytes. A server that cuts it closes the
 * connection, which the client only sees once it reads on (`readOn`): the file then ends short.
 */
interface Stalled {
  status: number;
  /** When the client stopped reading. */
  since: number;
  readOn(): Promise<{ complete: boolean; bytes: number }>;
  /** The client gives up (resets the connection). */
  release(): void;
}

function openStalled(url: string, path: string, token: string): Promise<Stalled> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      const ended = new Promise<{ complete: boolean; bytes: number }>((done) => res.on('close', () => done({ complete: res.complete, bytes })));
      res.once('data', () => {
        res.pause();
        resolve({
          status: res.statusCode ?? 0,
          since: Date.now(),
          readOn: () => {
            res.resume();
            return ended;
          },
          release: () => req.destroy(),
        });
      });
    });
    req.on('error', () => undefined);
    req.setTimeout(30_000, () => reject(new Error(`${path} sent nothing`)));
  });
}

/** Polls until `found` returns something (or fails after `timeoutMs`). */
async function waitFor<T>(found: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waited in vain');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function download(url: string, path: string, token: string) {
  const started = Date.now();
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body, ms: Date.now() - started };
}

function expectBusy(answer: Awaited<ReturnType<typeof download>>): void {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toBe('5');
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('content-disposition')).toBeNull();
  const [error] = JSON.parse(answer.body.toString('utf8')).errors;
  expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
  expect(error.message).toMatch(/try again/);
}

/** Settings for a test server: a small pool, short waits. */
function exportSettings(overrides: Partial<ExportSettings>): ExportSettings {
  return { connections: 2, perOrganization: 2, queueTimeoutMs: 300, stallTimeoutMs: 1000, maxDurationMs: 60_000, ...overrides };
}

describe('exports use a bounded share of the database', () => {
  let setup: TestServer;
  let exporter: StormFixture;
  let other: Chain;

  beforeAll(async () => {
    setup = await TestServer.start();
    exporter = await prepareExportStorm(setup.url, process.env.DATABASE_URL!, (claims) => setup.token(claims), PACKAGES);
    other = await setup.provisionChain({ clinics: 1 });
  });
  afterAll(() => setup.stop());

  describe('a storm of fast and stalled downloads by one organization', () => {
    let server: TestServer;
    const logs = new LogCapture();

    beforeAll(async () => {
      server = await TestServer.start(
        { dbPoolMax: 6, exports: exportSettings({ connections: 2, perOrganization: 2, stallTimeoutMs: 1000 }), logLevel: 'info' },
        { logDestination: logs.destination },
      );
    });
    afterAll(() => server.stop());

    it("leaves another organization's GraphQL answering, every query of it", async () => {
      const fixture = { ...exporter, url: server.url };
      let storming = true;
      const answers: { status: number; ms: number; error?: string }[] = [];
      const token = other.clinics[0].staff;
      const queries = async () => {
        while (storming) {
          const started = Date.now();
          const response = await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: '{ me { userId } packages(first: 20) { totalCount nodes { name } } }' }),
          });
          const body = (await response.json()) as { data?: { me?: unknown }; errors?: { extensions?: { code?: string } }[] };
          answers.push({ status: response.status, ms: Date.now() - started, error: body.errors?.[0]?.extensions?.code ?? (body.data?.me ? undefined : 'no data') });
        }
      };
      const timed = Promise.all([queries(), queries(), queries()]);
      const readers = [...Array(6).fill('fast'), ...Array(6).fill('stalled')];
      // Fast clients download a tenth of the table (CSV) or a twentieth (XLSX) again and again;
      // stalled ones the whole CSV, and stop reading after its first bytes for 8 s.
      const report = await runExportStorm(fixture, { durationMs: 10_000, readers, stallForMs: 8000 });
      storming = false;
      await timed;
      const latencies = answers.map((answer) => answer.ms).sort((a, b) => a - b);
      // For the record (the machine is shared: only failures fail the test).
      console.log(`other organization during the storm: ${answers.length} queries, p50 ${latencies[latencies.length >> 1]} ms, max ${latencies[latencies.length - 1]} ms; exports ${JSON.stringify({ ...report, completeBytes: report.completeBytes.length })}`);

      const failed = answers.filter((answer) => answer.status !== 200 || answer.error !== undefined);
      expect(failed).toEqual([]);
      expect(answers.length).toBeGreaterThan(10);
      expect(report.failures).toEqual([]);
      // The storm did what it is for: whole files and refusals.
      expect(report.complete).toBeGreaterThan(0);
      expect(report.busy).toBeGreaterThan(0);
      // No download failed inside the server (a refusal or a cut-off is not a failure).
      expect(logs.entries().filter((entry) => entry.level >= 50 && /^export/.test(entry.msg))).toEqual([]);
      // Afterwards the exporting organization downloads again, whole.
      const after = await download(server.url, '/exports/packages.csv?search=masiva%20019', exporter.token);
      expect(after.status).toBe(200);
      expect(after.body.toString('utf8').split('\r\n').length).toBe(1000 + 2);
    });
  });

  describe('room for downloads', () => {
    let server: TestServer;

    afterEach(() => server.stop());

    it("answers 503 with Retry-After past the organization's cap, after a short wait, while another organization still downloads", async () => {
      server = await TestServer.start({ dbPoolMax: 6, exports: exportSettings({ connections: 3, perOrganization: 2, stallTimeoutMs: 20_000 }) });
      const list = await createPriceList(server, exporter.centralToken);
      const held = [
        await openStalled(server.url, '/exports/packages.csv', exporter.token),
        await openStalled(server.url, '/exports/packages.csv', exporter.centralToken),
      ];
      try {
        expect(held.map((download) => download.status)).toEqual([200, 200]);
        const third = await download(server.url, '/exports/packages.xlsx', exporter.token);
        expectBusy(third);
        // It waited for room (EXPORT_QUEUE_TIMEOUT_MS) before giving up.
        expect(third.ms).toBeGreaterThanOrEqual(290);
        // Every export route counts: a price list's too.
        expectBusy(await download(server.url, `/exports/price-lists/${list.id}.csv`, exporter.centralToken));
        // HEAD reads nothing and needs no room.
        expect((await fetch(`${server.url}/exports/packages.csv`, { method: 'HEAD', headers: { authorization: `Bearer ${exporter.token}` } })).status).toBe(200);
        // Another organization is not held back by this one's cap.
        const theirs = await download(server.url, '/exports/packages.csv', other.clinics[0].staff);
        expect(theirs.status).toBe(200);
      } finally {
        for (const download of held) download.release();
      }
      // Once the stalled downloads are gone, their slots are free again.
      const again = await download(server.url, `/exports/price-lists/${list.id}.csv`, exporter.centralToken);
      expect(again.status).toBe(200);
    });

    it('answers 503 when the share is full, and admits a waiting download as soon as a slot frees', async () => {
      server = await TestServer.start({
        dbPoolMax: 6,
        exports: exportSettings({ connections: 2, perOrganization: 2, queueTimeoutMs: 2000, stallTimeoutMs: 20_000 }),
      });
      const held = [
        await openStalled(server.url, '/exports/packages.csv', exporter.token),
        await openStalled(server.url, '/exports/packages.csv', exporter.token),
      ];
      try {
        expect(held.map((download) => download.status)).toEqual([200, 200]);
        // The share is full: another organization waits, then gets 503.
        expectBusy(await download(server.url, '/exports/packages.csv', other.clinics[0].staff));
        // A waiting download is admitted when a slot frees within its wait.
        const waiting = download(server.url, '/exports/packages.csv', other.clinics[0].staff);
        await new Promise((resolve) => setTimeout(resolve, 500));
        held[0].release();
        const admitted = await waiting;
        expect(admitted.status).toBe(200);
        expect(admitted.ms).toBeGreaterThanOrEqual(450);
        expect(admitted.ms).toBeLessThan(2000);
      } finally {
        for (const download of held) download.release();
      }
    });
  });

  describe('clients that do not keep up', () => {
    let server: TestServer;
    const logs = new LogCapture();

    afterEach(() => server.stop());

    it('cuts a client that stops reading after EXPORT_STALL_TIMEOUT_MS, and its slot and connection are free again', async () => {
      server = await TestServer.start(
        { dbPoolMax: 2, exports: exportSettings({ connections: 1, perOrganization: 1, stallTimeoutMs: 800 }), logLevel: 'info' },
        { logDestination: logs.destination },
      );
      const stalled = await openStalled(server.url, '/exports/packages.csv', exporter.token);
      expect(stalled.status).toBe(200);
      // The server fills the sockets' buffers first (about 4 MiB), then waits for the client.
      const cut = await waitFor(() => logs.entries().find((entry) => entry.msg === 'export cut off: the client stopped reading'), 50_000);
      // Cut soon after the stall timeout (well before the database's own idle timeout, 5 s).
      expect(cut.stalledMs).toBeGreaterThanOrEqual(800);
      expect(cut.stalledMs).toBeLessThan(800 + 1500);
      expect(cut.level).toBe(30);
      // The file the client then reads on is short.
      const read = await stalled.readOn();
      expect(read.complete).toBe(false);
      // With a single slot: a new download gets it.
      const next = await download(server.url, '/exports/packages.csv?search=masiva%20019', exporter.token);
      expect(next.status).toBe(200);
      expect(next.body.toString('utf8').split('\r\n').length).toBe(1000 + 2);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    });

    it('cuts a client that keeps reading, too slowly, after EXPORT_MAX_DURATION_MS', async () => {
      server = await TestServer.start(
        { dbPoolMax: 2, exports: exportSettings({ connections: 1, perOrganization: 1, stallTimeoutMs: 10_000, maxDurationMs: 1500 }), logLevel: 'info' },
        { logDestination: logs.destination },
      );
      const started = Date.now();
      const outcome = await new Promise<{ complete: boolean; bytes: number }>((resolve) => {
        http.get(`${server.url}/exports/packages.csv`, { headers: { authorization: `Bearer ${exporter.token}` } }, (res) => {
          let bytes = 0;
          // One chunk every 250 ms for 3 s (never stalled for long, far too slow for 5 MiB), then
          // what is left at full speed: a download cut after 1.5 s ends short.
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (Date.now() - started > 3000) return;
            res.pause();
            setTimeout(() => res.resume(), 250);
          });
          res.on('close', () => resolve({ complete: res.complete, bytes }));
        });
      });
      expect(outcome.complete).toBe(false);
      const cut = logs.entries().find((entry) => entry.msg === 'export cut off: the client read too slowly');
      expect(cut).toBeDefined();
      expect(cut!.time - started).toBeGreaterThanOrEqual(1500);
      expect(cut!.time - started).toBeLessThan(1500 + 2500);
      expect(logs.entries().filter((entry) => entry.msg === 'export cut off: the client read too slowly')).toHaveLength(1);
      expect((await download(server.url, '/exports/packages.csv?search=ninguno-se-llama-asi', exporter.token)).status).toBe(200);
    });
  });
});

describe('export settings', () => {
  const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }).exports;

  it('default to about a third of the pool, at least one connection, two per organization', () => {
    expect(load({})).toEqual({ connections: 3, perOrganization: 2, queueTimeoutMs: 2000, stallTimeoutMs: 3000, maxDurationMs: 60_000 });
    expect(load({ DB_POOL_MAX: '4' }).connections).toBe(1);
    expect(load({ DB_POOL_MAX: '1' }).connections).toBe(1);
    expect(load({ DB_POOL_MAX: '20', EXPORT_CONNECTIONS: '19', EXPORTS_PER_ORGANIZATION: '5' })).toMatchObject({ connections: 19, perOrganization: 5 });
  });

  it.each([
    [{ EXPORT_CONNECTIONS: '0' }, 'EXPORT_CONNECTIONS'],
    [{ EXPORT_CONNECTIONS: '10' }, 'EXPORT_CONNECTIONS'],
    [{ DB_POOL_MAX: '4', EXPORT_CONNECTIONS: '4' }, 'EXPORT_CONNECTIONS'],
    [{ EXPORT_CONNECTIONS: 'many' }, 'EXPORT_CONNECTIONS'],
    [{ EXPORTS_PER_ORGANIZATION: '0' }, 'EXPORTS_PER_ORGANIZATION'],
    [{ EXPORT_QUEUE_TIMEOUT_MS: 'soon' }, 'EXPORT_QUEUE_TIMEOUT_MS'],
    [{ EXPORT_QUEUE_TIMEOUT_MS: '60001' }, 'EXPORT_QUEUE_TIMEOUT_MS'],
    [{ EXPORT_STALL_TIMEOUT_MS: '50' }, 'EXPORT_STALL_TIMEOUT_MS'],
    [{ EXPORT_MAX_DURATION_MS: '-1' }, 'EXPORT_MAX_DURATION_MS'],
  ])('%j is refused, naming %s', (env, variable) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(new RegExp(`^${variable}\\b`));
  });
});
