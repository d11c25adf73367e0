import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ENTITIES } from './entities';
import { POOL_TYPES } from './timestamps';

/** TypeORM's table of applied migrations (databases migrated before TypeORM also keep `schema_migrations`). */
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * The pool, the entities and the migrations. Requests never use it directly: each runs in a
 * RequestTransaction (one connection with the RLS settings), whose EntityManager the repositories use.
 */
export function createDataSource(databaseUrl: string, config: Pick<Config, 'dbPoolMax'>, log: Logger): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    // An idle pooled connection that breaks (the database restarted) is dropped by the pool; say so.
    poolErrorHandler: (error: Error) => log.warn({ err: error }, 'idle database connection lost'),
    extra: {
      max: config.dbPoolMax,
      // Fail fast while the database is away instead of queueing requests forever.
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 30000,
      keepAlive: true,
      types: POOL_TYPES,
    },
  });
}
