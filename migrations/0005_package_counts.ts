import { SqlMigration } from '../src/db/sql-migration';

/** Per-owner package counts kept by a deferred trigger: totalCount of packages without reading them. */
export class PackageCounts extends SqlMigration {
  constructor() {
    super('0005_package_counts.sql');
  }
}
