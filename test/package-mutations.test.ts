import { randomUUID } from 'node:crypto';
import {
  addItems,
  createPackage,
  createService,
  createServices,
  getPackageState,
  ITEM_FIELDS,
  ownedCount,
  PACKAGE_STATE_FIELDS,
  uniqueName,
} from './support/catalog';
import { expectError, TestServer, type Chain } from './support/harness';

const CREATE = `mutation($input: CreatePackageInput!) { createPackage(input: $input) { ${PACKAGE_STATE_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdatePackageInput!, $expectedVersion: Int) {
  updatePackage(id: $id, input: $input, expectedVersion: $expectedVersion) { ${PACKAGE_STATE_FIELDS} }
}`;
const SET_ACTIVE = `mutation($id: ID!, $active: Boolean!) { setPackageActive(id: $id, active: $active) { ${PACKAGE_STATE_FIELDS} } }`;
const ADD = `mutation($id: ID!, $items: [PackageItemInput!]!) { addPackageItems(packageId: $id, items: $items) { ${PACKAGE_STATE_FIELDS} } }`;
const UPDATE_ITEM = `mutation($id: ID!, $quantity: Int!) { updatePackageItem(id: $id, quantity: $quantity) { ${ITEM_FIELDS} } }`;
const REMOVE_ITEM = `mutation($id: ID!) { removePackageItem(id: $id) { ${PACKAGE_STATE_FIELDS} } }`;
const DUPLICATE = `mutation($id: ID!, $name: String!) { duplicatePackage(id: $id, name: $name) { ${PACKAGE_STATE_FIELDS} } }`;
const SERVICE_ACTIVE = 'mutation($id: ID!, $active: Boolean!) { setServiceActive(id: $id, active: $active) { id active } }';

type Item = { serviceId: string; quantity?: number };

/** Quantity per service name, for comparing items whatever their order. */
function quantities(pkg: { items: { quantity: number; service: { name: string } }[] }): Record<string, number> {
  return Object.fromEntries(pkg.items.map((item) => [item.service.name, item.quantity]));
}

async function packagesNamed(server: TestServer, token: string, name: string): Promise<number> {
  return (await server.ok('query($s: String!) { packages(filter: { search: $s }) { totalCount } }', { s: name }, token)).packages.totalCount;
}

