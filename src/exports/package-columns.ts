import type { Origin } from '../tenancy/visibility';
import type { ExportedPackage } from './package-export';

export const EXPORT_LANGUAGES = ['es', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

/** The columns of the export, in order (api.md): the same for CSV and XLSX. */
export const PACKAGE_COLUMNS = ['name', 'status', 'owner', 'origin', 'itemCount', 'subtotal', 'tax', 'total', 'updatedAt'] as const;
export type PackageColumn = (typeof PACKAGE_COLUMNS)[number];

interface Words {
  /** The file's name without extension, and the sheet's name. */
  file: string;
  sheet: string;
  headers: Record<PackageColumn, string>;
  active: string;
  inactive: string;
  origins: Record<Origin, string>;
}

/** The words of the Paquetes screen in each language the export speaks. */
const WORDS: Record<ExportLanguage, Words> = {
  es: {
    file: 'paquetes',
    sheet: 'Paquetes',
    headers: {
      name: 'Nombre',
      status: 'Estado',
      owner: 'Clínica propietaria',
      origin: 'Origen',
      itemCount: 'Nº de servicios',
      subtotal: 'Subtotal',
      tax: 'Impuestos',
      total: 'Total',
      updatedAt: 'Actualizado',
    },
    active: 'Activo',
    inactive: 'Desactivado',
    origins: { OWN: 'Propio', CENTRAL: 'Central', OTHER_CLINIC: 'Otra clínica' },
  },
  en: {
    file: 'packages',
    sheet: 'Packages',
    headers: {
      name: 'Name',
      status: 'Status',
      owner: 'Owner tenant',
      origin: 'Origin',
      itemCount: 'Number of items',
      subtotal: 'Subtotal',
      tax: 'Tax',
      total: 'Total',
      updatedAt: 'Updated at',
    },
    active: 'Active',
    inactive: 'Inactive',
    origins: { OWN: 'Own', CENTRAL: 'Central', OTHER_CLINIC: 'Other clinic' },
  },
};

/** One exported line with its values typed: money as the API's decimal strings, the date as a Date. */
export interface PackageCells {
  name: string;
  status: string;
  owner: string;
  origin: string;
  itemCount: number;
  subtotal: string;
  tax: string;
  total: string;
  updatedAt: Date;
}

/** How one export speaks: its file name, headers and the words for status and origin. */
export class PackageLabels {
  private readonly words: Words;

  constructor(language: ExportLanguage) {
    this.words = WORDS[language];
  }

  fileName(extension: string): string {
    return `${this.words.file}.${extension}`;
  }

  get sheetName(): string {
    return this.words.sheet;
  }

  /** The words of api.md's columns; amounts are in the organization's currency, dates in UTC. */
  header(column: PackageColumn): string {
    return this.words.headers[column];
  }

  cells(row: ExportedPackage): PackageCells {
    return {
      name: row.name,
      status: row.active ? this.words.active : this.words.inactive,
      owner: row.ownerName,
      origin: this.words.origins[row.origin],
      itemCount: row.itemCount,
      subtotal: row.totals.subtotal,
      tax: row.totals.tax,
      total: row.totals.total,
      updatedAt: row.updatedAt,
    };
  }
}
