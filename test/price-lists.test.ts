import { randomUUID } from 'node:crypto';
import { uniqueName } from './support/catalog';
import { countRows } from './support/db';
import { expectError, TestServer, type Chain } from './support/harness';
import { addDays, createPriceList, getPriceList, PRICE_LIST_FIELDS, todayIn } from './support/price-lists';

const CREATE = `mutation($input: CreatePriceListInput!) { createPriceList(input: $input) { ${PRICE_LIST_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdatePriceListInput!, $expectedVersion: Int) {
  updatePriceList(id: $id, input: $input, expectedVersion: $expectedVersion) { ${PRICE_LIST_FIELDS} }
}`;
const SET_ACTIVE = `mutation($id: ID!, $active: Boolean!) { setPriceListActive(id: $id, active: $active) { ${PRICE_LIST_FIELDS} } }`;
const LISTS = `query($filter: PriceListFilter, $first: Int, $after: String) {
  priceLists(filter: $filter, first: $first, after: $after) {
    nodes { id name origin } totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
const PROVISION = 'mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { id timeZone } }';

async function ownedLists(server: TestServer, token: string): Promise<number> {
  return (await server.ok(LISTS, { filter: { origin: ['OWN'] } }, token)).priceLists.totalCount;
}

async function listNames(server: TestServer, token: string, filter: Record<string, unknown> = {}): Promise<string[]> {
  return (await server.ok(LISTS, { filter, first: 100 }, token)).priceLists.nodes.map((node: { name: string }) => node.name);
}

describe('price lists: time zones, create, update, deactivate, visibility, lists', () => {
  let server: TestServer;
  let chain: Chain;
  let central: string;
  let clinic: string;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    central = chain.central!.admin;
    clinic = chain.clinics[0].admin;
  });
  afterAll(() => server.stop());

  describe('the organization time zone', () => {
    it('defaults to Europe/Madrid and keeps a zone given at provisioning', async () => {
      const platform = await server.platformToken();
      const plain = await server.ok(PROVISION, { input: { name: uniqueName('Org'), clinicNames: ['Única'] } }, platform);
      expect(plain.provisionOrganization.timeZone).toBe('Europe/Madrid');
      const bogota = await server.ok(PROVISION, { input: { name: uniqueName('Org'), clinicNames: ['Única'], timeZone: 'America/Bogota' } }, platform);
      expect(bogota.provisionOrganization.timeZone).toBe('America/Bogota');
      expect((await server.ok('{ organization { timeZone } }', {}, chain.clinics[0].staff)).organization.timeZone).toBe('Europe/Madrid');
    });

    it.each(['Mars/Olympus', '', '+01:00', 'Europe/Madri'])('refuses the unknown zone %j (BAD_USER_INPUT on timeZone) and creates nothing', async (zone) => {
      const name = uniqueName('Org');
      const response = await server.gql(PROVISION, { input: { name, clinicNames: ['Única'], timeZone: zone } }, await server.platformToken());
      expectError(response, 'BAD_USER_INPUT', 'timeZone');
      expect(await countRows('SELECT count(*) FROM organizations WHERE name = $1', [name])).toBe(0);
    });

    it("decides `usable` by today in the organization's zone, on both sides of UTC", async () => {
      // UTC+14 and UTC-11 are 25 hours apart: their todays always differ.
      const east = await server.provisionChain({ timeZone: 'Pacific/Kiritimati' });
      const west = await server.provisionChain({ timeZone: 'Pacific/Pago_Pago' });
      const eastToday = todayIn('Pacific/Kiritimati');
      const westToday = todayIn('Pacific/Pago_Pago');
      expect(eastToday > westToday).toBe(true);
      const startsEastToday = { validFrom: eastToday };
      const eastList = await createPriceList(server, east.central!.admin, startsEastToday);
      const westList = await createPriceList(server, west.central!.admin, startsEastToday);
      const endsWestToday = await createPriceList(server, west.central!.admin, { validUntil: westToday });
      const usable = async (token: string, id: string, on?: string) =>
        (await server.ok('query($id: ID!, $on: Date) { priceList(id: $id) { usable(on: $on) } }', { id, on }, token)).priceList.usable;
      expect(await usable(east.clinics[0].staff, eastList.id)).toBe(true);
      expect(await usable(west.clinics[0].staff, westList.id)).toBe(false);
      expect(await usable(west.clinics[0].staff, endsWestToday.id)).toBe(true);
      expect(await usable(west.clinics[0].staff, endsWestToday.id, addDays(westToday, 1))).toBe(false);
      expect(await usable(west.clinics[0].staff, westList.id, eastToday)).toBe(true);
      // The lists filter agrees.
      const usableToday = (token: string, on: string) => listNames(server, token, { usableOn: on });
      expect(await usableToday(west.central!.admin, westToday)).toEqual([endsWestToday.name]);
      expect(await usableToday(west.central!.admin, eastToday)).toEqual([westList.name].sort());
    });
  });

  describe('create', () => {
    it('creates a general list with defaults, owned by the viewer, version 1', async () => {
      const list = await createPriceList(server, central, { name: '  Tarifa General 2027  ' });
      expect(list).toMatchObject({
        name: 'Tarifa General 2027',
        kind: 'GENERAL',
        partnerName: null,
        partnerTaxId: null,
        validFrom: null,
        validUntil: null,
        active: true,
        shared: true,
        origin: 'OWN',
        viewerCanEdit: true,
        version: 1,
        owner: { id: chain.central!.id },
        deactivatedAt: null,
      });
    });

    it('creates an insurer list with partner and dates', async () => {
      const list = await createPriceList(server, clinic, {
        kind: 'INSURER',
        partnerName: 'Mutua Dental Ejemplo',
        partnerTaxId: 'G-12345678',
        validFrom: '2027-01-01',
        validUntil: '2027-12-31',
        shared: false,
      });
      expect(list).toMatchObject({
        kind: 'INSURER',
        partnerName: 'Mutua Dental Ejemplo',
        partnerTaxId: 'G-12345678',
        validFrom: '2027-01-01',
        validUntil: '2027-12-31',
        shared: false,
      });
    });

    it('allows a single-day list (validFrom = validUntil) and a partner on a general list', async () => {
      const list = await createPriceList(server, clinic, { validFrom: '2027-03-01', validUntil: '2027-03-01', partnerName: 'Colegio' });
      expect(list).toMatchObject({ validFrom: '2027-03-01', validUntil: '2027-03-01', partnerName: 'Colegio' });
    });

    const refused: [string, string, Record<string, unknown>][] = [
      ['a blank name', 'name', { name: '  ' }],
      ['a name of 121 characters', 'name', { name: 'n'.repeat(121) }],
      ['an insurer list without partner', 'partnerName', { kind: 'INSURER' }],
      ['an agreement list with a blank partner', 'partnerName', { kind: 'AGREEMENT', partnerName: '   ' }],
      ['a partner name of 121 characters', 'partnerName', { kind: 'INSURER', partnerName: 'p'.repeat(121) }],
      ['a partner tax id of 21 characters', 'partnerTaxId', { partnerTaxId: 'B'.repeat(21) }],
      ['validFrom after validUntil', 'validUntil', { validFrom: '2027-02-01', validUntil: '2027-01-31' }],
    ];

    it.each(refused)('refuses %s (BAD_USER_INPUT on %s) and creates nothing', async (_case, field, input) => {
      const before = await ownedLists(server, clinic);
      expectError(await server.gql(CREATE, { input: { name: uniqueName('Tarifa'), ...input } }, clinic), 'BAD_USER_INPUT', field);
      expect(await ownedLists(server, clinic)).toBe(before);
    });

    it('refuses a date that is not a calendar day before anything runs', async () => {
      const response = await server.gql(CREATE, { input: { name: uniqueName('Tarifa'), validFrom: '2027-02-29' } }, clinic);
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('refuses STAFF and platform administrators (FORBIDDEN)', async () => {
      const before = await ownedLists(server, clinic);
      expectError(await server.gql(CREATE, { input: { name: uniqueName('Tarifa') } }, chain.clinics[0].staff), 'FORBIDDEN');
      expectError(await server.gql(CREATE, { input: { name: uniqueName('Tarifa') } }, await server.platformToken()), 'FORBIDDEN');
      expect(await ownedLists(server, clinic)).toBe(before);
    });

    it('keeps names unique per owner, ignoring case and accents but not ñ (CONFLICT on name)', async () => {
      const base = uniqueName('Tarifa Año');
      await createPriceList(server, clinic, { name: base });
      await createPriceList(server, clinic, { name: base.replace('Año', 'Ano') });
      const before = await ownedLists(server, clinic);
      expectError(await server.gql(CREATE, { input: { name: base.toUpperCase() } }, clinic), 'CONFLICT', 'name');
      expectError(await server.gql(CREATE, { input: { name: base.replace('Tarifa', 'Tárifa') } }, clinic), 'CONFLICT', 'name');
      expect(await ownedLists(server, clinic)).toBe(before);
      // Another tenant may use the name.
      await createPriceList(server, chain.clinics[1].admin, { name: base });
    });
  });

  describe('update', () => {
    it('keeps absent fields, clears optional ones given null, adds 1 to the version', async () => {
      const list = await createPriceList(server, clinic, { kind: 'AGREEMENT', partnerName: 'Empresa', partnerTaxId: 'B1', validFrom: '2027-01-01' });
      const updated = (await server.ok(UPDATE, { id: list.id, input: { partnerTaxId: null, validFrom: null, name: 'Convenio Renombrado ' + list.id } }, clinic))
        .updatePriceList;
      expect(updated).toMatchObject({ kind: 'AGREEMENT', partnerName: 'Empresa', partnerTaxId: null, validFrom: null, version: 2 });
      expect(updated.name).toBe(`Convenio Renombrado ${list.id}`);
    });

    it('changes nothing and keeps the version for a call that changes nothing', async () => {
      const list = await createPriceList(server, clinic, { partnerName: 'X', validUntil: '2027-06-30' });
      const same = (await server.ok(UPDATE, { id: list.id, input: { name: ` ${list.name} `, partnerName: 'X', validUntil: '2027-06-30', shared: true } }, clinic))
        .updatePriceList;
      expect(same).toEqual(list);
    });

    const refused: [string, string, string | undefined, (list: any) => Record<string, unknown>][] = [
      ['kind INSURER with no stored partner', 'BAD_USER_INPUT', 'partnerName', () => ({ input: { kind: 'INSURER' } })],
      ['validUntil before the stored validFrom', 'BAD_USER_INPUT', 'validUntil', () => ({ input: { validUntil: '2026-12-31' } })],
      ['a blank name', 'BAD_USER_INPUT', 'name', () => ({ input: { name: ' ' } })],
      ['a stale expectedVersion', 'CONFLICT', 'expectedVersion', () => ({ input: { name: uniqueName('Otra') }, expectedVersion: 7 })],
    ];

    it.each(refused)('refuses %s (%s on %s) and changes nothing', async (_case, code, field, variables) => {
      const list = await createPriceList(server, clinic, { validFrom: '2027-01-01' });
      expectError(await server.gql(UPDATE, { id: list.id, ...variables(list) }, clinic), code, field);
      expect(await getPriceList(server, clinic, list.id)).toEqual(list);
    });

    it('refuses a name already taken by another list of the owner (CONFLICT)', async () => {
      const taken = await createPriceList(server, clinic);
      const list = await createPriceList(server, clinic);
      expectError(await server.gql(UPDATE, { id: list.id, input: { name: taken.name.toLowerCase() } }, clinic), 'CONFLICT', 'name');
      expect(await getPriceList(server, clinic, list.id)).toEqual(list);
    });

    it('accepts the right expectedVersion', async () => {
      const list = await createPriceList(server, clinic);
      const updated = (await server.ok(UPDATE, { id: list.id, input: { shared: false }, expectedVersion: 1 }, clinic)).updatePriceList;
      expect(updated).toMatchObject({ shared: false, version: 2 });
    });
  });

  describe('deactivate and reactivate', () => {
    it('adds 1 to the version per change, none when already in that state', async () => {
      const list = await createPriceList(server, central);
      const off = (await server.ok(SET_ACTIVE, { id: list.id, active: false }, central)).setPriceListActive;
      expect(off).toMatchObject({ active: false, version: 2, deactivatedAt: expect.any(String) });
      const again = (await server.ok(SET_ACTIVE, { id: list.id, active: false }, central)).setPriceListActive;
      expect(again).toEqual(off);
      const on = (await server.ok(SET_ACTIVE, { id: list.id, active: true }, central)).setPriceListActive;
      expect(on).toMatchObject({ active: true, version: 3, deactivatedAt: null });
      expect(await listNames(server, central, { status: 'INACTIVE', search: list.name })).toEqual([]);
    });
  });

  describe('who may change a list (visibility before permission)', () => {
    it('answers FORBIDDEN to tenants that see the list but do not own it, and to STAFF of the owner; nothing changes', async () => {
      const list = await createPriceList(server, central);
      for (const token of [clinic, chain.clinics[1].admin, chain.central!.staff]) {
        expectError(await server.gql(UPDATE, { id: list.id, input: { name: uniqueName('x') } }, token), 'FORBIDDEN');
        expectError(await server.gql(SET_ACTIVE, { id: list.id, active: false }, token), 'FORBIDDEN');
      }
      expect(await getPriceList(server, central, list.id)).toEqual(list);
      expect((await getPriceList(server, clinic, list.id)).viewerCanEdit).toBe(false);
    });

    it('answers NOT_FOUND for a list the viewer cannot see, unknown or malformed ids, and another organization', async () => {
      const hidden = await createPriceList(server, central, { shared: false });
      const other = await server.provisionChain();
      for (const id of [hidden.id, randomUUID(), 'nope']) {
        expectError(await server.gql(UPDATE, { id, input: { name: uniqueName('x') }, expectedVersion: 99 }, clinic), 'NOT_FOUND');
        expectError(await server.gql(SET_ACTIVE, { id, active: false }, chain.clinics[0].staff), 'NOT_FOUND');
      }
      expectError(await server.gql(UPDATE, { id: hidden.id, input: {} }, other.central!.admin), 'NOT_FOUND');
      expect(await getPriceList(server, clinic, hidden.id, 'id')).toBeNull();
      expect(await getPriceList(server, other.central!.admin, hidden.id, 'id')).toBeNull();
      expect(await getPriceList(server, central, hidden.id)).toEqual(hidden);
    });
  });

  describe('visibility follows the services and packages table', () => {
    it.each(['CENTRAL_ONLY', 'BETWEEN_CLINICS'] as const)('under %s', async (clinicSharing) => {
      const org = await server.provisionChain({ clinicSharing });
      const [a, b] = org.clinics;
      const lists = {
        centralShared: await createPriceList(server, org.central!.admin),
        centralPrivate: await createPriceList(server, org.central!.admin, { shared: false }),
        clinicShared: await createPriceList(server, a.admin),
        clinicPrivate: await createPriceList(server, a.admin, { shared: false }),
      };
      const between = clinicSharing === 'BETWEEN_CLINICS';
      const expected: Record<string, Record<keyof typeof lists, string | null>> = {
        central: { centralShared: 'OWN', centralPrivate: 'OWN', clinicShared: between ? 'OTHER_CLINIC' : null, clinicPrivate: null },
        a: { centralShared: 'CENTRAL', centralPrivate: null, clinicShared: 'OWN', clinicPrivate: 'OWN' },
        b: { centralShared: 'CENTRAL', centralPrivate: null, clinicShared: between ? 'OTHER_CLINIC' : null, clinicPrivate: null },
      };
      const tokens = { central: org.central!.staff, a: a.staff, b: b.staff };
      for (const [viewer, token] of Object.entries(tokens)) {
        const seen = await server.ok(LISTS, { first: 100 }, token);
        const origins = Object.fromEntries(seen.priceLists.nodes.map((node: any) => [node.id, node.origin]));
        for (const [key, list] of Object.entries(lists)) {
          expect([viewer, key, origins[list.id] ?? null]).toEqual([viewer, key, expected[viewer][key as keyof typeof lists]]);
          const single = await getPriceList(server, token, list.id, 'origin');
          expect([viewer, key, single?.origin ?? null]).toEqual([viewer, key, expected[viewer][key as keyof typeof lists]]);
        }
        expect(seen.priceLists.totalCount).toBe(Object.values(expected[viewer]).filter((origin) => origin !== null).length);
      }
    });
  });

  describe('priceLists: filters, order and keyset pages', () => {
    let org: Chain;
    beforeAll(async () => {
      org = await server.provisionChain();
      const admin = org.central!.admin;
      await createPriceList(server, admin, { name: 'Tarifa General' });
      await createPriceList(server, admin, { name: 'Adeslas Dental', kind: 'INSURER', partnerName: 'SegurCaixa Adeslas' });
      await createPriceList(server, admin, { name: 'Convenio Ñandú', kind: 'AGREEMENT', partnerName: 'Ñandú S.L.', validUntil: '2020-12-31' });
      await createPriceList(server, admin, { name: 'Sanitas Mayores', kind: 'INSURER', partnerName: 'Sanitas', validFrom: '2099-01-01' });
      const inactive = await createPriceList(server, admin, { name: 'Antigua' });
      await server.ok(SET_ACTIVE, { id: inactive.id, active: false }, admin);
      await createPriceList(server, org.clinics[0].admin, { name: 'Nueva Clínica' });
    });

    it('sorts by name as services do (ñ after n) and filters', async () => {
      const token = org.clinics[0].staff;
      expect(await listNames(server, token)).toEqual(['Adeslas Dental', 'Antigua', 'Convenio Ñandú', 'Nueva Clínica', 'Sanitas Mayores', 'Tarifa General']);
      expect(await listNames(server, token, { search: 'ADESLAS' })).toEqual(['Adeslas Dental']);
      expect(await listNames(server, token, { search: 'nandu' })).toEqual(['Convenio Ñandú']);
      expect(await listNames(server, token, { search: 'segurcaixa' })).toEqual(['Adeslas Dental']);
      expect(await listNames(server, token, { status: 'INACTIVE' })).toEqual(['Antigua']);
      expect(await listNames(server, token, { kind: ['INSURER'] })).toEqual(['Adeslas Dental', 'Sanitas Mayores']);
      expect(await listNames(server, token, { origin: ['OWN'] })).toEqual(['Nueva Clínica']);
      expect(await listNames(server, token, { usableOn: '2027-05-01' })).toEqual(['Adeslas Dental', 'Nueva Clínica', 'Tarifa General']);
      expect(await listNames(server, token, { usableOn: '2020-12-31', kind: ['AGREEMENT'] })).toEqual(['Convenio Ñandú']);
    });

    it('pages with cursors: every list once, totalCount of all matches', async () => {
      const token = org.clinics[0].staff;
      const names: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = (await server.ok(LISTS, { first: 4, after }, token)).priceLists;
        expect(page.totalCount).toBe(6);
        names.push(...page.nodes.map((node: any) => node.name));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(names).toEqual(await listNames(server, token));
      expectError(await server.gql(LISTS, { first: 101 }, token), 'BAD_USER_INPUT', 'first');
      expectError(await server.gql(LISTS, { after: 'bogus' }, token), 'BAD_USER_INPUT', 'after');
      expectError(await server.gql(LISTS, { filter: { search: 's'.repeat(101) } }, token), 'BAD_USER_INPUT', 'search');
    });
  });

  it('is a federation entity: _entities resolves price lists with the viewer\'s visibility, null for the others', async () => {
    const shared = await createPriceList(server, central);
    const hidden = await createPriceList(server, central, { shared: false });
    const other = await server.provisionChain();
    const elsewhere = await createPriceList(server, other.central!.admin);
    const representations = [shared, hidden, elsewhere, { id: randomUUID() }, { id: 'x' }].map((list) => ({ __typename: 'PriceList', id: list.id }));
    const response = await server.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on PriceList { id name origin } } }',
      { r: representations },
      chain.clinics[0].staff,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data._entities).toEqual([{ id: shared.id, name: shared.name, origin: 'CENTRAL' }, null, null, null, null]);
  });
});
