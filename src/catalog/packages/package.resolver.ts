import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { Atomic } from '../../graphql/atomic';
import type { RequestContext } from '../../request/context';
import { whenReady } from '../../request/loaders';
import { priceLine, sumLines } from '../../pricing/lines';
import { loadPriceBook } from '../../pricing/price-book';
import { Totals } from '../../pricing/pricing.types';
import { DateScalar } from '../../graphql/scalars';
import { canAddItems, canChangeItem, canChangeRow } from '../../tenancy/permissions';
import { OriginEnum, Tenant } from '../../tenancy/tenancy.types';
import { requireTenant } from '../../tenancy/viewer';
import { originOf, type Origin } from '../../tenancy/visibility';
import { pageRequest, searchTerm, toPage } from '../pagination';
import { Service } from '../services/service.types';
import * as operations from './package.operations';
import { countPackages, listPackages, PACKAGE_SORT_KEYS, type PackageListFilter } from './package.store';
import {
  CreatePackageInput,
  Package,
  PackageConnection,
  PackageFilter,
  PackageItem,
  PackageItemInput,
  PackageOrder,
  UpdatePackageInput,
} from './package.types';

/** What `totalCount` needs to count the same matches later, only when asked for. */
type PackagePage = PackageConnection & { filter: PackageListFilter };

export function packageListFilter(filter: PackageFilter | null | undefined): PackageListFilter {
  return { search: searchTerm(filter?.search), status: filter?.status ?? 'ALL', origin: filter?.origin ?? null };
}

