import { conflictWhenTaken } from '../../db/errors';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import type { RequestContext } from '../../request/context';
import { sumLines } from '../../pricing/lines';
import { countedItems } from '../../pricing/counted-items';
import type { PriceBook } from '../../pricing/price-source';
import type { Totals } from '../../pricing/pricing.types';
import { canAddItems, canChangeItem, canChangeRow } from '../../tenancy/permissions';
import type { Tenant } from '../../tenancy/tenancy.types';
import { requireTenant, requireTenantAdmin, type TenantScope, type Viewer } from '../../tenancy/viewer';
import { originOf } from '../../tenancy/visibility';
import { integerInRange, optionalText, requiredName } from '../../validation';
import { recordItemChanges, recordPackageChange } from '../../changes/catalog-event.recorder';
import type { Service } from '../services/service.types';
import { changesNothing, expectVersion } from '../versions';
import type { ItemWithService } from './package.repository';
import { PackageItemView, type CreatePackageInput, type Package, type PackageItemInput, type UpdatePackageInput } from './package.types';

export const MAX_ITEMS_PER_PACKAGE = 200;
export const MAX_QUANTITY = 999;

/** A package the viewer sees, or null; malformed ids are simply unknown. */
export function findVisiblePackage(ctx: RequestContext, id: string): Promise<Package | null> {
  requireTenant(ctx.viewer);
  return ctx.loaders.package.load(id);
}

/** The items of a package the viewer sees, oldest first, with their services. */
export function visibleItems(ctx: RequestContext, pkg: Package): Promise<ItemWithService[]> {
  return ctx.loaders.visibleItems.load(pkg.id);
}

/**
 * The items as the viewer sees them (the GraphQL `PackageItem`s), with their services, the tenants
 * that added them and their origins: at once when the request already read those tenants (as it
 * has for any item of the viewer's organization once one tenant was loaded), else after one load.
 */
export function packageItemViews(ctx: RequestContext, items: readonly ItemWithService[]): PackageItemView[] | Promise<PackageItemView[]> {
  const scope = requireTenant(ctx.viewer);
  const addedBy = items.map(({ item }) => ctx.loaders.tenantOf(item.addedByTenantId));
  const views = (tenants: (Tenant | null)[]) =>
    items.map(({ item, service }, index) => new PackageItemView(item, service, tenants[index]!, originOf(scope, item.addedByTenantId)));
  return addedBy.some((tenant) => tenant instanceof Promise) ? Promise.all(addedBy).then(views) : views(addedBy as (Tenant | null)[]);
}

/** An item by its id as the viewer sees it, or null when the viewer does not see it (the router resolves `PackageItem` by key). */
export async function findVisibleItem(ctx: RequestContext, id: string): Promise<PackageItemView | null> {
  const found = await ctx.loaders.visibleItem.load(id);
  return found && (await packageItemViews(ctx, [found]))[0];
}

/** A package's totals for the viewer: its counted items at the book's unit prices, priced line by line, then summed. */
export function packageTotals(scope: TenantScope, pkg: Package, items: ItemWithService[], prices: PriceBook): Totals {
  return sumLines(
    countedItems(scope, pkg, items).map(({ item, service }) => ({ unitPrice: prices.unitPrice(service).amount, taxRate: service.taxRate, quantity: item.quantity })),
  );
}

