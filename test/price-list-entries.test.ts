import { randomUUID } from 'node:crypto';
import { createService, uniqueName } from './support/catalog';
import { countRows } from './support/db';
import { expectError, TestServer, type Chain } from './support/harness';
import { createPriceList, getPriceList, listEntries, REMOVE_ENTRIES, SET_ENTRIES, setEntries } from './support/price-lists';

const EFFECTIVE = `query($service: ID!, $list: ID!, $on: Date) {
  service(id: $service) { effectivePrice(priceListId: $list, on: $on) { amount source entry { id price clinic { id } } } }
}`;

describe('price list entries: set, remove, visibility, listing, effective prices', () => {
  let server: TestServer;
  let chain: Chain;
  let central: string;
  let clinicA: Chain['clinics'][number];
  let clinicB: Chain['clinics'][number];
  let alfa: any;
  let beta: any;
  let hidden: any;
  let retired: any;
  let clinicService: any;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    central = chain.central!.admin;
    [clinicA, clinicB] = chain.clinics;
    alfa = await createService(server, central, { name: uniqueName('Alfa'), code: uniqueName('ALF'), price: '100.00' });
    beta = await createService(server, central, { name: uniqueName('Beta'), price: '50.00' });
    hidden = await createService(server, central, { name: uniqueName('Oculto'), shared: false });
    retired = await createService(server, central, { name: uniqueName('Retirado') });
    await server.ok('mutation($id: ID!) { setServiceActive(id: $id, active: false) { id } }', { id: retired.id }, central);
    clinicService = await createService(server, clinicA.admin, { name: uniqueName('Propio'), shared: false });
  });
  afterAll(() => server.stop());

  /** What a refusal must leave as it was: the list (version included) and every entry the owner sees. */
  async function state(token: string, id: string) {
    return { list: await getPriceList(server, token, id), entries: await listEntries(server, token, id) };
  }

  describe('setPriceListEntries', () => {
    it('creates entries and overrides, +1 version per changing call, none for a call that changes nothing', async () => {
      const list = await createPriceList(server, central);
      const set = await setEntries(server, central, list.id, [
        { serviceId: alfa.id, price: '80' },
        { serviceId: alfa.id, clinicId: clinicB.id, price: '75.5' },
        { serviceId: alfa.id, clinicId: clinicA.id, price: '70.00' },
        { serviceId: retired.id, price: '0' },
      ]);
      expect(set.version).toBe(2);
      const owner = await listEntries(server, central, list.id);
      expect(owner.totalCount).toBe(4);
      const names = Object.fromEntries(chain.organization.tenants.map((tenant) => [tenant.id, tenant.name]));
      const [first, second] = [clinicA, clinicB].sort((x, y) => names[x.id].localeCompare(names[y.id]));
      const expectedOrder = [
        [alfa.id, null, '80.00'],
        [alfa.id, first.id, first === clinicA ? '70.00' : '75.50'],
        [alfa.id, second.id, second === clinicA ? '70.00' : '75.50'],
        [retired.id, null, '0.00'],
      ];
      expect(owner.nodes.map((node) => [node.service.id, node.clinic?.id ?? null, node.price])).toEqual(expectedOrder);

      // Same prices again ("80" = "80.00"): nothing changes.
      const same = await setEntries(server, central, list.id, [{ serviceId: alfa.id, price: '80.00' }, { serviceId: retired.id, price: '0.0' }]);
      expect(same.version).toBe(2);
      // One price changed among unchanged ones: one version.
      const changed = await setEntries(server, central, list.id, [{ serviceId: alfa.id, price: '81' }, { serviceId: retired.id, price: '0' }]);
      expect(changed.version).toBe(3);
      expect((await server.ok(SET_ENTRIES, { id: list.id, entries: [{ serviceId: beta.id, price: '1' }], expectedVersion: 3 }, central)).setPriceListEntries.version).toBe(4);
    });

    it('lets each clinic see the entries for every clinic and its own overrides; the owner sees them all', async () => {
      const list = await createPriceList(server, central);
      await setEntries(server, central, list.id, [
        { serviceId: alfa.id, price: '80' },
        { serviceId: alfa.id, clinicId: clinicA.id, price: '70' },
        { serviceId: beta.id, clinicId: clinicB.id, price: '40' },
      ]);
      const seen = async (token: string, filter?: Record<string, unknown>) =>
        (await listEntries(server, token, list.id, { filter })).nodes.map((node) => `${node.service.id}:${node.clinic?.id ?? '*'}:${node.price}`);
      expect(await seen(clinicA.staff)).toEqual([`${alfa.id}:*:80.00`, `${alfa.id}:${clinicA.id}:70.00`]);
      expect(await seen(clinicB.staff)).toEqual([`${alfa.id}:*:80.00`, `${beta.id}:${clinicB.id}:40.00`]);
      expect((await listEntries(server, clinicB.staff, list.id)).totalCount).toBe(2);
      expect(await seen(central, { clinicId: clinicA.id })).toEqual([`${alfa.id}:${clinicA.id}:70.00`]);
      // A clinic naming another clinic's overrides gets an empty page; a malformed id too.
      expect(await seen(clinicB.staff, { clinicId: clinicA.id })).toEqual([]);
      expect(await seen(clinicB.staff, { clinicId: 'nope' })).toEqual([]);
      expect(await seen(clinicA.staff, { search: alfa.code.toLowerCase() })).toEqual([`${alfa.id}:*:80.00`, `${alfa.id}:${clinicA.id}:70.00`]);
      expect(await seen(central, { search: beta.name.toUpperCase() })).toEqual([`${beta.id}:${clinicB.id}:40.00`]);
    });

    it('pages entries with cursors, every entry once, in order', async () => {
      const list = await createPriceList(server, central);
      await setEntries(server, central, list.id, [
        { serviceId: alfa.id, price: '1' },
        { serviceId: alfa.id, clinicId: clinicA.id, price: '2' },
        { serviceId: alfa.id, clinicId: clinicB.id, price: '3' },
        { serviceId: beta.id, price: '4' },
        { serviceId: retired.id, clinicId: clinicA.id, price: '5' },
      ]);
      const all = await listEntries(server, central, list.id);
      const walked: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await listEntries(server, central, list.id, { first: 2, after });
        expect(page.totalCount).toBe(5);
        walked.push(...page.nodes.map((node) => node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(walked).toEqual(all.nodes.map((node) => node.id));
      const bad = await server.gql('query($id: ID!) { priceList(id: $id) { entries(after: "x") { totalCount } } }', { id: list.id }, central);
      expectError(bad, 'BAD_USER_INPUT', 'after');
    });

    const refusals: [string, string, string, (list: any) => Record<string, unknown>[] | unknown][] = [
      ['no entries', 'BAD_USER_INPUT', 'entries', () => []],
      ['1,001 entries', 'BAD_USER_INPUT', 'entries', () => Array.from({ length: 1001 }, () => ({ serviceId: alfa.id, price: '1' }))],
      ['a negative price', 'BAD_USER_INPUT', 'entries[1].price', () => [{ serviceId: beta.id, price: '1' }, { serviceId: alfa.id, price: '-1' }]],
      ['a price over 999999.99', 'BAD_USER_INPUT', 'entries[0].price', () => [{ serviceId: alfa.id, price: '1000000' }]],
      ['a price with three decimals', 'BAD_USER_INPUT', 'entries[0].price', () => [{ serviceId: alfa.id, price: '1.005' }]],
      ['a price that is no number', 'BAD_USER_INPUT', 'entries[0].price', () => [{ serviceId: alfa.id, price: 'doce' }]],
      ['an override naming the central', 'BAD_USER_INPUT', 'entries[0].clinicId', () => [{ serviceId: alfa.id, clinicId: chain.central!.id, price: '1' }]],
      ['an override naming an unknown clinic', 'BAD_USER_INPUT', 'entries[1].clinicId', () => [{ serviceId: alfa.id, price: '1' }, { serviceId: alfa.id, clinicId: randomUUID(), price: '1' }]],
      ['an override with a malformed clinic id', 'BAD_USER_INPUT', 'entries[0].clinicId', () => [{ serviceId: alfa.id, clinicId: 'x', price: '1' }]],
      ['an unknown service', 'NOT_FOUND', 'entries[1].serviceId', () => [{ serviceId: alfa.id, price: '1' }, { serviceId: randomUUID(), price: '1' }]],
      ['a malformed service id', 'NOT_FOUND', 'entries[0].serviceId', () => [{ serviceId: 'abc', price: '1' }]],
      ["a clinic's unshared service the owner cannot see", 'NOT_FOUND', 'entries[0].serviceId', () => [{ serviceId: clinicService.id, price: '1' }]],
      [
        'a key repeated in the call (names the later one)',
        'BAD_USER_INPUT',
        'entries[2].serviceId',
        () => [{ serviceId: alfa.id, price: '1' }, { serviceId: alfa.id, clinicId: clinicA.id, price: '2' }, { serviceId: alfa.id, price: '3' }],
      ],
    ];

    it.each(refusals)('refuses %s (%s on %s) and changes nothing', async (_case, code, field, entries) => {
      const list = await createPriceList(server, central);
      await setEntries(server, central, list.id, [{ serviceId: beta.id, price: '9' }]);
      const before = await state(central, list.id);
      expectError(await server.gql(SET_ENTRIES, { id: list.id, entries: entries(list) }, central), code, field);
      expect(await state(central, list.id)).toEqual(before);
    });

    it("refuses overrides on a clinic's list (BAD_USER_INPUT on clinicId)", async () => {
      const list = await createPriceList(server, clinicA.admin);
      const response = await server.gql(SET_ENTRIES, { id: list.id, entries: [{ serviceId: alfa.id, clinicId: clinicA.id, price: '1' }] }, clinicA.admin);
      expectError(response, 'BAD_USER_INPUT', 'entries[0].clinicId');
      expect((await listEntries(server, clinicA.admin, list.id)).totalCount).toBe(0);
      // A clinic prices the central's shared services and its own.
      const set = await setEntries(server, clinicA.admin, list.id, [{ serviceId: alfa.id, price: '1' }, { serviceId: clinicService.id, price: '2' }]);
      expect(set.version).toBe(2);
    });

    it('refuses a stale expectedVersion (CONFLICT), other tenants (FORBIDDEN), STAFF (FORBIDDEN), unseen lists (NOT_FOUND)', async () => {
      const list = await createPriceList(server, central);
      const hiddenList = await createPriceList(server, central, { shared: false });
      const before = await state(central, list.id);
      const entries = [{ serviceId: alfa.id, price: '1' }];
      expectError(await server.gql(SET_ENTRIES, { id: list.id, entries, expectedVersion: 5 }, central), 'CONFLICT', 'expectedVersion');
      expectError(await server.gql(SET_ENTRIES, { id: list.id, entries }, clinicA.admin), 'FORBIDDEN');
      expectError(await server.gql(SET_ENTRIES, { id: list.id, entries }, chain.central!.staff), 'FORBIDDEN');
      expectError(await server.gql(REMOVE_ENTRIES, { id: list.id, keys: [{ serviceId: alfa.id }] }, clinicA.admin), 'FORBIDDEN');
      expect(await state(central, list.id)).toEqual(before);
      for (const id of [hiddenList.id, randomUUID(), 'nope']) {
        expectError(await server.gql(SET_ENTRIES, { id, entries }, clinicA.admin), 'NOT_FOUND', 'priceListId');
        expectError(await server.gql(REMOVE_ENTRIES, { id, keys: [{ serviceId: alfa.id }] }, clinicA.admin), 'NOT_FOUND', 'priceListId');
      }
      const other = await server.provisionChain();
      expectError(await server.gql(SET_ENTRIES, { id: list.id, entries }, other.central!.admin), 'NOT_FOUND', 'priceListId');
      expect(await countRows('SELECT count(*) FROM price_list_entries WHERE price_list_id = $1', [hiddenList.id])).toBe(0);
    });
  });

  describe('removePriceListEntries', () => {
    it('removes the keys given (+1 version), all or nothing', async () => {
      const list = await createPriceList(server, central);
      await setEntries(server, central, list.id, [
        { serviceId: alfa.id, price: '1' },
        { serviceId: alfa.id, clinicId: clinicA.id, price: '2' },
        { serviceId: beta.id, price: '3' },
      ]);
      const refusals: [string, string, unknown[]][] = [
        ['BAD_USER_INPUT', 'keys', []],
        ['BAD_USER_INPUT', 'keys[1].serviceId', [{ serviceId: alfa.id }, { serviceId: retired.id }]],
        ['BAD_USER_INPUT', 'keys[1].serviceId', [{ serviceId: alfa.id, clinicId: clinicA.id }, { serviceId: alfa.id, clinicId: clinicB.id }]],
        ['BAD_USER_INPUT', 'keys[2].serviceId', [{ serviceId: alfa.id }, { serviceId: beta.id }, { serviceId: alfa.id, clinicId: null }]],
        ['BAD_USER_INPUT', 'keys[0].clinicId', [{ serviceId: alfa.id, clinicId: chain.central!.id }]],
        ['NOT_FOUND', 'keys[1].serviceId', [{ serviceId: alfa.id }, { serviceId: randomUUID() }]],
        ['BAD_USER_INPUT', 'keys', Array.from({ length: 1001 }, () => ({ serviceId: alfa.id }))],
      ];
      const before = await state(central, list.id);
      for (const [code, field, keys] of refusals) {
        expectError(await server.gql(REMOVE_ENTRIES, { id: list.id, keys }, central), code, field);
        expect(await state(central, list.id)).toEqual(before);
      }
      expectError(await server.gql(REMOVE_ENTRIES, { id: list.id, keys: [{ serviceId: beta.id }], expectedVersion: 1 }, central), 'CONFLICT', 'expectedVersion');
      const removed = (await server.ok(REMOVE_ENTRIES, { id: list.id, keys: [{ serviceId: alfa.id, clinicId: clinicA.id }, { serviceId: beta.id }], expectedVersion: 2 }, central))
        .removePriceListEntries;
      expect(removed.version).toBe(3);
      expect((await listEntries(server, central, list.id)).nodes.map((node) => [node.service.id, node.clinic])).toEqual([[alfa.id, null]]);
    });
  });

  describe('an entry whose service the viewer cannot see is not there for it', () => {
    it('after unsharing and after a change of sharing mode: not listed, counted or used, stays stored, NOT_FOUND as a key', async () => {
      const org = await server.provisionChain({ clinicSharing: 'BETWEEN_CLINICS' });
      const owner = org.central!.admin;
      const [a, b] = org.clinics;
      const clinics = await createService(server, a.admin, { name: uniqueName('Clínica A'), price: '20.00' });
      const list = await createPriceList(server, owner);
      await setEntries(server, owner, list.id, [{ serviceId: clinics.id, price: '15' }, { serviceId: clinics.id, clinicId: b.id, price: '12' }]);
      const effective = async (token: string) => (await server.ok(EFFECTIVE, { service: clinics.id, list: list.id }, token)).service?.effectivePrice;
      expect(await effective(b.staff)).toMatchObject({ amount: '12.00', source: 'LIST_CLINIC' });
      expect((await listEntries(server, owner, list.id)).totalCount).toBe(2);

      // Clinic A unshares its service: the central (the list's owner included) no longer sees its entries.
      await server.ok('mutation($id: ID!) { updateService(id: $id, input: { shared: false }) { id } }', { id: clinics.id }, a.admin);
      expect(await listEntries(server, owner, list.id)).toMatchObject({ nodes: [], totalCount: 0 });
      expect(await listEntries(server, b.staff, list.id)).toMatchObject({ nodes: [], totalCount: 0 });
      expect(await countRows('SELECT count(*) FROM price_list_entries WHERE price_list_id = $1', [list.id])).toBe(2);
      expectError(await server.gql(REMOVE_ENTRIES, { id: list.id, keys: [{ serviceId: clinics.id }] }, owner), 'NOT_FOUND', 'keys[0].serviceId');
      // Clinic A itself still sees its service, and the entry for every clinic prices it.
      expect(await effective(a.staff)).toMatchObject({ amount: '15.00', source: 'LIST' });

      // Shared again, but clinics no longer share with each other: the central still cannot see it.
      await server.ok('mutation($id: ID!) { updateService(id: $id, input: { shared: true }) { id } }', { id: clinics.id }, a.admin);
      expect((await listEntries(server, owner, list.id)).totalCount).toBe(2);
      await server.ok('mutation { updateClinicSharing(mode: CENTRAL_ONLY) { clinicSharing } }', {}, owner);
      expect((await listEntries(server, owner, list.id)).totalCount).toBe(0);
      expect(await effective(b.staff)).toBeUndefined();
      expect(await countRows('SELECT count(*) FROM price_list_entries WHERE price_list_id = $1', [list.id])).toBe(2);
    });
  });

  describe('Service.effectivePrice', () => {
    let list: any;
    beforeAll(async () => {
      list = await createPriceList(server, central, { validFrom: '2026-01-01', validUntil: '2099-12-31' });
      await setEntries(server, central, list.id, [
        { serviceId: alfa.id, price: '80' },
        { serviceId: alfa.id, clinicId: clinicA.id, price: '70' },
      ]);
    });

    it('is the clinic override (LIST_CLINIC), else the entry for every clinic (LIST), else the base price (BASE)', async () => {
      const price = async (token: string, service: string) => (await server.ok(EFFECTIVE, { service, list: list.id }, token)).service.effectivePrice;
      expect(await price(clinicA.staff, alfa.id)).toMatchObject({ amount: '70.00', source: 'LIST_CLINIC', entry: { price: '70.00', clinic: { id: clinicA.id } } });
      expect(await price(clinicB.staff, alfa.id)).toMatchObject({ amount: '80.00', source: 'LIST', entry: { price: '80.00', clinic: null } });
      expect(await price(central, alfa.id)).toMatchObject({ amount: '80.00', source: 'LIST' });
      expect(await price(clinicA.staff, beta.id)).toEqual({ amount: '50.00', source: 'BASE', entry: null });
    });

    it('refuses a list not usable on the date (BAD_USER_INPUT on priceListId) and one the viewer cannot see (NOT_FOUND on priceListId)', async () => {
      const ask = (token: string, variables: Record<string, unknown>) => server.gql(EFFECTIVE, { service: alfa.id, list: list.id, ...variables }, token);
      expectError(await ask(clinicA.staff, { on: '2025-12-31' }), 'BAD_USER_INPUT', 'priceListId');
      expect((await server.ok(EFFECTIVE, { service: alfa.id, list: list.id, on: '2026-01-01' }, clinicA.staff)).service.effectivePrice.amount).toBe('70.00');
      expect((await server.ok(EFFECTIVE, { service: alfa.id, list: list.id, on: '2099-12-31' }, clinicA.staff)).service.effectivePrice.amount).toBe('70.00');
      expectError(await ask(clinicA.staff, { on: '2100-01-01' }), 'BAD_USER_INPUT', 'priceListId');
      const hiddenList = await createPriceList(server, central, { shared: false });
      expectError(await ask(clinicA.staff, { list: hiddenList.id }), 'NOT_FOUND', 'priceListId');
      expectError(await ask(clinicA.staff, { list: 'nope' }), 'NOT_FOUND', 'priceListId');
      const inactive = await createPriceList(server, central);
      await server.ok('mutation($id: ID!) { setPriceListActive(id: $id, active: false) { id } }', { id: inactive.id }, central);
      expectError(await ask(clinicA.staff, { list: inactive.id }), 'BAD_USER_INPUT', 'priceListId');
    });
  });
});
