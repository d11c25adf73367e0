import { parse } from 'csv-parse/sync';
import { columnOfHeader, PRICE_LIST_HEADERS, type PriceListColumn } from '../exports/price-list-columns';

/** The most data rows one import takes (api.md); more is 413. */
export const MAX_IMPORT_ROWS = 10_000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export type ImportFormat = 'csv' | 'xlsx';

/** One bad row of a file: `row` as a spreadsheet numbers it (header 1, first data row 2). */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

/** The file could not be taken (unreadable, no usable header): 422 with these errors. */
export class ImportFileError extends Error {
  constructor(readonly errors: RowError[]) {
    super('the file cannot be imported');
  }
}

/** More data rows than an import takes: 413. */
export class TooManyRowsError extends Error {
  constructor(readonly rows: number) {
    super(`A price list import takes at most ${MAX_IMPORT_ROWS} rows; the file has ${rows}`);
  }
}

/** A data row: its spreadsheet row number and the cells of the columns the import reads (trimmed text). */
export interface ImportedRow {
  row: number;
  cells: Partial<Record<PriceListColumn, string>>;
}

export interface ImportSheet {
  /** The columns the header names (others are ignored). */
  columns: Set<PriceListColumn>;
  rows: ImportedRow[];
}

/** The name an error gives a column: as the English export writes it. */
export const columnName = (column: PriceListColumn): string => PRICE_LIST_HEADERS.en[column];

/** The export guards cells against formulas with a leading apostrophe (OWASP): the import takes it off again. */
function unguarded(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Comma or semicolon, whichever the header line holds more of (Spanish Excel writes semicolons). */
function detectDelimiter(text: string): string {
  const header = text.slice(0, text.search(/\r|\n/) === -1 ? text.length : text.search(/\r|\n/));
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
}

function csvRecords(body: Buffer): string[][] {
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return parse(text, { delimiter: detectDelimiter(text), relax_column_count: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ImportFileError([{ row: typeof line === 'number' ? line : 1, column: '', message: `The CSV cannot be read: ${(error as Error).message}` }]);
  }
}

/** An XLSX cell as text: numbers to the cent when within 1e-9 of it, formulas by their result, rich text by its characters. */
function xlsxCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    const cents = Math.round(value * 100);
    return Math.abs(value * 100 - cents) <= 1e-7 ? (cents / 100).toFixed(2) : String(value);
  }
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const cell = value as { result?: unknown; richText?: { text: string }[]; text?: string };
    if ('result' in cell) return xlsxCellText(cell.result);
    if (cell.richText) return cell.richText.map((part) => part.text).join('');
    if (typeof cell.text === 'string') return cell.text;
  }
  return String(value);
}

async function xlsxRecords(body: Buffer): Promise<string[][]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw new ImportFileError([{ row: 1, column: '', message: 'The file is not a readable XLSX workbook' }]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ImportFileError([{ row: 1, column: '', message: 'The workbook has no sheet' }]);
  const records: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values = row.values as unknown[];
    records[rowNumber - 1] = values.slice(1).map(xlsxCellText);
  });
  return Array.from(records, (record) => record ?? []);
}

/**
 * Reads an import file: the header row names the columns (either language, others ignored); one
 * of `service_id` and `code` and the `price` column are required. Rows whose read cells are all
 * blank are skipped. Nothing is checked against the catalogue here.
 */
export async function readImportFile(body: Buffer, format: ImportFormat): Promise<ImportSheet> {
  const records = format === 'csv' ? csvRecords(body) : await xlsxRecords(body);
  if (records.length === 0) throw new ImportFileError([{ row: 1, column: '', message: 'The file is empty: it needs a header row' }]);
  const columnAt = records[0].map((header) => columnOfHeader(header));
  const columns = new Set(columnAt.filter((column): column is PriceListColumn => column !== null));
  const missing: RowError[] = [];
  if (!columns.has('serviceId') && !columns.has('code')) {
    missing.push({ row: 1, column: columnName('serviceId'), message: 'The header row needs a service_id or a code column' });
  }
  if (!columns.has('price')) missing.push({ row: 1, column: columnName('price'), message: 'The header row needs a price column' });
  if (missing.length > 0) throw new ImportFileError(missing);
  const rows: ImportedRow[] = [];
  records.slice(1).forEach((record, index) => {
    const cells: ImportedRow['cells'] = {};
    columnAt.forEach((column, position) => {
      if (column !== null && cells[column] === undefined) cells[column] = unguarded((record[position] ?? '').trim());
    });
    if (Object.values(cells).some((cell) => cell !== '')) rows.push({ row: index + 2, cells });
  });
  if (rows.length > MAX_IMPORT_ROWS) throw new TooManyRowsError(rows.length);
  return { columns, rows };
}
