import { BadUserInputError } from './errors';
import { Money } from './pricing/money';
import { isUuid } from './auth/token';

/** Field checks shared by every input: each failure names the field and says what is wrong. */

/** A UTF-16 surrogate without its other half: not a character; sent on, it would become U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Control characters (Unicode Cc, NUL included) and the line and paragraph separators: none in one-line text. */
const CONTROL_IN_LINE = /[\p{Cc}\u2028\u2029]/u;
/** Control characters other than tab, line feed and carriage return: none in text of several lines. */
const CONTROL_IN_LINES = /[^\P{Cc}\t\n\r]/u;

const codePoint = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Valid Unicode: a lone surrogate (which JSON can carry as "\uD800") is refused, never replaced.
 */
export function wellFormed(field: string, value: string): string {
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    throw new BadUserInputError(field, `${field} is not valid Unicode: it holds a lone surrogate (${codePoint(lone[0])}) at character ${lone.index + 1}`);
  }
  return value;
}

/** Text of one line (names, codes, search terms…) or of several (descriptions, which may hold line breaks and tabs). */
export type TextKind = 'line' | 'lines';

/**
 * Valid Unicode without control characters (a description may hold line breaks and tabs); the
 * checks every text input passes, also for strings kept as sent (a webhook URL).
 */
export function plainText(field: string, value: string, kind: TextKind): string {
  wellFormed(field, value);
  const control = (kind === 'line' ? CONTROL_IN_LINE : CONTROL_IN_LINES).exec(value);
  if (control) {
    const allowed = kind === 'lines' ? ' other than line breaks and tabs' : '';
    throw new BadUserInputError(field, `${field} must not contain control characters${allowed} (${codePoint(control[0])} at character ${control.index + 1})`);
  }
  return value;
}

/**
 * The one rule for text input (api.md "Errors and limits"): valid Unicode, no control characters
 * (descriptions may hold line breaks and tabs), stored in NFC (so composed and decomposed accents
 * are the same text), trimmed, within `max` characters counted as PostgreSQL's length() counts
 * them (code points: "🦷" is one, not two UTF-16 units). PostgreSQL text cannot hold U+0000, a
 * control character too.
 */
function boundedText(field: string, value: string, max: number, kind: TextKind): string {
  const text = plainText(field, value, kind).normalize('NFC').trim();
  if ([...text].length > max) throw new BadUserInputError(field, `${field} must be at most ${max} characters`);
  return text;
}

export function requiredName(field: string, value: string, max = 120): string {
  const trimmed = boundedText(field, value, max, 'line');
  if (trimmed.length === 0) throw new BadUserInputError(field, `${field} must not be blank`);
  return trimmed;
}

/** Optional free text, one line unless said (descriptions): blank becomes null. */
export function optionalText(field: string, value: string | null | undefined, max: number, kind: TextKind = 'line'): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = boundedText(field, value, max, kind);
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
