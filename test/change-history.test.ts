import { Client } from 'pg';
import { addItems, createPackage, createService, getPackage, getService, SERVICE_FIELDS, setPackageActive, setServiceActive, updatePackage } from './support/catalog';
import { drainFeed, feedHead, feedPage, feedSettled, history, summary } from './support/changes';
import { countRows } from './support/db';
import { expectError, TestServer } from './support/harness';

/**
 * domain.md "History and the change feed": what each change records, in which order, what a call
 * that changes nothing or fails records (nothing), and who sees which event.
 */

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const UPDATE_SERVICE = `mutation($id: ID!, $input: UpdateServiceInput!) { updateService(id: $id, input: $input) { ${SERVICE_FIELDS} } }`;

/**
 * The events of the organization recorded so far, as `token`'s tenant sees them (each test has an
 * organization of its own). Only `of` these entities, when given.
 */
async function recorded(token: string, of?: string[]) {
  const { events } = await drainFeed(server, token, null);
  return of ? events.filter((event) => of.includes(event.entityId) || of.includes(event.packageId)) : events;
}

describe('what each change records', () => {
  it('services: created lists every non-null field, updated the changed ones, (de)activation exactly `active`', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const service = await createService(server, admin, { name: 'Limpieza', price: '40', taxRate: '21.00', durationMinutes: 30 });
    await server.ok(UPDATE_SERVICE, { id: service.id, input: { price: '45.5', family: 'Higiene' } }, admin);
    await setServiceActive(server, admin, service.id, false);
    await setServiceActive(server, admin, service.id, true);
    const events = await recorded(admin);
    expect(summary(events)).toEqual([
      {
        type: 'SERVICE_CREATED',
        entityId: service.id,
        changes: [
          { field: 'name', before: null, after: '"Limpieza"' },
          { field: 'price', before: null, after: '"40.00"' },
          { field: 'taxRate', before: null, after: '"21.00"' },
          { field: 'durationMinutes', before: null, after: '30' },
          { field: 'odontogramScope', before: null, after: '"NONE"' },
          { field: 'active', before: null, after: 'true' },
          { field: 'shared', before: null, after: 'true' },
        ],
      },
      {
        type: 'SERVICE_UPDATED',
        entityId: service.id,
        changes: [
          { field: 'family', before: null, after: '"Higiene"' },
          { field: 'price', before: '"40.00"', after: '"45.50"' },
        ],
      },
      { type: 'SERVICE_DEACTIVATED', entityId: service.id, changes: [{ field: 'active', before: 'true', after: 'false' }] },
      { type: 'SERVICE_REACTIVATED', entityId: service.id, changes: [{ field: 'active', before: 'false', after: 'true' }] },
    ]);
    expect(events.map((event) => event.version)).toEqual([1, 2, 3, 4]);
    expect(events.every((event) => event.entityType === 'SERVICE' && event.tenant.id === chain.central!.id && event.packageId === null)).toBe(true);
    expect(new Set(events.map((event) => event.userId)).size).toBe(1);
    expect(events.map((event) => event.id)).toEqual([...events.map((event) => event.id)].sort());
  });

  it('packages and items: a package before its items, item events carry packageId and serviceId and no version', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const [a, b] = [await createService(server, admin), await createService(server, admin)];
    const pkg = await createPackage(server, admin, { name: 'Implante', description: 'Completo', items: [{ serviceId: a.id, quantity: 2 }] });
    const itemA = pkg.items[0].id;
    await addItems(server, admin, pkg.id, [{ serviceId: a.id, quantity: 3 }, { serviceId: b.id }]);
    const afterAdd = await getPackage(server, admin, pkg.id);
    const itemB = afterAdd.items.find((item: any) => item.service.id === b.id).id;
    await server.ok('mutation($id: ID!) { updatePackageItem(id: $id, quantity: 7) { id } }', { id: itemA }, admin);
    await server.ok('mutation($id: ID!) { removePackageItem(id: $id) { id } }', { id: itemB }, admin);
    await updatePackage(server, admin, pkg.id, { shared: false });
    await setPackageActive(server, admin, pkg.id, false);
    const events = await recorded(admin, [pkg.id]);
    expect(summary(events)).toEqual([
      {
        type: 'PACKAGE_CREATED',
        entityId: pkg.id,
        changes: [
          { field: 'name', before: null, after: '"Implante"' },
          { field: 'description', before: null, after: '"Completo"' },
          { field: 'active', before: null, after: 'true' },
          { field: 'shared', before: null, after: 'true' },
        ],
      },
      {
        type: 'PACKAGE_ITEM_ADDED',
        entityId: itemA,
        changes: [
          { field: 'service', before: null, after: JSON.stringify(a.id) },
          { field: 'quantity', before: null, after: '2' },
        ],
      },
      { type: 'PACKAGE_ITEM_UPDATED', entityId: itemA, changes: [{ field: 'quantity', before: '2', after: '5' }] },
      {
        type: 'PACKAGE_ITEM_ADDED',
        entityId: itemB,
        changes: [
          { field: 'service', before: null, after: JSON.stringify(b.id) },
          { field: 'quantity', before: null, after: '1' },
        ],
      },
      { type: 'PACKAGE_ITEM_UPDATED', entityId: itemA, changes: [{ field: 'quantity', before: '5', after: '7' }] },
      {
        type: 'PACKAGE_ITEM_REMOVED',
        entityId: itemB,
        changes: [
          { field: 'service', before: JSON.stringify(b.id), after: null },
          { field: 'quantity', before: '1', after: null },
        ],
      },
      { type: 'PACKAGE_UPDATED', entityId: pkg.id, changes: [{ field: 'shared', before: 'true', after: 'false' }] },
      { type: 'PACKAGE_DEACTIVATED', entityId: pkg.id, changes: [{ field: 'active', before: 'true', after: 'false' }] },
    ]);
    const items = events.filter((event) => event.entityType === 'PACKAGE_ITEM');
    expect(items.every((event) => event.packageId === pkg.id && event.version === null)).toBe(true);
    expect(items.map((event) => event.serviceId)).toEqual([a.id, a.id, b.id, a.id, b.id]);
    expect(events.filter((event) => event.entityType === 'PACKAGE').map((event) => event.version)).toEqual([1, 2, 3]);
  });

  it('duplicatePackage records the new package and one ADDED per copied item', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const service = await createService(server, admin);
    const source = await createPackage(server, admin, { items: [{ serviceId: service.id, quantity: 4 }] });
    const copy = (await server.ok('mutation($id: ID!) { duplicatePackage(id: $id, name: "Copia") { id items { id } } }', { id: source.id }, admin))
      .duplicatePackage;
    expect(summary(await recorded(admin, [copy.id])).map(({ type, entityId }) => [type, entityId])).toEqual([
      ['PACKAGE_CREATED', copy.id],
      ['PACKAGE_ITEM_ADDED', copy.items[0].id],
    ]);
  });

  it('clinic sharing: CLINIC_SHARING_CHANGED on the organization, seen by every tenant', async () => {
    const chain = await server.provisionChain({ clinics: 2 });
    await server.ok('mutation { updateClinicSharing(mode: BETWEEN_CLINICS) { clinicSharing } }', {}, chain.central!.admin);
    for (const token of [chain.central!.staff, chain.clinics[0].staff, chain.clinics[1].staff]) {
      const events = await recorded(token);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'CLINIC_SHARING_CHANGED',
          entityType: 'ORGANIZATION',
          entityId: chain.organization.id,
          version: 2,
          changes: [{ field: 'clinicSharing', before: '"CENTRAL_ONLY"', after: '"BETWEEN_CLINICS"' }],
        }),
      ]);
    }
  });
});

