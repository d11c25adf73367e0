import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { pageRequest, searchTerm, toPage } from '../catalog/pagination';
import { Service } from '../catalog/services/service.types';
import { Atomic } from '../graphql/atomic';
import type { Gate } from '../graphql/auth-checker';
import type { RequestContext } from '../request/context';
import { DateScalar } from '../graphql/scalars';
import { canChangeRow } from '../tenancy/permissions';
import { OriginEnum, Tenant } from '../tenancy/tenancy.types';
import { requireTenant } from '../tenancy/viewer';
import { originOf, type Origin } from '../tenancy/visibility';
import { optionalText } from '../validation';
import { isUsableOn, loadListPriceBook, pricingDay } from './price-book';
import { ENTRY_SORT_KEY, type EntryListFilter } from './price-list-entry.repository';
import * as operations from './price-list.operations';
import { PRICE_LIST_SORT_KEY, type PriceListListFilter } from './price-list.repository';
import {
  CreatePriceListInput,
  EffectivePrice,
  PriceList,
  PriceListConnection,
  PriceListEntry,
  PriceListEntryConnection,
  PriceListEntryFilter,
  PriceListEntryInput,
  PriceListEntryKey,
  PriceListFilter,
  UpdatePriceListInput,
} from './price-list.types';

/** What `totalCount` needs to count the same matches later, only when asked for. */
type PriceListPage = PriceListConnection & { filter: PriceListListFilter };
type EntryPage = PriceListEntryConnection & { priceListId: string; filter: EntryListFilter };

const WHO_CHANGES = "The list's owner's ADMIN only: FORBIDDEN for others who see it, NOT_FOUND for those who do not.";

@Resolver(() => PriceList)
export class PriceListResolver {
  @Query(() => PriceList, {
    nullable: true,
    description:
      'A price list the viewer sees. Null when it does not exist or the viewer may not see it. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN.',
  })
  priceList(@Arg('id', () => ID, { description: 'The price list\'s id.' }) id: string, @Ctx() ctx: RequestContext): Promise<PriceList | null> {
    return operations.findVisiblePriceList(ctx, id);
  }

