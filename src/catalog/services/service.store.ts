import type { RequestTransaction } from '../../request/request-transaction';
import type { StatusFilter } from '../../graphql/common.types';
import type { OdontogramScope } from '../../pricing/pricing.types';
import type { TenantScope } from '../../tenancy/viewer';
import { originSql, SqlParams, visibleRowSql, type Origin } from '../../tenancy/visibility';
import { containsSql, pageSql, sortValueSql, type PageRequest, type SortKey, type SqlQuery } from '../pagination';
import { Service, type ServiceSortField } from './service.types';

/** Columns of a service row under `alias`, named as `toService` reads them. */
export function serviceColumns(alias: string, prefix = ''): string {
  return [
    'id',
    'owner_tenant_id',
    'code',
    'name',
    'family',
    'price',
    'tax_rate',
    'duration_minutes',
    'odontogram_scope',
    'active',
    'shared',
    'version',
    'created_at',
    'updated_at',
    'deactivated_at',
  ]
    .map((column) => `${alias}.${column} AS ${prefix}${column}`)
    .join(', ');
}

/** An instance of the GraphQL class, which type-graphql passes to field resolvers without copying it. */
export function toService(row: Record<string, unknown>, prefix = ''): Service {
  const get = (column: string) => row[prefix + column];
  return Object.assign(new Service(), {
    id: get('id') as string,
    ownerTenantId: get('owner_tenant_id') as string,
    code: get('code') as string | null,
    name: get('name') as string,
    family: get('family') as string | null,
    price: get('price') as string,
    taxRate: get('tax_rate') as string,
    durationMinutes: get('duration_minutes') as number | null,
    odontogramScope: get('odontogram_scope') as OdontogramScope,
    active: get('active') as boolean,
    shared: get('shared') as boolean,
    version: get('version') as number,
    createdAt: get('created_at') as Date,
    updatedAt: get('updated_at') as Date,
    deactivatedAt: get('deactivated_at') as Date | null,
  });
}

