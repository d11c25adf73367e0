import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { Atomic } from '../../graphql/atomic';
import { selects } from '../../graphql/selection';
import type { Gate } from '../../graphql/auth-checker';
import type { RequestContext } from '../../request/context';
import { lineTotals } from '../../pricing/lines';
import { isCounted } from '../../pricing/counted-items';
import { loadPriceBook } from '../../pricing/price-book';
import { Totals } from '../../pricing/pricing.types';
import { DateScalar } from '../../graphql/scalars';
import { canAddItems, canChangeItem, canChangeRow } from '../../tenancy/permissions';
import { OriginEnum, Tenant } from '../../tenancy/tenancy.types';
import { requireTenant } from '../../tenancy/viewer';
import { originOf, type Origin } from '../../tenancy/visibility';
import { pageRequest, searchTerm, toPage } from '../pagination';
import * as operations from './package.operations';
import { PACKAGE_SORT_KEYS, type PackageListFilter } from './package.repository';
import {
  CreatePackageInput,
  Package,
  PackageConnection,
  PackageFilter,
  PackageItemInput,
  PackageItemView,
  PackageOrder,
  UpdatePackageInput,
} from './package.types';

/** What `totalCount` needs: the count the page's statement carried, or the filter to count the same matches later. */
type PackagePage = PackageConnection & { filter: PackageListFilter; totalCount: number | null };

export function packageListFilter(filter: PackageFilter | null | undefined): PackageListFilter {
  return { search: searchTerm(filter?.search), status: filter?.status ?? 'ALL', origin: filter?.origin ?? null };
}

@Resolver(() => Package)
export class PackageResolver {
  @Query(() => Package, {
    nullable: true,
    description:
      'A package the viewer sees. Null when it does not exist or the viewer may not see it (the two are never told apart). Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN.',
  })
  package(@Arg('id', () => ID, { description: 'The package id; an id that is not a UUID finds nothing.' }) id: string, @Ctx() ctx: RequestContext): Promise<Package | null> {
    return operations.findVisiblePackage(ctx, id);
  }

