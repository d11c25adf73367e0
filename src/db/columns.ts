import type { EntitySchemaColumnOptions } from 'typeorm';

/**
 * Column mappings shared by the entities. Every tenant-owned table leads its primary key with
 * organization_id (Citus-ready); foreign keys stay plain columns, declared in the migration SQL
 * (composite relations are fragile in TypeORM, see docs/style.md).
 */
export const organizationKey: EntitySchemaColumnOptions = { type: 'uuid', name: 'organization_id', primary: true };
export const generatedId: EntitySchemaColumnOptions = { type: 'uuid', primary: true, default: () => 'gen_random_uuid()' };
export const uuidColumn = (name: string): EntitySchemaColumnOptions => ({ type: 'uuid', name });
export const createdAt: EntitySchemaColumnOptions = { type: 'timestamptz', name: 'created_at', default: () => 'now()' };
export const updatedAt: EntitySchemaColumnOptions = { type: 'timestamptz', name: 'updated_at', default: () => 'now()' };
/** Kept by the database (GENERATED ALWAYS … STORED, see migration 0003): never written, read only by searches. */
export const folded = (name: string): EntitySchemaColumnOptions => ({ type: 'text', name, nullable: true, insert: false, update: false, select: false });
