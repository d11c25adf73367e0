import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { Client } from 'pg';
import { must, type Sign } from './workload';

/**
 * A storm of downloads (`GET /exports/...`) by one organization: clients that read at full speed,
 * clients that stop reading after the first bytes, clients that read a little at a time. Used by
 * test/exports-share.test.ts and by `npm run load` beside the GraphQL mix. Every answer must be a
 * whole file, a 503 with Retry-After (no room for now), or, for a client that does not read, the
 * server cutting it off; anything else is a failure.
 */

export interface StormFixture {
  url: string;
  organizationId: string;
  /** A STAFF token of a clinic of the organization (exports are the clinic's packages table). */
  token: string;
  /** An ADMIN token of the central, which owns the packages. */
  centralToken: string;
  packages: number;
}

/** Long names, so that a download is several MiB (more than the sockets buffer) with few rows. */
const LONG_NAME = `'Exportación masiva ' || lpad(g::text, 6, '0') || ' · limpieza, revisión, radiografía panorámica e informe para el paciente'`;

/**
 * A chain whose central owns `packages` shared packages of one item each, written with set-based
 * SQL on `databaseUrl` (PostgreSQL itself, as the table owner: what the API would have written,
 * in a second instead of minutes).
 */
export async function prepareExportStorm(url: string, databaseUrl: string, sign: Sign, packages: number): Promise<StormFixture> {
  const platform = await sign({ sub: 'storm-platform', roles: ['PLATFORM_ADMIN'] });
  const suffix = Math.random().toString(36).slice(2, 8);
  const organization = (
    await must(url, platform, 'mutation($i: ProvisionOrganizationInput!) { provisionOrganization(input: $i) { id tenants { id kind } } }', {
      i: {
        name: `Exportadora ${suffix}`,
        // Long owner names make every row longer too.
        centralName: `Central de la cadena exportadora con un nombre largo de verdad ${suffix}`,
        clinicNames: [`Clínica exportadora ${suffix}`],
      },
    })
  ).provisionOrganization as { id: string; tenants: { id: string; kind: string }[] };
  const central = organization.tenants.find((tenant) => tenant.kind === 'CENTRAL')!;
  const clinic = organization.tenants.find((tenant) => tenant.kind === 'CLINIC')!;
  const centralToken = await sign({ sub: `storm-central-${suffix}`, tid: central.id, roles: ['ADMIN'] });
  const service = (
    await must(url, centralToken, 'mutation($i: CreateServiceInput!) { createService(input: $i) { id } }', {
      i: { name: `Revisión exportada ${suffix}`, price: '45.50', taxRate: '21.00' },
    })
  ).createService.id as string;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO packages (organization_id, owner_tenant_id, name) SELECT $1, $2, ${LONG_NAME} FROM generate_series(1, $3::int) g`,
      [organization.id, central.id, packages],
    );
    await db.query(
      `INSERT INTO package_items (organization_id, package_id, service_id, added_by_tenant_id, quantity)
       SELECT organization_id, id, $2, owner_tenant_id, 2 FROM packages WHERE organization_id = $1`,
      [organization.id, service],
    );
    await db.query('COMMIT');
    await db.query('ANALYZE packages, package_items');
  } finally {
    await db.end();
  }
  const token = await sign({ sub: `storm-staff-${suffix}`, tid: clinic.id, roles: ['STAFF'] });
  return { url, organizationId: organization.id, token, centralToken, packages };
}

export type Reader = 'fast' | 'stalled' | 'trickle';

/** Names are numbered 000001-…: "masiva 01" matches 10,000 of 20,000 packages, "masiva 019" 1,000. */
export const DEFAULT_STORM_PATHS = ['/exports/packages.csv?search=masiva%2001', '/exports/packages.xlsx?lang=en&search=masiva%20019'];

export interface StormReport {
  /** Downloads started, by reader. */
  started: Record<Reader, number>;
  /** Whole files received (by fast and trickle readers). */
  complete: number;
  /** 503 answers, with Retry-After and the code. */
  busy: number;
  /** Downloads the server cut off (clients that stopped or read too slowly). */
  cut: number;
  /** Bytes of the whole files, for a sanity check. */
  completeBytes: number[];
  failures: string[];
}

interface StormOptions {
  durationMs: number;
  readers: Reader[];
  /** Paths downloaded in turn by clients that read (default: a tenth of the packages as CSV, a twentieth as XLSX). */
  paths?: string[];
  /** What a client that stops reading downloads (default: the whole CSV, larger than the sockets buffer). */
  stalledPath?: string;
  /**
   * How long a stalled client stops reading before it reads on (default 6 s). A server cuts a
   * stalled download by closing the connection, which the client only sees once it reads what
   * the sockets buffered; reading on shows whether the file was cut.
   */
  stallForMs?: number;
  /** A stalled client must have been cut off (EXPORT_STALL_TIMEOUT_MS shorter than `stallForMs`): a whole file is a failure. */
  expectStalledCut?: boolean;
}

interface Outcome {
  kind: 'complete' | 'busy' | 'cut' | 'failure';
  detail?: string;
  bytes?: number;
  retryAfterMs?: number;
}

/** One download read as `reader` reads; resolves with what happened. `stop` aborts it from the client's side. */
function download(url: string, path: string, token: string, reader: Reader, options: StormOptions, stop: AbortSignal): Promise<Outcome> {
  const stallForMs = options.stallForMs ?? 6000;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const req = http.get(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: stop }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 503) {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const retryAfter = Number(res.headers['retry-after']);
          let code: unknown;
          try {
            code = JSON.parse(Buffer.concat(chunks).toString('utf8')).errors?.[0]?.extensions?.code;
          } catch {
            code = undefined;
          }
          if (!(retryAfter > 0) || code !== 'SERVICE_UNAVAILABLE') settle({ kind: 'failure', detail: `503 without Retry-After or code (${res.headers['retry-after']}, ${String(code)})` });
          else settle({ kind: 'busy', retryAfterMs: retryAfter * 1000 });
        });
        return;
      }
      if (status !== 200) {
        res.resume();
        settle({ kind: 'failure', detail: `${path} answered ${status}` });
        return;
      }
      let bytes = 0;
      let stalled = false;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (reader === 'stalled' && !stalled) {
          stalled = true;
          res.pause();
          setTimeout(() => res.resume(), stallForMs).unref();
        }
        if (reader === 'trickle') {
          res.pause();
          setTimeout(() => res.resume(), 250).unref();
        }
      });
      res.on('close', () => {
        if (res.complete) {
          if (reader === 'stalled' && options.expectStalledCut) {
            return settle({ kind: 'failure', detail: `a client that stopped reading for ${stallForMs} ms was not cut off (${path})` });
          }
          return settle({ kind: 'complete', bytes });
        }
        if (stop.aborted) return settle({ kind: 'cut', bytes, detail: 'stopped by the storm' });
        if (reader === 'fast') return settle({ kind: 'failure', detail: `a fast download of ${path} was cut after ${bytes} bytes` });
        settle({ kind: 'cut', bytes });
      });
    });
    req.on('error', (error: Error) => {
      if (stop.aborted) settle({ kind: 'cut', detail: 'stopped by the storm' });
      else if (reader !== 'fast') settle({ kind: 'cut' });
      else settle({ kind: 'failure', detail: `${path}: ${error.message}` });
    });
  });
}

/**
 * Runs `readers.length` clients for `durationMs`, each downloading again as soon as its last
 * download ended (after a 503, it waits a little: at most half a second, not the Retry-After, so
 * that the storm keeps pushing). A client that stops reading is cut by the server; one still
 * waiting when the storm ends is let go.
 */
export async function runExportStorm(fixture: StormFixture, options: StormOptions): Promise<StormReport> {
  const paths = options.paths ?? DEFAULT_STORM_PATHS;
  const stalledPath = options.stalledPath ?? '/exports/packages.csv';
  const report: StormReport = { started: { fast: 0, stalled: 0, trickle: 0 }, complete: 0, busy: 0, cut: 0, completeBytes: [], failures: [] };
  const deadline = Date.now() + options.durationMs;
  const stop = new AbortController();
  // Every download listens to it.
  setMaxListeners(0, stop.signal);
  // Downloads still running well after the storm ended are let go.
  const ending = setTimeout(() => stop.abort(), options.durationMs + (options.stallForMs ?? 6000) + 2000);
  const client = async (reader: Reader, index: number) => {
    for (let turn = 0; Date.now() < deadline; turn++) {
      const path = reader === 'stalled' ? stalledPath : paths[(index + turn) % paths.length];
      report.started[reader] += 1;
      const outcome = await download(fixture.url, path, fixture.token, reader, options, stop.signal);
      if (outcome.kind === 'complete') {
        report.complete += 1;
        report.completeBytes.push(outcome.bytes!);
      } else if (outcome.kind === 'busy') {
        report.busy += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(outcome.retryAfterMs!, 100 + Math.random() * 400)));
      } else if (outcome.kind === 'cut') {
        if (outcome.detail !== 'stopped by the storm') report.cut += 1;
      } else {
        report.failures.push(outcome.detail!);
      }
    }
  };
  try {
    await Promise.all(options.readers.map((reader, index) => client(reader, index)));
  } finally {
    clearTimeout(ending);
  }
  return report;
}