describe('price lists', () => {
  it('record list changes and one PRICE_LIST_ENTRIES_CHANGED per call, entries filtered per viewer; nothing for a call that changes nothing', async () => {
    const chain = await server.provisionChain({ clinics: 2 });
    const central = chain.central!.admin;
    const [clinicA, clinicB] = chain.clinics;
    const service = await createService(server, central, { price: '10.00' });
    const list = (await server.ok('mutation { createPriceList(input: { name: "General" }) { id version } }', {}, central)).createPriceList;
    await server.ok('mutation($id: ID!) { updatePriceList(id: $id, input: { name: "General 2027" }) { version } }', { id: list.id }, central);
    const SET = 'mutation($id: ID!, $entries: [PriceListEntryInput!]!) { setPriceListEntries(priceListId: $id, entries: $entries) { version } }';
    const entries = [
      { serviceId: service.id, price: '9.5' },
      { serviceId: service.id, clinicId: clinicA.id, price: '8.00' },
    ];
    await server.ok(SET, { id: list.id, entries }, central);
    const again = await server.ok(SET, { id: list.id, entries }, central);
    await server.ok(SET, { id: list.id, entries: [{ serviceId: service.id, clinicId: clinicB.id, price: '7.00' }] }, central);
    await server.ok('mutation($id: ID!, $keys: [PriceListEntryKey!]!) { removePriceListEntries(priceListId: $id, keys: $keys) { version } }', { id: list.id, keys: [{ serviceId: service.id }] }, central);
    expect(again.setPriceListEntries.version).toBe(3);

    const owner = await recorded(central, [list.id]);
    expect(summary(owner)).toEqual([
      expect.objectContaining({ type: 'PRICE_LIST_CREATED' }),
      { type: 'PRICE_LIST_UPDATED', entityId: list.id, changes: [{ field: 'name', before: '"General"', after: '"General 2027"' }] },
      {
        type: 'PRICE_LIST_ENTRIES_CHANGED',
        entityId: list.id,
        changes: [
          { field: `price:${service.id}`, before: null, after: '"9.50"' },
          { field: `price:${service.id}:${clinicA.id}`, before: null, after: '"8.00"' },
        ],
      },
      { type: 'PRICE_LIST_ENTRIES_CHANGED', entityId: list.id, changes: [{ field: `price:${service.id}:${clinicB.id}`, before: null, after: '"7.00"' }] },
      { type: 'PRICE_LIST_ENTRIES_CHANGED', entityId: list.id, changes: [{ field: `price:${service.id}`, before: '"9.50"', after: null }] },
    ]);
    expect(owner.map((event) => event.version)).toEqual([1, 2, 3, 4, 5]);
    // Clinic A sees the entries for every clinic and its own override, not clinic B's: that event is hidden.
    const seenByA = await recorded(clinicA.staff, [list.id]);
    expect(seenByA.map((event) => event.changes.map((change: any) => change.field))).toEqual([
      expect.any(Array),
      ['name'],
      [`price:${service.id}`, `price:${service.id}:${clinicA.id}`],
      [`price:${service.id}`],
    ]);
    const listHistory = (await server.ok('query($id: ID!) { priceList(id: $id) { history { nodes { type } } } }', { id: list.id }, clinicA.staff)).priceList.history;
    expect(listHistory.nodes.map((event: any) => event.type)).toEqual(['PRICE_LIST_ENTRIES_CHANGED', 'PRICE_LIST_ENTRIES_CHANGED', 'PRICE_LIST_UPDATED', 'PRICE_LIST_CREATED']);
  });
});

