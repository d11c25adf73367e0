import { eachPage } from '../catalog/pagination';
import { NotFoundError } from '../errors';
import { findPriceListToExport } from '../pricing/price-list.operations';
import type { RequestContext } from '../request/context';
import type { ExportPlan, Format } from './export.routes';
import { parsePriceListExportQuery, type PriceListExportRequest } from './export-query';
import { PRICE_LIST_COLUMNS, PRICE_LIST_FILE, PRICE_LIST_HEADERS } from './price-list-columns';
import { writeCsvTable, writeXlsxTable } from './table-writers';

/** Entries read per statement: a price list holds at most one entry per service and clinic. */
export const ENTRY_EXPORT_PAGE_SIZE = 500;

/** One exported line: the entry as the viewer sees it in `PriceList.entries`. */
interface ExportedEntry {
  serviceId: string;
  code: string;
  service: string;
  /** The clinic's name; empty for every clinic. */
  clinic: string;
  basePrice: string;
  price: string;
}

async function* entryPages(ctx: RequestContext, priceListId: string): AsyncGenerator<ExportedEntry[]> {
  const entries = ctx.repositories.priceListEntries;
  const filter = { search: null, clinicId: null };
  const pages = eachPage(ENTRY_EXPORT_PAGE_SIZE, 'ASC', async (page) =>
    (await entries.list(priceListId, filter, page)).map(({ entry, service, sortValue }) => ({ node: { id: entry.id, entry, service }, sortValue })),
  );
  for await (const page of pages) {
    yield await Promise.all(
      page.map(async ({ entry, service }) => ({
        serviceId: service.id,
        code: service.code ?? '',
        service: service.name,
        clinic: entry.clinicTenantId === null ? '' : ((await ctx.loaders.tenantOf(entry.clinicTenantId))?.name ?? ''),
        basePrice: service.price,
        price: entry.price,
      })),
    );
  }
}

async function* asNumbers(pages: AsyncIterable<ExportedEntry[]>) {
  // Money becomes a spreadsheet number; the decimal strings have two places, which a double keeps.
  for await (const page of pages) yield page.map((row) => ({ ...row, basePrice: Number(row.basePrice), price: Number(row.price) }));
}

/**
 * `GET /exports/price-lists/<id>.csv|xlsx`: the entries the viewer sees, in the order of
 * `PriceList.entries`, with `ETag: "<version>"`; the file imports back as it is.
 */
export function priceListExport(format: Format): ExportPlan<PriceListExportRequest, ExportedEntry> {
  return {
    parse: (req) => parsePriceListExportQuery(String(req.params.file).replace(/\.(csv|xlsx)$/, ''), req.query as Record<string, unknown>, format),
    open: async (ctx, request) => {
      // Held (shared) until the last page is read, so that the ETag is the version of what is exported.
      const list = await findPriceListToExport(ctx, request.priceListId);
      if (!list) throw new NotFoundError('Price list');
      const headers = PRICE_LIST_HEADERS[request.language];
      const names = PRICE_LIST_FILE[request.language];
      const columns = PRICE_LIST_COLUMNS.map((key) => ({
        key,
        header: headers[key],
        width: key === 'service' || key === 'serviceId' ? 38 : 16,
        numFmt: key === 'price' || key === 'basePrice' ? '0.00' : undefined,
      }));
      return {
        fileName: `${names.file}.${format}`,
        headers: { etag: `"${list.version}"` },
        pages: () => entryPages(ctx, list.id),
        write: (pages, out) =>
          format === 'csv' ? writeCsvTable(pages, out, columns, request.delimiter) : writeXlsxTable(asNumbers(pages), out, names.sheet, columns),
        logMessage: 'price list exported',
      };
    },
  };
}
