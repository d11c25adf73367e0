/**
 * Amounts as integer cents (and VAT rates as integer hundredths of a percent) for the hot paths:
 * every package of a list is priced line by line, and exact decimal objects cost more than the
 * rest of the arithmetic. Integers are exact as long as they stay below 2^53: a line is at most
 * 999,999.99 × 98,901 units (999 per item × 99 in a quote) ≈ 9.9e12 cents; its tax product
 * (cents × rate hundredths) is checked and taken to BigInt when it would pass 2^53.
 * test/pricing-cents.test.ts proves the results equal Money's (decimal.js) on many generated cases.
 */

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;

/**
 * "12.5" or "12.50" -> 1250; null for anything that is not a whole number of cents (callers fall back to Money):
 * 1 to 13 digits, then optionally a dot and 1 or 2 digits (`/^(\d{1,13})(?:\.(\d{1,2}))?$/`). Read
 * character by character: a page prices about 2,000 amounts, and a regular expression's match
 * array and substrings for each were garbage.
 */
export function toCents(amount: string): number | null {
  const length = amount.length;
  let units = 0;
  let at = 0;
  for (; at < length; at++) {
    const code = amount.charCodeAt(at);
    if (code < DIGIT_0 || code > DIGIT_9) break;
    units = units * 10 + (code - DIGIT_0);
  }
  if (at === 0 || at > 13) return null;
  if (at === length) return units * 100;
  const decimals = length - at - 1;
  if (amount.charCodeAt(at) !== DOT || decimals < 1 || decimals > 2) return null;
  let fraction = 0;
  for (let digit = at + 1; digit < length; digit++) {
    const code = amount.charCodeAt(digit);
    if (code < DIGIT_0 || code > DIGIT_9) return null;
    fraction = fraction * 10 + (code - DIGIT_0);
  }
  return units * 100 + (decimals === 1 ? fraction * 10 : fraction);
}

/**
 * Whether an amount is already written as the API writes amounts, `/^-?\d+\.\d\d$/` ("12.50",
 * "-0.05"), read character by character (a page writes a few hundred amounts).
 */
export function isWrittenAmount(amount: string): boolean {
  const length = amount.length;
  const start = amount.charCodeAt(0) === 45 ? 1 : 0;
  if (length - start < 4 || amount.charCodeAt(length - 3) !== DOT) return false;
  for (let at = start; at < length; at++) {
    if (at === length - 3) continue;
    const code = amount.charCodeAt(at);
    if (code < DIGIT_0 || code > DIGIT_9) return false;
  }
  return true;
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
  if (!Number.isSafeInteger(product)) return Number(percentOfCents(BigInt(subtotalCents), BigInt(rateHundredths)));
  const remainder = product % 10000;
  return (product - remainder) / 10000 + (remainder >= 5000 ? 1 : 0);
}

/*
 * The budget calculator works in BigInt cents throughout: its products (an amount spread in
 * proportion to a line's gross, up to 1e12 cents x 1e14 cents) pass 2^53 long before its limits
 * do, and a BigInt is exact at any size. Amounts are never negative.
 */

const AMOUNT = /^(\d+)(?:\.(\d+))?$/;

/** "12.5", "12.50" or "12.500" -> 1250n; null when not a non-negative number of whole cents. */
export function parseCents(amount: string): bigint | null {
  const match = AMOUNT.exec(amount);
  if (!match) return null;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 2) return null;
  return BigInt(match[1]) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** 1250n -> "12.50". */
export function formatBigCents(cents: bigint): string {
  const units = cents / 100n;
  const rest = cents % 100n;
  return `${units}.${rest < 10n ? '0' : ''}${rest}`;
}

/** numerator / denominator rounded half-up (both non-negative). */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** `cents` x `hundredths` / 10,000 (a percentage written in hundredths: 21.00 % = 2100n), rounded half-up to the cent. */
export function percentOfCents(cents: bigint, hundredths: bigint): bigint {
  return divideHalfUp(cents * hundredths, 10_000n);
}