describe('calls that change nothing, fail or are refused record nothing', () => {
  it('an update to the values already stored (normalised) keeps the version and records nothing', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const service = await createService(server, admin, { name: 'Férula', price: '12.50', family: 'Oclusión' });
    const pkg = await createPackage(server, admin, { name: 'Revisión', description: 'Anual', items: [{ serviceId: service.id, quantity: 2 }] });
    const before = (await recorded(admin)).length;
    const same = await server.ok(UPDATE_SERVICE, { id: service.id, input: { price: '12.5', name: '  Férula ', family: 'Oclusión', shared: true } }, admin);
    expect(same.updateService).toMatchObject({ price: '12.50', version: 1 });
    // Decomposed "é" (e + U+0301) is the same name once in NFC.
    await server.ok(UPDATE_SERVICE, { id: service.id, input: { name: 'Fe\u0301rula'.normalize('NFC') } }, admin);
    expect((await updatePackage(server, admin, pkg.id, { name: 'Revisión', description: 'Anual', shared: true })).version).toBe(1);
    expect((await setPackageActive(server, admin, pkg.id, true)).version).toBe(1);
    expect((await setServiceActive(server, admin, service.id, true)).version).toBe(1);
    await server.ok('mutation($id: ID!) { updatePackageItem(id: $id, quantity: 2) { quantity } }', { id: pkg.items[0].id }, admin);
    await server.ok('mutation { updateClinicSharing(mode: CENTRAL_ONLY) { clinicSharing } }', {}, admin);
    expect(await recorded(admin)).toHaveLength(before);
    expect(await getService(server, admin, service.id)).toMatchObject({ version: 1, updatedAt: service.updatedAt ?? expect.any(String) });
    expect((await server.ok('{ organization { id } }', {}, admin)).organization.id).toBe(chain.organization.id);
    expect(await countRows('SELECT count(*) FROM organizations WHERE id = $1 AND version = 1', [chain.organization.id])).toBe(1);
  });

  it('refused and failed calls record nothing, nor does an operation rolled back because one of its mutations failed', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const service = await createService(server, admin);
    expectError(await server.gql(UPDATE_SERVICE, { id: service.id, input: { price: '-1' } }, admin), 'BAD_USER_INPUT', 'price');
    expectError(await server.gql(UPDATE_SERVICE, { id: service.id, input: { price: '11.00' } }, chain.clinics[0].admin), 'FORBIDDEN');
    expectError(await server.gql(UPDATE_SERVICE, { id: service.id, input: { price: '11.00' } }, chain.central!.staff), 'FORBIDDEN');
    const mixed = await server.gql(
      `mutation($id: ID!) { ok: updateService(id: $id, input: { price: "20.00" }) { version }
                            bad: updateService(id: $id, input: { durationMinutes: 0 }) { version } }`,
      { id: service.id },
      admin,
    );
    expect(mixed.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'durationMinutes' });
    // The failed non-null field leaves `data` null: nothing of the operation is stored (api.md).
    expect(mixed.data).toBeUndefined();
    expect(summary(await recorded(admin, [service.id])).map((event) => event.type)).toEqual(['SERVICE_CREATED']);
    await server.ok(UPDATE_SERVICE, { id: service.id, input: { price: '20.00' } }, admin);
    expect(summary(await recorded(admin, [service.id])).slice(1)).toEqual([
      { type: 'SERVICE_UPDATED', entityId: service.id, changes: [{ field: 'price', before: '"10.00"', after: '"20.00"' }] },
    ]);
  });

  it('the application role may append and read events, never change or delete them', async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      for (const statement of ['UPDATE catalog_events SET user_id = $1', 'DELETE FROM catalog_events WHERE user_id = $1']) {
        await client.query('BEGIN');
        await client.query("SELECT set_config('role', 'clinic_catalog_app', true)");
        await expect(client.query(statement, ['x'])).rejects.toThrow(/permission denied/);
        await client.query('ROLLBACK');
      }
    } finally {
      await client.end();
    }
  });
});