/** Services by id within the organization, visible or not: callers apply the visibility rules. */
export async function findServices(tx: RequestTransaction, scope: TenantScope, ids: readonly string[]): Promise<(Service | null)[]> {
  const rows = await tx.query(
    `SELECT ${serviceColumns('s')} FROM services s WHERE s.organization_id = $1 AND s.id = ANY($2::uuid[])`,
    [scope.organizationId, ids],
  );
  const byId = new Map(rows.map((row) => [row.id as string, toService(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export const SERVICE_SORT_KEYS: Record<ServiceSortField, SortKey> = {
  NAME: { field: 'services.NAME', expression: 's.name COLLATE catalog_order', type: 'text' },
  CODE: { field: 'services.CODE', expression: "coalesce(s.code, '') COLLATE catalog_order", type: 'text' },
  PRICE: { field: 'services.PRICE', expression: 's.price', type: 'numeric' },
  CREATED_AT: { field: 'services.CREATED_AT', expression: 's.created_at', type: 'timestamptz' },
};

export interface ServiceListFilter {
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

/** One page of the services the viewer sees that match the filter, with each row's sort value. */
export function serviceListQuery(scope: TenantScope, filter: ServiceListFilter, key: SortKey, page: PageRequest): SqlQuery {
  const params = new SqlParams();
  const where = serviceFilterSql(scope, filter, params);
  const keyset = pageSql(page, key, 's', params);
  return {
    sql: `SELECT ${serviceColumns('s')}, ${sortValueSql(key)} AS sort_value
            FROM services s WHERE ${where} AND ${keyset.where}
           ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
    params: params.values,
  };
}

export async function listServices(
  tx: RequestTransaction,
  scope: TenantScope,
  filter: ServiceListFilter,
  key: SortKey,
  page: PageRequest,
): Promise<{ node: Service; sortValue: string }[]> {
  const { sql, params } = serviceListQuery(scope, filter, key, page);
  const rows = await tx.query(sql, params);
  return rows.map((row) => ({ node: toService(row), sortValue: row.sort_value as string }));
}

export function serviceCountQuery(scope: TenantScope, filter: ServiceListFilter): SqlQuery {
  const params = new SqlParams();
  return { sql: `SELECT count(*) FROM services s WHERE ${serviceFilterSql(scope, filter, params)}`, params: params.values };
}

export async function countServices(tx: RequestTransaction, scope: TenantScope, filter: ServiceListFilter): Promise<number> {
  const { sql, params } = serviceCountQuery(scope, filter);
  const [row] = await tx.query<{ count: string }>(sql, params);
  return Number(row.count);
}

export interface ServiceFields {
  code: string | null;
  name: string;
  family: string | null;
  price: string;
  taxRate: string;
  durationMinutes: number | null;
  odontogramScope: OdontogramScope;
  shared: boolean;
}

export async function insertService(tx: RequestTransaction, scope: TenantScope, fields: ServiceFields): Promise<Service> {
  const [row] = await tx.query(
    `INSERT INTO services (organization_id, owner_tenant_id, code, name, family, price, tax_rate, duration_minutes, odontogram_scope, shared)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${serviceColumns('services')}`,
    [
      scope.organizationId,
      scope.tenantId,
      fields.code,
      fields.name,
      fields.family,
      fields.price,
      fields.taxRate,
      fields.durationMinutes,
      fields.odontogramScope,
      fields.shared,
    ],
  );
  return toService(row);
}

/** Writes the fields of `next` and bumps the version (the row is locked by `lockService`). */
export async function updateService(tx: RequestTransaction, scope: TenantScope, id: string, next: ServiceFields): Promise<Service> {
  const [row] = await tx.query(
    `UPDATE services SET code = $3, name = $4, family = $5, price = $6, tax_rate = $7, duration_minutes = $8,
            odontogram_scope = $9, shared = $10, version = version + 1, updated_at = now()
      WHERE organization_id = $1 AND id = $2
      RETURNING ${serviceColumns('services')}`,
    [
      scope.organizationId,
      id,
      next.code,
      next.name,
      next.family,
      next.price,
      next.taxRate,
      next.durationMinutes,
      next.odontogramScope,
      next.shared,
    ],
  );
  return toService(row);
}

/** Null when the service already was in that state (nothing written). */
export async function setServiceActive(tx: RequestTransaction, scope: TenantScope, id: string, active: boolean): Promise<Service | null> {
  const [row] = await tx.query(
    `UPDATE services SET active = $3, deactivated_at = CASE WHEN $3 THEN NULL ELSE now() END,
            version = version + 1, updated_at = now()
      WHERE organization_id = $1 AND id = $2 AND active <> $3
      RETURNING ${serviceColumns('services')}`,
    [scope.organizationId, id, active],
  );
  return row ? toService(row) : null;
}

/** Reads a service and locks it for the rest of the transaction, so concurrent edits queue up. */
export async function lockService(tx: RequestTransaction, scope: TenantScope, id: string): Promise<Service | null> {
  const [row] = await tx.query(
    `SELECT ${serviceColumns('s')} FROM services s WHERE s.organization_id = $1 AND s.id = $2 FOR NO KEY UPDATE`,
    [scope.organizationId, id],
  );
  return row ? toService(row) : null;
}

/**
 * The services the viewer sees whose code is one of `codes`, compared as the lists sort them
 * (case and accents ignored): several may share a code when they belong to different owners.
 */
export async function findVisibleServicesByCode(tx: RequestTransaction, scope: TenantScope, codes: readonly string[]): Promise<Service[]> {
  if (codes.length === 0) return [];
  const params = new SqlParams();
  const rows = await tx.query(
    `SELECT ${serviceColumns('s')} FROM services s
      WHERE s.organization_id = ${params.add(scope.organizationId)} AND s.code IS NOT NULL
        AND (coalesce(s.code, '') COLLATE catalog_order) = ANY(${params.add(codes)}::text[])
        AND ${visibleRowSql(scope, 's', params)}`,
    params.values,
  );
  return rows.map((row) => toService(row));
}