@Resolver(() => Package)
export class PackageResolver {
  @Query(() => Package, { nullable: true, description: 'Null when it does not exist or the viewer may not see it.' })
  package(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Package | null> {
    return operations.findVisiblePackage(ctx, id);
  }

  @Query(() => PackageConnection, { description: '`first` is 1-100.' })
  async packages(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => PackageFilter, { nullable: true }) filter?: PackageFilter | null,
    @Arg('orderBy', () => PackageOrder, { nullable: true }) orderBy?: PackageOrder | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<PackagePage> {
    const scope = requireTenant(ctx.viewer);
    const key = PACKAGE_SORT_KEYS[orderBy?.field ?? 'NAME'];
    const page = pageRequest(first, after, key, orderBy?.direction ?? 'ASC');
    const listFilter = packageListFilter(filter);
    const rows = await listPackages(ctx.tx, scope, listFilter, key, page);
    for (const { node } of rows) ctx.loaders.package.prime(node.id, node);
    return { ...toPage(rows, page, key), filter: listFilter };
  }

  @FieldResolver(() => Tenant)
  owner(@Root() pkg: Package, @Ctx() ctx: RequestContext): Tenant | Promise<Tenant> {
    return ctx.loaders.tenantOf(pkg.ownerTenantId) as Tenant | Promise<Tenant>;
  }

  @FieldResolver(() => OriginEnum)
  origin(@Root() pkg: Package, @Ctx() ctx: RequestContext): Origin {
    return originOf(requireTenant(ctx.viewer), pkg.ownerTenantId);
  }

  @FieldResolver(() => [PackageItem], { description: 'The items the viewer may see, oldest first; `origin` narrows them.' })
  async items(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('origin', () => [OriginEnum], { nullable: true }) origin?: Origin[] | null,
  ): Promise<PackageItem[]> {
    const scope = requireTenant(ctx.viewer);
    const items = (await operations.visibleItems(ctx, pkg)).map(({ item }) => item);
    return origin ? items.filter((item) => origin.includes(originOf(scope, item.addedByTenantId))) : items;
  }

  @FieldResolver(() => Int, { description: 'Number of items the viewer may see.' })
  async itemCount(@Root() pkg: Package, @Ctx() ctx: RequestContext): Promise<number> {
    return (await operations.visibleItems(ctx, pkg)).length;
  }

  @FieldResolver(() => Totals, {
    description:
      "Over the items the viewer may see, at the price list's prices on `on` (default today in the organization's time zone) when a list is given: NOT_FOUND on `priceListId` for a list the viewer does not see, BAD_USER_INPUT when it is not usable that day.",
  })
  async totals(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('priceListId', () => ID, { nullable: true }) priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true }) on?: string | null,
  ): Promise<Totals> {
    const items = await operations.visibleItems(ctx, pkg);
    const prices = await loadPriceBook(ctx, priceListId, on, items.map(({ service }) => service.id));
    return operations.packageTotals(items, prices);
  }

  @FieldResolver(() => Boolean, { description: "Rename, describe, share: owner's administrators only." })
  viewerCanEdit(@Root() pkg: Package, @Ctx() ctx: RequestContext): boolean {
    return canChangeRow(ctx.viewer, pkg);
  }

  @FieldResolver(() => Boolean, { description: "Deactivate or reactivate: owner's administrators only." })
  viewerCanDeactivate(@Root() pkg: Package, @Ctx() ctx: RequestContext): boolean {
    return canChangeRow(ctx.viewer, pkg);
  }

  @FieldResolver(() => Boolean, {
    description: "Add own items: owner's administrators, and clinic administrators on an active central package.",
  })
  viewerCanAddItems(@Root() pkg: Package, @Ctx() ctx: RequestContext): boolean {
    return canAddItems(ctx.viewer, pkg);
  }

  @Mutation(() => Package)
  @UseMiddleware(Atomic)
  createPackage(@Arg('input', () => CreatePackageInput) input: CreatePackageInput, @Ctx() ctx: RequestContext): Promise<Package> {
    return operations.createPackage(ctx, input);
  }

  @Mutation(() => Package, { description: '`expectedVersion`, when given, must equal the stored version, else CONFLICT.' })
  @UseMiddleware(Atomic)
  updatePackage(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePackageInput) input: UpdatePackageInput,
    @Ctx() ctx: RequestContext,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion?: number | null,
  ): Promise<Package> {
    return operations.updatePackage(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Package, { description: 'Dar de baja / reactivar. A clinic cannot deactivate a central package (FORBIDDEN).' })
  @UseMiddleware(Atomic)
  setPackageActive(@Arg('id', () => ID) id: string, @Arg('active') active: boolean, @Ctx() ctx: RequestContext): Promise<Package> {
    return operations.setPackageActive(ctx, id, active);
  }

  @Mutation(() => Package, {
    description:
      "Adds the viewer's own items; a service already among the viewer's own items of the package gets its quantity increased.",
  })
  @UseMiddleware(Atomic)
  addPackageItems(
    @Arg('packageId', () => ID) packageId: string,
    @Arg('items', () => [PackageItemInput]) items: PackageItemInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<Package> {
    return operations.addPackageItems(ctx, packageId, items);
  }

  @Mutation(() => PackageItem, {
    description: "Only items the viewer's tenant added: FORBIDDEN for other items it sees, NOT_FOUND for items it cannot see.",
  })
  @UseMiddleware(Atomic)
  updatePackageItem(@Arg('id', () => ID) id: string, @Arg('quantity', () => Int) quantity: number, @Ctx() ctx: RequestContext): Promise<PackageItem> {
    return operations.updatePackageItem(ctx, id, quantity);
  }

  @Mutation(() => Package, { description: 'As updatePackageItem. Returns the package.' })
  @UseMiddleware(Atomic)
  removePackageItem(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Package> {
    return operations.removePackageItem(ctx, id);
  }

  @Mutation(() => Package, { description: "Copies every item the viewer sees into a new package owned by the viewer's tenant." })
  @UseMiddleware(Atomic)
  duplicatePackage(@Arg('id', () => ID) id: string, @Arg('name') name: string, @Ctx() ctx: RequestContext): Promise<Package> {
    return operations.duplicatePackage(ctx, id, name);
  }
}

@Resolver(() => PackageItem)
export class PackageItemResolver {
  @FieldResolver(() => Service)
  service(@Root() item: PackageItem, @Ctx() ctx: RequestContext): Service | Promise<Service> {
    return ctx.loaders.serviceOf(item.serviceId) as Service | Promise<Service>;
  }

  @FieldResolver(() => Tenant, { description: 'The tenant that added this item to the package.' })
  addedBy(@Root() item: PackageItem, @Ctx() ctx: RequestContext): Tenant | Promise<Tenant> {
    return ctx.loaders.tenantOf(item.addedByTenantId) as Tenant | Promise<Tenant>;
  }

  @FieldResolver(() => OriginEnum, { description: "OWN for items the viewer's tenant added; CENTRAL or OTHER_CLINIC otherwise." })
  origin(@Root() item: PackageItem, @Ctx() ctx: RequestContext): Origin {
    return originOf(requireTenant(ctx.viewer), item.addedByTenantId);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the viewer may change the quantity or remove the item.' })
  viewerCanEdit(@Root() item: PackageItem, @Ctx() ctx: RequestContext): boolean {
    return canChangeItem(ctx.viewer, item);
  }

  @FieldResolver(() => Totals, { description: "The item's line, at the price list's prices on `on` (default today) when a list is given." })
  totals(
    @Root() item: PackageItem,
    @Ctx() ctx: RequestContext,
    @Arg('priceListId', () => ID, { nullable: true }) priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true }) on?: string | null,
  ): Totals | Promise<Totals> {
    // Base prices answer at once (a page holds thousands of items); a list is loaded for the whole page at once.
    if (priceListId == null) {
      return whenReady(ctx.loaders.serviceOf(item.serviceId), (service) => sumLines([priceLine(service!.price, service!.taxRate, item.quantity)]));
    }
    return (async () => {
      const [service, prices] = await Promise.all([ctx.loaders.serviceOf(item.serviceId), loadPriceBook(ctx, priceListId, on, [item.serviceId])]);
      return sumLines([priceLine(prices.unitPrice(service!).amount, service!.taxRate, item.quantity)]);
    })();
  }
}

@Resolver(() => PackageConnection)
export class PackageConnectionResolver {
  @FieldResolver(() => Int, { description: 'All matches of the filter, not only this page.' })
  totalCount(@Root() page: PackagePage, @Ctx() ctx: RequestContext): Promise<number> {
    return countPackages(ctx.tx, requireTenant(ctx.viewer), page.filter);
  }
}