  @Query(() => PackageConnection, {
    description:
      'The packages the viewer sees (the Paquetes table: own, shared by the central, and with BETWEEN_CLINICS shared by other clinics), one page at a time. `first` is 1-100. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN. BAD_USER_INPUT on `first`, `after` or `search`.',
  })
  async packages(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => PackageFilter, { nullable: true, description: 'Which packages; null: every package the viewer sees.' })
    filter?: PackageFilter | null,
    @Arg('orderBy', () => PackageOrder, { nullable: true, description: 'Null: by name ascending.' }) orderBy?: PackageOrder | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Page size, 1-100 (BAD_USER_INPUT on `first`).' })
    first?: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description:
        'The `endCursor` of the previous page, read with the same `orderBy`; null for the first page. Any other string is BAD_USER_INPUT on `after`.',
    })
    after?: string | null,
  ): Promise<PackagePage> {
    const key = PACKAGE_SORT_KEYS[orderBy?.field ?? 'NAME'];
    const page = pageRequest(first, after, key, orderBy?.direction ?? 'ASC');
    const listFilter = packageListFilter(filter);
    const listed = await ctx.repositories.packages.list(listFilter, key, page, selects(info, 'totalCount'));
    for (const { node } of listed.rows) ctx.loaders.package.prime(node.id, node);
    return { ...toPage(listed.rows, page, key), filter: listFilter, totalCount: listed.totalCount };
  }

  @FieldResolver(() => Tenant, { description: 'The tenant that created the package and alone may edit, share or deactivate it.' })
  owner(@Root() pkg: Package, @Ctx() ctx: RequestContext): Tenant | Promise<Tenant> {
    return ctx.loaders.tenantOf(pkg.ownerTenantId) as Tenant | Promise<Tenant>;
  }

  @FieldResolver(() => OriginEnum, { description: "Whose the package is, seen from the viewer's tenant." })
  origin(@Root() pkg: Package, @Ctx() ctx: RequestContext): Origin {
    return originOf(requireTenant(ctx.viewer), pkg.ownerTenantId);
  }

  @FieldResolver(() => [PackageItemView], {
    description:
      'The items the viewer may see, oldest first, including those whose service is deactivated; `origin` narrows them.',
  })
  async items(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('origin', () => [OriginEnum], {
      nullable: true,
      description: "Only items of these origins (OWN: added by the viewer's tenant); null: all.",
    })
    origin?: Origin[] | null,
  ): Promise<PackageItemView[]> {
    const items = await operations.packageItemViews(ctx, await operations.visibleItems(ctx, pkg));
    return origin ? items.filter((item) => origin.includes(item.origin)) : items;
  }

  @FieldResolver(() => Int, { description: 'Number of items the viewer may see (the length of `items`).' })
  async itemCount(@Root() pkg: Package, @Ctx() ctx: RequestContext): Promise<number> {
    return (await operations.visibleItems(ctx, pkg)).length;
  }

  @FieldResolver(() => Totals, {
    description:
      "Over the counted items (see PackageItem.counted): each item's line at its unit price, tax rounded per line, then summed. Unit prices are the price list's effective prices on `on` (default today in the organization's time zone) when `priceListId` is given, else base prices: NOT_FOUND on `priceListId` for a list the viewer does not see, BAD_USER_INPUT on it when the list is not usable that day.",
  })
  async totals(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('priceListId', () => ID, { nullable: true, description: 'A price list the viewer sees, usable on `on`.' }) priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true, description: "The price date; default today in the organization's time zone." }) on?: string | null,
  ): Promise<Totals> {
    const items = await operations.visibleItems(ctx, pkg);
    const prices = await loadPriceBook(ctx, priceListId, on, items.map(({ service }) => service.id));
    return operations.packageTotals(requireTenant(ctx.viewer), pkg, items, prices);
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

  @Mutation(() => Package, {
    description:
      "Creates a package owned by the viewer's tenant, with its first items as the viewer's own. Any ADMIN of a tenant (STAFF and platform administrators: FORBIDDEN). BAD_USER_INPUT on `name`, `description`, `items` (over 200), `items[i].quantity` or `items[i].serviceId` (a deactivated service); NOT_FOUND on `items[i].serviceId` (a service the viewer does not see); CONFLICT on `name` when another package of the tenant has it.",
  })
  @Authorized<Gate>('TENANT_ADMIN')
  @UseMiddleware(Atomic)
  createPackage(@Arg('input', () => CreatePackageInput, { description: 'The new package.' }) input: CreatePackageInput, @Ctx() ctx: RequestContext): Promise<Package> {
    return operations.createPackage(ctx, input);
  }

  @Mutation(() => Package, {
    description:
      "Renames, describes, shares or unshares a package, active or not. The owner's ADMIN only. NOT_FOUND when the viewer does not see the package; FORBIDDEN when it sees it but may not change it (another tenant's package, STAFF); `expectedVersion`, when given, must equal the stored version, else CONFLICT on `expectedVersion`; BAD_USER_INPUT on `name` or `description`; CONFLICT on `name` when taken. Raises `version` by 1.",
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  updatePackage(
    @Arg('id', () => ID, { description: 'The package to change.' }) id: string,
    @Arg('input', () => UpdatePackageInput, { description: 'The fields to change; absent fields stay as they are.' }) input: UpdatePackageInput,
    @Ctx() ctx: RequestContext,
    @Arg('expectedVersion', () => Int, { nullable: true, description: 'The version the change was made on; null: no check.' })
    expectedVersion?: number | null,
  ): Promise<Package> {
    return operations.updatePackage(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Package, {
    description:
      "Dar de baja / reactivar. The owner's ADMIN only: NOT_FOUND when the viewer does not see the package, FORBIDDEN when it sees it but may not change it (a clinic cannot deactivate a central package; STAFF). Setting the state it already has changes nothing (the version stays).",
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  setPackageActive(
    @Arg('id', () => ID, { description: 'The package.' }) id: string,
    @Arg('active', { description: 'False deactivates, true reactivates.' }) active: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<Package> {
    return operations.setPackageActive(ctx, id, active);
  }

  @Mutation(() => Package, {
    description:
      "Adds the viewer's own items; a service already among the viewer's own items of the package gets its quantity increased. The owner's ADMIN (on an active or deactivated package), or a clinic's ADMIN on an active package of its central. NOT_FOUND when the viewer does not see the package; FORBIDDEN when it sees it but may not add (a deactivated central package, another clinic's package, STAFF); BAD_USER_INPUT on `items` (empty, over 200, or the package would hold more than 200 items that the viewer sees; items it cannot see never count), `items[i].quantity` or `items[i].serviceId` (a deactivated service); NOT_FOUND on `items[i].serviceId` (a service the viewer does not see). Moves the package's `updatedAt`, not its version.",
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  addPackageItems(
    @Arg('packageId', () => ID, { description: 'The package to add to.' }) packageId: string,
    @Arg('items', () => [PackageItemInput], { description: 'The services and quantities to add, 1-200.' }) items: PackageItemInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<Package> {
    return operations.addPackageItems(ctx, packageId, items);
  }

  @Mutation(() => PackageItemView, {
    description:
      "Sets an item's quantity. Only ADMINs of the tenant that added the item: FORBIDDEN for other items it sees (and for STAFF), NOT_FOUND for items it cannot see. BAD_USER_INPUT on `quantity`. Moves the package's `updatedAt`, not its version.",
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  updatePackageItem(
    @Arg('id', () => ID, { description: 'The package item.' }) id: string,
    @Arg('quantity', () => Int, { description: 'The new quantity, 1-999.' }) quantity: number,
    @Ctx() ctx: RequestContext,
  ): Promise<PackageItemView> {
    return operations.updatePackageItem(ctx, id, quantity);
  }

  @Mutation(() => Package, {
    description:
      "Removes an item added by mistake (Acciones). Who may, and the errors, as updatePackageItem. Returns the package, whose `updatedAt` moves (not its version).",
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  removePackageItem(@Arg('id', () => ID, { description: 'The package item.' }) id: string, @Ctx() ctx: RequestContext): Promise<Package> {
    return operations.removePackageItem(ctx, id);
  }

  @Mutation(() => Package, {
    description:
      "Copies a package the viewer sees (active or not) into a new shared package owned by the viewer's tenant, with its description and, as the viewer's own items, every item the viewer sees whose service is active (one item per service, quantities added). Any ADMIN of a tenant (STAFF and platform administrators: FORBIDDEN). NOT_FOUND when the viewer does not see the package; BAD_USER_INPUT on `id` when a service's quantities would add up past 999; BAD_USER_INPUT on `name`; CONFLICT on `name` when taken.",
  })
  @Authorized<Gate>('TENANT_ADMIN')
  @UseMiddleware(Atomic)
  duplicatePackage(
    @Arg('id', () => ID, { description: 'The package to copy.' }) id: string,
    @Arg('name', { description: 'The name of the copy, 1-120 characters; unique per tenant (CONFLICT on `name`).' }) name: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Package> {
    return operations.duplicatePackage(ctx, id, name);
  }
}

@Resolver(() => PackageItemView)
export class PackageItemResolver {
  @FieldResolver(() => Boolean, { description: 'Whether the viewer may change the quantity or remove the item.' })
  viewerCanEdit(@Root() view: PackageItemView, @Ctx() ctx: RequestContext): boolean {
    return canChangeItem(ctx.viewer, view.item);
  }

  @FieldResolver(() => Boolean, {
    description:
      "Whether the item counts in the viewer's totals, quotes and plans: added by the package's owner or by the viewer, and its service active.",
  })
  async counted(@Root() view: PackageItemView, @Ctx() ctx: RequestContext): Promise<boolean> {
    const pkg = await ctx.loaders.package.load(view.item.packageId);
    return isCounted(requireTenant(ctx.viewer), pkg!, view.item, view.service);
  }

  @FieldResolver(() => Totals, {
    description:
      "The item's own line: its unit price x quantity, tax rounded half-up to the cent; given whether the item is counted or not. The unit price is the price list's effective price on `on` (default today) when `priceListId` is given, else the base price.",
  })
  totals(
    @Root() view: PackageItemView,
    @Ctx() ctx: RequestContext,
    @Arg('priceListId', () => ID, { nullable: true, description: 'A price list the viewer sees, usable on `on` (NOT_FOUND / BAD_USER_INPUT on `priceListId`).' })
    priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true, description: "The price date; default today in the organization's time zone." }) on?: string | null,
  ): Totals | Promise<Totals> {
    const { service, quantity } = view;
    // Base prices answer at once (a page holds thousands of items); a list is loaded for the whole page at once.
    if (priceListId == null) return lineTotals(service.price, service.taxRate, quantity);
    return loadPriceBook(ctx, priceListId, on, [service.id]).then((prices) => lineTotals(prices.unitPrice(service).amount, service.taxRate, quantity));
  }
}

@Resolver(() => PackageConnection)
export class PackageConnectionResolver {
  @FieldResolver(() => Int, { description: 'All matches of the filter, not only this page.' })
  totalCount(@Root() page: PackagePage, @Ctx() ctx: RequestContext): number | Promise<number> {
    return page.totalCount ?? ctx.repositories.packages.count(page.filter);
  }
}
