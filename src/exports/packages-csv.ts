import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { PACKAGE_COLUMNS, type PackageLabels } from './package-columns';
import type { ExportedPackage } from './package-export';

async function* records(pages: AsyncIterable<ExportedPackage[]>, labels: PackageLabels) {
  for await (const page of pages) {
    for (const row of page) {
      const cells = labels.cells(row);
      yield { ...cells, updatedAt: cells.updatedAt.toISOString() };
    }
  }
}

/**
 * The packages table as CSV: UTF-8 with a BOM (so that Excel reads the accents), RFC 4180 quoting,
 * CRLF line ends, money as the API's decimal strings, dates in ISO-8601 UTC. The pipeline pulls a
 * page only when the client has taken the previous ones.
 */
export async function writePackagesCsv(
  pages: AsyncIterable<ExportedPackage[]>,
  out: Writable,
  labels: PackageLabels,
  delimiter: string,
): Promise<void> {
  const csv = stringify({
    bom: true,
    delimiter,
    record_delimiter: 'windows',
    header: true,
    columns: PACKAGE_COLUMNS.map((column) => ({ key: column, header: labels.header(column) })),
    // A name starting with = + - @ would run as a formula when the file is opened in a spreadsheet:
    // it gets a leading apostrophe (OWASP "CSV injection").
    escape_formulas: true,
  });
  await pipeline(Readable.from(records(pages, labels)), csv, out);
}
