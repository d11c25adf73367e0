import { formatCents, taxCents, toCents } from './cents';
import { Money } from './money';
import type { PriceSource } from './price-source';
import type { PricedLine, Totals } from './pricing.types';

/**
 * Unit price x quantity (exact), its tax rounded half-up to the cent, and their sum. In integer
 * cents when the amounts are whole cents (always, for stored prices and rates), else exactly
 * with Money.
 */
export function priceLine(unitPrice: string, taxRate: string, quantity: number): PricedLine {
  const price = toCents(unitPrice);
  const rate = toCents(taxRate);
  if (price === null || rate === null || !Number.isSafeInteger(price * quantity)) return priceLineExact(unitPrice, taxRate, quantity);
  const subtotal = price * quantity;
  const tax = taxCents(subtotal, rate);
  return {
    quantity,
    unitPrice: formatCents(price),
    taxRate: formatCents(rate),
    subtotal: formatCents(subtotal),
    tax: formatCents(tax),
    total: formatCents(subtotal + tax),
  };
}

/** `priceLine` with decimal.js throughout: the reference the integer version is tested against. */
export function priceLineExact(unitPrice: string, taxRate: string, quantity: number): PricedLine {
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

/** One line's totals: its own amounts (what `sumLines` of it alone gives, without reading them back). */
export function lineTotals(line: PricedLine): Totals {
  return { subtotal: line.subtotal, tax: line.tax, total: line.total };
}

/** Sums of lines already rounded one by one: the total is never rounded again as a whole. */
export function sumLines(lines: readonly PricedLine[]): Totals {
  let subtotal = 0;
  let tax = 0;
  let total = 0;
  for (const line of lines) {
    const [lineSubtotal, lineTax, lineTotal] = [toCents(line.subtotal), toCents(line.tax), toCents(line.total)];
    if (lineSubtotal === null || lineTax === null || lineTotal === null) return sumLinesExact(lines);
    subtotal += lineSubtotal;
    tax += lineTax;
    total += lineTotal;
  }
  return { subtotal: formatCents(subtotal), tax: formatCents(tax), total: formatCents(total) };
}

/** `sumLines` with decimal.js. */
export function sumLinesExact(lines: readonly PricedLine[]): Totals {
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
