import { SqlMigration } from '../src/db/sql-migration';

/** Price lists (tarifas) and their entries, and the organization's time zone. */
export class PriceLists extends SqlMigration {
  constructor() {
    super('0008_price_lists.sql');
  }
}
