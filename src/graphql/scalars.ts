import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isWrittenAmount } from '../pricing/cents';
import { Money } from '../pricing/money';

/**
 * Inputs pass through as text: the domain checks syntax, range and decimals, because only it
 * knows the field's name for `extensions.field`. Only non-scalar values are refused here.
 */
function parseDecimal(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new GraphQLError(`Decimal must be a string like "12.50", got ${JSON.stringify(value)}`);
}

/** Exact amounts as strings with two decimals ("1234.50"); never a binary float. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'Exact decimal amount serialized as a string with two decimals, e.g. "1234.50".',
  // Amounts computed or read from numeric columns already have two places: written as they are.
  serialize: (value) => (typeof value === 'string' && isWrittenAmount(value) ? value : Money.of(value as string).toFixed2()),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    throw new GraphQLError('Decimal must be a string like "12.50"');
  },
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601 timestamp in UTC, e.g. "2026-11-28T10:15:00.000Z".',
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: (value) => {
    const date = new Date(value as string);
    if (typeof value !== 'string' || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return date;
  },
  parseLiteral: (ast) => {
    const date = ast.kind === Kind.STRING ? new Date(ast.value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return date;
  },
});

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written "YYYY-MM-DD" (2027-02-29 is refused), or null. */
export function parseCalendarDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = CALENDAR_DATE.exec(value);
  if (!match) return null;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return day.toISOString().slice(0, 10) === value ? value : null;
}

function parseDate(value: unknown): string {
  const day = parseCalendarDate(value);
  if (day === null) throw new GraphQLError(`Date must be a calendar day "YYYY-MM-DD", got ${JSON.stringify(value)}`);
  return day;
}

/** Calendar days travel as "YYYY-MM-DD" strings end to end: a JS Date would drag a time zone in. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, "2027-01-31" (no time, no zone).',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseDate(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});
