import { SqlMigration } from '../src/db/sql-migration';

/** Stored folded names, so that search uses the trigram indexes under Row Level Security. */
export class SearchUnderRowSecurity extends SqlMigration {
  constructor() {
    super('0003_search_under_row_security.sql');
  }
}
