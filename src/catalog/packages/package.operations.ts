import { isUuid } from '../../auth/token';
import { conflictWhenTaken } from '../../db/errors';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import type { RequestContext } from '../../request/context';
import { priceLine, sumLines } from '../../pricing/lines';
import type { ChartedItem } from '../../pricing/odontogram';
import type { PriceBook } from '../../pricing/price-source';
import type { Totals } from '../../pricing/pricing.types';
import { canAddItems, canChangeItem, canChangeRow } from '../../tenancy/permissions';
import { requireTenant, requireTenantAdmin, type TenantScope, type Viewer } from '../../tenancy/viewer';
import { canSee, canSeeItem } from '../../tenancy/visibility';
import { integerInRange, optionalText, requiredName } from '../../validation';
import { recordItemChanges, recordPackageChange } from '../../changes/catalog-event.recorder';
import type { Service } from '../services/service.types';
import { changesNothing, expectVersion } from '../versions';
import * as store from './package.store';
import type { CreatePackageInput, Package, PackageItem, PackageItemInput, UpdatePackageInput } from './package.types';

export const MAX_ITEMS_PER_PACKAGE = 200;
export const MAX_QUANTITY = 999;

/** A package the viewer sees, or null; malformed ids are simply unknown. */
export async function findVisiblePackage(ctx: RequestContext, id: string): Promise<Package | null> {
  const scope = requireTenant(ctx.viewer);
  if (!isUuid(id)) return null;
  const pkg = await ctx.loaders.package.load(id);
  return pkg && canSee(scope, pkg) ? pkg : null;
}

/** The items of a package the viewer sees, oldest first, with their services. */
export function visibleItems(ctx: RequestContext, pkg: Package): Promise<store.ItemWithService[]> {
  return ctx.loaders.visibleItems.load(pkg.id);
}

/** Items that count towards totals, quotes and plans (those whose service is active), at the book's unit prices. */
export function countedItems(items: store.ItemWithService[], prices: PriceBook): ChartedItem[] {
  return items
    .filter(({ service }) => service.active)
    .map(({ item, service }) => {
      const unit = prices.unitPrice(service);
      return {
        serviceId: service.id,
        quantity: item.quantity,
        unitPrice: unit.amount,
        priceSource: unit.source,
        taxRate: service.taxRate,
        odontogramScope: service.odontogramScope,
      };
    });
}

/** A package's totals over the items the viewer sees: its counted items priced line by line, then summed. */
export function packageTotals(items: store.ItemWithService[], prices: PriceBook): Totals {
  return sumLines(countedItems(items, prices).map((item) => priceLine(item.unitPrice, item.taxRate, item.quantity)));
}

/** The package to change, locked; unseen is NOT_FOUND, seen but not permitted is FORBIDDEN. */
async function packageToChange(
  ctx: RequestContext,
  id: string,
  allowed: (viewer: Viewer, pkg: Package) => boolean,
  refusal: string,
): Promise<Package> {
  const scope = requireTenant(ctx.viewer);
  const pkg = isUuid(id) ? await store.lockPackage(ctx.tx, scope, id) : null;
  if (!pkg || !canSee(scope, pkg)) throw new NotFoundError('Package');
  if (!allowed(ctx.viewer, pkg)) throw new ForbiddenError(refusal);
  return pkg;
}

const OWNER_ONLY = "Only the owner's administrators can change this package";

const uniqueName = <T>(work: () => Promise<T>): Promise<T> =>
  conflictWhenTaken(new ConflictError('Another package of this tenant already has that name', 'name'), work);

/** One item to add, with the input field its quantity is reported under when it cannot be added. */
interface ItemToAdd {
  service: Service;
  serviceId: string;
  quantity: number;
  field: string;
}

/**
 * Checks items to add: quantities 1-999, services visible to the viewer (else NOT_FOUND) and
 * active (else BAD_USER_INPUT); the same service twice becomes one item with the quantities added.
 */
