import { packageListFilter } from '../catalog/packages/package.resolver';
import type { PackageListFilter } from '../catalog/packages/package.repository';
import { BadUserInputError } from '../errors';
import { StatusFilterEnum, type StatusFilter } from '../graphql/common.types';
import { OriginEnum } from '../tenancy/tenancy.types';
import type { Origin } from '../tenancy/visibility';
import { EXPORT_LANGUAGES, type ExportLanguage } from './package-columns';

const DELIMITERS = { comma: ',', semicolon: ';' } as const;
const DELIMITER_NAMES = Object.keys(DELIMITERS) as (keyof typeof DELIMITERS)[];

/** What an export of the packages table was asked for, checked. */
export interface PackageExportRequest {
  filter: PackageListFilter;
  /** Total at this price list's prices (today in the organization's time zone); null: base prices. */
  priceListId: string | null;
  language: ExportLanguage;
  /** CSV only. */
  delimiter: string;
}

/** The parameters each format takes: the filters of `packages`, the language, and the CSV delimiter. */
export const EXPORT_PARAMETERS = {
  csv: ['search', 'status', 'origin', 'priceList', 'lang', 'delimiter'],
  xlsx: ['search', 'status', 'origin', 'priceList', 'lang'],
} as const;

type Query = Record<string, unknown>;

/** A parameter given at most once; an empty value counts as not given. */
function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new BadUserInputError(name, `${name} must be given at most once`);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new BadUserInputError(name, `${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

/** `lang=es|en` (default es) and `delimiter=comma|semicolon` (default comma), shared by every export. */
function languageAndDelimiter(query: Query): { language: ExportLanguage; delimiter: string } {
  const language = single(query, 'lang');
  const delimiter = single(query, 'delimiter');
  return {
    language: language === undefined ? 'es' : oneOf('lang', language, EXPORT_LANGUAGES),
    delimiter: DELIMITERS[delimiter === undefined ? 'comma' : oneOf('delimiter', delimiter, DELIMITER_NAMES)],
  };
}

/** `origin=OWN,CENTRAL`: Origin values separated by commas. */
function origins(value: string | undefined): Origin[] | null {
  if (value === undefined) return null;
  const allowed = Object.values(OriginEnum);
  return [...new Set(value.split(',').map((part) => oneOf('origin', part.trim(), allowed)))];
}

/**
 * Reads the query string of `/exports/packages.<format>`. Every failure is BAD_USER_INPUT naming the
 * parameter; unknown parameters are refused too, so that a misspelt filter cannot silently export
 * everything. The filter is built by the same function as the `packages` query's.
 */
export function parsePackageExportQuery(query: Query, format: keyof typeof EXPORT_PARAMETERS): PackageExportRequest {
  const known: readonly string[] = EXPORT_PARAMETERS[format];
  const unknown = Object.keys(query).find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new BadUserInputError(unknown, `Unknown parameter "${unknown}"; packages.${format} takes ${known.join(', ')}`);
  }
  const status = single(query, 'status');
  const filter = packageListFilter({
    search: single(query, 'search'),
    status: status === undefined ? 'ALL' : oneOf<StatusFilter>('status', status, Object.values(StatusFilterEnum)),
    origin: origins(single(query, 'origin')),
  });
  return { filter, priceListId: single(query, 'priceList') ?? null, ...languageAndDelimiter(query) };
}

/** What an export of a price list was asked for, checked. */
export interface PriceListExportRequest {
  priceListId: string;
  language: ExportLanguage;
  /** CSV only. */
  delimiter: string;
}

/** Reads `/exports/price-lists/<id>.<format>`: `lang`, and `delimiter` for CSV; unknown parameters are refused. */
export function parsePriceListExportQuery(priceListId: string, query: Query, format: keyof typeof EXPORT_PARAMETERS): PriceListExportRequest {
  const known = format === 'csv' ? ['lang', 'delimiter'] : ['lang'];
  const unknown = Object.keys(query).find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new BadUserInputError(unknown, `Unknown parameter "${unknown}"; a price list's ${format} export takes ${known.join(', ')}`);
  }
  return { priceListId, ...languageAndDelimiter(query) };
}
