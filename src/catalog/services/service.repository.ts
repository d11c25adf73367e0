import { EntityRows, type AskedFields } from '../../db/rows';
import type { RequestTransaction } from '../../request/request-transaction';
import type { StatusFilter } from '../../graphql/common.types';
import type { OdontogramScope } from '../../pricing/pricing.types';
import type { TenantScope } from '../../tenancy/viewer';
import { originSql, SqlParams, visibleRowSql, type Origin } from '../../tenancy/visibility';
import { OwnedRowRepository } from '../owned-rows';
import { containsSql, countColumnSql, pageSql, readPage, sortValueSql, type ListPage, type PageRequest, type SortKey, type SqlQuery } from '../pagination';
import { ServiceEntity, type ServiceRow } from './service.entity';
import type { Service, ServiceSortField } from './service.types';

/** A service row's columns and its mapper: for this repository's SQL and the items query's join. */
export const serviceRows = new EntityRows(ServiceEntity);

/**
 * What every reader of a service needs, whatever a query asks of it: its visibility and owner, and
 * what pricing, charting and messages read. A narrowed read (`EntityRows.narrowed`) adds the
 * columns of the fields the query names.
 */
export const SERVICE_ALWAYS_READ = ['id', 'ownerTenantId', 'name', 'price', 'taxRate', 'taxExemption', 'odontogramScope', 'shared', 'active'] as const;

export const SERVICE_SORT_KEYS: Record<ServiceSortField, SortKey> = {
  NAME: { field: 'services.NAME', expression: 's.name COLLATE catalog_order', type: 'text' },
  CODE: { field: 'services.CODE', expression: "coalesce(s.code, '') COLLATE catalog_order", type: 'text' },
  PRICE: { field: 'services.PRICE', expression: 's.price', type: 'numeric' },
  CREATED_AT: { field: 'services.CREATED_AT', expression: 's.created_at', type: 'timestamptz' },
};

export interface ServiceListFilter {
  /** Only these ids (UUIDs, at most 100), or null for any. */
  ids: string[] | null;
  /** Trimmed search term, or null for no search. */
  search: string | null;
  status: StatusFilter;
  origin: Origin[] | null;
  family: string | null;
  odontogramScope: OdontogramScope[] | null;
}

/** Conditions for the services the viewer sees that match the filter (alias `s`). */
function serviceFilterSql(scope: TenantScope, filter: ServiceListFilter, params: SqlParams): string {
  const conditions = [`s.organization_id = ${params.add(scope.organizationId)}`, visibleRowSql(scope, 's', params)];
  if (filter.ids) conditions.push(`s.id = ANY(${params.add(filter.ids)}::uuid[])`);
  if (filter.status === 'ACTIVE') conditions.push('s.active');
  if (filter.status === 'INACTIVE') conditions.push('NOT s.active');
  if (filter.origin) conditions.push(originSql(scope, 's', filter.origin, params));
  if (filter.family !== null) conditions.push(`fold_text(s.family) = fold_text(${params.add(filter.family)})`);
  if (filter.odontogramScope) conditions.push(`s.odontogram_scope = ANY(${params.add(filter.odontogramScope)}::text[])`);
  if (filter.search !== null) {
    const term = params.add(filter.search);
    conditions.push(`(${containsSql('s.name_folded', term)} OR ${containsSql('s.code_folded', term)})`);
  }
  return conditions.join(' AND ');
}

/** One page of the services the viewer sees that match the filter, with each row's sort value; `rows` picks the columns, as for packages. */
export function serviceListQuery(scope: TenantScope, filter: ServiceListFilter, key: SortKey, page: PageRequest, withCount = false, rows = serviceRows): SqlQuery {
  const params = new SqlParams();
  const where = serviceFilterSql(scope, filter, params);
  const keyset = pageSql(page, key, 's', params);
  const count = countColumnSql(withCount ? serviceCountSql(scope, filter, params) : null);
  return {
    sql: `SELECT ${rows.select('s')}, ${sortValueSql(key)} AS sort_value${count}
            FROM services s WHERE ${where} AND ${keyset.where}
           ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
    params: params.values,
  };
}

export function serviceCountQuery(scope: TenantScope, filter: ServiceListFilter): SqlQuery {
  const params = new SqlParams();
  return { sql: serviceCountSql(scope, filter, params), params: params.values };
}

function serviceCountSql(scope: TenantScope, filter: ServiceListFilter, params: SqlParams): string {
  return `SELECT count(*) AS count FROM services s WHERE ${serviceFilterSql(scope, filter, params)}`;
}

export interface ServiceFields {
  code: string | null;
  name: string;
  family: string | null;
  price: string;
  taxRate: string;
  taxExemption: string | null;
  durationMinutes: number | null;
  odontogramScope: OdontogramScope;
  shared: boolean;
}

/**
 * The one door to `services` for a request: bound to the request's transaction and its viewer's
 * tenant, every finder (`findVisible`, `lockVisible`, `list`, `count`) answers only services the
 * viewer may see (visibility.ts), so an unseen service and a missing one look the same. Writes take
 * a service a finder returned.
 */
export class ServiceRepository extends OwnedRowRepository<ServiceRow> {
  constructor(tx: RequestTransaction, scope: TenantScope, asked: () => AskedFields) {
    super(tx, scope, ServiceEntity, 's', asked);
  }

  /**
   * One page of the visible services matching the filter, each with its sort value. A hot path: the
   * list's own SQL (its plan is checked by test/lists-indexes.test.ts) read by the entity's mapper.
   */
  async list(filter: ServiceListFilter, key: SortKey, page: PageRequest, withCount = false): Promise<ListPage<Service>> {
    const rows = this.rows.narrowed(SERVICE_ALWAYS_READ, this.asked());
    const { sql, params } = serviceListQuery(this.scope, filter, key, page, withCount, rows);
    return readPage(await this.tx.query(sql, params), (row) => rows.read(row));
  }

  /** How many visible services match the filter. */
  async count(filter: ServiceListFilter): Promise<number> {
    const { sql, params } = serviceCountQuery(this.scope, filter);
    const [row] = await this.tx.query<{ count: string }>(sql, params);
    return Number(row.count);
  }

  /**
   * The visible services whose code is one of `codes`, compared as the lists sort them (case and
   * accents ignored, ñ distinct): several may share a code when they belong to different owners.
   */
  async findVisibleByCode(codes: readonly string[]): Promise<Service[]> {
    if (codes.length === 0) return [];
    const params = new SqlParams();
    const rows = await this.tx.query(
      `SELECT ${serviceRows.select('s')} FROM services s
        WHERE s.organization_id = ${params.add(this.scope.organizationId)} AND s.code IS NOT NULL
          AND (coalesce(s.code, '') COLLATE catalog_order) = ANY(${params.add(codes)}::text[])
          AND ${visibleRowSql(this.scope, 's', params)}`,
      params.values,
    );
    return rows.map((row) => serviceRows.read(row));
  }

  /** A new service owned by the viewer's tenant. */
  insert(fields: ServiceFields): Promise<Service> {
    return this.insertOwned(fields);
  }

  /** Writes the fields of `next` and bumps the version of a service `lockVisible` returned. */
  async update(current: Service, next: ServiceFields): Promise<Service> {
    return (await this.edit(current, next))!;
  }

  /** Null when the service already was in that state (nothing written). */
  setActive(current: Service, active: boolean): Promise<Service | null> {
    return this.switchActive(current, active);
  }
}
