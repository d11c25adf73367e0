import type { DataSource, Table } from 'typeorm';
import { createDataSource, MIGRATIONS_TABLE } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { createScratchDatabase } from './support/db';

/**
 * The entities agree with what the migrations build: every entity's table, columns, types,
 * nullability and primary key, read back through TypeORM from a freshly migrated database; and
 * TypeORM's schema builder, asked what it would change to match the entities, names only what the
 * entities deliberately leave to the SQL (listed below with the reason).
 */

/** Statements of the schema builder that are expected, each with why the entities do not express it. */
const LEFT_TO_SQL: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /^ALTER TABLE "\w+" DROP CONSTRAINT "\w+_fkey"$/,
    reason: 'composite foreign keys led by organization_id stay in SQL: TypeORM relations on composite join columns are fragile (typeorm#8513, #3279)',
  },
  {
    pattern: /^ALTER TABLE "\w+" DROP CONSTRAINT "\w+_check"$/,
    reason: 'CHECK constraints (lengths, ranges, the allowed words of text columns) stay in SQL, written once; the inputs are checked before, naming the field (validation.ts)',
  },
  {
    pattern: /^DROP INDEX "public"\."\w+"$/,
    reason: 'indexes stay in SQL, where they are written once: most use expressions, collations, partial conditions or trigram operator classes, which @Index cannot express',
  },
  {
    pattern: /^ALTER TABLE "\w+" ALTER COLUMN "id" (DROP DEFAULT|SET DEFAULT gen_random_uuid\(\))$/,
    reason: "TypeORM reads the default gen_random_uuid() as its own uuid generation and would write the same default back; declaring `generated: 'uuid'` instead would make it CREATE EXTENSION on every start",
  },
  {
    pattern: /^(ALTER TABLE "\w+" (RENAME COLUMN "\w+_folded" TO "TEMP_OLD_\w+_folded"|ADD "\w+_folded" text|DROP COLUMN "TEMP_OLD_\w+_folded")|UPDATE "\w+" SET "\w+_folded" = "TEMP_OLD_\w+_folded"|DELETE FROM "typeorm_metadata" .*)$/,
    reason: 'the folded search columns are GENERATED ALWAYS … STORED (migration 0003); TypeORM would keep their expressions in a typeorm_metadata table of its own, so the entities map them read-only (insert and update off) and the test below checks they are generated',
  },
];

describe('entities agree with the migrated database', () => {
  let database: { url: string; drop(): Promise<void> };
  let dataSource: DataSource;
  let tables: Map<string, Table>;

  beforeAll(async () => {
    database = await createScratchDatabase('entities');
    await migrate(database.url, createLogger('silent'));
    dataSource = await createDataSource(database.url, { dbPoolMax: 2 }, createLogger('silent')).initialize();
    // TypeORM reads the expressions of generated columns from its own bookkeeping table; it is empty here.
    await dataSource.query(
      'CREATE TABLE typeorm_metadata (type varchar NOT NULL, database varchar, schema varchar, "table" varchar, name varchar, value text)',
    );
    const runner = dataSource.createQueryRunner();
    try {
      tables = new Map((await runner.getTables(dataSource.entityMetadatas.map((entity) => entity.tableName))).map((table) => [table.name, table]));
    } finally {
      await runner.release();
    }
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('has an entity for every table the migrations create', async () => {
    const [{ names }] = await dataSource.query(
      `SELECT array_agg(tablename::text ORDER BY tablename) AS names FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ($1, 'typeorm_metadata')`,
      [MIGRATIONS_TABLE],
    );
    expect(dataSource.entityMetadatas.map((entity) => entity.tableName).sort()).toEqual(names);
  });

  it('maps every column of every table with its type, nullability and primary key', () => {
    for (const entity of dataSource.entityMetadatas) {
      const table = tables.get(entity.tableName);
      expect([entity.tableName, table !== undefined]).toEqual([entity.tableName, true]);
      const mapped = (columns: { name: string; type: string; nullable: boolean; primary: boolean; precision: unknown; scale: unknown }[]) =>
        columns.sort((a, b) => a.name.localeCompare(b.name));
      const fromEntity = mapped(
        entity.columns.map((column) => ({
          name: column.databaseName,
          type: dataSource.driver.normalizeType(column),
          nullable: column.isNullable,
          primary: column.isPrimary,
          precision: column.precision ?? null,
          scale: column.scale ?? null,
        })),
      );
      const fromDatabase = mapped(
        table!.columns.map((column) => ({
          name: column.name,
          type: column.type,
          nullable: column.isNullable,
          primary: column.isPrimary,
          precision: column.precision ?? null,
          scale: column.scale ?? null,
        })),
      );
      expect({ table: entity.tableName, columns: fromEntity }).toEqual({ table: entity.tableName, columns: fromDatabase });
    }
  });

  it('never writes the columns the database generates', async () => {
    const generated: { table_name: string; column_name: string }[] = await dataSource.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND (is_generated = 'ALWAYS' OR identity_generation = 'ALWAYS') ORDER BY 1, 2`,
    );
    expect(generated.map((column) => `${column.table_name}.${column.column_name}`)).toEqual([
      'package_items.position',
      'packages.name_folded',
      'price_lists.search_folded',
      'services.code_folded',
      'services.name_folded',
    ]);
    for (const { table_name, column_name } of generated) {
      const column = dataSource.entityMetadatas.find((entity) => entity.tableName === table_name)!.findColumnWithDatabaseName(column_name)!;
      expect([table_name, column_name, column.isInsert, column.isUpdate]).toEqual([table_name, column_name, false, false]);
    }
  });

  it("leaves TypeORM's schema builder nothing to change but what is listed as kept in SQL", async () => {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    const unexplained = upQueries.map((query) => query.query.trim()).filter((sql) => !LEFT_TO_SQL.some(({ pattern }) => pattern.test(sql)));
    expect(unexplained).toEqual([]);
  });
});
