import { containsSql, pageSql, sortValueSql, type PageRequest, type SortKey } from '../catalog/pagination';
import type { RequestTransaction } from '../request/request-transaction';
import type { StatusFilter } from '../graphql/common.types';
import type { TenantScope } from '../tenancy/viewer';
import { originSql, SqlParams, visibleRowSql, type Origin } from '../tenancy/visibility';
import { PriceList, type PriceListKind } from './price-list.types';

const COLUMNS = [
  'id',
  'owner_tenant_id',
  'name',
  'kind',
  'partner_name',
  'partner_tax_id',
  // Calendar days as "YYYY-MM-DD" text: pg would turn a date into a JS Date at local midnight.
  "to_char(valid_from, 'YYYY-MM-DD') AS valid_from",
  "to_char(valid_until, 'YYYY-MM-DD') AS valid_until",
  'shared',
  'active',
  'version',
  'created_at',
  'updated_at',
  'deactivated_at',
].join(', ');

function toPriceList(row: Record<string, unknown>): PriceList {
  return Object.assign(new PriceList(), {
    id: row.id as string,
    ownerTenantId: row.owner_tenant_id as string,
    name: row.name as string,
    kind: row.kind as PriceListKind,
    partnerName: row.partner_name as string | null,
    partnerTaxId: row.partner_tax_id as string | null,
    validFrom: row.valid_from as string | null,
    validUntil: row.valid_until as string | null,
    shared: row.shared as boolean,
    active: row.active as boolean,
    version: row.version as number,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    deactivatedAt: row.deactivated_at as Date | null,
  });
}

export const PRICE_LIST_SORT_KEY: SortKey = { field: 'priceLists.NAME', expression: 'l.name COLLATE catalog_order', type: 'text' };

export interface PriceListListFilter {
  search: string | null;
  status: StatusFilter;
  origin: Origin[] | null;
  kind: PriceListKind[] | null;
  /** "YYYY-MM-DD": only lists usable that day. */
  usableOn: string | null;
}

/** The fields a create or an update writes. */
export interface PriceListFields {
  name: string;
  kind: PriceListKind;
  partnerName: string | null;
  partnerTaxId: string | null;
  validFrom: string | null;
  validUntil: string | null;
  shared: boolean;
}

/** SQL twin of `isUsableOn` (price-book.ts) for lists aliased `alias`. */
export function usableOnSql(alias: string, dayParam: string): string {
  return `(${alias}.active AND (${alias}.valid_from IS NULL OR ${alias}.valid_from <= ${dayParam}::date)
           AND (${alias}.valid_until IS NULL OR ${alias}.valid_until >= ${dayParam}::date))`;
}

/**
 * The one door to `price_lists` for a request: bound to its transaction and viewer, it returns
 * only lists the viewer sees (visibility.ts), and writes only as the viewer's tenant.
 */
export class PriceListRepository {
  constructor(
    private readonly tx: RequestTransaction,
    private readonly scope: TenantScope,
  ) {}

