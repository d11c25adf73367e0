import { types, type CustomTypesConfig } from 'pg';

const TIMESTAMPTZ = 1184;
const defaultTimestamptz = types.getTypeParser(TIMESTAMPTZ, 'text') as (value: string) => Date | number | null;

const digit = (text: string, at: number): number => {
  const code = text.charCodeAt(at) - 48;
  return code >= 0 && code <= 9 ? code : NaN;
};
const twoDigits = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);

/**
 * A timestamptz as PostgreSQL prints it with DateStyle ISO (`2026-12-01 12:38:35.123456+01`, the
 * offset possibly with minutes and seconds), read without regular expressions: pg's own parser
 * (postgres-date) runs three per value, and a package page reads three timestamps per item, a
 * few hundred per page. Anything else (years before 1000 or past 9999, BC, infinity) goes to pg's
 * parser, and the result is the same Date (test/timestamps.test.ts compares them).
 */
export function parseTimestamptz(text: string): Date | number | null {
  const length = text.length;
  if (length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return defaultTimestamptz(text);
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === 46) {
    let end = at + 1;
    while (end < length && digit(text, end) >= 0) end += 1;
    // As pg's parser computes it, so that every value reads the same.
    ms = 1000 * parseFloat(text.slice(at, end));
    at = end;
  }
  const sign = text.charCodeAt(at);
  const offsetLength = length - at;
  if (!(year >= 1000) || (sign !== 43 && sign !== 45) || (offsetLength !== 3 && offsetLength !== 6 && offsetLength !== 9)) return defaultTimestamptz(text);
  let offset = twoDigits(text, at + 1) * 3600;
  if (offsetLength >= 6) offset += text.charCodeAt(at + 3) === 58 ? twoDigits(text, at + 4) * 60 : NaN;
  if (offsetLength === 9) offset += text.charCodeAt(at + 6) === 58 ? twoDigits(text, at + 7) : NaN;
  const utc = Date.UTC(year, twoDigits(text, 5) - 1, twoDigits(text, 8), twoDigits(text, 11), twoDigits(text, 14), twoDigits(text, 17), ms);
  if (Number.isNaN(utc) || Number.isNaN(offset)) return defaultTimestamptz(text);
  return new Date(utc - (sign === 45 ? -offset : offset) * 1000);
}

/** The pool's type parsers: pg's, with timestamptz read by `parseTimestamptz`. */
export const POOL_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary' ? parseTimestamptz : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
