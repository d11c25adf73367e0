import type { Writable } from 'node:stream';
import { PACKAGE_COLUMNS, type PackageLabels } from './package-columns';
import type { ExportedPackage } from './package-export';
import { writeCsvTable } from './table-writers';

async function* records(pages: AsyncIterable<ExportedPackage[]>, labels: PackageLabels) {
  for await (const page of pages) {
    yield page.map((row) => {
      const cells = labels.cells(row);
      return { ...cells, updatedAt: cells.updatedAt.toISOString() };
    });
  }
}

/** The packages table as CSV: money as the API's decimal strings, dates in ISO-8601 UTC. */
export async function writePackagesCsv(
  pages: AsyncIterable<ExportedPackage[]>,
  out: Writable,
  labels: PackageLabels,
  delimiter: string,
): Promise<void> {
  const columns = PACKAGE_COLUMNS.map((column) => ({ key: column, header: labels.header(column) }));
  await writeCsvTable(records(pages, labels), out, columns, delimiter);
}
