import { integerInRange } from '../validation';
import { priceLine, sumLines, type CountedItem } from './lines';
import type { PriceBook } from './price-source';
import type { Quote } from './pricing.types';

const MAX_QUOTE_TIMES = 99;

/**
 * The budget for `times` units of a package: one line per counted item, in package order,
 * whose quantity is the item's quantity x times, priced and rounded as one line.
 */
export function quotePackage(items: readonly CountedItem[], times: number, currency: string, prices: PriceBook): Quote {
  integerInRange('times', times, 1, MAX_QUOTE_TIMES);
  const lines = items.map((item) => ({
    serviceId: item.serviceId,
    priceSource: item.priceSource,
    ...priceLine(item.unitPrice, item.taxRate, item.quantity * times),
  }));
  return { currency, priceListId: prices.priceListId, on: prices.on, lines, ...sumLines(lines) };
}
