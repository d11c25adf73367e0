import { createPackage, createService, updatePackage } from './support/catalog';
import { TestServer } from './support/harness';
import { listNames, listPage, listResponse, tamperCursor, walkList, type ListName, type Page } from './support/lists';

/** Keyset pagination of the packages and services lists, over HTTP: every match once, in order. */

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const ids = (pages: Page[]) => pages.flatMap((page) => page.nodes.map((node) => node.id));
const names = (pages: Page[]) => pages.flatMap((page) => page.nodes.map((node) => node.name));

describe('walking every page', () => {
  let clinic: string;

  beforeAll(async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    clinic = chain.clinics[0].admin;
    const central = chain.central!.admin;
    // Ties across page boundaries: "Coral"/"CORAL" and "Duna"/"duna" by name, equal prices and codes.
    for (const name of ['Alba', 'Coral', 'Duna', 'Eco', 'Faro', 'Gris', 'Hoja']) await createPackage(server, clinic, { name });
    for (const name of ['CORAL', 'duna', 'Zafiro']) await createPackage(server, central, { name });
    const services: [string, Parameters<typeof createService>[2]][] = [
      [clinic, { name: 'Uno', code: null, price: '5.00' }],
      [clinic, { name: 'Dos', code: null, price: '5.00' }],
      [clinic, { name: 'Tres', code: 'x-1', price: '5.00' }],
      [clinic, { name: 'Cuatro', code: 'B', price: '7.50' }],
      [clinic, { name: 'Cinco', code: 'c', price: '100.00' }],
      [central, { name: 'Seis', code: null, price: '7.50' }],
      [central, { name: 'Siete', code: 'X-1', price: '0.00' }],
      [central, { name: 'uno', code: 'Á', price: '5.00' }],
    ];
    for (const [token, overrides] of services) await createService(server, token, overrides);
  });

  const orderings: [ListName, string][] = [
    ['packages', 'NAME'],
    ['packages', 'CREATED_AT'],
    ['packages', 'UPDATED_AT'],
    ['services', 'NAME'],
    ['services', 'CODE'],
    ['services', 'PRICE'],
    ['services', 'CREATED_AT'],
  ];
  const cases = orderings.flatMap(([list, field]) =>
    (['ASC', 'DESC'] as const).flatMap((direction) => [2, 3].map((first) => [list, field, direction, first] as const)),
  );

  it.each(cases)('returns every %s by %s %s exactly once, in order, %i at a time', async (list, field, direction, first) => {
    const orderBy = { field, direction };
    const whole = await listPage(server, list, clinic, { orderBy });
    expect(whole.nodes.length).toBe(list === 'packages' ? 10 : 8);
    const pages = await walkList(server, list, clinic, { orderBy, first });
    expect(ids(pages)).toEqual(whole.nodes.map((node) => node.id));
    expect(pages).toHaveLength(Math.ceil(whole.nodes.length / first));
    expect(pages.map((page) => page.totalCount)).toEqual(pages.map(() => whole.totalCount));
    expect(pages[pages.length - 1].pageInfo.hasNextPage).toBe(false);
  });

  it('walks a filtered list with totalCount counting all its matches on every page', async () => {
    const filter = { search: 'a', status: 'ACTIVE' };
    const whole = await listNames(server, 'packages', clinic, { filter });
    expect([...whole].sort()).toEqual(['Alba', 'CORAL', 'Coral', 'Duna', 'Faro', 'Hoja', 'Zafiro', 'duna']);
    const pages = await walkList(server, 'packages', clinic, { filter, first: 3 });
    expect(names(pages)).toEqual(whole);
    expect(new Set(pages.map((page) => page.totalCount))).toEqual(new Set([whole.length]));
  });

  it('gives a single page when everything fits, and accepts first 1 and 100', async () => {
    const all = await listPage(server, 'packages', clinic, { first: 100 });
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const one = await listPage(server, 'packages', clinic, { first: 1 });
    expect(one.nodes).toEqual([all.nodes[0]]);
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: one.edges[0].cursor, endCursor: one.edges[0].cursor });
  });
});