async function itemsToAdd(ctx: RequestContext, scope: TenantScope, inputs: PackageItemInput[]): Promise<ItemToAdd[]> {
  if (inputs.length > MAX_ITEMS_PER_PACKAGE) {
    throw new BadUserInputError('items', `A package holds at most ${MAX_ITEMS_PER_PACKAGE} items`);
  }
  inputs.forEach((input, index) => integerInRange(`items[${index}].quantity`, input.quantity, 1, MAX_QUANTITY));
  const services = await Promise.all(inputs.map((input) => (isUuid(input.serviceId) ? ctx.loaders.service.load(input.serviceId) : null)));
  const merged = new Map<string, ItemToAdd>();
  inputs.forEach((input, index) => {
    const service = services[index];
    if (!service || !canSee(scope, service)) throw new NotFoundError('Service', `items[${index}].serviceId`);
    if (!service.active) {
      throw new BadUserInputError(`items[${index}].serviceId`, `The service "${service.name}" is deactivated and cannot be added`);
    }
    const item = merged.get(service.id) ?? { service, serviceId: service.id, quantity: 0, field: `items[${index}].quantity` };
    item.quantity += input.quantity;
    if (item.quantity > MAX_QUANTITY) {
      throw new BadUserInputError(`items[${index}].quantity`, `The quantity of "${service.name}" would be ${item.quantity}; at most ${MAX_QUANTITY}`);
    }
    merged.set(service.id, item);
  });
  return [...merged.values()];
}

/** Adds (or merges) the viewer's own items, enforces the limits on the result and records the changes. */
async function addItems(ctx: RequestContext, scope: TenantScope, pkg: Package, items: ItemToAdd[]): Promise<void> {
  if (items.length === 0) return;
  const { items: stored, overflowing } = await store.addOwnItems(ctx.tx, scope, pkg.id, items, MAX_QUANTITY);
  if (overflowing.length > 0) {
    const { field } = items.find((item) => item.serviceId === overflowing[0])!;
    throw new BadUserInputError(field, `The quantity would pass ${MAX_QUANTITY} once added to the item already in the package`);
  }
  if ((await store.countItems(ctx.tx, scope, pkg.id)) > MAX_ITEMS_PER_PACKAGE) {
    throw new BadUserInputError('items', `A package holds at most ${MAX_ITEMS_PER_PACKAGE} items`);
  }
  const services = new Map(items.map((item) => [item.serviceId, item.service]));
  const changes = items.map(({ serviceId, quantity: added }) => {
    const { id, quantity } = stored.find((item) => item.serviceId === serviceId)!;
    // A new row holds exactly what was added; a merged one held the difference before.
    const item = { id, serviceId, addedByTenantId: scope.tenantId };
    return { item, quantityBefore: quantity === added ? null : quantity - added, quantityAfter: quantity };
  });
  await recordItemChanges(ctx, pkg, (id) => services.get(id)!, changes);
}

export async function createPackage(ctx: RequestContext, input: CreatePackageInput): Promise<Package> {
  const scope = requireTenantAdmin(ctx.viewer);
  const fields = {
    name: requiredName('name', input.name),
    description: optionalText('description', input.description, 2000),
    shared: input.shared,
  };
  const items = await itemsToAdd(ctx, scope, input.items ?? []);
  const pkg = await uniqueName(() => store.insertPackage(ctx.tx, scope, fields));
  await recordPackageChange(ctx, null, pkg);
  await addItems(ctx, scope, pkg, items);
  return pkg;
}

/** Absent or null fields stay as they are, but `description: null` clears the description. */
export async function updatePackage(
  ctx: RequestContext,
  id: string,
  input: UpdatePackageInput,
  expectedVersion: number | null | undefined,
): Promise<Package> {
  const scope = requireTenant(ctx.viewer);
  const current = await packageToChange(ctx, id, canChangeRow, OWNER_ONLY);
  expectVersion(current.version, expectedVersion);
  const fields = {
    name: input.name == null ? current.name : requiredName('name', input.name),
    description: input.description === undefined ? current.description : optionalText('description', input.description, 2000),
    shared: input.shared ?? current.shared,
  };
  if (changesNothing(current, fields)) return current;
  const updated = await uniqueName(() => store.updatePackage(ctx.tx, scope, current.id, fields));
  await recordPackageChange(ctx, current, updated);
  return updated;
}

