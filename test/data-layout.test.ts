import { withDatabase } from './support/db';

/**
 * Citus readiness: every tenant-owned table (one with organization_id) leads its primary key,
 * unique constraints and indexes, and foreign keys with organization_id, and forces RLS.
 */
describe('data layout of tenant-owned tables', () => {
  let tables: string[];

  beforeAll(async () => {
    tables = await withDatabase(async (client) =>
      (
        await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name = 'organization_id' ORDER BY table_name`,
        )
      ).rows.map((row) => row.table_name),
    );
  });

  it('finds the tenant-owned tables', () => {
    expect(tables).toEqual(expect.arrayContaining(['package_items', 'packages', 'services', 'tenants']));
  });

  it('leads every primary key and unique index with organization_id', async () => {
    const offenders = await withDatabase(async (client) => {
      const { rows } = await client.query<{ table_name: string; index_name: string; first_column: string | null }>(
        `SELECT t.relname AS table_name, i.relname AS index_name, a.attname AS first_column
           FROM pg_index x
           JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
           LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
          WHERE (x.indisunique OR x.indisprimary) AND t.relname = ANY($1)`,
        [tables],
      );
      return rows.filter((row) => row.first_column !== 'organization_id');
    });
    expect(offenders).toEqual([]);
  });

  it('includes organization_id in every foreign key between tenant-owned tables', async () => {
    const foreignKeys = await withDatabase(async (client) =>
      (
        await client.query<{ name: string; from_table: string; to_table: string; from_columns: string[]; to_columns: string[] }>(
          `SELECT c.conname AS name, f.relname AS from_table, r.relname AS to_table,
                  array(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY o)::text[] AS from_columns,
                  array(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY o)::text[] AS to_columns
             FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.contype = 'f' AND f.relname = ANY($1)`,
          [tables],
        )
      ).rows,
    );
    const betweenTenantTables = foreignKeys.filter((fk) => tables.includes(fk.to_table));
    expect(betweenTenantTables.length).toBeGreaterThanOrEqual(5);
    for (const fk of betweenTenantTables) {
      expect([fk.name, fk.from_columns[0], fk.to_columns[0]]).toEqual([fk.name, 'organization_id', 'organization_id']);
    }
  });

  it('enables and forces row level security on every tenant-owned table and on organizations', async () => {
    const flags = await withDatabase(async (client) =>
      (
        await client.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
          'SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY($1) ORDER BY relname',
          [[...tables, 'organizations']],
        )
      ).rows,
    );
    expect(flags).toHaveLength(tables.length + 1);
    for (const flag of flags) expect(flag).toEqual({ relname: flag.relname, relrowsecurity: true, relforcerowsecurity: true });
  });
});
