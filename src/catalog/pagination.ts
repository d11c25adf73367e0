import { isUuid } from '../auth/token';
import { BadUserInputError } from '../errors';
import type { SortDirection } from '../graphql/common.types';
import type { PageInfo } from '../graphql/common.types';
import { integerInRange, optionalText } from '../validation';
import type { SqlParams } from '../tenancy/visibility';

/**
 * Keyset pagination shared by the services and packages lists. A cursor is opaque to clients:
 * the list and ordering, the row's sort value and its id. Stable when rows are added between
 * pages; every match once.
 */

/**
 * How a sort value travels in a cursor: printed by SQL in one fixed form (whatever the session's
 * DateStyle or TimeZone), checked when it comes back (a tampered cursor is the client's error,
 * never a failed cast), then cast back in SQL.
 */
const SORT_VALUES = {
  /** Text ordered by catalog_order (case and accents ignored, ñ after n). */
  text: {
    castTo: 'text COLLATE catalog_order',
    print: (sql: string) => `(${sql})::text`,
    accepts: (value: string) => !value.includes('\0'),
  },
  numeric: {
    castTo: 'numeric',
    print: (sql: string) => `(${sql})::text`,
    accepts: (value: string) => /^-?\d{1,15}(\.\d{1,15})?$/.test(value),
  },
  /** Microseconds kept, so rows created in the same millisecond still page apart. */
  timestamptz: {
    castTo: 'timestamptz',
    print: (sql: string) => `to_char((${sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    accepts: isUtcTimestamp,
  },
};

function isUtcTimestamp(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value) || value.startsWith('0000')) return false;
  // A real calendar instant: JS would roll 2024-02-30 over to March, PostgreSQL refuses it.
  const millis = `${value.slice(0, 23)}Z`;
  const date = new Date(millis);
  return !Number.isNaN(date.getTime()) && date.toISOString() === millis;
}

export interface SortKey {
  /** The cursor's name for this list and field, e.g. "packages.NAME". */
  field: string;
  /** SQL expression of the sort value, as the index has it (e.g. `p.name COLLATE catalog_order`). */
  expression: string;
  type: keyof typeof SORT_VALUES;
}

export interface PageRequest {
  first: number;
  after: { value: string; id: string } | null;
  direction: SortDirection;
}

export const MAX_PAGE_SIZE = 100;

export function pageRequest(first: number | null | undefined, after: string | null | undefined, key: SortKey, direction: SortDirection): PageRequest {
  const size = integerInRange('first', first ?? 50, 1, MAX_PAGE_SIZE);
  return { first: size, after: after ? decodeCursor(after, key, direction) : null, direction };
}

/**
 * Every row of a keyset list, `size` rows per read, in order: for readers inside the server (exports)
 * that walk all pages with bigger pages than clients may ask for. A page is read only when the
 * previous one has been taken, so callers that apply backpressure hold one page at a time.
 */
export async function* eachPage<T extends { id: string }>(
  size: number,
  direction: SortDirection,
  read: (page: PageRequest) => Promise<{ node: T; sortValue: string }[]>,
): AsyncGenerator<T[]> {
  let after: PageRequest['after'] = null;
  for (;;) {
    const rows = await read({ first: size, after, direction });
    const page = rows.slice(0, size);
    if (page.length > 0) yield page.map((row) => row.node);
    // `read` fetches one row more than the page when there is a next page (see pageSql).
    if (rows.length <= size) return;
    const last = page[page.length - 1];
    after = { value: last.sortValue, id: last.node.id };
  }
}

/** A cursor of one ordering never positions another: ASC and DESC, lists and fields all differ. */
function orderingOf(key: SortKey, direction: SortDirection): string {
  return `${key.field} ${direction}`;
}

function encodeCursor(ordering: string, value: string, id: string): string {
  return Buffer.from(JSON.stringify([ordering, value, id])).toString('base64url');
}

function decodeCursor(cursor: string, key: SortKey, direction: SortDirection): { value: string; id: string } {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(decoded) &&
      decoded.length === 3 &&
      decoded[0] === orderingOf(key, direction) &&
      typeof decoded[1] === 'string' &&
      SORT_VALUES[key.type].accepts(decoded[1]) &&
      isUuid(decoded[2])
    ) {
      return { value: decoded[1], id: decoded[2] };
    }
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new BadUserInputError('after', 'after is not a cursor of this list and ordering; use a cursor from the previous page');
}

/** The SQL printing a row's sort value for its cursor (selected as the rows' `sortValue`). */
export function sortValueSql(key: SortKey): string {
  return SORT_VALUES[key.type].print(key.expression);
}

/**
 * A page's rows, each with its sort value, and the list's count when the page's statement carried it
 * (`countColumnSql`); null when it did not, or the page is empty and so had no row to carry it.
 */
export interface ListPage<T> {
  rows: { node: T; sortValue: string }[];
  totalCount: number | null;
}

/**
 * The list's count as one more column of the page's statement, when the request asks for
 * `totalCount`: an uncorrelated subquery, run once, saves the count its own round trip.
 */
export function countColumnSql(countSql: string | null): string {
  return countSql === null ? '' : `, (${countSql}) AS total_count`;
}

export function readPage<T>(rows: Record<string, unknown>[], read: (row: Record<string, unknown>) => T): ListPage<T> {
  const count = rows[0]?.total_count;
  return {
    rows: rows.map((row) => ({ node: read(row), sortValue: row.sort_value as string })),
    totalCount: count === undefined || count === null ? null : Number(count),
  };
}

/** A list's statement and its bind parameters, built apart from running it so its plan can be examined. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** The keyset condition and ORDER BY / LIMIT for one page; `alias` is the listed table. */
export function pageSql(page: PageRequest, key: SortKey, alias: string, params: SqlParams): { where: string; orderBy: string; limit: string } {
  const descending = page.direction === 'DESC';
  const castTo = SORT_VALUES[key.type].castTo;
  const where = page.after
    ? `(${key.expression}, ${alias}.id) ${descending ? '<' : '>'} (${params.add(page.after.value)}::${castTo}, ${params.add(page.after.id)}::uuid)`
    : 'true';
  const order = descending ? 'DESC' : 'ASC';
  return {
    where,
    orderBy: `${key.expression} ${order}, ${alias}.id ${order}`,
    // One more than asked tells whether there is a next page.
    limit: String(page.first + 1),
  };
}

/** An edge of a page; its cursor is written when a query reads it (the package table reads `nodes` only). */
class Edge<T extends { id: string }> {
  constructor(
    private readonly ordering: string,
    private readonly sortValue: string,
    readonly node: T,
  ) {}

  get cursor(): string {
    return encodeCursor(this.ordering, this.sortValue, this.node.id);
  }
}

/** Turns the fetched rows (one more than the page) into edges and page info; cursors are written when read. */
export function toPage<T extends { id: string }>(
  rows: { node: T; sortValue: string }[],
  page: PageRequest,
  key: SortKey,
): { edges: { readonly cursor: string; node: T }[]; nodes: T[]; pageInfo: PageInfo } {
  const ordering = orderingOf(key, page.direction);
  const edges = rows.slice(0, page.first).map((row) => new Edge(ordering, row.sortValue, row.node));
  const [first, last] = [edges[0], edges[edges.length - 1]];
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage: page.after !== null,
      get startCursor() {
        return first?.cursor ?? null;
      },
      get endCursor() {
        return last?.cursor ?? null;
      },
    },
  };
}

/** A search term: trimmed, at most 100 characters; null when blank. */
export function searchTerm(search: string | null | undefined): string | null {
  return optionalText('search', search, 100);
}

/**
 * SQL: `foldedColumn` (a stored fold_text() of the text, see migration 0003) contains the folded
 * term (`termParam`) literally. LIKE's wildcards are escaped after folding, since folding itself
 * makes them: a fullwidth ％ or ＿ folds to % or _.
 */
export function containsSql(foldedColumn: string, termParam: string): string {
  const escaped = `replace(replace(replace(fold_text(${termParam}), '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
  return `${foldedColumn} LIKE ('%' || ${escaped} || '%')`;
}
