import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log);
  try {
    const applied = await migrate(config.databaseUrl ?? embedded!.url, log);
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'no pending migrations');
  } finally {
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
