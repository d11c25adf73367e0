import { Client } from 'pg';

/**
 * Holds the row locks `sql` takes (one row, `FOR UPDATE` or the like) from a connection of its own,
 * as DATABASE_URL's user, until released: a way to make one request slow or stuck without
 * anything test-only in the API.
 */
export async function holdRowLock(sql: string, params: unknown[]): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query('BEGIN');
  const { rowCount } = await client.query(sql, params);
  if (rowCount !== 1) throw new Error(`the lock took ${rowCount} rows`);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/**
 * Holds `FOR UPDATE` on one organization's row: until released, the API's next insert of a tenant
 * into that organization waits (its foreign key check needs the row).
 */
export function lockOrganization(organizationId: string): Promise<{ release(): Promise<void> }> {
  return holdRowLock('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
}
