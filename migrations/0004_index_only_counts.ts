import { SqlMigration } from '../src/db/sql-migration';

/** Visibility indexes: totalCount of services as an index-only scan. */
export class IndexOnlyCounts extends SqlMigration {
  constructor() {
    super('0004_index_only_counts.sql');
  }
}
