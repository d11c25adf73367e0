import 'reflect-metadata';
import { signToken } from './auth/token';
import { ConfigError, loadConfig, type Config } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrate } from './db/migrate';
import { ensureDemoData } from './demo/demo-data';
import { createLogger, type Logger } from './logger';
import { startServer } from './server';

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

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log: Logger = createLogger(config.logLevel);
  if (config.jwtSecretIsDevelopmentDefault) {
    log.warn('JWT_SECRET is not set: using the development secret; never do this in production');
  }
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    databaseUrl = embedded.url;
    log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  if (config.migrateOnStart) await migrate(databaseUrl, log);
  const demoUsers = config.demoData ? await ensureDemoData(databaseUrl, true) : null;
  const server = await startServer({ ...config, migrateOnStart: false }, databaseUrl, log);
  log.info({ url: server.url }, 'clinic-catalog listening');
  if (demoUsers) await printDemoTokens(config, server.url, demoUsers);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await server.stop();
      await embedded?.stop();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
