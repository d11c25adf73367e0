import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { drained } from './client-stream';
import { PACKAGE_COLUMNS, type PackageColumn, type PackageLabels } from './package-columns';
import type { ExportedPackage } from './package-export';

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

/**
 * The packages table as an Excel workbook, written by exceljs's streaming writer: a bold, frozen
 * header row, numbers and money as numeric cells (0.00), the update time as a date cell (UTC).
 * exceljs does not push back on the rows it is given, so the next page is read only once the
 * response has passed on what it holds: a slow client keeps about a page waiting, never the export.
 */
export async function writePackagesXlsx(pages: AsyncIterable<ExportedPackage[]>, out: Writable, labels: PackageLabels): Promise<void> {
  // Loaded on the first XLSX export: exceljs alone adds about 27 MB to a server that may never export.
  const { default: ExcelJS } = await import('exceljs');
  // Inline strings: shared strings would keep every name in memory until the end.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(labels.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = PACKAGE_COLUMNS.map((column) => ({
    key: column,
    header: labels.header(column),
    width: WIDTHS[column],
    style: FORMATS[column] ? { numFmt: FORMATS[column] } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for await (const page of pages) {
    for (const row of page) {
      const cells = labels.cells(row);
      // Money becomes a spreadsheet number; the decimal strings have two places, which a double keeps.
      sheet.addRow({ ...cells, subtotal: Number(cells.subtotal), tax: Number(cells.tax), total: Number(cells.total) }).commit();
    }
    await drained(out);
  }
  sheet.commit();
  // The writer waits for the response to finish, which never comes if the client leaves now.
  await Promise.all([workbook.commit(), finished(out)]);
}
