import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { drained } from './client-stream';

/**
 * The two file formats every export writes (the packages table, a price list), streamed page by
 * page: a page is read only when the client has taken the previous ones.
 */

export interface TableColumn {
  key: string;
  header: string;
  /** XLSX only: width in characters and number format (e.g. "0.00"). */
  width?: number;
  numFmt?: string;
}

type Row = object;

async function* rowsOf(pages: AsyncIterable<Row[]>): AsyncGenerator<Row> {
  for await (const page of pages) yield* page;
}

/**
 * CSV: UTF-8 with a BOM (so that Excel reads the accents), RFC 4180 quoting, CRLF line ends; a
 * cell starting with = + - @ tab or CR gets a leading apostrophe (OWASP "CSV injection").
 * Every cell holding a CR or an LF is quoted, a lone one too: csv-stringify on its own quotes only
 * cells holding the record delimiter (CRLF), and a bare line break would start a new record in
 * every reader, with whatever follows it (a formula) as its first cell.
 */
export async function writeCsvTable(pages: AsyncIterable<Row[]>, out: Writable, columns: readonly TableColumn[], delimiter: string): Promise<void> {
  const csv = stringify({
    bom: true,
    delimiter,
    record_delimiter: 'windows',
    header: true,
    columns: columns.map(({ key, header }) => ({ key, header })),
    escape_formulas: true,
    quoted_match: /[\r\n]/,
  });
  await pipeline(Readable.from(rowsOf(pages)), csv, out);
}

/**
 * XLSX by exceljs's streaming writer: a bold, frozen header row, inline strings (shared strings
 * would keep every value in memory until the end). exceljs does not push back on the rows it is
 * given, so the next page is read only once the response has passed on what it holds.
 */
export async function writeXlsxTable(pages: AsyncIterable<Row[]>, out: Writable, sheetName: string, columns: readonly TableColumn[]): Promise<void> {
  // Loaded on the first XLSX export: exceljs alone adds about 27 MB to a server that may never export.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({
    key: column.key,
    header: column.header,
    width: column.width,
    style: column.numFmt ? { numFmt: column.numFmt } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for await (const page of pages) {
    for (const row of page) sheet.addRow(row).commit();
    await drained(out);
  }
  sheet.commit();
  // The writer waits for the response to finish, which never comes if the client leaves now.
  await Promise.all([workbook.commit(), finished(out)]);
}
