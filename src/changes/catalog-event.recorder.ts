import type { Package, PackageItem } from '../catalog/packages/package.types';
import type { Service } from '../catalog/services/service.types';
import type { PriceList } from '../pricing/price-list.types';
import type { RequestContext } from '../request/context';
import type { Organization } from '../tenancy/tenancy.types';
import type { ClinicSharing } from '../tenancy/viewer';
import type { OwnedRow, RecordedSight } from '../tenancy/visibility';
import type { NewCatalogEvent } from './catalog-event.repository';
import { FieldChange, type CatalogEventType } from './catalog-event.types';

/**
 * What operations call after a change, in their own transaction: the events of domain.md ("History
 * and the change feed"), with before/after as JSON text. A change that changes nothing records
 * nothing (operations do not even write it).
 */

type Snapshot = Record<string, string | number | boolean | null>;

/** The fields an event lists, by their GraphQL names (never id, owner, origin, version or timestamps). */
const serviceSnapshot = (service: Service): Snapshot => ({
  code: service.code,
  name: service.name,
  family: service.family,
  price: service.price,
  taxRate: service.taxRate,
  taxExemption: service.taxExemption,
  durationMinutes: service.durationMinutes,
  odontogramScope: service.odontogramScope,
  active: service.active,
  shared: service.shared,
});

const packageSnapshot = (pkg: Package): Snapshot => ({
  name: pkg.name,
  description: pkg.description,
  active: pkg.active,
  shared: pkg.shared,
});

const priceListSnapshot = (list: PriceList): Snapshot => ({
  name: list.name,
  kind: list.kind,
  partnerName: list.partnerName,
  partnerTaxId: list.partnerTaxId,
  validFrom: list.validFrom,
  validUntil: list.validUntil,
  active: list.active,
  shared: list.shared,
});

const json = (value: string | number | boolean | null | undefined): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

/**
 * The fields that differ; with no `before` (a creation) every field that has a value, with no
 * `after` (a removal) every field that had one.
 */
export function fieldChanges(before: Snapshot | null, after: Snapshot | null): FieldChange[] {
  const fields = Object.keys(after ?? before ?? {});
  return fields
    .map((field) => Object.assign(new FieldChange(), { field, before: before && json(before[field]), after: after && json(after[field]) }))
    .filter((change) => change.before !== change.after);
}

/** The visibility facts of an event, none known yet: each kind of event fills in its own. */
const NO_SIGHT: Omit<RecordedSight, 'entityType' | 'clinicSharing'> = {
  ownerTenantId: null,
  sharedBefore: null,
  sharedAfter: null,
  packageOwnerTenantId: null,
  packageShared: null,
  serviceOwnerTenantId: null,
  serviceShared: null,
  addedByTenantId: null,
};

/** CREATED, DEACTIVATED / REACTIVATED (exactly `active`) or UPDATED, from the row before and after. */
function rowEvent<T extends OwnedRow & { id: string; active: boolean; version: number }>(
  prefix: 'SERVICE' | 'PACKAGE' | 'PRICE_LIST',
  before: T | null,
  after: T,
  snapshot: (row: T) => Snapshot,
): NewCatalogEvent | null {
  let type: CatalogEventType;
  let changes: FieldChange[];
  if (!before) {
    type = `${prefix}_CREATED`;
    changes = fieldChanges(null, snapshot(after));
  } else if (before.active !== after.active) {
    type = after.active ? `${prefix}_REACTIVATED` : `${prefix}_DEACTIVATED`;
    changes = fieldChanges({ active: before.active }, { active: after.active });
  } else {
    type = `${prefix}_UPDATED`;
    changes = fieldChanges(snapshot(before), snapshot(after));
  }
  if (changes.length === 0) return null;
  return {
    type,
    entityType: prefix,
    entityId: after.id,
    packageId: null,
    serviceId: null,
    version: after.version,
    changes,
    ...NO_SIGHT,
    ownerTenantId: after.ownerTenantId,
    sharedBefore: before ? before.shared : null,
    sharedAfter: after.shared,
  };
}

export async function recordServiceChange(ctx: RequestContext, before: Service | null, after: Service): Promise<void> {
  const event = rowEvent('SERVICE', before, after, serviceSnapshot);
  if (event) await ctx.repositories.events.append(ctx.viewer.userId, [event]);
}

export async function recordPackageChange(ctx: RequestContext, before: Package | null, after: Package): Promise<void> {
  const event = rowEvent('PACKAGE', before, after, packageSnapshot);
  if (event) await ctx.repositories.events.append(ctx.viewer.userId, [event]);
}

