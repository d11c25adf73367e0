import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isUuid } from '../../auth/token';
import { EntityRows, type AskedFields } from '../../db/rows';
import type { StatusFilter } from '../../graphql/common.types';
import type { RequestTransaction } from '../../request/request-transaction';
import type { TenantScope } from '../../tenancy/viewer';
import { originSql, SqlParams, visibleItemSql, visibleRowSql, type Origin } from '../../tenancy/visibility';
import { OwnedRowRepository } from '../owned-rows';
import { containsSql, countColumnSql, pageSql, readPage, sortValueSql, type ListPage, type PageRequest, type SortKey, type SqlQuery } from '../pagination';
import { SERVICE_ALWAYS_READ, serviceRows } from '../services/service.repository';
import type { Service } from '../services/service.types';
import type { ServiceRow } from '../services/service.entity';
import { PackageEntity, PackageItemEntity, type PackageItemRow, type PackageRow } from './package.entity';
import type { Package, PackageItem, PackageSortField } from './package.types';

const packageRows = new EntityRows(PackageEntity);
const itemRows = new EntityRows(PackageItemEntity);
/** An item's columns every reader needs (a narrowed read leaves out only its organization). */
const ITEM_ALWAYS_READ = ['id', 'packageId', 'serviceId', 'addedByTenantId', 'quantity'] as const;
/** A package's columns every reader needs whatever a query asks: visibility, ownership, counted items, messages. */
const PACKAGE_ALWAYS_READ = ['id', 'ownerTenantId', 'name', 'shared', 'active'] as const;

/** The mappers of the items query: every column, or those a query's fields need (`EntityRows.narrowed`). */
interface ItemReads {
  items: EntityRows<PackageItemRow>;
  services: EntityRows<ServiceRow>;
}

const WHOLE_ITEMS: ItemReads = { items: itemRows, services: serviceRows };

