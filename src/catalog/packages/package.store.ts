import type { RequestTransaction } from '../../request/request-transaction';
import type { StatusFilter } from '../../graphql/common.types';
import type { TenantScope } from '../../tenancy/viewer';
import { originSql, SqlParams, visibleItemSql, visibleRowSql, type Origin } from '../../tenancy/visibility';
import { containsSql, pageSql, sortValueSql, type PageRequest, type SortKey, type SqlQuery } from '../pagination';
import { serviceColumns, toService } from '../services/service.store';
import type { Service } from '../services/service.types';
import { Package, PackageItem, type PackageSortField } from './package.types';

const PACKAGE_COLUMNS = ['id', 'owner_tenant_id', 'name', 'description', 'shared', 'active', 'version', 'created_at', 'updated_at', 'deactivated_at'];

function packageColumns(alias: string): string {
  return PACKAGE_COLUMNS.map((column) => `${alias}.${column}`).join(', ');
}

/**
 * Rows become instances of their GraphQL classes: type-graphql hands an instance to field resolvers
 * as it is, but copies a plain object into a new instance for every field resolver it meets.
 */
function toPackage(row: Record<string, unknown>): Package {
  return Object.assign(new Package(), {
    id: row.id as string,
    ownerTenantId: row.owner_tenant_id as string,
    name: row.name as string,
    description: row.description as string | null,
    shared: row.shared as boolean,
    active: row.active as boolean,
    version: row.version as number,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    deactivatedAt: row.deactivated_at as Date | null,
  });
}

