import type autocannon from 'autocannon';
import { PACKAGE_SEARCH, SERVICE_SEARCH } from './dataset';

/**
 * What the benchmark asks, as autocannon request sequences. Each sequence is replayed by every
 * connection in a closed loop; the reads vary only where the product would (which package is
 * opened), the writes use names that never collide.
 */

/** The package table as a clinic sees it: the L20 / L100 operations (and the floor's answer). */
export const PACKAGE_TABLE = `query PackageTable($first: Int!) {
  packages(first: $first) {
    totalCount
    nodes {
      id name owner { name }
      items { origin quantity addedBy { name } service { name price owner { name } } totals { total } }
      totals { subtotal tax total }
    }
  }
}`;

/** L20 at a price list's prices: the same table, every total through the list's effective prices. */
export const PACKAGE_TABLE_PRICED = `query PackageTablePriced($first: Int!, $priceListId: ID!) {
  packages(first: $first) {
    totalCount
    nodes {
      id name owner { name }
      items { origin quantity addedBy { name } service { name price owner { name } } totals(priceListId: $priceListId) { total } }
      totals(priceListId: $priceListId) { subtotal tax total }
    }
  }
}`;

export const PACKAGE_SEARCH_QUERY = `query PackageSearch($search: String!) {
  packages(filter: { search: $search }, first: 20) {
    totalCount
    nodes { id name origin owner { name } itemCount totals { total } }
  }
}`;

export const SERVICE_SEARCH_QUERY = `query ServiceSearch($search: String!) {
  services(filter: { search: $search }, first: 20) {
    totalCount
    nodes { id code name price taxRate origin owner { name } }
  }
}`;

export const PACKAGE_DETAIL = `query PackageDetail($id: ID!, $teeth: [Int!]!) {
  package(id: $id) {
    id name description version viewerCanEdit viewerCanAddItems
    items { id quantity origin viewerCanEdit addedBy { name } service { name code price taxRate odontogramScope } totals { total } }
    quote(times: 2) { currency subtotal tax total lines { service { name } quantity unitPrice taxRate subtotal tax total } }
  }
  odontogramPlan(packageId: $id, teeth: $teeth) {
    teeth subtotal tax total
    lines { service { name } tooth quadrant arch quantity unitPrice subtotal tax total }
  }
}`;

export const TEETH = [11, 12, 21, 22, 36, 37, 46, 47];

const CREATE = `mutation Create($input: CreatePackageInput!) { createPackage(input: $input) { id version itemCount items { id } totals { total } } }`;
const ADD = `mutation Add($id: ID!, $items: [PackageItemInput!]!) { addPackageItems(packageId: $id, items: $items) { id itemCount totals { total } } }`;
const CHANGE = `mutation Change($id: ID!, $quantity: Int!) { updatePackageItem(id: $id, quantity: $quantity) { id quantity totals { total } } }`;

export type Sequence = autocannon.Request[];

const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

export function packageTable(first: number): Sequence {
  return [{ method: 'POST', path: '/graphql', body: body(PACKAGE_TABLE, { first }) }];
}

export function packageTableWithPriceList(first: number, priceListId: string): Sequence {
  return [{ method: 'POST', path: '/graphql', body: body(PACKAGE_TABLE_PRICED, { first, priceListId }) }];
}

export function packageSearch(): Sequence {
  return [{ method: 'POST', path: '/graphql', body: body(PACKAGE_SEARCH_QUERY, { search: PACKAGE_SEARCH }) }];
}

export function serviceSearch(): Sequence {
  return [{ method: 'POST', path: '/graphql', body: body(SERVICE_SEARCH_QUERY, { search: SERVICE_SEARCH }) }];
}

/** A package's detail with its quote and an 8-tooth plan, the package taken in turn from `packageIds`. */
export function packageDetail(packageIds: string[]): Sequence {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (request) => ({ ...request, body: body(PACKAGE_DETAIL, { id: packageIds[next++ % packageIds.length], teeth: TEETH }) }),
    },
  ];
}

interface WriteContext {
  packageId?: string;
  itemId?: string;
}

/**
 * The write mix, three requests in a row per loop: create a package with 8 items, add 2 items to
 * it, change the quantity of its first item. `serviceIds` are active services the viewer sees.
 */
export function writeMix(serviceIds: string[]): Sequence {
  let created = 0;
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const pick = (count: number, offset: number) =>
    Array.from({ length: count }, (_, index) => ({ serviceId: serviceIds[(offset + index * 7) % serviceIds.length], quantity: 1 + (index % 3) }));
  return [
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (request) => {
        created += 1;
        return { ...request, body: body(CREATE, { input: { name: `Banco ${run} ${created}`, items: pick(8, created) } }) };
      },
      onResponse: (_status, responseBody, context) => {
        const created = JSON.parse(responseBody).data?.createPackage;
        Object.assign(context as WriteContext, { packageId: created?.id, itemId: created?.items?.[0]?.id });
      },
    },
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (request, context) => {
        const { packageId } = context as WriteContext;
        if (!packageId) return undefined as unknown as autocannon.Request; // start over: the create failed
        return { ...request, body: body(ADD, { id: packageId, items: pick(2, created + 3 * 7 + 1) }) };
      },
    },
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (request, context) => {
        const { itemId } = context as WriteContext;
        if (!itemId) return undefined as unknown as autocannon.Request;
        return { ...request, body: body(CHANGE, { id: itemId, quantity: 2 + (created % 50) }) };
      },
    },
  ];
}