describe('who sees which event', () => {
  it('a clinic sees the central\'s shared rows; unsharing shows it the `shared` change only, and nothing after', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const central = chain.central!.admin;
    const clinic = chain.clinics[0].staff;
    const service = await createService(server, central, { price: '10.00' });
    const hidden = await createService(server, central, { shared: false });
    await server.ok(UPDATE_SERVICE, { id: service.id, input: { price: '11.00', shared: false } }, central);
    await server.ok(UPDATE_SERVICE, { id: service.id, input: { price: '12.00' } }, central);
    await server.ok(UPDATE_SERVICE, { id: hidden.id, input: { shared: true } }, central);
    const seen = await recorded(clinic);
    expect(summary(seen)).toEqual([
      expect.objectContaining({ type: 'SERVICE_CREATED', entityId: service.id }),
      { type: 'SERVICE_UPDATED', entityId: service.id, changes: [{ field: 'shared', before: 'true', after: 'false' }] },
      { type: 'SERVICE_UPDATED', entityId: hidden.id, changes: [{ field: 'shared', before: 'false', after: 'true' }] },
    ]);
    // The owner sees every event in full.
    expect((await recorded(central)).map((event) => event.changes.length)).toEqual([6, 6, 2, 1, 1]);
    // A viewer of another organization sees none.
    const other = await server.provisionChain({ clinics: 1 });
    expect((await feedPage(server, other.central!.admin, null)).nodes.map((event) => event.entityId)).not.toContain(service.id);
  });

  it('items by the item rule, as the sharing mode was; a change of mode reveals no older event', async () => {
    const chain = await server.provisionChain({ clinics: 2 });
    const [clinicA, clinicB] = chain.clinics;
    const centralService = await createService(server, chain.central!.admin);
    const pkg = await createPackage(server, chain.central!.admin, { items: [{ serviceId: centralService.id }] });
    const clinicBService = await createService(server, clinicB.admin);
    await addItems(server, clinicB.admin, pkg.id, [{ serviceId: clinicBService.id }]);
    await server.ok('mutation { updateClinicSharing(mode: BETWEEN_CLINICS) { clinicSharing } }', {}, chain.central!.admin);
    await addItems(server, clinicB.admin, pkg.id, [{ serviceId: clinicBService.id }]);
    const of = [pkg.id, chain.organization.id];
    const seenByA = await recorded(clinicA.staff, of);
    expect(seenByA.map((event) => event.type)).toEqual(['PACKAGE_CREATED', 'PACKAGE_ITEM_ADDED', 'CLINIC_SHARING_CHANGED', 'PACKAGE_ITEM_UPDATED']);
    expect(seenByA[3]).toMatchObject({ packageId: pkg.id, serviceId: clinicBService.id, tenant: { id: clinicB.id } });
    // Clinic B sees its own additions; under CENTRAL_ONLY not even the central sees a clinic's rows.
    const all = ['PACKAGE_CREATED', 'PACKAGE_ITEM_ADDED', 'PACKAGE_ITEM_ADDED', 'CLINIC_SHARING_CHANGED', 'PACKAGE_ITEM_UPDATED'];
    expect((await recorded(clinicB.staff, of)).map((event) => event.type)).toEqual(all);
    expect((await recorded(chain.central!.staff, of)).map((event) => event.type)).toEqual(seenByA.map((event) => event.type));
  });
});

