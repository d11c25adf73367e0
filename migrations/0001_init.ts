import { SqlMigration } from '../src/db/sql-migration';

/** The catalogue model: organizations, tenants, services, packages, items; Row Level Security. */
export class Init extends SqlMigration {
  constructor() {
    super('0001_init.sql');
  }
}