export async function recordPriceListChange(ctx: RequestContext, before: PriceList | null, after: PriceList): Promise<void> {
  const event = rowEvent('PRICE_LIST', before, after, priceListSnapshot);
  if (event) await ctx.repositories.events.append(ctx.viewer.userId, [event]);
}

/** One entry's price before (null: created) and after (null: removed), with its service as visibility needs it. */
export interface EntryChange {
  serviceId: string;
  clinicId: string | null;
  before: string | null;
  after: string | null;
  service: OwnedRow;
}

/** One PRICE_LIST_ENTRIES_CHANGED for a call (or an import): one change per entry that changed, field `price:<serviceId>[:<clinicId>]`. */
export async function recordPriceListEntries(ctx: RequestContext, list: PriceList, entries: EntryChange[]): Promise<void> {
  const changed = entries.filter((entry) => entry.before !== entry.after);
  if (changed.length === 0) return;
  await ctx.repositories.events.append(ctx.viewer.userId, [
    {
      ...NO_SIGHT,
      type: 'PRICE_LIST_ENTRIES_CHANGED',
      entityType: 'PRICE_LIST',
      entityId: list.id,
      packageId: null,
      serviceId: null,
      version: list.version,
      changes: changed.map((entry) =>
        Object.assign(new FieldChange(), {
          field: entry.clinicId ? `price:${entry.serviceId}:${entry.clinicId}` : `price:${entry.serviceId}`,
          before: json(entry.before),
          after: json(entry.after),
        }),
      ),
      ownerTenantId: list.ownerTenantId,
      sharedBefore: list.shared,
      sharedAfter: list.shared,
      entrySights: changed.map((entry) => ({ serviceOwnerTenantId: entry.service.ownerTenantId, serviceShared: entry.service.shared, clinicId: entry.clinicId })),
    },
  ]);
}

/** One item's change: its quantity before (null: added) and after (null: removed). */
export interface ItemChange {
  item: Pick<PackageItem, 'id' | 'serviceId' | 'addedByTenantId'>;
  quantityBefore: number | null;
  quantityAfter: number | null;
}

/** ADDED (`service` and `quantity`), UPDATED (`quantity`) or REMOVED (both, after null), in the order given. */
export async function recordItemChanges(ctx: RequestContext, pkg: OwnedRow & { id: string }, service: (id: string) => OwnedRow, items: ItemChange[]): Promise<void> {
  const events = items
    .filter(({ quantityBefore, quantityAfter }) => quantityBefore !== quantityAfter)
    .map(({ item, quantityBefore, quantityAfter }): NewCatalogEvent => {
      const type: CatalogEventType =
        quantityBefore === null ? 'PACKAGE_ITEM_ADDED' : quantityAfter === null ? 'PACKAGE_ITEM_REMOVED' : 'PACKAGE_ITEM_UPDATED';
      const snapshot = (quantity: number | null): Snapshot | null =>
        quantity === null ? null : type === 'PACKAGE_ITEM_UPDATED' ? { quantity } : { service: item.serviceId, quantity };
      const itemService = service(item.serviceId);
      return {
        type,
        entityType: 'PACKAGE_ITEM',
        entityId: item.id,
        packageId: pkg.id,
        serviceId: item.serviceId,
        version: null,
        changes: fieldChanges(snapshot(quantityBefore), snapshot(quantityAfter)),
        ...NO_SIGHT,
        packageOwnerTenantId: pkg.ownerTenantId,
        packageShared: pkg.shared,
        serviceOwnerTenantId: itemService.ownerTenantId,
        serviceShared: itemService.shared,
        addedByTenantId: item.addedByTenantId,
      };
    });
  await ctx.repositories.events.append(ctx.viewer.userId, events);
}

/** The organization changed from the other mode to this one (the mode has two values). */
export async function recordClinicSharingChange(ctx: RequestContext, after: Organization, version: number): Promise<void> {
  const before: ClinicSharing = after.clinicSharing === 'BETWEEN_CLINICS' ? 'CENTRAL_ONLY' : 'BETWEEN_CLINICS';
  await ctx.repositories.events.append(ctx.viewer.userId, [
    {
      ...NO_SIGHT,
      type: 'CLINIC_SHARING_CHANGED',
      entityType: 'ORGANIZATION',
      entityId: after.id,
      packageId: null,
      serviceId: null,
      version,
      changes: fieldChanges({ clinicSharing: before }, { clinicSharing: after.clinicSharing }),
    },
  ]);
}
