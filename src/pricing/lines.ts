import { Money } from './money';
import type { PricedLine, Totals } from './pricing.types';

/** A package item that counts towards totals (its service is active), priced at its service's price and VAT rate. */
export interface CountedItem {
  serviceId: string;
  quantity: number;
  unitPrice: string;
  taxRate: string;
}

/** Unit price x quantity (exact), its tax rounded half-up to the cent, and their sum. */
export function priceLine(unitPrice: string, taxRate: string, quantity: number): PricedLine {
  const subtotal = Money.of(unitPrice).times(quantity);
  const tax = subtotal.percent(Money.of(taxRate));
  return {
    quantity,
    unitPrice: Money.of(unitPrice).toFixed2(),
    taxRate: Money.of(taxRate).toFixed2(),
    subtotal: subtotal.toFixed2(),
    tax: tax.toFixed2(),
    total: subtotal.plus(tax).toFixed2(),
  };
}

/** Sums of lines already rounded one by one: the total is never rounded again as a whole. */
export function sumLines(lines: readonly PricedLine[]): Totals {
  let subtotal = Money.ZERO;
  let tax = Money.ZERO;
  let total = Money.ZERO;
  for (const line of lines) {
    subtotal = subtotal.plus(Money.of(line.subtotal));
    tax = tax.plus(Money.of(line.tax));
    total = total.plus(Money.of(line.total));
  }
  return { subtotal: subtotal.toFixed2(), tax: tax.toFixed2(), total: total.toFixed2() };
}
