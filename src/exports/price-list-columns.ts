import type { ExportLanguage } from './package-columns';

/** The columns of a price list's export, in order (api.md); the import reads the same headers. */
export const PRICE_LIST_COLUMNS = ['serviceId', 'code', 'service', 'clinic', 'basePrice', 'price'] as const;
export type PriceListColumn = (typeof PRICE_LIST_COLUMNS)[number];

/** Headers as the export writes them, per language. */
export const PRICE_LIST_HEADERS: Record<ExportLanguage, Record<PriceListColumn, string>> = {
  en: { serviceId: 'service_id', code: 'code', service: 'service', clinic: 'clinic', basePrice: 'base_price', price: 'price' },
  es: { serviceId: 'id_servicio', code: 'código', service: 'servicio', clinic: 'clínica', basePrice: 'precio_base', price: 'precio' },
};

export const PRICE_LIST_FILE: Record<ExportLanguage, { file: string; sheet: string }> = {
  en: { file: 'price-list', sheet: 'Price list' },
  es: { file: 'tarifa', sheet: 'Tarifa' },
};

/** How a header cell is compared: trimmed, lower case, without accents ("Código" = "codigo"). */
export function headerKey(header: string): string {
  return header.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();
}

/** The column a header names, in either language; null for columns the import ignores. */
export function columnOfHeader(header: string): PriceListColumn | null {
  const key = headerKey(header);
  for (const headers of Object.values(PRICE_LIST_HEADERS)) {
    const column = PRICE_LIST_COLUMNS.find((candidate) => headerKey(headers[candidate]) === key);
    if (column) return column;
  }
  return null;
}