function itemReads(asked: AskedFields): ItemReads {
  return asked ? { items: itemRows.narrowed(ITEM_ALWAYS_READ, asked), services: serviceRows.narrowed(SERVICE_ALWAYS_READ, asked) } : WHOLE_ITEMS;
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

/**
 * One page of the packages the viewer sees that match the filter, with each row's sort value, and
 * with `withCount` the count of all matches in each row (`total_count`); `rows` picks the columns
 * (a narrowed mapper for a query, see `EntityRows.narrowed`).
 */
export function packageListQuery(scope: TenantScope, filter: PackageListFilter, key: SortKey, page: PageRequest, withCount = false, rows = packageRows): SqlQuery {
  const params = new SqlParams();
  const where = packageFilterSql(scope, filter, params);
  const keyset = pageSql(page, key, 'p', params);
  const count = countColumnSql(withCount ? packageCountSql(scope, filter, params) : null);
  return {
    sql: `SELECT ${rows.select('p')}, ${sortValueSql(key)} AS sort_value${count}
            FROM packages p WHERE ${where} AND ${keyset.where}
           ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
    params: params.values,
  };
}

/**
 * `totalCount`: without a search, a sum over the organization's per-owner counts (migration 0005),
 * a few rows per tenant however many packages there are; with one, the matches through the
 * trigram index.
 */
export function packageCountQuery(scope: TenantScope, filter: PackageListFilter): SqlQuery {
  const params = new SqlParams();
  return { sql: packageCountSql(scope, filter, params), params: params.values };
}

function packageCountSql(scope: TenantScope, filter: PackageListFilter, params: SqlParams): string {
  if (filter.search === null) {
    return `SELECT coalesce(sum(c.packages), 0) AS count FROM package_counts c WHERE ${packageFilterSql(scope, filter, params, 'c')}`;
  }
  return `SELECT count(*) AS count FROM packages p WHERE ${packageFilterSql(scope, filter, params)}`;
}

/** The items of these packages that the viewer sees, oldest first, with their services (one statement for any number of packages). */
export function visibleItemsQuery(scope: TenantScope, packageIds: readonly string[], reads = WHOLE_ITEMS): SqlQuery {
  const params = new SqlParams();
  const organization = params.add(scope.organizationId);
  const ids = params.add(packageIds);
  // The planner does not carry `= ANY` across the join: said for both tables, packages are reached
  // by their key instead of a scan of the organization's packages.
  return visibleItemsWhere(scope, params, `i.organization_id = ${organization} AND i.package_id = ANY(${ids}::uuid[]) AND p.id = ANY(${ids}::uuid[])`, reads);
}

/** The visible items among the rows `where` picks (aliases: i items, p packages, s services), with their services. */
function visibleItemsWhere(scope: TenantScope, params: SqlParams, where: string, reads: ItemReads): SqlQuery {
  return {
    sql: `SELECT ${reads.items.select('i')}, ${reads.services.select('s', 'service_')}
            FROM package_items i
            JOIN packages p ON p.organization_id = i.organization_id AND p.id = i.package_id
            JOIN services s ON s.organization_id = i.organization_id AND s.id = i.service_id
           WHERE ${where}
             AND ${visibleItemSql(scope, 'i', 'p', 's', params)}
           ORDER BY i.package_id, i.position`,
    params: params.values,
  };
}

export interface PackageFields {
  name: string;
  description: string | null;
  shared: boolean;
}

/** An item with its service, as the items query returns them. */
export interface ItemWithService {
  item: PackageItem;
  service: Service;
}

function toItem(row: Record<string, unknown>, reads = WHOLE_ITEMS): ItemWithService {
  return { item: reads.items.read(row), service: reads.services.read(row, 'service_') };
}

/**
 * The one door to `packages` and `package_items` for a request: bound to the request's
 * transaction and its viewer's tenant, every finder answers only the packages and items the viewer
 * may see (visibility.ts), so an unseen row and a missing one look the same. Writes take a package
 * or item a finder returned.
 */
export class PackageRepository extends OwnedRowRepository<PackageRow> {
  constructor(tx: RequestTransaction, scope: TenantScope, asked: () => AskedFields) {
    super(tx, scope, PackageEntity, 'p', asked);
  }

  /**
   * One page of the visible packages matching the filter, each with its sort value, and with
   * `withCount` the count of all matches. A hot path (the package table): the list's own SQL, whose
   * plan test/lists-indexes.test.ts checks, read by the entity's mapper.
   */
  async list(filter: PackageListFilter, key: SortKey, page: PageRequest, withCount = false): Promise<ListPage<Package>> {
    const rows = this.rows.narrowed(PACKAGE_ALWAYS_READ, this.asked());
    const { sql, params } = packageListQuery(this.scope, filter, key, page, withCount, rows);
    return readPage(await this.tx.query(sql, params), (row) => rows.read(row));
  }

  /** How many visible packages match the filter. */
  async count(filter: PackageListFilter): Promise<number> {
    const { sql, params } = packageCountQuery(this.scope, filter);
    const [row] = await this.tx.query<{ count: string }>(sql, params);
    return Number(row.count);
  }

  /** A new package owned by the viewer's tenant. */
  insert(fields: PackageFields): Promise<Package> {
    return this.insertOwned(fields);
  }

  /** Writes the fields and bumps the version of a package `lockVisible` returned. */
  async update(current: Package, fields: PackageFields): Promise<Package> {
    return (await this.edit(current, fields))!;
  }

  /** Null when the package already was in that state (nothing written). */
  setActive(current: Package, active: boolean): Promise<Package | null> {
    return this.switchActive(current, active);
  }

  /** Its items changed: the package shows a new updatedAt (its version counts edits of its own fields). */
  async touch(current: { id: string }): Promise<Package> {
    return (await this.write(current, { updatedAt: () => 'now()' }))!;
  }

  /**
   * The items of these packages that the viewer sees, oldest first, with their services: one
   * statement for a page of packages. A hot path (every row of the package table): hand-written SQL
   * read by the entities' mappers, with only the columns the request's query needs.
   */
  async visibleItems(packageIds: readonly string[]): Promise<ItemWithService[]> {
    const reads = itemReads(this.asked());
    const { sql, params } = visibleItemsQuery(this.scope, packageIds, reads);
    return (await this.tx.query(sql, params)).map((row) => toItem(row, reads));
  }

  /** Items by their own ids, those the viewer sees, with their services (federation resolves items by key). */
  async visibleItemsById(itemIds: readonly string[]): Promise<ItemWithService[]> {
    const known = itemIds.filter(isUuid);
    if (known.length === 0) return [];
    const reads = itemReads(this.asked());
    const params = new SqlParams();
    const { sql, params: values } = visibleItemsWhere(
      this.scope,
      params,
      `i.organization_id = ${params.add(this.scope.organizationId)} AND i.id = ANY(${params.add(known)}::uuid[])`,
      reads,
    );
    return (await this.tx.query(sql, values)).map((row) => toItem(row, reads));
  }

  /**
   * An item the viewer sees, with its package and service; null when unseen. Locks the package, as
   * adding items does, so that changes to a package's items queue up in one order (package, then
   * items) instead of deadlocking.
   */
  async lockVisibleItem(id: string): Promise<(ItemWithService & { package: Package }) | null> {
    if (!isUuid(id)) return null;
    const params = new SqlParams();
    const [row] = await this.tx.query(
      `SELECT ${itemRows.select('i')}, ${serviceRows.select('s', 'service_')}, ${packageRows.select('p', 'package_')}
         FROM package_items i
         JOIN packages p ON p.organization_id = i.organization_id AND p.id = i.package_id
         JOIN services s ON s.organization_id = i.organization_id AND s.id = i.service_id
        WHERE i.organization_id = ${params.add(this.scope.organizationId)} AND i.id = ${params.add(id)}
          AND ${visibleItemSql(this.scope, 'i', 'p', 's', params)}
          FOR NO KEY UPDATE OF p`,
      params.values,
    );
    return row ? { ...toItem(row), package: packageRows.read(row, 'package_') } : null;
  }

  /**
   * Adds the viewer's own items to a package: a service already among them gets its quantity
   * increased, in one statement (atomic under concurrent adds). Returns the items as they are now,
   * and the services whose merged quantity would pass `maxQuantity` (nothing is written for those;
   * the caller fails the mutation).
   */
  async addOwnItems(
    pkg: Package,
    items: { serviceId: string; quantity: number }[],
    maxQuantity: number,
  ): Promise<{ items: { id: string; serviceId: string; quantity: number }[]; overflowing: string[] }> {
    const rows = await this.tx.query<{ service_id: string; id: string | null; quantity: number | null }>(
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
        this.scope.organizationId,
        pkg.id,
        items.map((item) => item.serviceId),
        items.map((item) => item.quantity),
        this.scope.tenantId,
        maxQuantity,
      ],
    );
    return {
      items: rows.filter((row) => row.id !== null).map((row) => ({ id: row.id!, serviceId: row.service_id, quantity: row.quantity! })),
      overflowing: rows.filter((row) => row.id === null).map((row) => row.service_id),
    };
  }

  /**
   * How many of the package's items the viewer sees (visibility.ts): the 200-item limit counts only
   * those, so items another clinic added out of the viewer's sight neither count nor can be probed.
   */
  async countVisibleItems(pkg: Package): Promise<number> {
    const params = new SqlParams();
    const id = params.add(pkg.id);
    const [row] = await this.tx.query<{ count: string }>(
      `SELECT count(*) AS count
         FROM package_items i
         JOIN packages p ON p.organization_id = i.organization_id AND p.id = i.package_id
         JOIN services s ON s.organization_id = i.organization_id AND s.id = i.service_id
        WHERE i.organization_id = ${params.add(this.scope.organizationId)} AND i.package_id = ${id} AND p.id = ${id}
          AND ${visibleItemSql(this.scope, 'i', 'p', 's', params)}`,
      params.values,
    );
    return Number(row.count);
  }

  /** Null when the item is gone (removed while this request waited for the package's lock). */
  async setItemQuantity(item: PackageItem, quantity: number): Promise<PackageItem | null> {
    const result = await this.tx.manager
      .createQueryBuilder()
      .update(PackageItemEntity)
      .set({ quantity, updatedAt: () => 'now()' } as QueryDeepPartialEntity<PackageItemRow>)
      .where('organization_id = :organizationId AND id = :id', { organizationId: this.scope.organizationId, id: item.id })
      .returning('*')
      .updateEntity(false)
      .execute();
    const [row] = result.raw as Record<string, unknown>[];
    return row ? itemRows.read(row) : null;
  }

  /** False when the item was already gone. */
  async deleteItem(item: PackageItem): Promise<boolean> {
    const result = await this.tx.manager
      .createQueryBuilder()
      .delete()
      .from(PackageItemEntity)
      .where('organization_id = :organizationId AND id = :id', { organizationId: this.scope.organizationId, id: item.id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