describe('history', () => {
  it('newest first; a package\'s holds its visible item events; pages by cursor; `first` 1-100', async () => {
    const chain = await server.provisionChain({ clinics: 2 });
    const central = chain.central!.admin;
    const service = await createService(server, central);
    const pkg = await createPackage(server, central, { items: [{ serviceId: service.id }] });
    const clinicService = await createService(server, chain.clinics[1].admin);
    await addItems(server, chain.clinics[1].admin, pkg.id, [{ serviceId: clinicService.id }]);
    await updatePackage(server, central, pkg.id, { name: 'Nuevo nombre' });
    await server.ok(UPDATE_SERVICE, { id: service.id, input: { price: '99.00' } }, central);

    const adder = chain.clinics[1].admin;
    const adderView = await history(server, adder, 'package', pkg.id);
    expect(adderView.nodes.map((event: any) => event.type)).toEqual(['PACKAGE_UPDATED', 'PACKAGE_ITEM_ADDED', 'PACKAGE_ITEM_ADDED', 'PACKAGE_CREATED']);
    // The central and clinic A do not see clinic B's item (CENTRAL_ONLY).
    for (const token of [central, chain.clinics[0].staff]) {
      const view = await history(server, token, 'package', pkg.id);
      expect(view.nodes.map((event: any) => event.type)).toEqual(['PACKAGE_UPDATED', 'PACKAGE_ITEM_ADDED', 'PACKAGE_CREATED']);
    }
    expect((await history(server, central, 'service', service.id)).nodes.map((event: any) => event.type)).toEqual(['SERVICE_UPDATED', 'SERVICE_CREATED']);

    const first = await history(server, adder, 'package', pkg.id, 3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await history(server, adder, 'package', pkg.id, 3, first.pageInfo.endCursor);
    expect([...first.nodes, ...rest.nodes].map((event: any) => event.id)).toEqual(adderView.nodes.map((event: any) => event.id));
    expect(rest.pageInfo.hasNextPage).toBe(false);

    const query = 'query($id: ID!, $first: Int, $after: String) { package(id: $id) { history(first: $first, after: $after) { nodes { id } } } }';
    for (const bad of [0, 101]) expectError(await server.gql(query, { id: pkg.id, first: bad }, central), 'BAD_USER_INPUT', 'first');
    // A cursor of another row's history, or of the feed, is not one of this list's.
    const serviceCursor = (await history(server, central, 'service', service.id, 1)).pageInfo.endCursor;
    expectError(await server.gql(query, { id: pkg.id, after: serviceCursor }, central), 'BAD_USER_INPUT', 'after');
    expectError(await server.gql(query, { id: pkg.id, after: await feedHead(server, central) }, central), 'BAD_USER_INPUT', 'after');
  });
});

describe('catalogChanges', () => {
  it('pages oldest first with endCursor never null; head starts from now; bad cursors and sizes are BAD_USER_INPUT', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const services = [];
    for (let index = 0; index < 5; index += 1) services.push(await createService(server, admin));
    await feedSettled();
    const all = await feedPage(server, admin, null, 500);
    expect(all.nodes.map((event) => event.entityId)).toEqual(services.map((service) => service.id));
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false, endCursor: expect.any(String) });

    const first = await feedPage(server, admin, null, 2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await feedPage(server, admin, first.pageInfo.endCursor, 2);
    expect(second.nodes.map((event) => event.id)).toEqual(all.nodes.slice(2, 4).map((event) => event.id));
    expect(second.edges[1].cursor).toBe(second.pageInfo.endCursor);

    // Nothing new: an empty page whose endCursor is the `after` given.
    const idle = await feedPage(server, admin, all.pageInfo.endCursor);
    expect(idle).toMatchObject({ nodes: [], pageInfo: { hasNextPage: false, endCursor: all.pageInfo.endCursor } });
    const head = await feedHead(server, admin);
    expect((await feedPage(server, admin, head)).nodes).toEqual([]);
    const later = await createService(server, admin);
    await feedSettled();
    expect((await feedPage(server, admin, head)).nodes.map((event) => event.entityId)).toEqual([later.id]);

    const query = 'query($after: String, $first: Int) { catalogChanges(after: $after, first: $first) { nodes { id } } }';
    for (const bad of [0, 501]) expectError(await server.gql(query, { first: bad }, admin), 'BAD_USER_INPUT', 'first');
    const other = await server.provisionChain({ clinics: 1 });
    const foreign = await feedHead(server, other.central!.admin);
    const [list, organization, txId, seq] = JSON.parse(Buffer.from(head, 'base64url').toString());
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const after of [
      foreign,
      'not-a-cursor',
      forged([list, organization, 'x', seq]),
      forged([list, organization, txId, -1]),
      forged(['history', organization, txId, seq]),
      forged([list, organization, '9223372036854775000', 0]),
    ]) {
      expectError(await server.gql(query, { after }, admin), 'BAD_USER_INPUT', 'after');
    }
  });

  it('a page may be empty while hasNextPage is true, when what it scanned is hidden from the viewer', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    // More hidden events than one page scans, then one the clinic sees.
    await server.ok(
      `mutation { ${Array.from({ length: 1001 }, (_, index) => `s${index}: createService(input: { name: "Oculto ${index}", price: "1.00", shared: false }) { id }`).join('\n')} }`,
      {},
      chain.central!.admin,
    );
    const visible = await createService(server, chain.central!.admin);
    await feedSettled();
    const page = await feedPage(server, chain.clinics[0].staff, null);
    expect(page.nodes).toEqual([]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, endCursor: expect.any(String) });
    const next = await feedPage(server, chain.clinics[0].staff, page.pageInfo.endCursor);
    expect(next.nodes.map((event) => event.entityId)).toEqual([visible.id]);
  });
});

