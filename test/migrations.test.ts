import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { MIGRATIONS } from '../migrations';
import { createDataSource, MIGRATIONS_TABLE } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { MIGRATIONS_DIR } from '../src/db/sql-migration';
import { createLogger } from '../src/logger';
import { createScratchDatabase } from './support/db';
import { buildServer } from './support/processes';

const log = createLogger('silent');
const SQL_FILES = fs.readdirSync(MIGRATIONS_DIR).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file)).sort();

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const recorded = (url: string) =>
  query<{ name: string }>(url, `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY timestamp`).then((rows) => rows.map((row) => row.name));

/** Tables and their columns as the catalog describes them: what two ways of migrating must agree on. */
const shape = (url: string) =>
  query(
    url,
    `SELECT table_name, column_name, data_type, is_nullable, column_default, is_generated
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ($1, 'schema_migrations')
      ORDER BY table_name, column_name`,
    [MIGRATIONS_TABLE],
  );

describe('migrations', () => {
  it('has one migration class per SQL file, in the files’ order', () => {
    const names = MIGRATIONS.map((Migration) => new Migration().name);
    expect(names).toEqual(SQL_FILES.map((file) => `${file.slice(0, -4)}_${file.slice(0, 4).padStart(13, '0')}`));
  });

  it('migrates a fresh database, finds nothing pending then, and reverts every migration', async () => {
    const database = await createScratchDatabase('migrate_fresh');
    try {
      expect(await migrate(database.url, log)).toHaveLength(SQL_FILES.length);
      expect(await migrate(database.url, log)).toEqual([]);
      expect(await recorded(database.url)).toHaveLength(SQL_FILES.length);
      const built = await shape(database.url);
      const dataSource = await createDataSource(database.url, { dbPoolMax: 2 }, log).initialize();
      try {
        for (const _file of SQL_FILES) await dataSource.undoLastMigration({ transaction: 'each' });
      } finally {
        await dataSource.destroy();
      }
      expect(await recorded(database.url)).toEqual([]);
      expect(await shape(database.url)).toEqual([]);
      // Reverted migrations run again as on a fresh database.
      expect(await migrate(database.url, log)).toHaveLength(SQL_FILES.length);
      expect(await shape(database.url)).toEqual(built);
    } finally {
      await database.drop();
    }
  });

  it('upgrades a database migrated by the runner before TypeORM without running anything again', async () => {
    const legacy = await createScratchDatabase('migrate_legacy');
    const fresh = await createScratchDatabase('migrate_reference');
    try {
      // What the runner before TypeORM did: each file in its own transaction, its name in schema_migrations.
      const client = new Client({ connectionString: legacy.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
        for (const file of SQL_FILES) {
          await client.query('BEGIN');
          await client.query(fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8'));
          await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
          await client.query('COMMIT');
        }
      } finally {
        await client.end();
      }
      // Running 0001 again would fail (CREATE FUNCTION fold_text exists): nothing is run, all is recorded.
      expect(await migrate(legacy.url, log)).toEqual([]);
      expect(await recorded(legacy.url)).toEqual(MIGRATIONS.map((Migration) => new Migration().name));
      await migrate(fresh.url, log);
      expect(await shape(legacy.url)).toEqual(await shape(fresh.url));
    } finally {
      await legacy.drop();
      await fresh.drop();
    }
  });

  it("works through TypeORM's CLI: show, revert the last migration, run it again", async () => {
    const build = buildServer('migrations');
    const database = await createScratchDatabase('migrate_cli');
    const typeorm = (command: string) =>
      promisify(execFile)(
        process.execPath,
        [path.join(__dirname, '..', 'node_modules', 'typeorm', 'cli.js'), command, '-d', path.join(build, 'src', 'db', 'cli-data-source.js')],
        { env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, LOG_LEVEL: 'silent' } },
      ).then(({ stdout }) => stdout);
    try {
      await typeorm('migration:run');
      expect(await typeorm('migration:show')).toContain(`[X] ${SQL_FILES.length} `);
      await typeorm('migration:revert');
      const [last] = MIGRATIONS.slice(-1).map((Migration) => new Migration().name);
      expect(await typeorm('migration:show')).toContain(`[ ] ${last}`);
      expect(await recorded(database.url)).not.toContain(last);
      await typeorm('migration:run');
      expect(await recorded(database.url)).toContain(last);
    } finally {
      await database.drop();
    }
  });
});
