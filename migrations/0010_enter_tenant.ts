import { SqlMigration } from '../src/db/sql-migration';

/** enter_tenant: a tenant's request reads its one tenant row; the tenancy registry stays closed to it. */
export class EnterTenant extends SqlMigration {
  constructor() {
    super('0010_enter_tenant.sql');
  }
}
