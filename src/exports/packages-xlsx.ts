import type { Writable } from 'node:stream';
import { PACKAGE_COLUMNS, type PackageColumn, type PackageLabels } from './package-columns';
import type { ExportedPackage } from './package-export';
import { writeXlsxTable } from './table-writers';

const MONEY_FORMAT = '0.00';
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/** Column widths in characters, wide enough for typical values. */
const WIDTHS: Record<PackageColumn, number> = {
  name: 45,
  status: 14,
  owner: 30,
  origin: 14,
  itemCount: 16,
  subtotal: 16,
  tax: 16,
  total: 16,
  updatedAt: 20,
};

const FORMATS: Partial<Record<PackageColumn, string>> = {
  subtotal: MONEY_FORMAT,
  tax: MONEY_FORMAT,
  total: MONEY_FORMAT,
  updatedAt: DATE_FORMAT,
};

async function* records(pages: AsyncIterable<ExportedPackage[]>, labels: PackageLabels) {
  for await (const page of pages) {
    yield page.map((row) => {
      const cells = labels.cells(row);
      // Money becomes a spreadsheet number; the decimal strings have two places, which a double keeps.
      return { ...cells, subtotal: Number(cells.subtotal), tax: Number(cells.tax), total: Number(cells.total) };
    });
  }
}

/** The packages table as an Excel workbook: numbers and money as numeric cells (0.00), the update time as a date cell (UTC). */
export async function writePackagesXlsx(pages: AsyncIterable<ExportedPackage[]>, out: Writable, labels: PackageLabels): Promise<void> {
  const columns = PACKAGE_COLUMNS.map((column) => ({ key: column, header: labels.header(column), width: WIDTHS[column], numFmt: FORMATS[column] }));
  await writeXlsxTable(records(pages, labels), out, labels.sheetName, columns);
}
