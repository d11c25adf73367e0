import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Package } from '../catalog/packages/package.types';
import { DateScalar } from '../graphql/scalars';
import type { RequestContext } from '../request/context';
import { PriceList } from './price-list.types';
import { OdontogramPlan, Quote, QuoteInput } from './pricing.types';
import * as quotes from './quote';

const PRICE_LIST =
  "Unit prices are the price list's effective prices on `on` (default today in the organization's time zone) when `priceListId` is given, else base prices: NOT_FOUND on `priceListId` for a list the viewer does not see, BAD_USER_INPUT on it when the list is not usable that day.";

/** The budgeting module's view of a package: priced lines for `times` units. */
@Resolver(() => Package)
export class PackageQuoteResolver {
  @FieldResolver(() => Quote, {
    description: `Budget lines for \`times\` units of the package (budgeting module): the figures of Query.quote with one package line (its counted items in item order, quantity = item quantity x \`times\`). An inactive package is priced too. Tenant users (ADMIN or STAFF). BAD_USER_INPUT on \`times\` outside 1-999 or when the gross would pass 9,999,999,999.99. ${PRICE_LIST}`,
  })
  quote(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('times', () => Int, { nullable: true, defaultValue: 1, description: 'How many times the package is applied, 1-999.' }) times?: number | null,
    @Arg('priceListId', () => ID, { nullable: true, description: 'A price list the viewer sees, usable on `on`.' }) priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true, description: "The price date; default today in the organization's time zone." }) on?: string | null,
  ): Promise<Quote> {
    return quotes.packageQuote(ctx, pkg, times ?? 1, { priceListId, on });
  }
}

/** The budget calculator: any mix of services and packages, priced by the one engine. */
@Resolver(() => Quote)
export class QuoteResolver {
  @Query(() => Quote, {
    description: `The budget calculator: prices any mix of services and packages, with teeth, discounts, accepted flags and a price list; nothing is stored. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN. NOT_FOUND on \`lines[i].serviceId\` / \`lines[i].packageId\` for rows the viewer does not see; BAD_USER_INPUT naming the field (\`lines\`, \`lines[3].discountPercent\`, \`lines[0].teeth\`, \`globalDiscountAmount\`) for inactive rows, out-of-range values and the limits (1-200 lines, 2,000 priced lines, a gross of at most 9,999,999,999.99). ${PRICE_LIST}`,
  })
  quote(
    @Arg('input', () => QuoteInput, { description: 'The budget: its lines, an optional global discount and price list.' }) input: QuoteInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Quote> {
    return quotes.quote(ctx, input);
  }

  @FieldResolver(() => PriceList, { nullable: true, description: 'The price list used, if any.' })
  priceList(@Root() quote: Quote, @Ctx() ctx: RequestContext): Promise<PriceList | null> | null {
    return quote.priceListId === null ? null : ctx.loaders.priceList.load(quote.priceListId);
  }
}

/** The odontogram module: what applying a package to some teeth would chart. Nothing is stored. */
@Resolver(() => OdontogramPlan)
export class OdontogramPlanResolver {
  @Query(() => OdontogramPlan, {
    description: `What applying a package to some teeth would chart (odontograma); nothing is stored. Teeth in FDI notation (11-18, 21-28, 31-38, 41-48, 51-55, 61-65, 71-75, 81-85), no duplicates. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN. NOT_FOUND on \`packageId\` when the viewer does not see the package; BAD_USER_INPUT on \`packageId\` when it is deactivated; BAD_USER_INPUT on \`teeth\` for an invalid or repeated tooth, more than 52 teeth, or none while counted items are charted per TOOTH, QUADRANT or ARCH. ${PRICE_LIST}`,
  })
  odontogramPlan(
    @Arg('packageId', () => ID, { description: 'An active package the viewer sees.' }) packageId: string,
    @Arg('teeth', () => [Int], { description: 'The selected teeth, FDI numbers in any order, at most 52.' }) teeth: number[],
    @Ctx() ctx: RequestContext,
    @Arg('priceListId', () => ID, { nullable: true, description: "Price the lines at this list's prices (NOT_FOUND / BAD_USER_INPUT on priceListId as for quotes)." })
    priceListId?: string | null,
    @Arg('on', () => DateScalar, { nullable: true, description: "The price date; default today in the organization's time zone." }) on?: string | null,
  ): Promise<OdontogramPlan> {
    return quotes.odontogramPlan(ctx, packageId, teeth, { priceListId, on });
  }

  @FieldResolver(() => Package, { description: 'The package applied.' })
  async package(@Root() plan: OdontogramPlan, @Ctx() ctx: RequestContext): Promise<Package> {
    return (await ctx.loaders.package.load(plan.packageId))!;
  }
}
