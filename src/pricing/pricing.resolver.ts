import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { countedItems, findVisiblePackage, visibleItems } from '../catalog/packages/package.operations';
import { Package } from '../catalog/packages/package.types';
import { Service } from '../catalog/services/service.types';
import { BadUserInputError, NotFoundError } from '../errors';
import type { RequestContext } from '../request/context';
import { requireTenant } from '../tenancy/viewer';
import { DateScalar } from '../graphql/scalars';
import { loadPriceBook } from './price-book';
import { PriceList } from './price-list.types';
import { planOdontogram } from './odontogram';
import { OdontogramLine, OdontogramPlan, Quote, QuoteLine } from './pricing.types';
import { quotePackage } from './quote';

/** The budgeting module's view of a package: priced lines for `times` units. */
@Resolver(() => Package)
export class PackageQuoteResolver {
  @FieldResolver(() => Quote, {
    description:
      "Budget lines for `times` units of the package (budgeting module): one line per item the viewer sees whose service is active, in item order, with quantity = the item's quantity x `times`. An inactive package is priced too. BAD_USER_INPUT on `times`. Unit prices are the price list's effective prices on `on` (default today in the organization's time zone) when `priceListId` is given, else base prices: NOT_FOUND on `priceListId` for a list the viewer does not see, BAD_USER_INPUT on it when the list is not usable that day.",
  })
  async quote(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('times', () => Int, { nullable: true, defaultValue: 1, description: 'How many times the package is applied, 1-99.' }) times?: number | null,
    @Arg('priceListId', () => ID, { nullable: true, description: 'A price list the viewer sees, usable on `on`.' }) priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true, description: "The price date; default today in the organization's time zone." }) on?: string | null,
  ): Promise<Quote> {
    const scope = requireTenant(ctx.viewer);
    const items = await visibleItems(ctx, pkg);
    const prices = await loadPriceBook(ctx, priceListId, on, items.map(({ service }) => service.id));
    return quotePackage(countedItems(items, prices), times ?? 1, scope.currency, prices);
  }
}

@Resolver(() => Quote)
export class QuotePriceListResolver {
  @FieldResolver(() => PriceList, { nullable: true, description: 'The price list used, if any.' })
  priceList(@Root() quote: Quote, @Ctx() ctx: RequestContext): Promise<PriceList | null> | null {
    return quote.priceListId === null ? null : ctx.loaders.priceList.load(quote.priceListId);
  }
}

/** The odontogram module: what applying a package to some teeth would chart. Nothing is stored. */
@Resolver(() => OdontogramPlan)
export class OdontogramPlanResolver {
  @Query(() => OdontogramPlan, {
    description:
      'What applying a package to some teeth would chart (odontograma); nothing is stored. Teeth in FDI notation (11-18, 21-28, 31-38, 41-48, 51-55, 61-65, 71-75, 81-85), no duplicates. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN. NOT_FOUND on `packageId` when the viewer does not see the package; BAD_USER_INPUT on `packageId` when it is deactivated; BAD_USER_INPUT on `teeth` for an invalid or repeated tooth, more than 52 teeth, or none while counted items are charted per TOOTH, QUADRANT or ARCH.',
  })
  async odontogramPlan(
    @Arg('packageId', () => ID, { description: 'An active package the viewer sees.' }) packageId: string,
    @Arg('teeth', () => [Int], { description: 'The selected teeth, FDI numbers in any order, at most 52.' }) teeth: number[],
    @Ctx() ctx: RequestContext,
    @Arg('priceListId', () => ID, { nullable: true, description: 'Price the lines at this list\'s prices (NOT_FOUND / BAD_USER_INPUT on priceListId as for quotes).' })
    priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true, description: "The price date; default today in the organization's time zone." }) on?: string | null,
  ): Promise<OdontogramPlan> {
    const pkg = await findVisiblePackage(ctx, packageId);
    if (!pkg) throw new NotFoundError('Package', 'packageId');
    if (!pkg.active) throw new BadUserInputError('packageId', `The package "${pkg.name}" is deactivated and cannot be charted`);
    const items = await visibleItems(ctx, pkg);
    const prices = await loadPriceBook(ctx, priceListId, on, items.map(({ service }) => service.id));
    return { packageId: pkg.id, ...planOdontogram(countedItems(items, prices), teeth) };
  }

  @FieldResolver(() => Package, { description: 'The package applied.' })
  async package(@Root() plan: OdontogramPlan, @Ctx() ctx: RequestContext): Promise<Package> {
    return (await ctx.loaders.package.load(plan.packageId))!;
  }
}

function serviceOf(line: QuoteLine, ctx: RequestContext): Service | Promise<Service> {
  return ctx.loaders.serviceOf(line.serviceId) as Service | Promise<Service>;
}

@Resolver(() => QuoteLine)
export class QuoteLineResolver {
  @FieldResolver(() => Service, { description: 'The service priced on this line.' })
  service(@Root() line: QuoteLine, @Ctx() ctx: RequestContext): Service | Promise<Service> {
    return serviceOf(line, ctx);
  }
}

@Resolver(() => OdontogramLine)
export class OdontogramLineResolver {
  @FieldResolver(() => Service, { description: 'The service charted on this line.' })
  service(@Root() line: OdontogramLine, @Ctx() ctx: RequestContext): Service | Promise<Service> {
    return serviceOf(line, ctx);
  }
}