describe('rows added and renamed between pages', () => {
  let admin: string;
  const add = (name: string) => createPackage(server, admin, { name });

  beforeEach(async () => {
    admin = (await server.provisionChain({ clinics: 1 })).clinics[0].admin;
  });

  it('shows new rows after the cursor and none before it, each row once', async () => {
    const created: Record<string, { id: string }> = {};
    for (const name of ['Paquete B', 'Paquete D', 'Paquete F', 'Paquete H', 'Paquete J', 'Paquete L']) created[name] = await add(name);
    const pages = await walkList(server, 'packages', admin, { first: 2 }, async (pageIndex) => {
      if (pageIndex === 0) {
        // The cursor is at "Paquete D".
        await add('Paquete A');
        await add('Paquete E');
        await add('Paquete Z');
        await updatePackage(server, admin, created['Paquete H'].id, { name: 'Paquete K' });
        await updatePackage(server, admin, created['Paquete B'].id, { name: 'Paquete C' });
      }
      if (pageIndex === 1) {
        // The cursor is at "Paquete F".
        await add('Paquete G');
        await add('Paquete Ca');
      }
    });
    expect(pages.map((page) => page.nodes.map((node) => node.name))).toEqual([
      ['Paquete B', 'Paquete D'],
      ['Paquete E', 'Paquete F'],
      ['Paquete G', 'Paquete J'],
      ['Paquete K', 'Paquete L'],
      ['Paquete Z'],
    ]);
    expect(new Set(ids(pages)).size).toBe(ids(pages).length);
    expect(pages[pages.length - 1].totalCount).toBe(11);
    expect(await listNames(server, 'packages', admin)).toEqual([
      'Paquete A',
      'Paquete C',
      'Paquete Ca',
      'Paquete D',
      'Paquete E',
      'Paquete F',
      'Paquete G',
      'Paquete J',
      'Paquete K',
      'Paquete L',
      'Paquete Z',
    ]);
  });

  it('by creation: rows created during the walk come last ascending and never descending', async () => {
    const original: string[] = [];
    for (let index = 1; index <= 5; index += 1) original.push((await add(`Original ${index}`)).id);
    const later: string[] = [];
    // Two new rows after each of the first two pages of a walk.
    const addTwo = async (pageIndex: number) => {
      if (pageIndex > 1) return;
      for (let count = 0; count < 2; count += 1) later.push((await add(`Nuevo ${later.length + 1}`)).id);
    };
    const ascending = await walkList(server, 'packages', admin, { orderBy: { field: 'CREATED_AT' }, first: 2 }, addTwo);
    expect(new Set(ids(ascending)).size).toBe(ids(ascending).length);
    expect(ids(ascending).slice(0, 5)).toEqual(original);
    expect(ids(ascending).slice(5)).toEqual(later);
    expect(later).toHaveLength(4);

    const before = ids([await listPage(server, 'packages', admin, { orderBy: { field: 'CREATED_AT', direction: 'DESC' } })]);
    const descending = await walkList(server, 'packages', admin, { orderBy: { field: 'CREATED_AT', direction: 'DESC' }, first: 2 }, addTwo);
    expect(later).toHaveLength(8);
    expect(ids(descending)).toEqual(before);
  });

  it('lists again a row renamed from before the cursor to after it: pages follow current values, not a snapshot', async () => {
    const first = await add('Paquete A');
    await add('Paquete B');
    await add('Paquete C');
    const pages = await walkList(server, 'packages', admin, { first: 2 }, async () => {
      await updatePackage(server, admin, first.id, { name: 'Paquete Z' });
    });
    expect(names(pages)).toEqual(['Paquete A', 'Paquete B', 'Paquete C', 'Paquete Z']);
    expect(ids(pages)[3]).toBe(first.id);
  });
});