/** The package to change, locked; unseen is NOT_FOUND, seen but not permitted is FORBIDDEN. */
async function packageToChange(
  ctx: RequestContext,
  id: string,
  allowed: (viewer: Viewer, pkg: Package) => boolean,
  refusal: string,
): Promise<Package> {
  const pkg = await ctx.repositories.packages.lockVisible(id);
  if (!pkg) throw new NotFoundError('Package');
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
async function itemsToAdd(ctx: RequestContext, inputs: PackageItemInput[]): Promise<ItemToAdd[]> {
  if (inputs.length > MAX_ITEMS_PER_PACKAGE) {
    throw new BadUserInputError('items', `A package holds at most ${MAX_ITEMS_PER_PACKAGE} items`);
  }
  inputs.forEach((input, index) => integerInRange(`items[${index}].quantity`, input.quantity, 1, MAX_QUANTITY));
  const services = await Promise.all(inputs.map((input) => ctx.loaders.service.load(input.serviceId)));
  const merged = new Map<string, ItemToAdd>();
  inputs.forEach((input, index) => {
    const service = services[index];
    if (!service) throw new NotFoundError('Service', `items[${index}].serviceId`);
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
async function addItems(ctx: RequestContext, pkg: Package, items: ItemToAdd[]): Promise<void> {
  if (items.length === 0) return;
  const { items: stored, overflowing } = await ctx.repositories.packages.addOwnItems(pkg, items, MAX_QUANTITY);
  if (overflowing.length > 0) {
    const { field } = items.find((item) => item.serviceId === overflowing[0])!;
    throw new BadUserInputError(field, `The quantity would pass ${MAX_QUANTITY} once added to the item already in the package`);
  }
  // Counted as the viewer sees the package once added to (api.md): others' unseen items never count.
  if ((await ctx.repositories.packages.countVisibleItems(pkg)) > MAX_ITEMS_PER_PACKAGE) {
    throw new BadUserInputError('items', `A package holds at most ${MAX_ITEMS_PER_PACKAGE} items`);
  }
  const services = new Map(items.map((item) => [item.serviceId, item.service]));
  const adder = requireTenant(ctx.viewer).tenantId;
  const changes = items.map(({ serviceId, quantity: added }) => {
    const { id, quantity } = stored.find((item) => item.serviceId === serviceId)!;
    // A new row holds exactly what was added; a merged one held the difference before.
    return { item: { id, serviceId, addedByTenantId: adder }, quantityBefore: quantity === added ? null : quantity - added, quantityAfter: quantity };
  });
  await recordItemChanges(ctx, pkg, (id) => services.get(id)!, changes);
}

export async function createPackage(ctx: RequestContext, input: CreatePackageInput): Promise<Package> {
  requireTenantAdmin(ctx.viewer);
  const fields = {
    name: requiredName('name', input.name),
    description: optionalText('description', input.description, 2000, 'lines'),
    shared: input.shared,
  };
  const items = await itemsToAdd(ctx, input.items ?? []);
  const pkg = await uniqueName(() => ctx.repositories.packages.insert(fields));
  await recordPackageChange(ctx, null, pkg);
  await addItems(ctx, pkg, items);
  return pkg;
}

/** Absent or null fields stay as they are, but `description: null` clears the description. */
export async function updatePackage(
  ctx: RequestContext,
  id: string,
  input: UpdatePackageInput,
  expectedVersion: number | null | undefined,
): Promise<Package> {
  const current = await packageToChange(ctx, id, canChangeRow, OWNER_ONLY);
  expectVersion(current.version, expectedVersion);
  const fields = {
    name: input.name == null ? current.name : requiredName('name', input.name),
    description: input.description === undefined ? current.description : optionalText('description', input.description, 2000, 'lines'),
    shared: input.shared ?? current.shared,
  };
  if (changesNothing(current, fields)) return current;
  const updated = await uniqueName(() => ctx.repositories.packages.update(current, fields));
  await recordPackageChange(ctx, current, updated);
  return updated;
}

export async function setPackageActive(ctx: RequestContext, id: string, active: boolean): Promise<Package> {
  const current = await packageToChange(ctx, id, canChangeRow, "Only the owner's administrators can deactivate or reactivate this package");
  const updated = await ctx.repositories.packages.setActive(current, active);
  if (!updated) return current;
  await recordPackageChange(ctx, current, updated);
  return updated;
}

export async function addPackageItems(ctx: RequestContext, packageId: string, inputs: PackageItemInput[]): Promise<Package> {
  const pkg = await packageToChange(
    ctx,
    packageId,
    canAddItems,
    'Items can be added by the owner, or by a clinic to an active package of its central',
  );
  if (inputs.length === 0) throw new BadUserInputError('items', 'items must hold at least one service to add');
  await addItems(ctx, pkg, await itemsToAdd(ctx, inputs));
  return ctx.repositories.packages.touch(pkg);
}

/** The item to change, its package locked: unseen is NOT_FOUND, seen but added by another tenant is FORBIDDEN. */
async function itemToChange(ctx: RequestContext, id: string): Promise<ItemWithService & { package: Package }> {
  const found = await ctx.repositories.packages.lockVisibleItem(id);
  if (!found) throw new NotFoundError('Package item');
  if (!canChangeItem(ctx.viewer, found.item)) {
    throw new ForbiddenError('Only administrators of the tenant that added this item can change or remove it');
  }
  return found;
}

export async function updatePackageItem(ctx: RequestContext, id: string, quantity: number): Promise<PackageItemView> {
  integerInRange('quantity', quantity, 1, MAX_QUANTITY);
  const { item, service, package: pkg } = await itemToChange(ctx, id);
  if (item.quantity === quantity) return (await packageItemViews(ctx, [{ item, service }]))[0];
  const updated = await ctx.repositories.packages.setItemQuantity(item, quantity);
  if (!updated) throw new NotFoundError('Package item');
  await ctx.repositories.packages.touch(pkg);
  await recordItemChanges(ctx, pkg, () => service, [{ item, quantityBefore: item.quantity, quantityAfter: quantity }]);
  return (await packageItemViews(ctx, [{ item: updated, service }]))[0];
}

export async function removePackageItem(ctx: RequestContext, id: string): Promise<Package> {
  const { item, service, package: pkg } = await itemToChange(ctx, id);
  if (!(await ctx.repositories.packages.deleteItem(item))) throw new NotFoundError('Package item');
  await recordItemChanges(ctx, pkg, () => service, [{ item, quantityBefore: item.quantity, quantityAfter: null }]);
  return ctx.repositories.packages.touch(pkg);
}

/** A new package of the viewer's own with the visible items whose services are active, one per service. */
export async function duplicatePackage(ctx: RequestContext, id: string, name: string): Promise<Package> {
  requireTenantAdmin(ctx.viewer);
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
    ctx.repositories.packages.insert({ name: requiredName('name', name), description: source.description, shared: true }),
  );
  await recordPackageChange(ctx, null, copy);
  await addItems(ctx, copy, [...merged.values()]);
  return copy;
}
