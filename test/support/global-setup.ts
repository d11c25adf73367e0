import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../src/db/migrate';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { createLogger } from '../../src/logger';

/**
 * Tests run against DATABASE_URL when set (CI points it at a fresh database), otherwise against
 * an embedded PostgreSQL started for this run in a temporary folder.
 */
export default async function globalSetup(): Promise<void> {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  if (!process.env.DATABASE_URL) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-catalog-test-'));
    const embedded = await startEmbeddedPostgres(dataDir, log);
    process.env.DATABASE_URL = embedded.url;
    (globalThis as { __embedded?: unknown }).__embedded = { stop: embedded.stop, dataDir };
  }
  await migrate(process.env.DATABASE_URL, log);
}