/** Packages by id within the organization, visible or not: callers apply the visibility rules. */
export async function findPackages(tx: RequestTransaction, scope: TenantScope, ids: readonly string[]): Promise<(Package | null)[]> {
  const rows = await tx.query(
    `SELECT ${packageColumns('p')} FROM packages p WHERE p.organization_id = $1 AND p.id = ANY($2::uuid[])`,
    [scope.organizationId, ids],
  );
  const byId = new Map(rows.map((row) => [row.id as string, toPackage(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Reads a package and locks it for the rest of the transaction: edits and item changes queue up. */
export async function lockPackage(tx: RequestTransaction, scope: TenantScope, id: string): Promise<Package | null> {
  const [row] = await tx.query(
    `SELECT ${packageColumns('p')} FROM packages p WHERE p.organization_id = $1 AND p.id = $2 FOR NO KEY UPDATE`,
    [scope.organizationId, id],
  );
  return row ? toPackage(row) : null;
}

export const PACKAGE_SORT_KEYS: Record<PackageSortField, SortKey> = {
  NAME: { field: 'packages.NAME', expression: 'p.name COLLATE catalog_order', type: 'text' },
  CREATED_AT: { field: 'packages.CREATED_AT', expression: 'p.created_at', type: 'timestamptz' },
  UPDATED_AT: { field: 'packages.UPDATED_AT', expression: 'p.updated_at', type: 'timestamptz' },
};

export interface PackageListFilter {
  /** Trimmed search term, or null for no search. */
  search: string | null;
  status: StatusFilter;
  origin: Origin[] | null;
}

/**
 * Conditions for the packages the viewer sees that match the filter (alias `p`): lists, counts and
 * exports. Without a search they read only organization_id, owner_tenant_id, shared and active,
 * so they apply as well to the rows of package_counts (see `packageCountQuery`).
 */
export function packageFilterSql(scope: TenantScope, filter: PackageListFilter, params: SqlParams, alias = 'p'): string {
  const conditions = [`${alias}.organization_id = ${params.add(scope.organizationId)}`, visibleRowSql(scope, alias, params)];
  if (filter.status === 'ACTIVE') conditions.push(`${alias}.active`);
  if (filter.status === 'INACTIVE') conditions.push(`NOT ${alias}.active`);
  if (filter.origin) conditions.push(originSql(scope, alias, filter.origin, params));
  if (filter.search !== null) conditions.push(containsSql(`${alias}.name_folded`, params.add(filter.search)));
  return conditions.join(' AND ');
}

/** One page of the packages the viewer sees that match the filter, with each row's sort value. */
export function packageListQuery(scope: TenantScope, filter: PackageListFilter, key: SortKey, page: PageRequest): SqlQuery {
  const params = new SqlParams();
  const where = packageFilterSql(scope, filter, params);
  const keyset = pageSql(page, key, 'p', params);
  return {
    sql: `SELECT ${packageColumns('p')}, ${sortValueSql(key)} AS sort_value
            FROM packages p WHERE ${where} AND ${keyset.where}
           ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
    params: params.values,
  };
}

export async function listPackages(
  tx: RequestTransaction,
  scope: TenantScope,
  filter: PackageListFilter,
  key: SortKey,
  page: PageRequest,
): Promise<{ node: Package; sortValue: string }[]> {
  const { sql, params } = packageListQuery(scope, filter, key, page);
  const rows = await tx.query(sql, params);
  return rows.map((row) => ({ node: toPackage(row), sortValue: row.sort_value as string }));
}

/**
 * `totalCount`: without a search, a sum over the organization's per-owner counts (migration 0005),
 * a few rows per tenant however many packages there are; with one, the matches through the
 * trigram index.
 */
export function packageCountQuery(scope: TenantScope, filter: PackageListFilter): SqlQuery {
  const params = new SqlParams();
  if (filter.search === null) {
    return {
      sql: `SELECT coalesce(sum(c.packages), 0) AS count FROM package_counts c WHERE ${packageFilterSql(scope, filter, params, 'c')}`,
      params: params.values,
    };
  }
  return { sql: `SELECT count(*) FROM packages p WHERE ${packageFilterSql(scope, filter, params)}`, params: params.values };
}

export async function countPackages(tx: RequestTransaction, scope: TenantScope, filter: PackageListFilter): Promise<number> {
  const { sql, params } = packageCountQuery(scope, filter);
  const [row] = await tx.query<{ count: string }>(sql, params);
  return Number(row.count);
}

export interface PackageFields {
  name: string;
  description: string | null;
  shared: boolean;
}

export async function insertPackage(tx: RequestTransaction, scope: TenantScope, fields: PackageFields): Promise<Package> {
  const [row] = await tx.query(
    `INSERT INTO packages (organization_id, owner_tenant_id, name, description, shared) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${packageColumns('packages')}`,
    [scope.organizationId, scope.tenantId, fields.name, fields.description, fields.shared],
  );
  return toPackage(row);
}

/** Writes the fields and bumps the version (the row is locked by `lockPackage`). */
export async function updatePackage(tx: RequestTransaction, scope: TenantScope, id: string, fields: PackageFields): Promise<Package> {
  const [row] = await tx.query(
    `UPDATE packages SET name = $3, description = $4, shared = $5, version = version + 1, updated_at = now()
      WHERE organization_id = $1 AND id = $2 RETURNING ${packageColumns('packages')}`,
    [scope.organizationId, id, fields.name, fields.description, fields.shared],
  );
  return toPackage(row);
}

/** Null when the package already was in that state (nothing written). */
export async function setPackageActive(tx: RequestTransaction, scope: TenantScope, id: string, active: boolean): Promise<Package | null> {
  const [row] = await tx.query(
    `UPDATE packages SET active = $3, deactivated_at = CASE WHEN $3 THEN NULL ELSE now() END,
            version = version + 1, updated_at = now()
      WHERE organization_id = $1 AND id = $2 AND active <> $3 RETURNING ${packageColumns('packages')}`,
    [scope.organizationId, id, active],
  );
  return row ? toPackage(row) : null;
}

/** Its items changed: the package shows a new updatedAt (its version counts edits of its own fields). */
export async function touchPackage(tx: RequestTransaction, scope: TenantScope, id: string): Promise<Package> {
  const [row] = await tx.query(
    `UPDATE packages SET updated_at = now() WHERE organization_id = $1 AND id = $2 RETURNING ${packageColumns('packages')}`,
    [scope.organizationId, id],
  );
  return toPackage(row);
}

/** An item with its service, as the items query returns them. */
export interface ItemWithService {
  item: PackageItem;
  service: Service;
}

function toPackageItem(row: Record<string, unknown>): PackageItem {
  return Object.assign(new PackageItem(), {
    id: row.id as string,
    packageId: row.package_id as string,
    serviceId: row.service_id as string,
    addedByTenantId: row.added_by_tenant_id as string,
    quantity: row.quantity as number,
  });
}

function toItem(row: Record<string, unknown>): ItemWithService {
  return { item: toPackageItem(row), service: toService(row, 'service_') };
}

const ITEM_COLUMNS = 'i.id, i.package_id, i.service_id, i.added_by_tenant_id, i.quantity';

/** The items of these packages that the viewer sees, oldest first, with their services (one statement for any number of packages). */
export function visibleItemsQuery(scope: TenantScope, packageIds: readonly string[]): SqlQuery {
  const params = new SqlParams();
  const organization = params.add(scope.organizationId);
  const ids = params.add(packageIds);
  // The planner does not carry `= ANY` across the join: said for both tables, packages are reached
  // by their key instead of a scan of the organization's packages.
  return visibleItemsWhere(scope, params, `i.organization_id = ${organization} AND i.package_id = ANY(${ids}::uuid[]) AND p.id = ANY(${ids}::uuid[])`);
}

/** The visible items among the rows `where` picks (aliases: i items, p packages, s services), with their services. */
function visibleItemsWhere(scope: TenantScope, params: SqlParams, where: string): SqlQuery {
  return {
    sql: `SELECT ${ITEM_COLUMNS}, ${serviceColumns('s', 'service_')}
            FROM package_items i
            JOIN packages p ON p.organization_id = i.organization_id AND p.id = i.package_id
            JOIN services s ON s.organization_id = i.organization_id AND s.id = i.service_id
           WHERE ${where}
             AND ${visibleItemSql(scope, 'i', 'p', 's', params)}
           ORDER BY i.package_id, i.position`,
    params: params.values,
  };
}

export async function findVisibleItems(
  tx: RequestTransaction,
  scope: TenantScope,
  packageIds: readonly string[],
): Promise<ItemWithService[]> {
  const { sql, params } = visibleItemsQuery(scope, packageIds);
  return (await tx.query(sql, params)).map(toItem);
}

/** Items by their own ids, those the viewer sees, with their services (federation resolves items by key). */
export async function findVisibleItemsById(tx: RequestTransaction, scope: TenantScope, itemIds: readonly string[]): Promise<ItemWithService[]> {
  const params = new SqlParams();
  const { sql, params: values } = visibleItemsWhere(scope, params, `i.organization_id = ${params.add(scope.organizationId)} AND i.id = ANY(${params.add(itemIds)}::uuid[])`);
  return (await tx.query(sql, values)).map(toItem);
}

/**
 * One item with its package and service, visible or not: callers apply the visibility rules.
 * Locks the package, as adding items does, so that changes to a package's items queue up in
 * one order (package, then items) instead of deadlocking.
 */
export async function lockItem(
  tx: RequestTransaction,
  scope: TenantScope,
  id: string,
): Promise<(ItemWithService & { package: Package }) | null> {
  const [row] = await tx.query(
    `SELECT ${ITEM_COLUMNS}, ${serviceColumns('s', 'service_')}, ${PACKAGE_COLUMNS.map((column) => `p.${column} AS package_${column}`).join(', ')}
       FROM package_items i
       JOIN packages p ON p.organization_id = i.organization_id AND p.id = i.package_id
       JOIN services s ON s.organization_id = i.organization_id AND s.id = i.service_id
      WHERE i.organization_id = $1 AND i.id = $2
        FOR NO KEY UPDATE OF p`,
    [scope.organizationId, id],
  );
  if (!row) return null;
  const packageRow = Object.fromEntries(PACKAGE_COLUMNS.map((column) => [column, row[`package_${column}`]]));
  return { ...toItem(row), package: toPackage(packageRow) };
}

/**
 * Adds the viewer's own items: a service already among them gets its quantity increased, in one
 * statement (atomic under concurrent adds). Returns the items as they are now, and the services
 * whose merged quantity would pass `maxQuantity` (nothing is written for those; the caller fails
 * the mutation).
 */
export async function addOwnItems(
  tx: RequestTransaction,
  scope: TenantScope,
  packageId: string,
  items: { serviceId: string; quantity: number }[],
  maxQuantity: number,
): Promise<{ items: { id: string; serviceId: string; quantity: number }[]; overflowing: string[] }> {
  const rows = await tx.query<{ service_id: string; id: string | null; quantity: number | null }>(
    `WITH wanted AS (
       SELECT * FROM unnest($3::uuid[], $4::int[]) AS w(service_id, quantity)
     ), merged AS (
       INSERT INTO package_items (organization_id, package_id, service_id, added_by_tenant_id, quantity)
       SELECT $1, $2, w.service_id, $5, w.quantity FROM wanted w
       ON CONFLICT (organization_id, package_id, added_by_tenant_id, service_id)
       DO UPDATE SET quantity = package_items.quantity + EXCLUDED.quantity, updated_at = now()
         WHERE package_items.quantity + EXCLUDED.quantity <= $6
       RETURNING id, service_id, quantity
     )
     SELECT w.service_id, m.id, m.quantity FROM wanted w LEFT JOIN merged m ON m.service_id = w.service_id`,
    [
      scope.organizationId,
      packageId,
      items.map((item) => item.serviceId),
      items.map((item) => item.quantity),
      scope.tenantId,
      maxQuantity,
    ],
  );
  return {
    items: rows.filter((row) => row.id !== null).map((row) => ({ id: row.id!, serviceId: row.service_id, quantity: row.quantity! })),
    overflowing: rows.filter((row) => row.id === null).map((row) => row.service_id),
  };
}

export async function countItems(tx: RequestTransaction, scope: TenantScope, packageId: string): Promise<number> {
  const [row] = await tx.query<{ count: string }>(
    'SELECT count(*) FROM package_items WHERE organization_id = $1 AND package_id = $2',
    [scope.organizationId, packageId],
  );
  return Number(row.count);
}

/** Null when the item is gone (removed while this request waited for the package's lock). */
export async function setItemQuantity(tx: RequestTransaction, scope: TenantScope, id: string, quantity: number): Promise<PackageItem | null> {
  const [row] = await tx.query(
    `UPDATE package_items i SET quantity = $3, updated_at = now() WHERE organization_id = $1 AND id = $2
     RETURNING ${ITEM_COLUMNS}`,
    [scope.organizationId, id, quantity],
  );
  return row ? toPackageItem(row) : null;
}

/** False when the item was already gone. */
export async function deleteItem(tx: RequestTransaction, scope: TenantScope, id: string): Promise<boolean> {
  const rows = await tx.query('DELETE FROM package_items WHERE organization_id = $1 AND id = $2 RETURNING id', [scope.organizationId, id]);
  return rows.length > 0;
}
