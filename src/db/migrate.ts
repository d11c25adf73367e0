import type { Logger } from '../logger';
import { createDataSource } from './data-source';
import type { SqlMigration } from './sql-migration';

// Any fixed number: serialises concurrent starts of several servers against one database.
const MIGRATION_LOCK = 7_310_221;

/**
 * Applies the pending migrations (migrations/index.ts) through TypeORM, each in its own transaction,
 * while holding an advisory lock so that servers starting together migrate one after another.
 * Returns the names of those applied (not those found applied by the runner before TypeORM).
 */
export async function migrate(databaseUrl: string, log: Logger): Promise<string[]> {
  // Two connections: one holds the lock, TypeORM runs the migrations on the other.
  const dataSource = await createDataSource(databaseUrl, { dbPoolMax: 2 }, log).initialize();
  try {
    const lock = dataSource.createQueryRunner();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied: string[] = [];
      for (const migration of await dataSource.runMigrations({ transaction: 'each' })) {
        if ((migration.instance as SqlMigration).recordedFromLegacy) {
          log.info({ migration: migration.name }, 'migration recorded: schema_migrations says it was applied');
        } else {
          log.info({ migration: migration.name }, 'migration applied');
          applied.push(migration.name);
        }
      }
      return applied;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lock.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
