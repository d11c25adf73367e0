import { Client } from 'pg';

/** A direct connection to the test database (as DATABASE_URL's user), for checks behind the API's back. */
export async function withDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Counts rows as an unrestricted observer would (RLS forced: read through the platform flag for tenancy tables). */
export async function countRows(sql: string, params: unknown[] = []): Promise<number> {
  return withDatabase(async (client) => {
    await client.query('BEGIN');
    await client.query("SELECT set_config('app.platform', 'on', true)");
    const { rows } = await client.query<{ count: string }>(sql, params);
    await client.query('ROLLBACK');
    return Number(rows[0].count);
  });
}
