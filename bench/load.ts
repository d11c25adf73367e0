import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signToken } from '../src/auth/token';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { projectRoot } from '../src/paths';
import { prepareExportStorm, runExportStorm, type Reader } from './export-storm';
import { databaseServer, SERVER_NODE_FLAGS, startNode, stopProcess, waitForHealth } from './processes';
import { checkConsistency, percentile, prepareWorkload, runWorkload } from './workload';

/**
 * `npm run load -- --duration 60 --clients 32 [--exporters 6] [--pgbouncer]`: the mixed workload of
 * test/workload.test.ts for longer, against the built server in production mode, beside a storm
 * of downloads by another organization (20,000 packages, about 5 MiB of CSV: clients reading at
 * full speed, clients that stop reading, one reading slowly), then the consistency verdict. Uses DATABASE_URL when set (its tables get a new organization), else an
 * embedded PostgreSQL. With --pgbouncer the server reaches PostgreSQL through a PgBouncer in
 * transaction pooling mode (Debian package `pgbouncer`), proving that nothing outlives a transaction.
 */
const SECRET = 'load-test-secret';

/** Packages of the exporting organization: about 5 MiB of CSV, more than the sockets buffer. */
const STORM_PACKAGES = 20_000;

/** Half the exporters read at full speed, a third stop reading, the rest read slowly. */
function stormReaders(exporters: number): Reader[] {
  return Array.from({ length: exporters }, (_, index): Reader => {
    const slot = index % 6;
    return slot < 3 ? 'fast' : slot < 5 ? 'stalled' : 'trickle';
  });
}

/** Starts PgBouncer (transaction pooling) in front of `databaseUrl`; returns the URL through it. */
async function startPgBouncer(databaseUrl: string, workDir: string): Promise<{ url: string; process: ChildProcess }> {
  const target = new URL(databaseUrl);
  const port = 6500 + Math.floor(Math.random() * 400);
  const user = decodeURIComponent(target.username || 'postgres');
  const password = decodeURIComponent(target.password);
  const dir = path.join(workDir, 'pgbouncer');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" "${password}"\n`);
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 8',
      'max_client_conn = 500',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: it switches to the postgres user, which must read its files.
  for (const entry of [workDir, dir, ...fs.readdirSync(dir).map((file) => path.join(dir, file))]) fs.chmodSync(entry, 0o755);
  const args = [...(os.userInfo().uid === 0 ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')];
  const bouncer = spawn('pgbouncer', args, { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (bouncer.exitCode !== null) throw new Error(`pgbouncer exited with ${bouncer.exitCode}`);
  const through = new URL(databaseUrl);
  through.hostname = '127.0.0.1';
  through.port = String(port);
  return { url: through.toString(), process: bouncer };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      clients: { type: 'string', default: '32' },
      exporters: { type: 'string', default: '6' },
      pgbouncer: { type: 'boolean', default: false },
    },
  });
  const durationMs = Number(values.duration) * 1000;
  const clients = Number(values.clients);
  const exporters = Number(values.exporters);
  if (!(durationMs > 0) || !(clients > 0)) throw new Error('--duration (seconds) and --clients must be positive numbers');
  if (!Number.isInteger(exporters) || exporters < 0) throw new Error('--exporters must be a whole number (0: no export storm)');
  const log = createLogger('warn');
  const database = await databaseServer('load', log);
  const databaseUrl = database.url;
  // Migrations take a session-level advisory lock: they go to PostgreSQL directly, never through PgBouncer.
  await migrate(databaseUrl, log);
  const bouncer = values.pgbouncer ? await startPgBouncer(databaseUrl, database.workDir) : undefined;
  const port = 4600 + Math.floor(Math.random() * 300);
  const url = `http://127.0.0.1:${port}`;
  const server = startNode(path.join(projectRoot(), 'dist', 'src', 'main.js'), {
    NODE_ENV: 'production',
    JWT_SECRET: SECRET,
    DATABASE_URL: bouncer?.url ?? databaseUrl,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    MIGRATE_ON_START: 'false',
  }, SERVER_NODE_FLAGS);
  try {
    await waitForHealth(url, server);
    const sign = (claims: Parameters<typeof signToken>[0]) => signToken(claims, { jwtSecret: SECRET });
    const fixture = await prepareWorkload(url, sign, clients);
    const storm = exporters > 0 ? await prepareExportStorm(url, databaseUrl, sign, STORM_PACKAGES) : undefined;
    console.log(
      `running ${clients} clients for ${durationMs / 1000} s against ${url}${bouncer ? ' (through PgBouncer, transaction pooling)' : ''}` +
        (storm ? `, beside ${exporters} clients downloading another organization's ${STORM_PACKAGES} packages` : ''),
    );
    const [report, exportReport] = await Promise.all([
      runWorkload(fixture, { clients, durationMs }),
      storm ? runExportStorm(storm, { durationMs, readers: stormReaders(exporters) }) : undefined,
    ]);
    const sorted = [...report.latenciesMs].sort((a, b) => a - b);
    const problems = await checkConsistency(databaseUrl, fixture, report);
    if (exportReport) problems.push(...exportReport.failures.map((failure) => `export: ${failure}`));
    console.log(`requests: ${report.requests} (${(report.requests / (durationMs / 1000)).toFixed(1)}/s)`);
    console.log(`outcomes: ${Object.entries(report.byOutcome).map(([code, count]) => `${code} ${count}`).join(', ')}`);
    console.log(`latency: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`);
    if (exportReport) {
      const { started } = exportReport;
      console.log(
        `exports: ${started.fast + started.stalled + started.trickle} started (fast ${started.fast}, stalled ${started.stalled}, slow ${started.trickle}), ` +
          `whole ${exportReport.complete}, 503 ${exportReport.busy}, cut off ${exportReport.cut}, failed ${exportReport.failures.length}`,
      );
    }
    console.log(
      problems.length === 0
        ? `verdict: consistent (no lost increment, no duplicate item, no partial mutation, no 5xx${exportReport ? '; every download whole, 503 with Retry-After, or cut off for not reading' : ''})`
        : `verdict: INCONSISTENT\n  ${problems.join('\n  ')}`,
    );
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await stopProcess(server);
    bouncer?.process.kill('SIGTERM');
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
