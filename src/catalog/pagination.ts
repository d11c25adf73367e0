import { BadUserInputError } from '../errors';
import type { SortDirection } from '../graphql/common.types';
import type { PageInfo } from '../graphql/common.types';
import { integerInRange } from '../validation';
import type { SqlParams } from '../tenancy/visibility';

/**
 * Keyset pagination shared by the services and packages lists. A cursor is opaque to clients:
 * the sort field, the row's sort value (as PostgreSQL printed it, so timestamps keep their
 * microseconds) and its id. Stable when rows are added between pages; every match once.
 */

export interface SortKey {
  /** The cursor's name for this ordering, e.g. "NAME". */
  field: string;
  /** SQL expression of the sort value, as the index has it (e.g. `p.name COLLATE catalog_order`). */
  expression: string;
  /** SQL type the cursor's text value is cast back to, e.g. `text COLLATE catalog_order`, `timestamptz`. */
  castTo: string;
}

export interface PageRequest {
  first: number;
  after: { value: string; id: string } | null;
  direction: SortDirection;
}

export const MAX_PAGE_SIZE = 100;

export function pageRequest(first: number | null | undefined, after: string | null | undefined, key: SortKey, direction: SortDirection): PageRequest {
  const size = integerInRange('first', first ?? 50, 1, MAX_PAGE_SIZE);
  return { first: size, after: after ? decodeCursor(after, key.field) : null, direction };
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

export function encodeCursor(field: string, value: string, id: string): string {
  return Buffer.from(JSON.stringify([field, value, id])).toString('base64url');
}

function decodeCursor(cursor: string, field: string): { value: string; id: string } {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(decoded) &&
      decoded.length === 3 &&
      decoded[0] === field &&
      typeof decoded[1] === 'string' &&
      typeof decoded[2] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(decoded[2])
    ) {
      return { value: decoded[1], id: decoded[2] };
    }
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new BadUserInputError('after', 'after is not a cursor of this list and ordering; use a cursor from the previous page');
}

/** The keyset condition and ORDER BY / LIMIT for one page; `alias` is the listed table. */
export function pageSql(page: PageRequest, key: SortKey, alias: string, params: SqlParams): { where: string; orderBy: string; limit: string } {
  const descending = page.direction === 'DESC';
  const where = page.after
    ? `(${key.expression}, ${alias}.id) ${descending ? '<' : '>'} (${params.add(page.after.value)}::${key.castTo}, ${params.add(page.after.id)}::uuid)`
    : 'true';
  const order = descending ? 'DESC' : 'ASC';
  return {
    where,
    orderBy: `${key.expression} ${order}, ${alias}.id ${order}`,
    // One more than asked tells whether there is a next page.
    limit: String(page.first + 1),
  };
}

/** Turns the fetched rows (one more than the page) into edges and page info. */
export function toPage<T extends { id: string }>(
  rows: { node: T; sortValue: string }[],
  page: PageRequest,
  field: string,
): { edges: { cursor: string; node: T }[]; nodes: T[]; pageInfo: PageInfo } {
  const visible = rows.slice(0, page.first);
  const edges = visible.map((row) => ({ cursor: encodeCursor(field, row.sortValue, row.node.id), node: row.node }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** A search term: trimmed, at most 100 characters, LIKE wildcards escaped; null when blank. */
export function searchPattern(search: string | null | undefined): string | null {
  if (search === null || search === undefined) return null;
  const term = search.trim();
  if (term.length > 100) throw new BadUserInputError('search', 'search must be at most 100 characters');
  if (term === '') return null;
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
