import { SqlMigration } from '../src/db/sql-migration';

/** Multi-column statistics for the lists' visibility filter. */
export class ListStatistics extends SqlMigration {
  constructor() {
    super('0002_list_statistics.sql');
  }
}
