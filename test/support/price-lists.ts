import type { TestServer } from './harness';
import { uniqueName } from './catalog';

/** Builders and readers for price lists through the API. */

export const PRICE_LIST_FIELDS = `id name kind partnerName partnerTaxId validFrom validUntil active shared origin viewerCanEdit version
  owner { id } createdAt updatedAt deactivatedAt`;

export const ENTRY_FIELDS = 'id price clinic { id } service { id name }';

export interface PriceListOverrides {
  name?: string;
  kind?: 'GENERAL' | 'INSURER' | 'AGREEMENT';
  partnerName?: string | null;
  partnerTaxId?: string | null;
  validFrom?: string | null;
  validUntil?: string | null;
  shared?: boolean;
}

export async function createPriceList(server: TestServer, token: string, overrides: PriceListOverrides = {}): Promise<any> {
  const data = await server.ok(
    `mutation($input: CreatePriceListInput!) { createPriceList(input: $input) { ${PRICE_LIST_FIELDS} } }`,
    { input: { name: uniqueName('Tarifa'), ...overrides } },
    token,
  );
  return data.createPriceList;
}

export interface EntryInput {
  serviceId: string;
  clinicId?: string | null;
  price: string;
}

export const SET_ENTRIES = `mutation($id: ID!, $entries: [PriceListEntryInput!]!, $expectedVersion: Int) {
  setPriceListEntries(priceListId: $id, entries: $entries, expectedVersion: $expectedVersion) { ${PRICE_LIST_FIELDS} }
}`;

export const REMOVE_ENTRIES = `mutation($id: ID!, $keys: [PriceListEntryKey!]!, $expectedVersion: Int) {
  removePriceListEntries(priceListId: $id, keys: $keys, expectedVersion: $expectedVersion) { ${PRICE_LIST_FIELDS} }
}`;

export async function setEntries(server: TestServer, token: string, id: string, entries: EntryInput[]): Promise<any> {
  return (await server.ok(SET_ENTRIES, { id, entries }, token)).setPriceListEntries;
}

export async function getPriceList(server: TestServer, token: string, id: string, fields = PRICE_LIST_FIELDS): Promise<any> {
  return (await server.ok(`query($id: ID!) { priceList(id: $id) { ${fields} } }`, { id }, token)).priceList;
}

/** Every entry the viewer sees (up to 100), in the listing's order, with the page's totalCount. */
export async function listEntries(
  server: TestServer,
  token: string,
  id: string,
  variables: { filter?: Record<string, unknown>; first?: number; after?: string | null } = {},
): Promise<{ nodes: any[]; totalCount: number; pageInfo: any }> {
  const data = await server.ok(
    `query($id: ID!, $filter: PriceListEntryFilter, $first: Int, $after: String) {
       priceList(id: $id) { entries(filter: $filter, first: $first, after: $after) {
         nodes { ${ENTRY_FIELDS} } totalCount pageInfo { hasNextPage hasPreviousPage endCursor } } }
     }`,
    { id, first: 100, ...variables },
    token,
  );
  return data.priceList.entries;
}

/** Today in an IANA zone, as the server computes it. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A calendar day `days` after `day` ("YYYY-MM-DD"). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