export async function setPackageActive(ctx: RequestContext, id: string, active: boolean): Promise<Package> {
  const scope = requireTenant(ctx.viewer);
  const current = await packageToChange(ctx, id, canChangeRow, "Only the owner's administrators can deactivate or reactivate this package");
  const updated = await store.setPackageActive(ctx.tx, scope, current.id, active);
  if (!updated) return current;
  await recordPackageChange(ctx, current, updated);
  return updated;
}

export async function addPackageItems(ctx: RequestContext, packageId: string, inputs: PackageItemInput[]): Promise<Package> {
  const scope = requireTenant(ctx.viewer);
  const pkg = await packageToChange(
    ctx,
    packageId,
    canAddItems,
    'Items can be added by the owner, or by a clinic to an active package of its central',
  );
  if (inputs.length === 0) throw new BadUserInputError('items', 'items must hold at least one service to add');
  await addItems(ctx, scope, pkg, await itemsToAdd(ctx, scope, inputs));
  return store.touchPackage(ctx.tx, scope, pkg.id);
}

/** The item to change, its package locked: unseen is NOT_FOUND, seen but added by another tenant is FORBIDDEN. */
async function itemToChange(ctx: RequestContext, id: string): Promise<store.ItemWithService & { package: Package }> {
  const scope = requireTenant(ctx.viewer);
  const found = isUuid(id) ? await store.lockItem(ctx.tx, scope, id) : null;
  if (!found || !canSeeItem(scope, found.item.addedByTenantId, found.package, found.service)) throw new NotFoundError('Package item');
  if (!canChangeItem(ctx.viewer, found.item)) {
    throw new ForbiddenError('Only administrators of the tenant that added this item can change or remove it');
  }
  return found;
}

export async function updatePackageItem(ctx: RequestContext, id: string, quantity: number): Promise<PackageItem> {
  const scope = requireTenant(ctx.viewer);
  integerInRange('quantity', quantity, 1, MAX_QUANTITY);
  const found = await itemToChange(ctx, id);
  const { item } = found;
  if (item.quantity === quantity) return item;
  const updated = await store.setItemQuantity(ctx.tx, scope, item.id, quantity);
  if (!updated) throw new NotFoundError('Package item');
  await store.touchPackage(ctx.tx, scope, item.packageId);
  await recordItemChanges(ctx, found.package, () => found.service, [{ item, quantityBefore: item.quantity, quantityAfter: quantity }]);
  return updated;
}

export async function removePackageItem(ctx: RequestContext, id: string): Promise<Package> {
  const scope = requireTenant(ctx.viewer);
  const found = await itemToChange(ctx, id);
  const { item } = found;
  if (!(await store.deleteItem(ctx.tx, scope, item.id))) throw new NotFoundError('Package item');
  await recordItemChanges(ctx, found.package, () => found.service, [{ item, quantityBefore: item.quantity, quantityAfter: null }]);
  return store.touchPackage(ctx.tx, scope, item.packageId);
}

/** A new package of the viewer's own with the visible items whose services are active, one per service. */
export async function duplicatePackage(ctx: RequestContext, id: string, name: string): Promise<Package> {
  const scope = requireTenantAdmin(ctx.viewer);
  const source = await findVisiblePackage(ctx, id);
  if (!source) throw new NotFoundError('Package');
  const merged = new Map<string, ItemToAdd>();
  for (const { item, service } of await visibleItems(ctx, source)) {
    if (!service.active) continue;
    const copied = merged.get(service.id) ?? { service, serviceId: service.id, quantity: 0, field: 'id' };
    copied.quantity += item.quantity;
    if (copied.quantity > MAX_QUANTITY) {
      throw new BadUserInputError('id', `The copy would hold ${copied.quantity} of "${service.name}" (its items added up); at most ${MAX_QUANTITY}`);
    }
    merged.set(service.id, copied);
  }
  const copy = await uniqueName(() =>
    store.insertPackage(ctx.tx, scope, { name: requiredName('name', name), description: source.description, shared: true }),
  );
  await recordPackageChange(ctx, null, copy);
  await addItems(ctx, scope, copy, [...merged.values()]);
  return copy;
}
