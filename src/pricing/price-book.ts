import { isUuid } from '../auth/token';
import { BadUserInputError, NotFoundError } from '../errors';
import type { RequestContext } from '../request/context';
import { requireTenant } from '../tenancy/viewer';
import { basePrices, type PriceBook, type UnitPrice } from './price-source';
import type { PriceList, PriceListEntry } from './price-list.types';

/** Usable on a day: active, and the day within its validity (both ends inclusive, null = open). SQL twin: `usableOnSql`. */
export function isUsableOn(list: Pick<PriceList, 'active' | 'validFrom' | 'validUntil'>, day: string): boolean {
  // "YYYY-MM-DD" strings compare as the days they name.
  return list.active && (list.validFrom === null || list.validFrom <= day) && (list.validUntil === null || list.validUntil >= day);
}

/** The day a pricing is for: the one asked, else the request's today in the organization's time zone. */
export function pricingDay(ctx: RequestContext, on: string | null | undefined): string {
  return on ?? ctx.today();
}

/** What the viewer pays for one unit, with the entry that decided it. */
export interface EffectivePriceOf extends UnitPrice {
  entry: PriceListEntry | null;
}

/** A price list's effective prices for the viewer on a day, for the services it was loaded for. */
export interface ListPriceBook extends PriceBook {
  priceList: PriceList;
  effective(service: { id: string; price: string }): EffectivePriceOf;
}

/**
 * The usable list `priceListId` for the viewer on `day`: unknown or unseen is NOT_FOUND on
 * `priceListId`, not usable that day is BAD_USER_INPUT on it.
 */
export async function usableList(ctx: RequestContext, priceListId: string, day: string): Promise<PriceList> {
  const list = isUuid(priceListId) ? await ctx.loaders.priceList.load(priceListId) : null;
  if (!list) throw new NotFoundError('Price list', 'priceListId');
  if (!isUsableOn(list, day)) {
    const why = list.active ? `valid ${list.validFrom ?? '…'} to ${list.validUntil ?? '…'}` : 'deactivated';
    throw new BadUserInputError('priceListId', `The price list "${list.name}" cannot be used on ${day} (${why})`);
  }
  return list;
}

/**
 * The prices of one pricing (domain.md "Price lists"): without a list, base prices; with one, for
 * each service the viewer's own override (LIST_CLINIC, clinics only), else the entry for every
 * clinic (LIST), else the base price (BASE). Entries are read for `serviceIds` through the
 * request's loader, so that every pricing of a page shares one statement.
 */
export async function loadPriceBook(
  ctx: RequestContext,
  priceListId: string | null | undefined,
  on: string | null | undefined,
  serviceIds: readonly string[],
): Promise<PriceBook> {
  const day = pricingDay(ctx, on);
  if (priceListId === null || priceListId === undefined) return basePrices(day);
  return loadListPriceBook(ctx, priceListId, day, serviceIds);
}

export async function loadListPriceBook(ctx: RequestContext, priceListId: string, day: string, serviceIds: readonly string[]): Promise<ListPriceBook> {
  const scope = requireTenant(ctx.viewer);
  const list = await usableList(ctx, priceListId, day);
  const found = await ctx.loaders.priceEntries.loadMany([...new Set(serviceIds)].map((serviceId) => ({ priceListId: list.id, serviceId })));
  const forEveryClinic = new Map<string, PriceListEntry>();
  const forViewer = new Map<string, PriceListEntry>();
  for (const entries of found) {
    if (entries instanceof Error) throw entries;
    for (const entry of entries) {
      if (entry.clinicTenantId === null) forEveryClinic.set(entry.serviceId, entry);
      else if (entry.clinicTenantId === scope.tenantId && scope.tenantKind === 'CLINIC') forViewer.set(entry.serviceId, entry);
    }
  }
  const effective = (service: { id: string; price: string }): EffectivePriceOf => {
    const own = forViewer.get(service.id);
    if (own) return { amount: own.price, source: 'LIST_CLINIC', entryId: own.id, entry: own };
    const general = forEveryClinic.get(service.id);
    if (general) return { amount: general.price, source: 'LIST', entryId: general.id, entry: general };
    return { amount: service.price, source: 'BASE', entryId: null, entry: null };
  };
  return {
    priceListId: list.id,
    priceList: list,
    on: day,
    effective,
    unitPrice: (service) => {
      const { amount, source, entryId } = effective(service);
      return { amount, source, entryId };
    },
  };
}
