import { Client } from 'pg';
import { createLogger } from '../../src/logger';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { RequestTransaction } from '../../src/request/request-transaction';
import { enterTenant } from '../../src/tenancy/tenancy.store';
import type { TenantScope } from '../../src/tenancy/viewer';

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

/** The application's own pool on DATABASE_URL, for tests that drive request transactions directly. */
export function openDataSource(): Promise<DataSource> {
  return createDataSource(process.env.DATABASE_URL!, { dbPoolMax: 2 }, createLogger('silent')).initialize();
}

export const TEST_TRANSACTION_LIMITS = { statementTimeoutMs: 10_000 };

/**
 * Runs `work` in a request transaction entered for `tenantId` exactly as a request is (application
 * role, the tenant's organization set), then rolls it back, or commits it when asked.
 */
export async function asTenant<T>(
  dataSource: DataSource,
  tenantId: string,
  work: (tx: RequestTransaction, scope: TenantScope) => Promise<T>,
  options: { commit?: boolean } = {},
): Promise<T> {
  const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
  try {
    const scope = await enterTenant(tx, tenantId);
    if (!scope) throw new Error(`no tenant ${tenantId}`);
    const result = await work(tx, scope);
    if (options.commit) await tx.commit();
    return result;
  } finally {
    await tx.rollback();
  }
}

/** A database of its own on DATABASE_URL's server, for tests that migrate from nothing; `drop` removes it. */
export async function createScratchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const database = `${name}_${process.pid}_${Date.now()}`;
  await withDatabase((client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: () => withDatabase((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(() => undefined),
  };
}
