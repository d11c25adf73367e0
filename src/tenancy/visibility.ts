/**
 * The visibility rules of domain.md, written once: as pure functions over rows, and as the SQL
 * predicates that list queries use. test/visibility-agreement.test.ts proves they agree.
 */
import type { ClinicSharing, TenantScope } from './viewer';

export type Origin = 'OWN' | 'CENTRAL' | 'OTHER_CLINIC';

/** A service or package, as far as visibility is concerned. */
export interface OwnedRow {
  ownerTenantId: string;
  shared: boolean;
}

export function originOf(scope: TenantScope, ownerTenantId: string): Origin {
  if (ownerTenantId === scope.tenantId) return 'OWN';
  if (ownerTenantId === scope.centralTenantId) return 'CENTRAL';
  return 'OTHER_CLINIC';
}

/** Own rows; shared rows of the central; shared rows of other clinics when clinics share with each other. */
export function canSee(scope: TenantScope, row: OwnedRow): boolean {
  if (row.ownerTenantId === scope.tenantId) return true;
  if (!row.shared) return false;
  return row.ownerTenantId === scope.centralTenantId || scope.clinicSharing === 'BETWEEN_CLINICS';
}

/**
 * An item added by `addedByTenantId` to `pkg`, for `service`: seen when both are seen and the
 * item was added by the viewer, by the package's owner, or clinics share with each other.
 */
export function canSeeItem(scope: TenantScope, addedByTenantId: string, pkg: OwnedRow, service: OwnedRow): boolean {
  return (
    canSee(scope, pkg) &&
    canSee(scope, service) &&
    (addedByTenantId === scope.tenantId ||
      addedByTenantId === pkg.ownerTenantId ||
      scope.clinicSharing === 'BETWEEN_CLINICS')
  );
}

/**
 * What a catalogue event recorded about who could see its row, as it was when it happened
 * (null where it does not apply: `sharedBefore` of a created row, the item fields of other rows).
 */
export interface RecordedSight {
  entityType: string;
  clinicSharing: ClinicSharing;
  ownerTenantId: string | null;
  sharedBefore: boolean | null;
  sharedAfter: boolean | null;
  packageOwnerTenantId: string | null;
  packageShared: boolean | null;
  serviceOwnerTenantId: string | null;
  serviceShared: boolean | null;
  addedByTenantId: string | null;
}

/** What a PRICE_LIST_ENTRIES_CHANGED event recorded of one entry, to filter its entries one by one. */
export interface RecordedEntrySight {
  serviceOwnerTenantId: string;
  serviceShared: boolean;
  clinicId: string | null;
}

/** Which of an entries event's entries the viewer sees, by the entry rule under the sharing mode of then. */
export function entriesSeen(scope: TenantScope, recorded: RecordedSight, entries: RecordedEntrySight[]): boolean[] {
  const then: TenantScope = { ...scope, clinicSharing: recorded.clinicSharing };
  const list = { ownerTenantId: recorded.ownerTenantId!, shared: recorded.sharedAfter! };
  return entries.map((entry) =>
    canSeeEntry(then, list, entry.clinicId, { ownerTenantId: entry.serviceOwnerTenantId, shared: entry.serviceShared }),
  );
}

/** FULL: the event as recorded; SHARED_ONLY: only its `shared` change (the row went out of sight); NONE: hidden. */
export type EventSight = 'FULL' | 'SHARED_ONLY' | 'NONE';

/**
 * Who sees an event is decided by the time it happened (domain.md "History and the change feed"):
 * the rules above, under the sharing mode of then, applied to the row just before and just after
 * the change; items by the item rule; the organization's own events by every tenant.
 */
