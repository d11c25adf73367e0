import fs from 'node:fs';
import path from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { projectRoot } from '../paths';

/** The hand-written SQL, one `NNNN_name.sql` per migration (and an optional `NNNN_name.down.sql` to revert it). */
export const MIGRATIONS_DIR = path.join(projectRoot(), 'migrations');

/**
 * A TypeORM migration that runs one hand-written SQL file (docs/style.md: migrations are written by
 * hand and append-only). TypeORM orders migrations by the 13 digits its names end with: the file's
 * number, so `0002_list_statistics.sql` is `0002_list_statistics_0000000000002`.
 *
 * Databases migrated before TypeORM ran the migrations recorded each file in `schema_migrations`;
 * a file recorded there is taken as applied (recorded in TypeORM's table, not run again).
 */
export abstract class SqlMigration implements MigrationInterface {
  readonly name: string;
  /** Set when `up` found the file applied by the runner before TypeORM and only recorded it. */
  recordedFromLegacy = false;

  constructor(private readonly file: string) {
    const match = /^(\d{4})_[a-z0-9_]+\.sql$/.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named NNNN_name.sql`);
    this.name = `${file.slice(0, -'.sql'.length)}_${match[1].padStart(13, '0')}`;
  }

  async up(runner: QueryRunner): Promise<void> {
    if (await appliedByLegacyRunner(runner, this.file)) {
      this.recordedFromLegacy = true;
      return;
    }
    await runner.query(fs.readFileSync(path.join(MIGRATIONS_DIR, this.file), 'utf8'));
  }

  async down(runner: QueryRunner): Promise<void> {
    const downFile = this.file.replace(/\.sql$/, '.down.sql');
    const downPath = path.join(MIGRATIONS_DIR, downFile);
    if (!fs.existsSync(downPath)) throw new Error(`${this.file} cannot be reverted: there is no ${downFile}`);
    await runner.query(fs.readFileSync(downPath, 'utf8'));
    if (await legacyTableExists(runner)) await runner.query('DELETE FROM schema_migrations WHERE name = $1', [this.file]);
  }
}

async function legacyTableExists(runner: QueryRunner): Promise<boolean> {
  const [row] = await runner.query(`SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present`);
  return row.present === true;
}

/** The runner before TypeORM (a table of applied file names) already applied `file`. */
async function appliedByLegacyRunner(runner: QueryRunner, file: string): Promise<boolean> {
  if (!(await legacyTableExists(runner))) return false;
  const rows = await runner.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
  return rows.length > 0;
}
