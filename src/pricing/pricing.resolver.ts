import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Package } from '../catalog/packages/package.types';
import { Service } from '../catalog/services/service.types';
import type { RequestContext } from '../request/context';
import { OdontogramLine, OdontogramPlan, Quote, QuoteInput, QuoteLine } from './pricing.types';
import * as quotes from './quote';

/** The budgeting module's view of a package: priced lines for `times` units. */
@Resolver(() => Package)
export class PackageQuoteResolver {
  @FieldResolver(() => Quote, {
    description:
      'Budget lines for `times` (1-999) units of the package (budgeting module): the figures of Query.quote with one package line; an inactive package is priced too. Errors name `times` (BAD_USER_INPUT).',
  })
  quote(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('times', () => Int, { nullable: true, defaultValue: 1 }) times?: number | null,
  ): Promise<Quote> {
    return quotes.packageQuote(ctx, pkg, times ?? 1);
  }
}

/** The budget calculator: any mix of services and packages, priced by the one engine. */
@Resolver(() => Quote)
export class QuoteResolver {
  @Query(() => Quote, {
    description:
      'The budget calculator: prices any mix of services and packages, with teeth, discounts and accepted flags; nothing is stored. Any viewer of a tenant (STAFF too). BAD_USER_INPUT names the field (`lines[3].discountPercent`); NOT_FOUND names `lines[i].serviceId` or `lines[i].packageId`.',
  })
  quote(@Arg('input', () => QuoteInput) input: QuoteInput, @Ctx() ctx: RequestContext): Promise<Quote> {
    return quotes.quote(ctx, input);
  }
}

/** The odontogram module: what applying a package to some teeth would chart. Nothing is stored. */
@Resolver(() => OdontogramPlan)
export class OdontogramPlanResolver {
  @Query(() => OdontogramPlan, {
    description: 'Teeth in FDI notation (11-18, 21-28, 31-38, 41-48, 51-55, 61-65, 71-75, 81-85), no duplicates.',
  })
  odontogramPlan(
    @Arg('packageId', () => ID) packageId: string,
    @Arg('teeth', () => [Int]) teeth: number[],
    @Ctx() ctx: RequestContext,
  ): Promise<OdontogramPlan> {
    return quotes.odontogramPlan(ctx, packageId, teeth);
  }

  @FieldResolver(() => Package)
  async package(@Root() plan: OdontogramPlan, @Ctx() ctx: RequestContext): Promise<Package> {
    return (await ctx.loaders.package.load(plan.packageId))!;
  }
}

function serviceOf(serviceId: string, ctx: RequestContext): Service | Promise<Service> {
  return ctx.loaders.serviceOf(serviceId) as Service | Promise<Service>;
}

@Resolver(() => QuoteLine)
export class QuoteLineResolver {
  @FieldResolver(() => Service)
  service(@Root() line: QuoteLine, @Ctx() ctx: RequestContext): Service | Promise<Service> {
    return serviceOf(line.serviceId, ctx);
  }

  @FieldResolver(() => Package, { nullable: true, description: 'The package the line was expanded from, if any.' })
  async package(@Root() line: QuoteLine, @Ctx() ctx: RequestContext): Promise<Package | null> {
    return line.packageId === null ? null : ctx.loaders.package.load(line.packageId);
  }
}

@Resolver(() => OdontogramLine)
export class OdontogramLineResolver {
  @FieldResolver(() => Service)
  service(@Root() line: OdontogramLine, @Ctx() ctx: RequestContext): Service | Promise<Service> {
    return serviceOf(line.serviceId, ctx);
  }
}
