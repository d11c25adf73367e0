import { isUuid } from '../auth/token';
import { containsSql, type PageRequest, type SortKey } from '../catalog/pagination';
import { serviceRows } from '../catalog/services/service.repository';
import type { Service } from '../catalog/services/service.types';
import type { RequestTransaction } from '../request/request-transaction';
import { BadUserInputError } from '../errors';
import type { TenantScope } from '../tenancy/viewer';
import { SqlParams, visibleEntrySql } from '../tenancy/visibility';
import { PriceListEntry } from './price-list.types';

const ENTRY_COLUMNS = 'e.id, e.price_list_id, e.service_id, e.clinic_tenant_id, e.price, e.updated_at';

function toEntry(row: Record<string, unknown>): PriceListEntry {
  return Object.assign(new PriceListEntry(), {
    id: row.id as string,
    priceListId: row.price_list_id as string,
    serviceId: row.service_id as string,
    clinicTenantId: row.clinic_tenant_id as string | null,
    price: row.price as string,
    updatedAt: row.updated_at as Date,
  });
}

/** An entry with its service, as listings read them. */
export interface EntryWithService {
  entry: PriceListEntry;
  service: Service;
}

/** (service, clinic) of an entry; clinic null: for every clinic. */
export interface EntryKey {
  serviceId: string;
  clinicTenantId: string | null;
}

export interface EntryListFilter {
  search: string | null;
  /** Only this clinic's overrides; a malformed id matches nothing. */
  clinicId: string | null;
}

/**
 * The cursor of `PriceList.entries`: the listing's order is service name, service id, the entry for
 * every clinic first, then overrides by clinic name and clinic id. The position travels as the
 * JSON text of those parts (the cursor's sort value); the cursor's id is the entry's.
 */
export const ENTRY_SORT_KEY: SortKey = { field: 'priceListEntries.SERVICE_NAME', expression: 's.name COLLATE catalog_order', type: 'text' };

const NO_CLINIC = '00000000-0000-0000-0000-000000000000';
const ENTRY_ORDER = `s.name COLLATE catalog_order, s.id, (e.clinic_tenant_id IS NOT NULL), coalesce(c.name, '') COLLATE catalog_order, coalesce(e.clinic_tenant_id, '${NO_CLINIC}'::uuid)`;
const ENTRY_POSITION = `json_build_array(s.name, s.id, c.name, e.clinic_tenant_id)::text`;

function positionAfter(value: string): [string, string, string | null, string | null] {
  let parts: unknown;
  try {
    parts = JSON.parse(value);
  } catch {
    parts = null;
  }
  if (
    Array.isArray(parts) &&
    parts.length === 4 &&
    typeof parts[0] === 'string' &&
    isUuid(parts[1]) &&
    (parts[2] === null || typeof parts[2] === 'string') &&
    (parts[3] === null || isUuid(parts[3]))
  ) {
    return parts as [string, string, string | null, string | null];
  }
  throw new BadUserInputError('after', 'after is not a cursor of this list and ordering; use a cursor from the previous page');
}

const ENTRY_JOINS = `price_list_entries e
  JOIN price_lists l ON l.organization_id = e.organization_id AND l.id = e.price_list_id
  JOIN services s ON s.organization_id = e.organization_id AND s.id = e.service_id
  LEFT JOIN tenants c ON c.organization_id = e.organization_id AND c.id = e.clinic_tenant_id`;

/**
 * The one door to `price_list_entries` for a request. Reads return only the entries the viewer
 * sees (visibility.ts `canSeeEntry`): an entry whose service it cannot see is not there for it.
 * Writes go to lists the caller has checked the viewer owns.
 */
export class PriceListEntryRepository {
  constructor(
    private readonly tx: RequestTransaction,
    private readonly scope: TenantScope,
  ) {}

  private where(listIds: readonly string[], params: SqlParams): string {
    const organization = params.add(this.scope.organizationId);
    const ids = params.add(listIds);
    return `e.organization_id = ${organization} AND e.price_list_id = ANY(${ids}::uuid[]) AND l.id = ANY(${ids}::uuid[])
            AND ${visibleEntrySql(this.scope, 'e', 'l', 's', params)}`;
  }

  private filterSql(filter: EntryListFilter, params: SqlParams): string {
    const conditions: string[] = [];
    if (filter.search !== null) {
      const term = params.add(filter.search);
      conditions.push(`(${containsSql('s.name_folded', term)} OR ${containsSql('s.code_folded', term)})`);
    }
    if (filter.clinicId !== null) conditions.push(isUuid(filter.clinicId) ? `e.clinic_tenant_id = ${params.add(filter.clinicId)}` : 'false');
    return conditions.length === 0 ? 'true' : conditions.join(' AND ');
  }

