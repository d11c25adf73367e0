import { createLogger } from '../logger';
import { createDataSource } from './data-source';

/**
 * The data source TypeORM's CLI works with (`npm run typeorm -- migration:show`, `migration:run`,
 * `migration:revert`): the project's own, on DATABASE_URL.
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL must name the database TypeORM migrates');

export default createDataSource(databaseUrl, { dbPoolMax: 2 }, createLogger(process.env.LOG_LEVEL ?? 'info'));
