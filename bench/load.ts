import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signToken } from '../src/auth/token';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { projectRoot } from '../src/paths';
import { checkConsistency, percentile, prepareWorkload, runWorkload } from './workload';

/**
 * `npm run load -- --duration 60 --clients 32`: the mixed workload of test/workload.test.ts for
 * longer, against the built server in production mode, then the consistency verdict.
 * Uses DATABASE_URL when set (its tables get a new organization), else an embedded PostgreSQL.
 */
const SECRET = 'load-test-secret';

async function waitForHealth(url: string, server: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not become ready');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '60' }, clients: { type: 'string', default: '32' } } });
  const durationMs = Number(values.duration) * 1000;
  const clients = Number(values.clients);
  if (!(durationMs > 0) || !(clients > 0)) throw new Error('--duration (seconds) and --clients must be positive numbers');
  const log = createLogger('warn');
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-catalog-load-'));
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(dataDir, log);
    databaseUrl = embedded.url;
  }
  await migrate(databaseUrl, log);
  const port = 4600 + Math.floor(Math.random() * 300);
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'src', 'main.js')], {
    env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: SECRET, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'warn', MIGRATE_ON_START: 'false' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitForHealth(url, server);
    const fixture = await prepareWorkload(url, (claims) => signToken(claims, { jwtSecret: SECRET }), clients);
    console.log(`running ${clients} clients for ${durationMs / 1000} s against ${url}`);
    const report = await runWorkload(fixture, { clients, durationMs });
    const sorted = [...report.latenciesMs].sort((a, b) => a - b);
    const problems = await checkConsistency(databaseUrl, fixture, report);
    console.log(`requests: ${report.requests} (${(report.requests / (durationMs / 1000)).toFixed(1)}/s)`);
    console.log(`outcomes: ${Object.entries(report.byOutcome).map(([code, count]) => `${code} ${count}`).join(', ')}`);
    console.log(`latency: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`);
    console.log(problems.length === 0 ? 'verdict: consistent (no lost increment, no duplicate item, no partial mutation, no 5xx)' : `verdict: INCONSISTENT\n  ${problems.join('\n  ')}`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await embedded?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