  /** One page of a list's visible entries in the listing's order, with their services. */
  async list(listId: string, filter: EntryListFilter, page: PageRequest): Promise<(EntryWithService & { node: PriceListEntry; sortValue: string })[]> {
    const params = new SqlParams();
    const conditions = [this.where([listId], params), this.filterSql(filter, params)];
    if (page.after) {
      const [serviceName, serviceId, clinicName, clinicId] = positionAfter(page.after.value);
      conditions.push(
        `(${ENTRY_ORDER}) > (${params.add(serviceName)}::text COLLATE catalog_order, ${params.add(serviceId)}::uuid, ${params.add(clinicId !== null)}::boolean,
           ${params.add(clinicName ?? '')}::text COLLATE catalog_order, ${params.add(clinicId ?? NO_CLINIC)}::uuid)`,
      );
    }
    const rows = await this.tx.query(
      `SELECT ${ENTRY_COLUMNS}, ${serviceRows.select('s', 'service_')}, ${ENTRY_POSITION} AS sort_value
         FROM ${ENTRY_JOINS} WHERE ${conditions.join(' AND ')}
        ORDER BY ${ENTRY_ORDER} LIMIT ${page.first + 1}`,
      params.values,
    );
    return rows.map((row) => {
      const entry = toEntry(row);
      return { entry, node: entry, service: serviceRows.read(row, 'service_'), sortValue: row.sort_value as string };
    });
  }

  async count(listId: string, filter: EntryListFilter): Promise<number> {
    const params = new SqlParams();
    const [row] = await this.tx.query<{ count: string }>(
      `SELECT count(*) FROM ${ENTRY_JOINS} WHERE ${this.where([listId], params)} AND ${this.filterSql(filter, params)}`,
      params.values,
    );
    return Number(row.count);
  }

  /**
   * The entries that can price these services for the viewer: the visible ones for every clinic
   * and the viewer's own overrides, of the given lists, in one statement.
   */
  async forPricing(listIds: readonly string[], serviceIds: readonly string[]): Promise<PriceListEntry[]> {
    const params = new SqlParams();
    const rows = await this.tx.query(
      `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_JOINS}
        WHERE ${this.where(listIds, params)} AND e.service_id = ANY(${params.add(serviceIds)}::uuid[])
          AND (e.clinic_tenant_id IS NULL OR e.clinic_tenant_id = ${params.add(this.scope.tenantId)})`,
      params.values,
    );
    return rows.map(toEntry);
  }

  /** Every visible entry of a list (keys and prices): what an import compares its file with. */
  async allVisible(listId: string): Promise<PriceListEntry[]> {
    const params = new SqlParams();
    return (await this.tx.query(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_JOINS} WHERE ${this.where([listId], params)}`, params.values)).map(toEntry);
  }

  /**
   * Creates or replaces entries of a list in one statement; an entry whose price is already that
   * one is left as it is. Returns how many were created and how many changed.
   */
  async upsert(listId: string, entries: (EntryKey & { price: string })[]): Promise<{ created: number; updated: number }> {
    if (entries.length === 0) return { created: 0, updated: 0 };
    const rows = await this.tx.query<{ created: boolean }>(
      `INSERT INTO price_list_entries (organization_id, price_list_id, service_id, clinic_tenant_id, price)
       SELECT $1, $2, w.service_id, w.clinic_tenant_id, w.price
         FROM unnest($3::uuid[], $4::uuid[], $5::numeric[]) AS w(service_id, clinic_tenant_id, price)
       ON CONFLICT (organization_id, price_list_id, service_id, clinic_tenant_id)
       DO UPDATE SET price = EXCLUDED.price, updated_at = now() WHERE price_list_entries.price <> EXCLUDED.price
       RETURNING (xmax = 0) AS created`,
      [
        this.scope.organizationId,
        listId,
        entries.map((entry) => entry.serviceId),
        entries.map((entry) => entry.clinicTenantId),
        entries.map((entry) => entry.price),
      ],
    );
    const created = rows.filter((row) => row.created).length;
    return { created, updated: rows.length - created };
  }

  /** Removes entries by id; returns how many went. */
  async remove(listId: string, entryIds: readonly string[]): Promise<number> {
    if (entryIds.length === 0) return 0;
    const rows = await this.tx.query(
      'DELETE FROM price_list_entries WHERE organization_id = $1 AND price_list_id = $2 AND id = ANY($3::uuid[]) RETURNING id',
      [this.scope.organizationId, listId, entryIds],
    );
    return rows.length;
  }
}