export function eventSight(scope: TenantScope, recorded: RecordedSight): EventSight {
  const then: TenantScope = { ...scope, clinicSharing: recorded.clinicSharing };
  if (recorded.entityType === 'ORGANIZATION') return 'FULL';
  if (recorded.entityType === 'PACKAGE_ITEM') {
    const pkg = { ownerTenantId: recorded.packageOwnerTenantId!, shared: recorded.packageShared! };
    const service = { ownerTenantId: recorded.serviceOwnerTenantId!, shared: recorded.serviceShared! };
    return canSeeItem(then, recorded.addedByTenantId!, pkg, service) ? 'FULL' : 'NONE';
  }
  const seen = (shared: boolean | null) => shared !== null && canSee(then, { ownerTenantId: recorded.ownerTenantId!, shared });
  if (seen(recorded.sharedAfter)) return 'FULL';
  return seen(recorded.sharedBefore) ? 'SHARED_ONLY' : 'NONE';
}

/** Where a predicate puts its bound values: it gets back the placeholder to write. */
export interface BindParams {
  add(value: unknown): string;
}

/** Collects bind parameters for a statement and hands out their `$n` placeholders. */
export class SqlParams implements BindParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SQL twin of `canSee` for the table aliased `alias` (columns owner_tenant_id, shared). */
export function visibleRowSql(scope: TenantScope, alias: string, params: BindParams): string {
  const own = `${alias}.owner_tenant_id = ${params.add(scope.tenantId)}`;
  if (scope.clinicSharing === 'BETWEEN_CLINICS') return `(${own} OR ${alias}.shared)`;
  if (scope.centralTenantId === null) return `(${own})`;
  return `(${own} OR (${alias}.shared AND ${alias}.owner_tenant_id = ${params.add(scope.centralTenantId)}))`;
}

/** SQL twin of `canSeeItem` for items `item` of packages `pkg` with services `service`. */
export function visibleItemSql(scope: TenantScope, item: string, pkg: string, service: string, params: BindParams): string {
  const addedBy =
    scope.clinicSharing === 'BETWEEN_CLINICS'
      ? 'true'
      : `(${item}.added_by_tenant_id = ${params.add(scope.tenantId)} OR ${item}.added_by_tenant_id = ${pkg}.owner_tenant_id)`;
  return `(${visibleRowSql(scope, pkg, params)} AND ${visibleRowSql(scope, service, params)} AND ${addedBy})`;
}

/** SQL twin of `originOf`, for filtering by origin. */
export function originSql(scope: TenantScope, alias: string, origins: Origin[], params: BindParams): string {
  const parts = origins.map((origin) => {
    if (origin === 'OWN') return `${alias}.owner_tenant_id = ${params.add(scope.tenantId)}`;
    if (origin === 'CENTRAL') {
      // To the central itself its rows are OWN, as originOf says: no row is CENTRAL.
      if (scope.centralTenantId === null || scope.centralTenantId === scope.tenantId) return 'false';
      return `${alias}.owner_tenant_id = ${params.add(scope.centralTenantId)}`;
    }
    const others = [scope.tenantId, scope.centralTenantId].filter((id): id is string => id !== null);
    return `${alias}.owner_tenant_id <> ALL(${params.add(others)}::uuid[])`;
  });
  return parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`;
}

/**
 * A price-list entry of a list the viewer sees: its service is seen now, and it is the price for
 * every clinic, the viewer's own override, or the viewer owns the list (and sees every override).
 */
export function canSeeEntry(scope: TenantScope, list: OwnedRow, clinicTenantId: string | null, service: OwnedRow): boolean {
  return (
    canSee(scope, list) &&
    canSee(scope, service) &&
    (clinicTenantId === null || clinicTenantId === scope.tenantId || list.ownerTenantId === scope.tenantId)
  );
}

/** SQL twin of `canSeeEntry` for entries `entry` of lists `list` with services `service`. */
export function visibleEntrySql(scope: TenantScope, entry: string, list: string, service: string, params: SqlParams): string {
  const viewer = params.add(scope.tenantId);
  const clinic = `(${entry}.clinic_tenant_id IS NULL OR ${entry}.clinic_tenant_id = ${viewer} OR ${list}.owner_tenant_id = ${viewer})`;
  return `(${visibleRowSql(scope, list, params)} AND ${visibleRowSql(scope, service, params)} AND ${clinic})`;
}
