import { SqlMigration } from '../src/db/sql-migration';

/** The change history and feed (catalog_events), webhooks and their deliveries, and the worker's functions. */
export class ChangeFeed extends SqlMigration {
  constructor() {
    super('0009_change_feed.sql');
  }
}
