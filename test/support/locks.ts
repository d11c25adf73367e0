import { Client } from 'pg';

/**
 * Holds `FOR UPDATE` on one organization's row from a connection of its own: until released, the
 * API's next insert of a tenant into that organization waits (its foreign key check needs the row).
 * A way to make one request slow or stuck without anything test-only in the API.
 */
export async function lockOrganization(organizationId: string): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}
