import { SqlMigration } from '../src/db/sql-migration';

/** organizations.tenancy_version, raised by every change to the organization's tenants and returned by enter_tenant. */
export class TenancyVersion extends SqlMigration {
  constructor() {
    super('0013_tenancy_version.sql');
  }
}
