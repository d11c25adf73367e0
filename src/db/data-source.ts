import { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';

/**
 * The pool. Requests never use repositories outside a RequestTransaction, which carries the
 * RLS settings; the data source itself is only the connection pool and the migrations' target.
 */
export function createDataSource(databaseUrl: string, config: Pick<Config, 'dbPoolMax'>, log: Logger): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    entities: [],
    // An idle pooled connection that breaks (the database restarted) is dropped by the pool; say so.
    poolErrorHandler: (error: Error) => log.warn({ err: error }, 'idle database connection lost'),
    extra: {
      max: config.dbPoolMax,
      // Fail fast while the database is away instead of queueing requests forever.
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 30000,
      keepAlive: true,
    },
  });
}
