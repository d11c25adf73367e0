/**
 * Amounts as integer cents (and VAT rates as integer hundredths of a percent) for the hot paths:
 * every package of a list is priced line by line, and exact decimal objects cost more than the
 * rest of the arithmetic. Integers are exact as long as they stay below 2^53: a line is at most
 * 999,999.99 × 98,901 units (999 per item × 99 in a quote) ≈ 9.9e12 cents; its tax product
 * (cents × rate hundredths) is checked and taken to BigInt when it would pass 2^53.
 * test/pricing-cents.test.ts proves the results equal Money's (decimal.js) on many generated cases.
 */

const TWO_PLACES = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "12.5" or "12.50" -> 1250; null for anything that is not a whole number of cents (callers fall back to Money). */
export function toCents(amount: string): number | null {
  const match = TWO_PLACES.exec(amount);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 1250 -> "12.50". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const units = Math.floor(absolute / 100);
  const rest = absolute - units * 100;
  return `${sign}${units}.${rest < 10 ? '0' : ''}${rest}`;
}

/** Tax of `subtotalCents` at `rateHundredths` (21.00 % = 2100) in cents, rounded half-up (amounts are never negative). */
export function taxCents(subtotalCents: number, rateHundredths: number): number {
  const product = subtotalCents * rateHundredths;
  if (!Number.isSafeInteger(product)) {
    const exact = BigInt(subtotalCents) * BigInt(rateHundredths);
    return Number((exact + 5000n) / 10000n);
  }
  const remainder = product % 10000;
  return (product - remainder) / 10000 + (remainder >= 5000 ? 1 : 0);
}
