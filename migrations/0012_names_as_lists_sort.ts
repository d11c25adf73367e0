import { SqlMigration } from '../src/db/sql-migration';

/** Package names, service codes and tenant names unique as the lists sort them (catalog_order: ñ distinct from n). */
export class NamesAsListsSort extends SqlMigration {
  constructor() {
    super('0012_names_as_lists_sort.sql');
  }
}
