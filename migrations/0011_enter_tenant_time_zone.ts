import { SqlMigration } from '../src/db/sql-migration';

/** enter_tenant also returns the organization's time zone. */
export class EnterTenantTimeZone extends SqlMigration {
  constructor() {
    super('0011_enter_tenant_time_zone.sql');
  }
}
