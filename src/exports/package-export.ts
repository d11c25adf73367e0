import { BadUserInputError, NotFoundError } from '../errors';
import { packageTotals } from '../catalog/packages/package.operations';
import { PACKAGE_SORT_KEYS, type ItemWithService, type PackageListFilter } from '../catalog/packages/package.repository';
import { eachPage } from '../catalog/pagination';
import { loadPriceBook, pricingDay, usableList } from '../pricing/price-book';
import type { RequestContext } from '../request/context';
import type { Totals } from '../pricing/pricing.types';
import { requireTenant } from '../tenancy/viewer';
import { originOf, type Origin } from '../tenancy/visibility';

/**
 * Packages read per page. A package holds at most 200 items, so one page's items query stays
 * within 40,000 rows; 50,000 packages take 250 pages of two statements each.
 */
export const EXPORT_PAGE_SIZE = 200;

/** One line of the packages table (Paquetes) as the viewer sees it: the same numbers as the API. */
export interface ExportedPackage {
  name: string;
  active: boolean;
  ownerName: string;
  origin: Origin;
  /** As `Package.itemCount`: the visible items, those of deactivated services included. */
  itemCount: number;
  /** As `Package.totals`: the counted items. */
  totals: Totals;
  updatedAt: Date;
}

/**
 * Every package the viewer sees that matches the filter, in the `packages` list's default order
 * (name, then id), one page at a time: a page and its items are read only when the previous page
 * has been taken, so a caller that waits for its client holds one page in memory.
 */
export async function* exportedPackagePages(
  ctx: RequestContext,
  filter: PackageListFilter,
  priceListId: string | null = null,
  pageSize: number = EXPORT_PAGE_SIZE,
): AsyncGenerator<ExportedPackage[]> {
  const scope = requireTenant(ctx.viewer);
  const day = pricingDay(ctx, null);
  // The list is checked before the first page, so that a bad one is answered before anything is sent.
  if (priceListId !== null) await asExportParameter(() => usableList(ctx, priceListId, day));
  const pages = eachPage(pageSize, 'ASC', async (page) => (await ctx.repositories.packages.list(filter, PACKAGE_SORT_KEYS.NAME, page)).rows);
  for await (const packages of pages) {
    // Read directly, not through the request's items loader, whose cache would keep every page.
    const itemsOf = new Map<string, ItemWithService[]>(packages.map((pkg) => [pkg.id, []]));
    const items = await ctx.repositories.packages.visibleItems([...itemsOf.keys()]);
    for (const entry of items) itemsOf.get(entry.item.packageId)!.push(entry);
    const prices = await loadPriceBook(ctx, priceListId, day, items.map(({ service }) => service.id));
    yield await Promise.all(
      packages.map(async (pkg) => {
        const items = itemsOf.get(pkg.id)!;
        const owner = await ctx.loaders.tenant.load(pkg.ownerTenantId);
        return {
          name: pkg.name,
          active: pkg.active,
          ownerName: owner!.name,
          origin: originOf(scope, pkg.ownerTenantId),
          itemCount: items.length,
          totals: packageTotals(scope, pkg, items, prices),
          updatedAt: pkg.updatedAt,
        };
      }),
    );
  }
}

/** A price list named by the export's `priceList` parameter: its refusals name that parameter. */
async function asExportParameter<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError('Price list', 'priceList');
    if (error instanceof BadUserInputError) throw new BadUserInputError('priceList', error.message);
    throw error;
  }
}