  /** The visible lists among `ids`, in their order (null for unknown or unseen ids). */
  async findVisible(ids: readonly string[]): Promise<(PriceList | null)[]> {
    const params = new SqlParams();
    const rows = await this.tx.query(
      `SELECT ${COLUMNS} FROM price_lists l
        WHERE l.organization_id = ${params.add(this.scope.organizationId)} AND l.id = ANY(${params.add(ids)}::uuid[])
          AND ${visibleRowSql(this.scope, 'l', params)}`,
      params.values,
    );
    const byId = new Map(rows.map((row) => [row.id as string, toPriceList(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * A visible list, locked for the rest of the transaction: `update` so that changes to it and its
   * entries queue up, `share` so that it does not change while it is read (exports).
   */
  async lockVisible(id: string, mode: 'update' | 'share' = 'update'): Promise<PriceList | null> {
    const params = new SqlParams();
    const [row] = await this.tx.query(
      `SELECT ${COLUMNS} FROM price_lists l
        WHERE l.organization_id = ${params.add(this.scope.organizationId)} AND l.id = ${params.add(id)}
          AND ${visibleRowSql(this.scope, 'l', params)}
          ${mode === 'update' ? 'FOR NO KEY UPDATE' : 'FOR SHARE'}`,
      params.values,
    );
    return row ? toPriceList(row) : null;
  }

  private filterSql(filter: PriceListListFilter, params: SqlParams): string {
    const conditions = [`l.organization_id = ${params.add(this.scope.organizationId)}`, visibleRowSql(this.scope, 'l', params)];
    if (filter.status === 'ACTIVE') conditions.push('l.active');
    if (filter.status === 'INACTIVE') conditions.push('NOT l.active');
    if (filter.origin) conditions.push(originSql(this.scope, 'l', filter.origin, params));
    if (filter.kind) conditions.push(`l.kind = ANY(${params.add(filter.kind)}::text[])`);
    if (filter.usableOn !== null) conditions.push(usableOnSql('l', params.add(filter.usableOn)));
    if (filter.search !== null) conditions.push(containsSql('l.search_folded', params.add(filter.search)));
    return conditions.join(' AND ');
  }

  /** One page by name, then id, with each row's sort value. */
  async list(filter: PriceListListFilter, page: PageRequest): Promise<{ node: PriceList; sortValue: string }[]> {
    const params = new SqlParams();
    const where = this.filterSql(filter, params);
    const keyset = pageSql(page, PRICE_LIST_SORT_KEY, 'l', params);
    const rows = await this.tx.query(
      `SELECT ${COLUMNS}, ${sortValueSql(PRICE_LIST_SORT_KEY)} AS sort_value FROM price_lists l
        WHERE ${where} AND ${keyset.where} ORDER BY ${keyset.orderBy} LIMIT ${keyset.limit}`,
      params.values,
    );
    return rows.map((row) => ({ node: toPriceList(row), sortValue: row.sort_value as string }));
  }

  async count(filter: PriceListListFilter): Promise<number> {
    const params = new SqlParams();
    const [row] = await this.tx.query<{ count: string }>(`SELECT count(*) FROM price_lists l WHERE ${this.filterSql(filter, params)}`, params.values);
    return Number(row.count);
  }

  async insert(fields: PriceListFields): Promise<PriceList> {
    const [row] = await this.tx.query(
      `INSERT INTO price_lists (organization_id, owner_tenant_id, name, kind, partner_name, partner_tax_id, valid_from, valid_until, shared)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        this.scope.organizationId,
        this.scope.tenantId,
        fields.name,
        fields.kind,
        fields.partnerName,
        fields.partnerTaxId,
        fields.validFrom,
        fields.validUntil,
        fields.shared,
      ],
    );
    return toPriceList(row);
  }

  /** Writes the fields and adds 1 to the version (the list is locked by `lockVisible`). */
  async update(id: string, fields: PriceListFields): Promise<PriceList> {
    const [row] = await this.tx.query(
      `UPDATE price_lists SET name = $3, kind = $4, partner_name = $5, partner_tax_id = $6, valid_from = $7, valid_until = $8,
              shared = $9, version = version + 1, updated_at = now()
        WHERE organization_id = $1 AND id = $2 AND owner_tenant_id = $10 RETURNING ${COLUMNS}`,
      [
        this.scope.organizationId,
        id,
        fields.name,
        fields.kind,
        fields.partnerName,
        fields.partnerTaxId,
        fields.validFrom,
        fields.validUntil,
        fields.shared,
        this.scope.tenantId,
      ],
    );
    return toPriceList(row);
  }

  /** Null when the list already was in that state (nothing written). */
  async setActive(id: string, active: boolean): Promise<PriceList | null> {
    const [row] = await this.tx.query(
      `UPDATE price_lists SET active = $3, deactivated_at = CASE WHEN $3 THEN NULL ELSE now() END, version = version + 1, updated_at = now()
        WHERE organization_id = $1 AND id = $2 AND owner_tenant_id = $4 AND active <> $3 RETURNING ${COLUMNS}`,
      [this.scope.organizationId, id, active, this.scope.tenantId],
    );
    return row ? toPriceList(row) : null;
  }

  /** Its entries changed: one more version. */
  async entriesChanged(id: string): Promise<PriceList> {
    const [row] = await this.tx.query(
      `UPDATE price_lists SET version = version + 1, updated_at = now()
        WHERE organization_id = $1 AND id = $2 AND owner_tenant_id = $3 RETURNING ${COLUMNS}`,
      [this.scope.organizationId, id, this.scope.tenantId],
    );
    return toPriceList(row);
  }
}