describe('package mutations: validation, versions, uniqueness, items, duplication, atomicity', () => {
  let server: TestServer;
  let chain: Chain;
  /** The first clinic's administrator: the tenant whose refused creations are counted. */
  let admin: string;
  let service: any;
  let inactive: any;
  /** 201 active services of the clinic, for the 200-items limit. */
  let many: any[];

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    admin = chain.clinics[0].admin;
    service = await createService(server, admin, { name: uniqueName('Limpieza') });
    inactive = await createService(server, admin, { name: uniqueName('Retirado') });
    await server.ok(SERVICE_ACTIVE, { id: inactive.id, active: false }, admin);
    many = await createServices(server, admin, 201);
  });
  afterAll(() => server.stop());

  describe('field limits of api.md', () => {
    const refused: [string, string, string, () => Record<string, unknown>][] = [
      ['a blank name', 'BAD_USER_INPUT', 'name', () => ({ name: '   ' })],
      ['a name of 121 characters', 'BAD_USER_INPUT', 'name', () => ({ name: 'p'.repeat(121) })],
      ['a name holding a NUL character', 'BAD_USER_INPUT', 'name', () => ({ name: 'Paquete\u0000' })],
      ['a description of 2,001 characters', 'BAD_USER_INPUT', 'description', () => ({ description: 'd'.repeat(2001) })],
      ['a quantity of 0', 'BAD_USER_INPUT', 'items[1].quantity', () => ({ items: [{ serviceId: service.id }, { serviceId: many[0].id, quantity: 0 }] })],
      ['a negative quantity', 'BAD_USER_INPUT', 'items[0].quantity', () => ({ items: [{ serviceId: service.id, quantity: -1 }] })],
      ['a quantity of 1,000', 'BAD_USER_INPUT', 'items[0].quantity', () => ({ items: [{ serviceId: service.id, quantity: 1000 }] })],
      [
        'one service twice adding up to 1,000',
        'BAD_USER_INPUT',
        'items[2].quantity',
        () => ({ items: [{ serviceId: service.id, quantity: 500 }, { serviceId: many[0].id }, { serviceId: service.id, quantity: 500 }] }),
      ],
      ['a deactivated service', 'BAD_USER_INPUT', 'items[1].serviceId', () => ({ items: [{ serviceId: service.id }, { serviceId: inactive.id }] })],
      ['201 items', 'BAD_USER_INPUT', 'items', () => ({ items: many.map((each) => ({ serviceId: each.id })) })],
      ['a malformed service id', 'NOT_FOUND', 'items[1].serviceId', () => ({ items: [{ serviceId: service.id }, { serviceId: 'nope' }] })],
      ['an unknown service id', 'NOT_FOUND', 'items[0].serviceId', () => ({ items: [{ serviceId: randomUUID() }] })],
    ];

    it.each(refused)('refuses %s (%s, naming %s) and creates nothing', async (_case, code, field, input) => {
      const before = await ownedCount(server, admin, 'packages');
      const response = await server.gql(CREATE, { input: { name: uniqueName('Paquete'), ...input() } }, admin);
      expectError(response, code, field);
      expect(await ownedCount(server, admin, 'packages')).toBe(before);
    });

    it("answers NOT_FOUND for another clinic's unshared service, naming the item", async () => {
      const hidden = await createService(server, chain.clinics[1].admin, { shared: false });
      const before = await ownedCount(server, admin, 'packages');
      expectError(await server.gql(CREATE, { input: { name: uniqueName('Paquete'), items: [{ serviceId: hidden.id }] } }, admin), 'NOT_FOUND', 'items[0].serviceId');
      expect(await ownedCount(server, admin, 'packages')).toBe(before);
    });

    it('accepts the limits themselves: 120-character name (trimmed), 2,000-character description, quantities 1 and 999, 200 items', async () => {
      const name = `${'P'.repeat(112)}${randomUUID().slice(0, 8)}`;
      const pkg = await createPackage(server, admin, {
        name: `  ${name}  `,
        description: 'd'.repeat(2000),
        items: [{ serviceId: service.id, quantity: 999 }, ...many.slice(0, 199).map((each) => ({ serviceId: each.id, quantity: 1 }))],
      });
      expect(pkg).toMatchObject({ name, description: 'd'.repeat(2000), itemCount: 200 });
      expect(pkg.items[0]).toMatchObject({ quantity: 999, service: { id: service.id } });
    });

    it('refuses adding past 200 items to an existing package, keeping none of the new ones', async () => {
      const full = await createPackage(server, admin, { items: many.slice(0, 200).map((each) => ({ serviceId: each.id })) });
      expectError(await server.gql(ADD, { id: full.id, items: [{ serviceId: many[200].id }] }, admin), 'BAD_USER_INPUT', 'items');
      expect((await getPackageState(server, admin, full.id)).itemCount).toBe(200);

      const almost = await createPackage(server, admin, { items: many.slice(0, 199).map((each) => ({ serviceId: each.id })) });
      const before = await getPackageState(server, admin, almost.id);
      // Both are written before the count is checked: the failed mutation must undo them both.
      expectError(await server.gql(ADD, { id: almost.id, items: [{ serviceId: many[200].id }, { serviceId: service.id }] }, admin), 'BAD_USER_INPUT', 'items');
      expect(await getPackageState(server, admin, almost.id)).toEqual(before);
      // Adding to an item already there is not a new item.
      expect((await addItems(server, admin, almost.id, [{ serviceId: many[0].id, quantity: 4 }])).itemCount).toBe(199);
    });

    it.each([
      ['a blank name', 'name', { name: ' ' }],
      ['a name of 121 characters', 'name', { name: 'p'.repeat(121) }],
      ['a description of 2,001 characters', 'description', { description: 'd'.repeat(2001) }],
    ])('refuses %s in an update naming %s, and changes nothing', async (_case, field, input) => {
      const pkg = await createPackage(server, admin, { description: 'Antes', items: [{ serviceId: service.id }] });
      const before = await getPackageState(server, admin, pkg.id);
      expectError(await server.gql(UPDATE, { id: pkg.id, input }, admin), 'BAD_USER_INPUT', field);
      expect(await getPackageState(server, admin, pkg.id)).toEqual(before);
    });

    it('keeps what an update leaves out or sets to null, except the description, which null clears', async () => {
      const pkg = await createPackage(server, admin, { description: 'Antes', shared: false });
      const updated = (await server.ok(UPDATE, { id: pkg.id, input: { name: null, shared: null, description: null } }, admin)).updatePackage;
      expect(updated).toMatchObject({ name: pkg.name, shared: false, description: null, version: 2 });
      const described = (await server.ok(UPDATE, { id: pkg.id, input: { description: '  Con revisión  ' } }, admin)).updatePackage;
      expect(described).toMatchObject({ name: pkg.name, description: 'Con revisión', version: 3 });
    });

    it.each([
      ['an empty list', 'BAD_USER_INPUT', 'items', () => []],
      ['a quantity of 0', 'BAD_USER_INPUT', 'items[0].quantity', () => [{ serviceId: service.id, quantity: 0 }]],
      ['a quantity of 1,000', 'BAD_USER_INPUT', 'items[1].quantity', () => [{ serviceId: many[1].id }, { serviceId: service.id, quantity: 1000 }]],
      ['a deactivated service', 'BAD_USER_INPUT', 'items[0].serviceId', () => [{ serviceId: inactive.id }]],
      ['a malformed service id', 'NOT_FOUND', 'items[1].serviceId', () => [{ serviceId: many[1].id }, { serviceId: '42' }]],
    ] as [string, string, string, () => Item[]][])('refuses adding %s (%s, naming %s) and changes nothing', async (_case, code, field, items) => {
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 2 }] });
      const before = await getPackageState(server, admin, pkg.id);
      expectError(await server.gql(ADD, { id: pkg.id, items: items() }, admin), code, field);
      expect(await getPackageState(server, admin, pkg.id)).toEqual(before);
    });

    it.each([0, 1000, -5])('refuses setting an item quantity of %d, changing nothing', async (quantity) => {
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 2 }] });
      const before = await getPackageState(server, admin, pkg.id);
      expectError(await server.gql(UPDATE_ITEM, { id: pkg.items[0].id, quantity }, admin), 'BAD_USER_INPUT', 'quantity');
      expect(await getPackageState(server, admin, pkg.id)).toEqual(before);
    });
  });

  describe('malformed ids answer like unknown ids', () => {
    /** Every mutation taking an id, answered for `id`. */
    const answers = (id: string) =>
      Promise.all([
        server.gql(UPDATE, { id, input: { name: 'Nuevo' } }, admin),
        server.gql(SET_ACTIVE, { id, active: false }, admin),
        server.gql(ADD, { id, items: [{ serviceId: service.id }] }, admin),
        server.gql(UPDATE_ITEM, { id, quantity: 2 }, admin),
        server.gql(REMOVE_ITEM, { id }, admin),
        server.gql(DUPLICATE, { id, name: 'Copia' }, admin),
      ]);

    it.each(['nope', '12', ''])('%j: package() is null and every mutation answers exactly as for an unknown UUID', async (id) => {
      expect((await server.ok('query($id: ID!) { package(id: $id) { id } }', { id }, admin)).package).toBeNull();
      const before = await ownedCount(server, admin, 'packages');
      const malformed = await answers(id);
      const unknown = await answers(randomUUID());
      for (const response of malformed) expectError(response, 'NOT_FOUND');
      expect(malformed.map((response) => response.errors)).toEqual(unknown.map((response) => response.errors));
      expect(await ownedCount(server, admin, 'packages')).toBe(before);
    });
  });

  describe('versions and deactivation', () => {
    it('starts at 1, grows with each edit, and refuses a stale expectedVersion with CONFLICT changing nothing', async () => {
      const pkg = await createPackage(server, admin);
      expect(pkg.version).toBe(1);
      const second = (await server.ok(UPDATE, { id: pkg.id, input: { description: 'Dos' }, expectedVersion: 1 }, admin)).updatePackage;
      expect(second).toMatchObject({ description: 'Dos', version: 2 });
      expect(expectError(await server.gql(UPDATE, { id: pkg.id, input: { description: 'Tres' }, expectedVersion: 1 }, admin), 'CONFLICT')).toMatch(/version 2/);
      expect(await getPackageState(server, admin, pkg.id)).toEqual(second);
      const third = (await server.ok(UPDATE, { id: pkg.id, input: { description: 'Tres' } }, admin)).updatePackage;
      expect(third).toMatchObject({ description: 'Tres', version: 3 });
    });

    it('lets one of five concurrent edits expecting the same version win', async () => {
      const pkg = await createPackage(server, admin);
      const descriptions = ['uno', 'dos', 'tres', 'cuatro', 'cinco'];
      const responses = await Promise.all(
        descriptions.map((description) => server.gql(UPDATE, { id: pkg.id, input: { description }, expectedVersion: 1 }, admin)),
      );
      const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
      expect([...codes].sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
      expect(await getPackageState(server, admin, pkg.id)).toMatchObject({ description: descriptions[codes.indexOf('OK')], version: 2 });
    });

    it("counts edits of the package's own fields: clinics adding their items do not make the central's edit conflict", async () => {
      const central = chain.central!.admin;
      const implant = await createService(server, central);
      const pkg = await createPackage(server, central, { items: [{ serviceId: implant.id }] });
      await addItems(server, chain.clinics[0].admin, pkg.id, [{ serviceId: implant.id, quantity: 2 }]);
      await addItems(server, central, pkg.id, [{ serviceId: implant.id }]);
      const renamed = (await server.ok(UPDATE, { id: pkg.id, input: { name: uniqueName('Renombrado') }, expectedVersion: 1 }, central)).updatePackage;
      expect(renamed).toMatchObject({ version: 2, items: [{ quantity: 2 }] });
    });

    it('deactivates and reactivates: active, deactivatedAt, version; the same state again changes nothing', async () => {
      const pkg = await getPackageState(server, admin, (await createPackage(server, admin)).id);
      expect(pkg).toMatchObject({ active: true, deactivatedAt: null, version: 1 });
      const off = (await server.ok(SET_ACTIVE, { id: pkg.id, active: false }, admin)).setPackageActive;
      expect(off).toMatchObject({ active: false, version: 2, deactivatedAt: expect.any(String) });
      expect((await server.ok(SET_ACTIVE, { id: pkg.id, active: false }, admin)).setPackageActive).toEqual(off);
      const on = (await server.ok(SET_ACTIVE, { id: pkg.id, active: true }, admin)).setPackageActive;
      expect(on).toMatchObject({ active: true, deactivatedAt: null, version: 3 });
      expect((await server.ok(SET_ACTIVE, { id: pkg.id, active: true }, admin)).setPackageActive).toEqual(on);
    });

    it('lets the owner edit its own deactivated package and add items to it; a clinic may not add to a deactivated central one', async () => {
      const own = await createPackage(server, admin);
      await server.ok(SET_ACTIVE, { id: own.id, active: false }, admin);
      const renamed = (await server.ok(UPDATE, { id: own.id, input: { description: 'De baja, pero editable' } }, admin)).updatePackage;
      expect(renamed).toMatchObject({ active: false, version: 3, viewerCanAddItems: true });
      expect((await addItems(server, admin, own.id, [{ serviceId: service.id, quantity: 3 }])).items).toMatchObject([{ quantity: 3 }]);

      const central = chain.central!.admin;
      const centralPackage = await createPackage(server, central);
      await server.ok(SET_ACTIVE, { id: centralPackage.id, active: false }, central);
      const clinicService = await createService(server, admin);
      expectError(await server.gql(ADD, { id: centralPackage.id, items: [{ serviceId: clinicService.id }] }, admin), 'FORBIDDEN');
      expect((await addItems(server, central, centralPackage.id, [{ serviceId: (await createService(server, central)).id }])).itemCount).toBe(1);
      expect((await getPackageState(server, admin, centralPackage.id)).itemCount).toBe(1);
    });

    it('refuses STAFF every change with FORBIDDEN', async () => {
      const staff = chain.clinics[0].staff;
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id }] });
      const before = await getPackageState(server, admin, pkg.id);
      expectError(await server.gql(CREATE, { input: { name: uniqueName('Staff') } }, staff), 'FORBIDDEN');
      expectError(await server.gql(UPDATE, { id: pkg.id, input: { name: 'Staff' } }, staff), 'FORBIDDEN');
      expectError(await server.gql(SET_ACTIVE, { id: pkg.id, active: false }, staff), 'FORBIDDEN');
      expectError(await server.gql(ADD, { id: pkg.id, items: [{ serviceId: service.id }] }, staff), 'FORBIDDEN');
      expectError(await server.gql(UPDATE_ITEM, { id: pkg.items[0].id, quantity: 5 }, staff), 'FORBIDDEN');
      expectError(await server.gql(REMOVE_ITEM, { id: pkg.items[0].id }, staff), 'FORBIDDEN');
      expectError(await server.gql(DUPLICATE, { id: pkg.id, name: uniqueName('Staff') }, staff), 'FORBIDDEN');
      expect(await getPackageState(server, admin, pkg.id)).toEqual(before);
    });
  });

  describe('names are unique per owner tenant, case- and accent-insensitively', () => {
    it('refuses "implánte completo" beside "Implante Completo" with CONFLICT naming name; another tenant may use it', async () => {
      const suffix = randomUUID().slice(0, 8);
      await createPackage(server, admin, { name: `Implante Completo ${suffix}` });
      const before = await ownedCount(server, admin, 'packages');
      for (const name of [`implánte completo ${suffix}`, `  IMPLANTE COMPLETO ${suffix} `]) {
        expectError(await server.gql(CREATE, { input: { name } }, admin), 'CONFLICT', 'name');
      }
      expect(await ownedCount(server, admin, 'packages')).toBe(before);
      expect((await createPackage(server, chain.clinics[1].admin, { name: `Implante Completo ${suffix}` })).name).toBe(`Implante Completo ${suffix}`);
      expect((await createPackage(server, chain.central!.admin, { name: `implánte completo ${suffix}` })).name).toBe(`implánte completo ${suffix}`);
    });

    it('refuses renaming into a taken name, but lets a package change the case of its own', async () => {
      const taken = await createPackage(server, admin, { name: uniqueName('Ortodoncia') });
      const other = await createPackage(server, admin, { items: [{ serviceId: service.id }] });
      const before = await getPackageState(server, admin, other.id);
      expectError(await server.gql(UPDATE, { id: other.id, input: { name: taken.name.toUpperCase(), description: 'x' } }, admin), 'CONFLICT', 'name');
      expect(await getPackageState(server, admin, other.id)).toEqual(before);
      const recased = (await server.ok(UPDATE, { id: taken.id, input: { name: taken.name.toUpperCase() } }, admin)).updatePackage;
      expect(recased).toMatchObject({ name: taken.name.toUpperCase(), version: 2 });
    });

    it('lets one of eight concurrent renames into the same name win; the others get CONFLICT, none an internal error', async () => {
      const token = chain.clinics[1].admin;
      const packages = await Promise.all(Array.from({ length: 8 }, () => createPackage(server, token)));
      const name = uniqueName('Destino');
      const responses = await Promise.all(packages.map((pkg) => server.gql(UPDATE, { id: pkg.id, input: { name } }, token)));
      const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
      expect([...codes].sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
      const after = await Promise.all(packages.map((pkg) => getPackageState(server, token, pkg.id)));
      expect(after.map((pkg) => pkg.name === name)).toEqual(codes.map((outcome) => outcome === 'OK'));
      expect(await packagesNamed(server, token, name)).toBe(1);
    });
  });

  describe('items', () => {
    it('adds to the quantity of a service already among the tenant\'s items: one row, also twice in one request', async () => {
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 2 }] });
      const items = [
        { serviceId: service.id, quantity: 3 },
        { serviceId: many[5].id, quantity: 1 },
        { serviceId: many[5].id, quantity: 4 },
      ];
      const added = (await server.ok(ADD, { id: pkg.id, items }, admin)).addPackageItems;
      expect(added.items.map((item: any) => [item.service.id, item.quantity])).toEqual([
        [service.id, 5],
        [many[5].id, 5],
      ]);
      expect(added.items[0].id).toBe(pkg.items[0].id);
      // The answer is the package as stored, its updatedAt moved by the new items.
      expect(added).toEqual(await getPackageState(server, admin, pkg.id));
      expect(added.version).toBe(1);
    });

    it('keeps one row per tenant under concurrent adds from two clinics and the central', async () => {
      const sharing = await server.provisionChain({ clinicSharing: 'BETWEEN_CLINICS' });
      const central = sharing.central!.admin;
      const [first, second] = sharing.clinics;
      const implant = await createService(server, central, { name: uniqueName('Implante') });
      const pkg = await createPackage(server, central, { items: [{ serviceId: implant.id }] });
      const adds = [first.admin, second.admin, central].flatMap((token) =>
        Array.from({ length: 10 }, () => addItems(server, token, pkg.id, [{ serviceId: implant.id, quantity: 1 }])),
      );
      await Promise.all(adds);
      // With BETWEEN_CLINICS the central sees every tenant's items: exactly one row each.
      const seen = await getPackageState(server, central, pkg.id);
      expect(seen.items).toHaveLength(3);
      expect(Object.fromEntries(seen.items.map((item: any) => [item.addedBy.id, item.quantity]))).toEqual({
        [sharing.central!.id]: 11,
        [first.id]: 10,
        [second.id]: 10,
      });
      const own = await server.ok(`query($id: ID!) { package(id: $id) { items(origin: [OWN]) { quantity } } }`, { id: pkg.id }, second.admin);
      expect(own.package.items).toEqual([{ quantity: 10 }]);
    });

    it('refuses a merged quantity above 999 naming the input, and keeps none of the request', async () => {
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 999 }] });
      const before = await getPackageState(server, admin, pkg.id);
      // many[6] is written first, then the stored item of `service` refuses to pass 999.
      const response = await server.gql(
        ADD,
        { id: pkg.id, items: [{ serviceId: many[6].id }, { serviceId: many[6].id }, { serviceId: service.id, quantity: 1 }] },
        admin,
      );
      expect(expectError(response, 'BAD_USER_INPUT', 'items[2].quantity')).toMatch(/999/);
      expect(await getPackageState(server, admin, pkg.id)).toEqual(before);
    });

    it('changes only the quantity asked for, and removes an item that can be added again', async () => {
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 2 }, { serviceId: many[7].id, quantity: 3 }] });
      const [cleaning, other] = pkg.items;
      const changed = (await server.ok(UPDATE_ITEM, { id: cleaning.id, quantity: 7 }, admin)).updatePackageItem;
      expect(changed).toMatchObject({ id: cleaning.id, quantity: 7, origin: 'OWN' });
      expect(quantities(await getPackageState(server, admin, pkg.id))).toEqual({ [service.name]: 7, [many[7].name]: 3 });

      const removed = (await server.ok(REMOVE_ITEM, { id: cleaning.id }, admin)).removePackageItem;
      expect(removed.items.map((item: any) => item.id)).toEqual([other.id]);
      expect(removed.itemCount).toBe(1);
      expect(removed).toEqual(await getPackageState(server, admin, pkg.id));
      expectError(await server.gql(UPDATE_ITEM, { id: cleaning.id, quantity: 1 }, admin), 'NOT_FOUND');

      const again = await addItems(server, admin, pkg.id, [{ serviceId: service.id, quantity: 4 }]);
      expect(again.items.map((item: any) => [item.service.id, item.quantity])).toEqual([
        [many[7].id, 3],
        [service.id, 4],
      ]);
      expect(again.items[1].id).not.toBe(cleaning.id);
    });

    it('queues concurrent adds, quantity changes and a removal of one item: no internal error, one row at most', async () => {
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 1 }] });
      const itemId = pkg.items[0].id;
      const requests = [
        ...Array.from({ length: 10 }, () => ['add', server.gql(ADD, { id: pkg.id, items: [{ serviceId: service.id }] }, admin)] as const),
        ...Array.from({ length: 10 }, () => ['update', server.gql(UPDATE_ITEM, { id: itemId, quantity: 5 }, admin)] as const),
        ['remove', server.gql(REMOVE_ITEM, { id: itemId }, admin)] as const,
      ];
      const outcomes = await Promise.all(requests.map(async ([kind, request]) => [kind, (await request).errors?.[0]?.extensions?.code ?? 'OK']));
      // Adds always succeed (after the removal they start a new item); a change after the removal finds nothing.
      expect(outcomes.filter(([kind]) => kind === 'add').map(([, code]) => code)).toEqual(Array(10).fill('OK'));
      expect(outcomes.find(([kind]) => kind === 'remove')![1]).toBe('OK');
      expect(outcomes.filter(([kind]) => kind === 'update').every(([, code]) => code === 'OK' || code === 'NOT_FOUND')).toBe(true);
      const after = await getPackageState(server, admin, pkg.id);
      expect(after.items.length).toBeLessThanOrEqual(1);
      expect(after.items.every((item: any) => item.id !== itemId)).toBe(true);
    });

    it("refuses a clinic changing the central's items (FORBIDDEN) and one it cannot see (NOT_FOUND)", async () => {
      const central = chain.central!.admin;
      const implant = await createService(server, central);
      const pkg = await createPackage(server, central, { items: [{ serviceId: implant.id, quantity: 2 }] });
      const mine = await addItems(server, chain.clinics[1].admin, pkg.id, [{ serviceId: implant.id, quantity: 1 }]);
      const clinicItem = mine.items.find((item: any) => item.origin === 'OWN');
      expectError(await server.gql(UPDATE_ITEM, { id: pkg.items[0].id, quantity: 5 }, admin), 'FORBIDDEN');
      expectError(await server.gql(REMOVE_ITEM, { id: pkg.items[0].id }, admin), 'FORBIDDEN');
      expectError(await server.gql(UPDATE_ITEM, { id: clinicItem.id, quantity: 5 }, admin), 'NOT_FOUND');
      expectError(await server.gql(REMOVE_ITEM, { id: clinicItem.id }, central), 'NOT_FOUND');
      expect(quantities(await getPackageState(server, chain.clinics[1].admin, pkg.id))).toEqual({ [implant.name]: 1 });
      expect((await getPackageState(server, central, pkg.id)).items).toMatchObject([{ quantity: 2 }]);
    });
  });

  describe('items of inactive services', () => {
    it('are listed with their own line but left out of the package totals; itemCount counts them', async () => {
      const whitening = await createService(server, admin, { name: uniqueName('Blanqueamiento'), price: '100.00', taxRate: '21.00' });
      const splint = await createService(server, admin, { name: uniqueName('Férula'), price: '12.35', taxRate: '10.00' });
      const retiring = await createService(server, admin, { name: uniqueName('Retirándose'), price: '50.00', taxRate: '0.00' });
      const pkg = await createPackage(server, admin, {
        items: [
          { serviceId: whitening.id, quantity: 2 },
          { serviceId: splint.id, quantity: 1 },
          { serviceId: retiring.id, quantity: 3 },
        ],
      });
      // 200.00 + 42.00; 12.35 + 1.235 rounded half-up to 1.24; 150.00 + 0.00.
      expect(pkg.totals).toEqual({ subtotal: '362.35', tax: '43.24', total: '405.59' });

      await server.ok(SERVICE_ACTIVE, { id: retiring.id, active: false }, admin);
      const seen = await server.ok(
        `query($id: ID!) { package(id: $id) { itemCount totals { subtotal tax total } items { service { active } totals { subtotal tax total } }
           quote { subtotal tax total lines { quantity } } } }`,
        { id: pkg.id },
        admin,
      );
      expect(seen.package.itemCount).toBe(3);
      expect(seen.package.items.map((item: any) => [item.service.active, item.totals])).toEqual([
        [true, { subtotal: '200.00', tax: '42.00', total: '242.00' }],
        [true, { subtotal: '12.35', tax: '1.24', total: '13.59' }],
        [false, { subtotal: '150.00', tax: '0.00', total: '150.00' }],
      ]);
      expect(seen.package.totals).toEqual({ subtotal: '212.35', tax: '43.24', total: '255.59' });
      expect(seen.package.quote).toEqual({ subtotal: '212.35', tax: '43.24', total: '255.59', lines: [{ quantity: 2 }, { quantity: 1 }] });

      await server.ok(SERVICE_ACTIVE, { id: retiring.id, active: true }, admin);
      expect((await getPackageState(server, admin, pkg.id)).totals).toEqual({ subtotal: '362.35', tax: '43.24', total: '405.59' });
    });
  });

  describe('duplicatePackage', () => {
    let central: string;
    let clinic: string;
    let source: any;
    let implant: any;
    let crown: any;
    let sedation: any;

    beforeAll(async () => {
      central = chain.central!.admin;
      clinic = chain.clinics[0].admin;
      implant = await createService(server, central, { name: uniqueName('Implante'), price: '950.00' });
      crown = await createService(server, central, { name: uniqueName('Corona'), price: '300.00', taxRate: '21.00' });
      const retired = await createService(server, central, { name: uniqueName('Retirado'), price: '80.00' });
      sedation = await createService(server, clinic, { name: uniqueName('Sedación'), price: '150.00', shared: false });
      source = await createPackage(server, central, {
        name: uniqueName('Implante Completo'),
        description: 'Implante, corona y revisión',
        shared: true,
        items: [{ serviceId: implant.id }, { serviceId: crown.id, quantity: 2 }, { serviceId: retired.id }],
      });
      // The clinic extends the central package with the central's implant and its own sedation.
      await addItems(server, clinic, source.id, [{ serviceId: implant.id, quantity: 2 }, { serviceId: sedation.id }]);
      await server.ok(SERVICE_ACTIVE, { id: retired.id, active: false }, central);
    });

    it("copies the items the viewer sees whose services are active, as its own, one per service with quantities added", async () => {
      const name = uniqueName('Mi implante completo');
      const copy = (await server.ok(DUPLICATE, { id: source.id, name: `  ${name} ` }, clinic)).duplicatePackage;
      expect(copy).toMatchObject({
        name,
        description: 'Implante, corona y revisión',
        owner: { id: chain.clinics[0].id },
        origin: 'OWN',
        shared: true,
        active: true,
        deactivatedAt: null,
        version: 1,
        itemCount: 3,
      });
      expect(copy.id).not.toBe(source.id);
      expect(quantities(copy)).toEqual({ [implant.name]: 3, [crown.name]: 2, [sedation.name]: 1 });
      expect(copy.items.every((item: any) => item.origin === 'OWN' && item.viewerCanEdit && item.addedBy.id === chain.clinics[0].id)).toBe(true);
      // 950.00 x 3 + (600.00 + 126.00) + 150.00.
      expect(copy.totals).toEqual({ subtotal: '3600.00', tax: '126.00', total: '3726.00' });
      expect((await getPackageState(server, central, source.id)).itemCount).toBe(3);
    });

    it('copies only what this viewer sees: another clinic gets the central items alone', async () => {
      const copy = (await server.ok(DUPLICATE, { id: source.id, name: uniqueName('Copia') }, chain.clinics[1].admin)).duplicatePackage;
      expect(quantities(copy)).toEqual({ [implant.name]: 1, [crown.name]: 2 });
      expect(copy.totals).toEqual({ subtotal: '1550.00', tax: '126.00', total: '1676.00' });
    });

    it('refuses a taken name (CONFLICT), an invalid one (BAD_USER_INPUT), an unseen source (NOT_FOUND), STAFF (FORBIDDEN), creating nothing', async () => {
      const taken = await createPackage(server, clinic, { name: uniqueName('Tomado') });
      const hidden = await createPackage(server, chain.clinics[1].admin, { shared: false });
      const before = await ownedCount(server, clinic, 'packages');
      expectError(await server.gql(DUPLICATE, { id: source.id, name: ` ${taken.name.toLowerCase()} ` }, clinic), 'CONFLICT', 'name');
      expectError(await server.gql(DUPLICATE, { id: source.id, name: '  ' }, clinic), 'BAD_USER_INPUT', 'name');
      expectError(await server.gql(DUPLICATE, { id: source.id, name: 'c'.repeat(121) }, clinic), 'BAD_USER_INPUT', 'name');
      expectError(await server.gql(DUPLICATE, { id: hidden.id, name: uniqueName('Copia') }, clinic), 'NOT_FOUND');
      expectError(await server.gql(DUPLICATE, { id: source.id, name: uniqueName('Copia') }, chain.clinics[0].staff), 'FORBIDDEN');
      expect(await ownedCount(server, clinic, 'packages')).toBe(before);
    });

    it('refuses a copy whose added quantities would pass 999, naming the service', async () => {
      const filling = await createService(server, central, { name: uniqueName('Empaste') });
      const big = await createPackage(server, central, { items: [{ serviceId: filling.id, quantity: 999 }] });
      await addItems(server, clinic, big.id, [{ serviceId: filling.id, quantity: 5 }]);
      const before = await ownedCount(server, clinic, 'packages');
      const message = expectError(await server.gql(DUPLICATE, { id: big.id, name: uniqueName('Copia') }, clinic), 'BAD_USER_INPUT', 'id');
      expect(message).toContain(`1004 of "${filling.name}"`);
      expect(await ownedCount(server, clinic, 'packages')).toBe(before);
    });
  });

  describe('one transaction per mutation', () => {
    // api.md: a failed non-null mutation field leaves `data` null, so nothing of the operation is
    // stored (the first mutation, committed, would be hidden by that null).
    it('stores neither of two mutations when the second fails', async () => {
      const first = uniqueName('Primero');
      const second = uniqueName('Segundo');
      const response = await server.gql(
        `mutation($a: CreatePackageInput!, $b: CreatePackageInput!) { a: createPackage(input: $a) { id } b: createPackage(input: $b) { id } }`,
        {
          a: { name: first, items: [{ serviceId: service.id }] },
          b: { name: second, items: [{ serviceId: service.id }, { serviceId: many[8].id }, { serviceId: many[9].id, quantity: 0 }] },
        },
        admin,
      );
      expect(response.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.field])).toEqual([
        [['b'], 'BAD_USER_INPUT', 'items[2].quantity'],
      ]);
      expect(response.data).toBeUndefined();
      expect(await packagesNamed(server, admin, first)).toBe(0);
      expect(await packagesNamed(server, admin, second)).toBe(0);
    });

    it('undoes the writes a failing mutation already made, and the mutation before it', async () => {
      const pkg = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 999 }] });
      const name = uniqueName('Renombrado');
      const response = await server.gql(
        `mutation($id: ID!, $name: String!, $items: [PackageItemInput!]!) {
           renamed: updatePackage(id: $id, input: { name: $name }) { id }
           added: addPackageItems(packageId: $id, items: $items) { id }
         }`,
        { id: pkg.id, name, items: [{ serviceId: many[10].id, quantity: 4 }, { serviceId: service.id, quantity: 1 }] },
        admin,
      );
      expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['added'], 'BAD_USER_INPUT']]);
      const after = await getPackageState(server, admin, pkg.id);
      expect(after).toMatchObject({ name: pkg.name, version: 1, itemCount: 1, items: [{ quantity: 999, service: { id: service.id } }] });
    });
  });
});