  @Query(() => PriceListConnection, {
    description:
      'The price lists the viewer sees, by name (then id). `first` is 1-100. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN.',
  })
  async priceLists(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => PriceListFilter, { nullable: true, description: 'Which lists; all the viewer sees when absent.' }) filter?: PriceListFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Page size, 1-100 (BAD_USER_INPUT on `first`).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page (BAD_USER_INPUT on `after` for any other text).' }) after?: string | null,
  ): Promise<PriceListPage> {
    requireTenant(ctx.viewer);
    const page = pageRequest(first, after, PRICE_LIST_SORT_KEY, 'ASC');
    const listFilter: PriceListListFilter = {
      search: searchTerm(filter?.search),
      status: filter?.status ?? 'ALL',
      origin: filter?.origin ?? null,
      kind: filter?.kind ?? null,
      usableOn: filter?.usableOn ?? null,
    };
    const rows = await ctx.repositories.priceLists.list(listFilter, page);
    for (const { node } of rows) ctx.loaders.priceList.prime(node.id, node);
    return { ...toPage(rows, page, PRICE_LIST_SORT_KEY), filter: listFilter };
  }

  @FieldResolver(() => Tenant, { description: 'The tenant that owns the list: only its administrators change it.' })
  owner(@Root() list: PriceList, @Ctx() ctx: RequestContext): Tenant | Promise<Tenant> {
    return ctx.loaders.tenantOf(list.ownerTenantId) as Tenant | Promise<Tenant>;
  }

  @FieldResolver(() => OriginEnum, { description: 'Where the list comes from, seen from the viewer\'s tenant.' })
  origin(@Root() list: PriceList, @Ctx() ctx: RequestContext): Origin {
    return originOf(requireTenant(ctx.viewer), list.ownerTenantId);
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may edit the list and its entries: the owner's administrators." })
  viewerCanEdit(@Root() list: PriceList, @Ctx() ctx: RequestContext): boolean {
    return canChangeRow(ctx.viewer, list);
  }

  @FieldResolver(() => Boolean, { description: "Active and within its dates on `on` (default: today in the organization's time zone)." })
  usable(
    @Root() list: PriceList,
    @Ctx() ctx: RequestContext,
    @Arg('on', () => DateScalar, { nullable: true, description: "The day; default today in the organization's time zone." }) on?: string | null,
  ): boolean {
    return isUsableOn(list, pricingDay(ctx, on));
  }

  @FieldResolver(() => PriceListEntryConnection, {
    description:
      'The entries the viewer may see: by service name (as services sort), then service id; for one service the entry for every clinic first, then the overrides by clinic name, then clinic id. `first` is 1-100.',
  })
  async entries(
    @Root() list: PriceList,
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => PriceListEntryFilter, { nullable: true, description: 'Which entries; all the viewer sees when absent.' }) filter?: PriceListEntryFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Page size, 1-100 (BAD_USER_INPUT on `first`).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page (BAD_USER_INPUT on `after` for any other text).' }) after?: string | null,
  ): Promise<EntryPage> {
    requireTenant(ctx.viewer);
    const page = pageRequest(first, after, ENTRY_SORT_KEY, 'ASC');
    const entryFilter: EntryListFilter = { search: searchTerm(filter?.search), clinicId: optionalText('filter.clinicId', filter?.clinicId, 64) };
    const rows = await ctx.repositories.priceListEntries.list(list.id, entryFilter, page);
    for (const row of rows) ctx.loaders.primeService(row.service);
    return { ...toPage(rows, page, ENTRY_SORT_KEY), priceListId: list.id, filter: entryFilter };
  }

  @Mutation(() => PriceList, {
    description:
      "Any ADMIN of a tenant (STAFF and platform administrators: FORBIDDEN); the list is owned by the viewer's tenant. BAD_USER_INPUT on `name`, `partnerName` (also when missing on an INSURER or AGREEMENT list), `partnerTaxId` or `validUntil` (before validFrom); CONFLICT on `name` when the tenant already has a list of that name.",
  })
  @Authorized<Gate>('TENANT_ADMIN')
  @UseMiddleware(Atomic)
  createPriceList(@Arg('input', () => CreatePriceListInput, { description: 'The new list.' }) input: CreatePriceListInput, @Ctx() ctx: RequestContext): Promise<PriceList> {
    return operations.createPriceList(ctx, input);
  }

  @Mutation(() => PriceList, {
    description: `\`expectedVersion\`, when given, must equal the stored version, else CONFLICT on \`expectedVersion\`. ${WHO_CHANGES} BAD_USER_INPUT on \`name\`, \`partnerName\` (also when the list as updated is INSURER or AGREEMENT without one), \`partnerTaxId\` or \`validUntil\` (before validFrom); CONFLICT on \`name\` when taken. A call that changes nothing keeps the version.`,
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  updatePriceList(
    @Arg('id', () => ID, { description: 'The list to change.' }) id: string,
    @Arg('input', () => UpdatePriceListInput, { description: 'The fields to change.' }) input: UpdatePriceListInput,
    @Ctx() ctx: RequestContext,
    @Arg('expectedVersion', () => Int, { nullable: true, description: 'The version the change is based on (CONFLICT on `expectedVersion` when stale).' })
    expectedVersion?: number | null,
  ): Promise<PriceList> {
    return operations.updatePriceList(ctx, id, input, expectedVersion);
  }

  @Mutation(() => PriceList, { description: `Deactivate (dar de baja) or reactivate. ${WHO_CHANGES}` })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  setPriceListActive(
    @Arg('id', () => ID, { description: 'The list.' }) id: string,
    @Arg('active', { description: 'False deactivates (dar de baja), true reactivates; the same state again changes nothing.' }) active: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<PriceList> {
    return operations.setPriceListActive(ctx, id, active);
  }

  @Mutation(() => PriceList, {
    description: `Creates or replaces entries (at most 1,000 per call), all or nothing; errors name the path (\`entries[3].price\`). ${WHO_CHANGES} CONFLICT on a stale \`expectedVersion\`; BAD_USER_INPUT on \`entries\` (empty or over 1,000), \`entries[i].price\`, \`entries[i].clinicId\` (not a clinic of the organization, or the list is not the central's) or \`entries[i].serviceId\` (a key repeated in the call); NOT_FOUND on \`entries[i].serviceId\` for a service the list's owner does not see. Adds 1 to the version when something changed.`,
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  setPriceListEntries(
    @Arg('priceListId', () => ID, { description: 'The list (NOT_FOUND on `priceListId` when the viewer does not see it).' }) priceListId: string,
    @Arg('entries', () => [PriceListEntryInput], { description: '1-1,000 entries, each key (service, clinic) once.' }) entries: PriceListEntryInput[],
    @Ctx() ctx: RequestContext,
    @Arg('expectedVersion', () => Int, { nullable: true, description: 'The version the change is based on (CONFLICT on `expectedVersion` when stale).' })
    expectedVersion?: number | null,
  ): Promise<PriceList> {
    return operations.setPriceListEntries(ctx, priceListId, entries, expectedVersion);
  }

  @Mutation(() => PriceList, {
    description: `Removes entries by key (at most 1,000 per call), all or nothing. ${WHO_CHANGES} CONFLICT on a stale \`expectedVersion\`; BAD_USER_INPUT on \`keys\` (empty or over 1,000), \`keys[i].clinicId\`, or \`keys[i].serviceId\` (a key with no entry, or repeated in the call); NOT_FOUND on \`keys[i].serviceId\` for a service the viewer does not see. Adds 1 to the version.`,
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  removePriceListEntries(
    @Arg('priceListId', () => ID, { description: 'The list (NOT_FOUND on `priceListId` when the viewer does not see it).' }) priceListId: string,
    @Arg('keys', () => [PriceListEntryKey], { description: '1-1,000 keys of existing entries, each once.' }) keys: PriceListEntryKey[],
    @Ctx() ctx: RequestContext,
    @Arg('expectedVersion', () => Int, { nullable: true, description: 'The version the change is based on (CONFLICT on `expectedVersion` when stale).' })
    expectedVersion?: number | null,
  ): Promise<PriceList> {
    return operations.removePriceListEntries(ctx, priceListId, keys, expectedVersion);
  }
}

@Resolver(() => PriceListEntry)
export class PriceListEntryResolver {
  @FieldResolver(() => Service, { description: 'The service priced.' })
  service(@Root() entry: PriceListEntry, @Ctx() ctx: RequestContext): Service | Promise<Service> {
    return ctx.loaders.serviceOf(entry.serviceId) as Service | Promise<Service>;
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'Null: the price for every clinic that uses the list; else an override for that clinic.' })
  clinic(@Root() entry: PriceListEntry, @Ctx() ctx: RequestContext): Tenant | null | Promise<Tenant | null> {
    return entry.clinicTenantId === null ? null : ctx.loaders.tenantOf(entry.clinicTenantId);
  }
}

@Resolver(() => PriceListConnection)
export class PriceListConnectionResolver {
  @FieldResolver(() => Int, { description: 'All matches of the filter, not only this page.' })
  totalCount(@Root() page: PriceListPage, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.repositories.priceLists.count(page.filter);
  }
}

@Resolver(() => PriceListEntryConnection)
export class PriceListEntryConnectionResolver {
  @FieldResolver(() => Int, { description: 'All entries the viewer sees that match the filter, not only this page.' })
  totalCount(@Root() page: EntryPage, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.repositories.priceListEntries.count(page.priceListId, page.filter);
  }
}

@Resolver(() => Service)
export class ServiceEffectivePriceResolver {
  @FieldResolver(() => EffectivePrice, {
    description:
      'What the viewer is charged for one unit under the price list (the base price when no entry applies). NOT_FOUND on `priceListId` for a list the viewer does not see; BAD_USER_INPUT on it when the list is not usable on `on` (default: today in the organization\'s time zone).',
  })
  async effectivePrice(
    @Root() service: Service,
    @Arg('priceListId', () => ID, { description: 'A price list the viewer sees.' }) priceListId: string,
    @Ctx() ctx: RequestContext,
    @Arg('on', () => DateScalar, { nullable: true, description: "The price date; default today in the organization's time zone." }) on?: string | null,
  ): Promise<EffectivePrice> {
    const book = await loadListPriceBook(ctx, priceListId, pricingDay(ctx, on), [service.id]);
    const { amount, source, entry } = book.effective(service);
    return Object.assign(new EffectivePrice(), { amount, source, entry });
  }
}
