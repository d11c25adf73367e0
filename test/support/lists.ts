import type { GraphQLResponse, TestServer } from './harness';

/** The packages and services lists as the configuration screens ask for them, and helpers to read them. */

const PAGE = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount';

export const PACKAGES_QUERY = `query($filter: PackageFilter, $orderBy: PackageOrder, $first: Int, $after: String) {
  packages(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { id name origin active } } nodes { id name } ${PAGE}
  }
}`;

export const SERVICES_QUERY = `query($filter: ServiceFilter, $orderBy: ServiceOrder, $first: Int, $after: String) {
  services(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { id name code price family odontogramScope origin active } } nodes { id name } ${PAGE}
  }
}`;

export type ListName = 'packages' | 'services';

export interface ListVariables {
  filter?: Record<string, unknown>;
  orderBy?: { field: string; direction?: 'ASC' | 'DESC' };
  first?: number;
  after?: string | null;
}

export interface Page {
  edges: { cursor: string; node: { id: string; name: string; [field: string]: unknown } }[];
  nodes: { id: string; name: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export function listQuery(list: ListName): string {
  return list === 'packages' ? PACKAGES_QUERY : SERVICES_QUERY;
}

/** One page of a list that must succeed. */
export async function listPage(server: TestServer, list: ListName, token: string, variables: ListVariables = {}): Promise<Page> {
  return (await server.ok(listQuery(list), { first: 100, ...variables }, token))[list];
}

/** The names on the first page (up to 100), in the list's order. */
export async function listNames(server: TestServer, list: ListName, token: string, variables: ListVariables = {}): Promise<string[]> {
  return (await listPage(server, list, token, variables)).nodes.map((node) => node.name);
}

/** A list request that must fail: the response, to check its code, field and that it returned no data. */
export function listResponse(server: TestServer, list: ListName, token: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  return server.gql(listQuery(list), variables, token);
}

/**
 * Walks a list page by page with `first`, checking each page's pageInfo against its edges, and
 * running `between` after each page (to change rows under the walk). Returns the pages.
 */
export async function walkList(
  server: TestServer,
  list: ListName,
  token: string,
  variables: ListVariables & { first: number },
  between: (pageIndex: number) => Promise<void> = async () => undefined,
): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | null = null;
  do {
    const page: Page = await listPage(server, list, token, { ...variables, after });
    const cursors = page.edges.map((edge) => edge.cursor);
    expect(page.edges.length).toBeGreaterThan(0);
    expect(page.edges.length).toBeLessThanOrEqual(variables.first);
    expect(page.pageInfo).toMatchObject({
      hasPreviousPage: after !== null,
      startCursor: cursors[0],
      endCursor: cursors[cursors.length - 1],
    });
    expect(page.nodes.map((node) => node.id)).toEqual(page.edges.map((edge) => edge.node.id));
    pages.push(page);
    after = page.pageInfo.endCursor;
    if (page.pageInfo.hasNextPage) await between(pages.length - 1);
  } while (pages[pages.length - 1].pageInfo.hasNextPage);
  return pages;
}

/** A cursor with its parts changed: what a client tampering with the opaque string would send. */
export function tamperCursor(cursor: string, change: (parts: unknown[]) => unknown[]): string {
  const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
  return Buffer.from(JSON.stringify(change(parts))).toString('base64url');
}
