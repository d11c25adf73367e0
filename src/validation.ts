import { BadUserInputError } from './errors';
import { Money } from './pricing/money';
import { isUuid } from './auth/token';

/** Field checks shared by every input: each failure names the field and says what is wrong. */

/**
 * Trimmed text within `max` characters, counted as PostgreSQL's length() counts them (code
 * points: "🦷" is one, not two UTF-16 units). PostgreSQL text cannot hold U+0000, so it is
 * refused here rather than failing in the database.
 */
function boundedText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.includes('\u0000')) throw new BadUserInputError(field, `${field} must not contain the NUL character (\\u0000)`);
  if ([...trimmed].length > max) throw new BadUserInputError(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

export function requiredName(field: string, value: string, max = 120): string {
  const trimmed = boundedText(field, value, max);
  if (trimmed.length === 0) throw new BadUserInputError(field, `${field} must not be blank`);
  return trimmed;
}

/** Optional free text: blank becomes null. */
export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = boundedText(field, value, max);
  return trimmed === '' ? null : trimmed;
}

export function integerInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(field, `${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A Decimal input within [min, max] with at most two decimals, returned as a "0.00" string. */
export function decimalInRange(field: string, value: string, min: string, max: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(value.trim())) {
    throw new BadUserInputError(field, `${field} must be a number written like "12.50", got ${JSON.stringify(value)}`);
  }
  const amount = Money.of(value.trim());
  if (amount.decimalPlaces() > 2) throw new BadUserInputError(field, `${field} must have at most two decimals`);
  if (amount.compare(Money.of(min)) < 0 || amount.compare(Money.of(max)) > 0) {
    throw new BadUserInputError(field, `${field} must be between ${min} and ${max}`);
  }
  return amount.toFixed2();
}

export function currencyCode(field: string, value: string): string {
  if (!/^[A-Z]{3}$/.test(value)) throw new BadUserInputError(field, `${field} must be three capital letters (ISO 4217), e.g. EUR`);
  return value;
}

/** A zone of the IANA database as Intl knows it ("Europe/Madrid"), kept as the client spelt it. */
export function ianaTimeZone(field: string, value: string): string {
  const zone = value.trim();
  try {
    if (zone === '') throw new RangeError('blank');
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new BadUserInputError(field, `${field} must be a time zone of the IANA database such as "Europe/Madrid", got ${JSON.stringify(value)}`);
  }
  return zone;
}

/**
 * A filter's list of ids: at most `max` of them. Ids that cannot name a row (not a UUID) are
 * dropped rather than refused, so they match nothing, like ids of rows the viewer does not see.
 */
export function idList(field: string, ids: readonly string[] | null | undefined, max: number): string[] | null {
  if (ids === null || ids === undefined) return null;
  if (ids.length > max) throw new BadUserInputError(field, `${field} must hold at most ${max} ids`);
  return [...new Set(ids.filter(isUuid))];
}