describe('statements: a page costs the same whatever its size', () => {
  async function statements(query: string, variables: Record<string, unknown>, token: string): Promise<number> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    return Number(response.headers.get('x-sql-statements'));
  }

  it('history and catalogChanges pages of 5 and 50 events', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const service = await createService(server, admin);
    await server.ok(
      `mutation($id: ID!) { ${Array.from({ length: 60 }, (_, index) => `u${index}: updateService(id: $id, input: { price: "${index + 20}.00" }) { id }`).join('\n')} }`,
      { id: service.id },
      admin,
    );
    const fields = 'nodes { id type tenant { id name } changes { field before after } } pageInfo { endCursor }';
    const feed = `query($first: Int) { catalogChanges(first: $first) { ${fields} } }`;
    expect(await statements(feed, { first: 5 }, admin)).toBe(await statements(feed, { first: 50 }, admin));
    const serviceHistory = `query($id: ID!, $first: Int) { service(id: $id) { history(first: $first) { ${fields} } } }`;
    expect(await statements(serviceHistory, { id: service.id, first: 5 }, admin)).toBe(await statements(serviceHistory, { id: service.id, first: 50 }, admin));
  });

  it('a page of packages each showing its history: one statement for every history, each its own package\'s', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const admin = chain.central!.admin;
    const service = await createService(server, admin);
    const packages = [];
    for (let index = 0; index < 6; index += 1) {
      const pkg = await createPackage(server, admin, { name: `Paquete ${index}` });
      await addItems(server, admin, pkg.id, [{ serviceId: service.id, quantity: index + 1 }]);
      for (let change = 0; change <= index; change += 1) await updatePackage(server, admin, pkg.id, { description: `cambio ${change}` });
      packages.push(pkg);
    }
    const fields = 'nodes { type entityId packageId version } pageInfo { hasNextPage endCursor }';
    const list = `query($first: Int) { packages(first: $first) { nodes { id history(first: 3) { ${fields} } } } }`;
    expect(await statements(list, { first: 1 }, admin)).toBe(await statements(list, { first: 6 }, admin));

    // Batched, each package's history is exactly what asking for that package alone answers.
    const { packages: page } = await server.ok(list, { first: 6 }, admin);
    expect(page.nodes.map((node: { id: string }) => node.id).sort()).toEqual(packages.map((pkg) => pkg.id).sort());
    for (const node of page.nodes) {
      const alone = await server.ok(`query($id: ID!) { package(id: $id) { history(first: 3) { ${fields} } } }`, { id: node.id }, admin);
      expect(node.history).toEqual(alone.package.history);
      expect(node.history.nodes.length).toBe(3);
      for (const event of node.history.nodes) expect(event.entityId === node.id || event.packageId === node.id).toBe(true);
    }
    // The next page of one history, beside the first page of another in the same request.
    const [second, first] = [page.nodes[0], page.nodes[5]];
    const both = await server.ok(
      `query($a: ID!, $b: ID!, $after: String) { a: package(id: $a) { history(first: 3, after: $after) { ${fields} } } b: package(id: $b) { history(first: 3) { ${fields} } } }`,
      { a: first.id, b: second.id, after: first.history.pageInfo.endCursor },
      admin,
    );
    const next = await server.ok(`query($id: ID!, $after: String) { package(id: $id) { history(first: 3, after: $after) { ${fields} } } }`, { id: first.id, after: first.history.pageInfo.endCursor }, admin);
    expect(next.package.history.nodes.length).toBe(3);
    expect(both.a.history).toEqual(next.package.history);
    expect(both.b.history).toEqual(second.history);
  });
});
