import { formatCents, taxCents, toCents } from './cents';
import { Money } from './money';
import type { Totals } from './pricing.types';

/** A line to price: a unit price, its VAT rate (a percentage) and a quantity. */
export interface Line {
  unitPrice: string;
  taxRate: string;
  quantity: number;
}

/**
 * A line's subtotal (unit price x quantity, exact) and tax (rounded half-up to the cent) in integer
 * cents; null when an amount is not whole cents or the product passes 2^53 (always whole cents, and
 * far below, for stored prices and rates), which Money then prices exactly.
 */
function lineCents(unitPrice: string, taxRate: string, quantity: number): { subtotal: number; tax: number } | null {
  const price = toCents(unitPrice);
  const rate = toCents(taxRate);
  if (price === null || rate === null || !Number.isSafeInteger(price * quantity)) return null;
  const subtotal = price * quantity;
  return { subtotal, tax: taxCents(subtotal, rate) };
}

function totalsOfCents(subtotal: number, tax: number): Totals {
  return { subtotal: formatCents(subtotal), tax: formatCents(tax), total: formatCents(subtotal + tax) };
}

/** One line's totals: unit price x quantity, its tax rounded half-up to the cent, their sum (an item's `totals`). */
export function lineTotals(unitPrice: string, taxRate: string, quantity: number): Totals {
  const cents = lineCents(unitPrice, taxRate, quantity);
  return cents ? totalsOfCents(cents.subtotal, cents.tax) : lineTotalsExact(unitPrice, taxRate, quantity);
}

/**
 * Lines each priced and rounded on its own, then summed: the total is never rounded again as a
 * whole (a package's `totals`). Summed in cents, each amount written once at the end.
 */
export function sumLines(lines: readonly Line[]): Totals {
  let subtotal = 0;
  let tax = 0;
  for (const { unitPrice, taxRate, quantity } of lines) {
    const cents = lineCents(unitPrice, taxRate, quantity);
    if (!cents) return sumLinesExact(lines);
    subtotal += cents.subtotal;
    tax += cents.tax;
  }
  return totalsOfCents(subtotal, tax);
}

/** `lineTotals` with decimal.js throughout: the fallback, and the reference the integer version is tested against. */
export function lineTotalsExact(unitPrice: string, taxRate: string, quantity: number): Totals {
  const subtotal = Money.of(unitPrice).times(quantity);
  const tax = subtotal.percent(Money.of(taxRate));
  return { subtotal: subtotal.toFixed2(), tax: tax.toFixed2(), total: subtotal.plus(tax).toFixed2() };
}

/** `sumLines` with decimal.js: each line's rounded amounts, summed. */
export function sumLinesExact(lines: readonly Line[]): Totals {
  let subtotal = Money.ZERO;
  let tax = Money.ZERO;
  let total = Money.ZERO;
  for (const { unitPrice, taxRate, quantity } of lines) {
    const line = lineTotalsExact(unitPrice, taxRate, quantity);
    subtotal = subtotal.plus(Money.of(line.subtotal));
    tax = tax.plus(Money.of(line.tax));
    total = total.plus(Money.of(line.total));
  }
  return { subtotal: subtotal.toFixed2(), tax: tax.toFixed2(), total: total.toFixed2() };
}