describe('bad page requests', () => {
  let admin: string;
  let nameCursor: string;

  beforeAll(async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    admin = chain.clinics[0].admin;
    for (const name of ['Uno', 'Dos', 'Tres']) await createPackage(server, admin, { name });
    await createService(server, admin, { name: 'Servicio', price: '12.00' });
    nameCursor = (await listPage(server, 'packages', admin, { first: 1 })).pageInfo.endCursor!;
  });

  /** Refused with BAD_USER_INPUT on `field` and no data; the list is unchanged afterwards. */
  async function expectRefused(list: ListName, variables: Record<string, unknown>, field: string): Promise<void> {
    const before = await listPage(server, list, admin);
    const response = await listResponse(server, list, admin, variables);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.errors![0].message).toMatch(new RegExp(`^${field} `));
    expect(response.data).toBeUndefined();
    expect(await listPage(server, list, admin)).toEqual(before);
  }

  it.each([0, 101, -1])('refuses first %i on both lists', async (first) => {
    await expectRefused('packages', { first }, 'first');
    await expectRefused('services', { first }, 'first');
    await expectRefused('packages', { first, after: nameCursor }, 'first');
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['base64 that is not JSON', Buffer.from('not json').toString('base64url')],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ after: 'Uno' })).toString('base64url')],
  ])('refuses a cursor that is %s', async (_title, after) => {
    await expectRefused('packages', { after }, 'after');
    await expectRefused('services', { after }, 'after');
  });

  it('refuses a cursor of another ordering, direction or list', async () => {
    const createdCursor = (await listPage(server, 'packages', admin, { first: 1, orderBy: { field: 'CREATED_AT' } })).pageInfo.endCursor;
    await expectRefused('packages', { after: createdCursor }, 'after');
    await expectRefused('packages', { after: createdCursor, orderBy: { field: 'UPDATED_AT' } }, 'after');
    await expectRefused('packages', { after: nameCursor, orderBy: { field: 'NAME', direction: 'DESC' } }, 'after');
    await expectRefused('services', { after: nameCursor }, 'after');
    // The same cursor in its own ordering is fine.
    expect(await listNames(server, 'packages', admin, { after: nameCursor })).toEqual(['Tres', 'Uno']);
  });

  it('refuses a tampered cursor whose value or id would not cast, instead of failing inside the database', async () => {
    const priceCursor = (await listPage(server, 'services', admin, { first: 1, orderBy: { field: 'PRICE' } })).pageInfo.endCursor!;
    const createdCursor = (await listPage(server, 'packages', admin, { first: 1, orderBy: { field: 'CREATED_AT' } })).pageInfo.endCursor!;
    const tampered: [ListName, string, string][] = [
      ['packages', 'NAME', tamperCursor(nameCursor, ([ordering, , id]) => [ordering, 'Dos\u0000', id])],
      ['packages', 'NAME', tamperCursor(nameCursor, ([ordering, value]) => [ordering, value, '-'.repeat(36)])],
      ['packages', 'NAME', tamperCursor(nameCursor, ([ordering, value]) => [ordering, value, 'f'.repeat(36)])],
      ['packages', 'NAME', tamperCursor(nameCursor, ([ordering, , id]) => [ordering, 42, id])],
      ['packages', 'CREATED_AT', tamperCursor(createdCursor, ([ordering, , id]) => [ordering, '2024-02-30T10:00:00.000000Z', id])],
      ['packages', 'CREATED_AT', tamperCursor(createdCursor, ([ordering, , id]) => [ordering, 'yesterday', id])],
      ['services', 'PRICE', tamperCursor(priceCursor, ([ordering, , id]) => [ordering, 'abc', id])],
      ['services', 'PRICE', tamperCursor(priceCursor, ([ordering, , id]) => [ordering, 'NaN', id])],
    ];
    for (const [list, field, after] of tampered) await expectRefused(list, { after, orderBy: { field } }, 'after');
  });

  it('follows an untouched cursor of each type past its row', async () => {
    const createdCursor = (await listPage(server, 'packages', admin, { first: 1, orderBy: { field: 'CREATED_AT' } })).pageInfo.endCursor;
    expect(await listNames(server, 'packages', admin, { after: createdCursor, orderBy: { field: 'CREATED_AT' } })).toEqual(['Dos', 'Tres']);
    const priceCursor = (await listPage(server, 'services', admin, { first: 1, orderBy: { field: 'PRICE' } })).pageInfo.endCursor;
    expect(await listNames(server, 'services', admin, { after: priceCursor, orderBy: { field: 'PRICE' } })).toEqual([]);
  });
});
