import { randomUUID } from 'node:crypto';
import type { TestServer } from './harness';

/** Builders for catalogue rows through the API, with unique names so test files never collide. */

export const SERVICE_FIELDS = 'id code name family price taxRate durationMinutes odontogramScope active shared origin viewerCanEdit version owner { id name }';
export const ITEM_FIELDS = 'id quantity origin viewerCanEdit addedBy { id } service { id name } totals { subtotal tax total }';
export const PACKAGE_FIELDS = `id name description active shared origin version itemCount viewerCanEdit viewerCanDeactivate viewerCanAddItems
  owner { id } totals { subtotal tax total } items { ${ITEM_FIELDS} }`;

export function uniqueName(prefix: string): string {
  return `${prefix} ${randomUUID().slice(0, 8)}`;
}

export interface ServiceOverrides {
  code?: string | null;
  name?: string;
  family?: string | null;
  price?: string;
  taxRate?: string;
  durationMinutes?: number | null;
  odontogramScope?: 'NONE' | 'MOUTH' | 'ARCH' | 'QUADRANT' | 'TOOTH';
  shared?: boolean;
}

export async function createService(server: TestServer, token: string, overrides: ServiceOverrides = {}): Promise<any> {
  const data = await server.ok(
    `mutation($input: CreateServiceInput!) { createService(input: $input) { ${SERVICE_FIELDS} } }`,
    { input: { name: uniqueName('Servicio'), price: '10.00', ...overrides } },
    token,
  );
  return data.createService;
}

export async function createPackage(
  server: TestServer,
  token: string,
  input: { name?: string; description?: string | null; shared?: boolean; items?: { serviceId: string; quantity?: number }[] } = {},
): Promise<any> {
  const data = await server.ok(
    `mutation($input: CreatePackageInput!) { createPackage(input: $input) { ${PACKAGE_FIELDS} } }`,
    { input: { name: uniqueName('Paquete'), ...input } },
    token,
  );
  return data.createPackage;
}

export async function addItems(server: TestServer, token: string, packageId: string, items: { serviceId: string; quantity?: number }[]): Promise<any> {
  const data = await server.ok(
    `mutation($id: ID!, $items: [PackageItemInput!]!) { addPackageItems(packageId: $id, items: $items) { ${PACKAGE_FIELDS} } }`,
    { id: packageId, items },
    token,
  );
  return data.addPackageItems;
}

export async function getPackage(server: TestServer, token: string, id: string, fields = PACKAGE_FIELDS): Promise<any> {
  return (await server.ok(`query($id: ID!) { package(id: $id) { ${fields} } }`, { id }, token)).package;
}

/** Every field a mutation may change: a refused mutation must leave all of them as they were. */
export const SERVICE_STATE_FIELDS = `${SERVICE_FIELDS} deactivatedAt createdAt updatedAt`;
export const PACKAGE_STATE_FIELDS = `${PACKAGE_FIELDS} deactivatedAt createdAt updatedAt`;

export async function getService(server: TestServer, token: string, id: string, fields = SERVICE_STATE_FIELDS): Promise<any> {
  return (await server.ok(`query($id: ID!) { service(id: $id) { ${fields} } }`, { id }, token)).service;
}

export function getPackageState(server: TestServer, token: string, id: string): Promise<any> {
  return getPackage(server, token, id, PACKAGE_STATE_FIELDS);
}

/** How many services or packages the viewer's tenant owns (a refused creation leaves it unchanged). */
export async function ownedCount(server: TestServer, token: string, list: 'services' | 'packages'): Promise<number> {
  return (await server.ok(`{ ${list}(filter: { origin: [OWN] }) { totalCount } }`, {}, token))[list].totalCount;
}

/** `count` services in one operation (one request, each its own mutation), in order. */
export async function createServices(server: TestServer, token: string, count: number, overrides: ServiceOverrides = {}): Promise<any[]> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  const data = await server.ok(
    `mutation(${indexes.map((index) => `$s${index}: CreateServiceInput!`).join(', ')}) {
       ${indexes.map((index) => `s${index}: createService(input: $s${index}) { ${SERVICE_FIELDS} }`).join('\n')}
     }`,
    Object.fromEntries(indexes.map((index) => [`s${index}`, { name: uniqueName('Servicio'), price: '10.00', ...overrides }])),
    token,
  );
  return indexes.map((index) => data[`s${index}`]);
}

export async function updatePackage(
  server: TestServer,
  token: string,
  id: string,
  input: { name?: string; description?: string | null; shared?: boolean },
): Promise<any> {
  const data = await server.ok(
    `mutation($id: ID!, $input: UpdatePackageInput!) { updatePackage(id: $id, input: $input) { ${PACKAGE_FIELDS} } }`,
    { id, input },
    token,
  );
  return data.updatePackage;
}

/** Dar de baja (active false) or reactivate a package. */
export async function setPackageActive(server: TestServer, token: string, id: string, active: boolean): Promise<any> {
  const data = await server.ok(
    `mutation($id: ID!, $active: Boolean!) { setPackageActive(id: $id, active: $active) { ${PACKAGE_FIELDS} } }`,
    { id, active },
    token,
  );
  return data.setPackageActive;
}

/** Dar de baja (active false) or reactivate a service. */
export async function setServiceActive(server: TestServer, token: string, id: string, active: boolean): Promise<any> {
  const data = await server.ok(
    `mutation($id: ID!, $active: Boolean!) { setServiceActive(id: $id, active: $active) { ${SERVICE_FIELDS} } }`,
    { id, active },
    token,
  );
  return data.setServiceActive;
}

/**
 * Runs set-up calls a few at a time, in order: dozens at once can wait longer than the pool's
 * connection timeout on a busy machine, and a test's set-up must not depend on the machine's load.
 */
export async function fewAtATime<T>(tasks: (() => Promise<T>)[], size = 6): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += size) results.push(...(await Promise.all(tasks.slice(start, start + size).map((task) => task()))));
  return results;
}
