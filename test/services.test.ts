import { randomUUID } from 'node:crypto';
import { createService, getService, ownedCount, SERVICE_STATE_FIELDS, uniqueName, type ServiceOverrides } from './support/catalog';
import { expectError, TestServer, type Chain } from './support/harness';

const CREATE = `mutation($input: CreateServiceInput!) { createService(input: $input) { ${SERVICE_STATE_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateServiceInput!, $expectedVersion: Int) {
  updateService(id: $id, input: $input, expectedVersion: $expectedVersion) { ${SERVICE_STATE_FIELDS} }
}`;
const SET_ACTIVE = `mutation($id: ID!, $active: Boolean!) { setServiceActive(id: $id, active: $active) { ${SERVICE_STATE_FIELDS} } }`;

describe('services: validation, versions, uniqueness', () => {
  let server: TestServer;
  let chain: Chain;
  /** Creates and edits with refused input; owns nothing else, so its count shows what was created. */
  let admin: string;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    admin = chain.clinics[0].admin;
  });
  afterAll(() => server.stop());

  describe('field limits of api.md', () => {
    const refused: [string, ServiceOverrides, string][] = [
      ['a blank name', { name: '   ' }, 'name'],
      ['a name of 121 characters', { name: 'x'.repeat(121) }, 'name'],
      ['a name holding a NUL character', { name: 'Limpieza\u0000bucal' }, 'name'],
      ['a family of 81 characters', { family: 'f'.repeat(81) }, 'family'],
      ['a code of 33 characters', { code: 'C'.repeat(33) }, 'code'],
      ['a price with three decimals', { price: '10.001' }, 'price'],
      ['a negative price', { price: '-1' }, 'price'],
      ['a price of a million', { price: '1000000.00' }, 'price'],
      ['a tax rate with three decimals', { taxRate: '21.001' }, 'taxRate'],
      ['a negative tax rate', { taxRate: '-0.01' }, 'taxRate'],
      ['a tax rate over 100', { taxRate: '100.01' }, 'taxRate'],
      ['a duration of 0 minutes', { durationMinutes: 0 }, 'durationMinutes'],
      ['a duration over a day', { durationMinutes: 1441 }, 'durationMinutes'],
    ];

    it.each(refused)('refuses %s as BAD_USER_INPUT naming the field, and creates nothing', async (_case, overrides, field) => {
      const before = await ownedCount(server, admin, 'services');
      const response = await server.gql(CREATE, { input: { name: uniqueName('Servicio'), price: '10.00', ...overrides } }, admin);
      expect(expectError(response, 'BAD_USER_INPUT', field)).toMatch(field);
      expect(await ownedCount(server, admin, 'services')).toBe(before);
    });

    it.each(refused)('refuses %s in an update as BAD_USER_INPUT naming the field, and changes nothing', async (_case, overrides, field) => {
      const service = await createService(server, admin);
      const before = await getService(server, admin, service.id);
      const response = await server.gql(UPDATE, { id: service.id, input: overrides }, admin);
      expect(expectError(response, 'BAD_USER_INPUT', field)).toMatch(field);
      expect(await getService(server, admin, service.id)).toEqual(before);
    });

    it('accepts the limits themselves, trims text and writes decimals with two places', async () => {
      const service = await createService(server, admin, {
        name: `  ${'n'.repeat(120)}  `,
        family: 'f'.repeat(80),
        code: 'C'.repeat(32),
        price: '999999.99',
        taxRate: '100',
        durationMinutes: 1440,
      });
      expect(service).toMatchObject({ name: 'n'.repeat(120), family: 'f'.repeat(80), code: 'C'.repeat(32), price: '999999.99', taxRate: '100.00', durationMinutes: 1440 });
      const cheapest = await createService(server, admin, { name: '  Revisión  ', price: '0', taxRate: '0', durationMinutes: 1 });
      expect(cheapest).toMatchObject({ name: 'Revisión', price: '0.00', taxRate: '0.00', durationMinutes: 1 });
      expect(await createService(server, admin, { price: '12.5', taxRate: '21.5' })).toMatchObject({ price: '12.50', taxRate: '21.50' });
    });

    it('counts characters as people do: a name of 120 tooth emoji is 120 characters', async () => {
      expect((await createService(server, admin, { name: '🦷'.repeat(120) })).name).toBe('🦷'.repeat(120));
      const response = await server.gql(CREATE, { input: { name: '🦷'.repeat(121), price: '1.00' } }, admin);
      expectError(response, 'BAD_USER_INPUT', 'name');
    });

    it('clears optional text given blank or null, and keeps what an update leaves out', async () => {
      const service = await createService(server, admin, { code: uniqueName('COD'), family: 'Implantología', durationMinutes: 30, taxRate: '21.00' });
      const renamed = (await server.ok(UPDATE, { id: service.id, input: { name: ' Implante unitario ', family: '  ' } }, admin)).updateService;
      expect(renamed).toMatchObject({ name: 'Implante unitario', family: null, code: service.code, durationMinutes: 30, price: '10.00', taxRate: '21.00' });
      const cleared = (await server.ok(UPDATE, { id: service.id, input: { code: null, durationMinutes: null, name: null } }, admin)).updateService;
      expect(cleared).toMatchObject({ name: 'Implante unitario', code: null, durationMinutes: null });
    });

    it('refuses a Decimal that is not a number as BAD_USER_INPUT naming the field, changing nothing', async () => {
      const before = await ownedCount(server, admin, 'services');
      const response = await server.gql(CREATE, { input: { name: uniqueName('Servicio'), price: 'abc' } }, admin);
      expect(expectError(response, 'BAD_USER_INPUT', 'price')).toMatch(/price must be a number/);
      expect(await ownedCount(server, admin, 'services')).toBe(before);

      const service = await createService(server, admin);
      const taxRate = await server.gql(UPDATE, { id: service.id, input: { taxRate: '21,00' } }, admin);
      expect(expectError(taxRate, 'BAD_USER_INPUT', 'taxRate')).toMatch(/taxRate must be a number/);
      expect(await getService(server, admin, service.id)).toMatchObject({ taxRate: '0.00', version: 1 });

      const notText = await server.gql(CREATE, { input: { name: uniqueName('Servicio'), price: true } }, admin);
      expect(notText.status).toBe(400);
      expect(expectError(notText, 'BAD_USER_INPUT')).toMatch(/Decimal/);
    });
  });

  describe('ids', () => {
    it('answers null for a malformed or unknown id', async () => {
      const data = await server.ok('query($a: ID!, $b: ID!) { a: service(id: $a) { id } b: service(id: $b) { id } }', { a: 'nope', b: randomUUID() }, admin);
      expect(data).toEqual({ a: null, b: null });
    });

    it.each(['nope', '12', ''])('answers mutations on id %j with NOT_FOUND, exactly as for an unknown UUID', async (id) => {
      const answers = (target: string) =>
        Promise.all([server.gql(UPDATE, { id: target, input: { name: 'Nuevo' } }, admin), server.gql(SET_ACTIVE, { id: target, active: false }, admin)]);
      const malformed = await answers(id);
      for (const response of malformed) expectError(response, 'NOT_FOUND');
      expect(malformed.map((response) => response.errors)).toEqual((await answers(randomUUID())).map((response) => response.errors));
    });

    it("answers NOT_FOUND for another clinic's unshared service, FORBIDDEN for one seen but not owned or for STAFF", async () => {
      const hidden = await createService(server, chain.clinics[1].admin, { shared: false });
      expectError(await server.gql(UPDATE, { id: hidden.id, input: { name: 'Mío' } }, admin), 'NOT_FOUND');
      expectError(await server.gql(SET_ACTIVE, { id: hidden.id, active: false }, admin), 'NOT_FOUND');
      const central = await createService(server, chain.central!.admin);
      expectError(await server.gql(UPDATE, { id: central.id, input: { price: '1.00' } }, admin), 'FORBIDDEN');
      expectError(await server.gql(SET_ACTIVE, { id: central.id, active: false }, admin), 'FORBIDDEN');
      const own = await createService(server, admin);
      expectError(await server.gql(UPDATE, { id: own.id, input: { price: '1.00' } }, chain.clinics[0].staff), 'FORBIDDEN');
      expectError(await server.gql(CREATE, { input: { name: 'Por staff', price: '1.00' } }, chain.clinics[0].staff), 'FORBIDDEN');
      expect(await getService(server, chain.central!.admin, central.id)).toMatchObject({ price: '10.00', active: true, version: 1 });
      expect(await getService(server, admin, own.id)).toMatchObject({ price: '10.00', version: 1 });
    });
  });

  describe('versions', () => {
    it('starts at 1, grows with each change, and refuses a stale expectedVersion with CONFLICT changing nothing', async () => {
      const service = await createService(server, admin);
      expect(service.version).toBe(1);
      const second = (await server.ok(UPDATE, { id: service.id, input: { price: '20.00' }, expectedVersion: 1 }, admin)).updateService;
      expect(second).toMatchObject({ price: '20.00', version: 2 });

      const stale = await server.gql(UPDATE, { id: service.id, input: { price: '30.00' }, expectedVersion: 1 }, admin);
      expect(expectError(stale, 'CONFLICT')).toMatch(/version 2/);
      expect(await getService(server, admin, service.id)).toEqual(second);

      const third = (await server.ok(UPDATE, { id: service.id, input: { price: '30.00' } }, admin)).updateService;
      expect(third).toMatchObject({ price: '30.00', version: 3 });
    });

    it('lets one of five concurrent edits expecting the same version win; the others get CONFLICT', async () => {
      const service = await createService(server, admin);
      const prices = ['11.00', '12.00', '13.00', '14.00', '15.00'];
      const responses = await Promise.all(prices.map((price) => server.gql(UPDATE, { id: service.id, input: { price }, expectedVersion: 1 }, admin)));
      const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
      expect([...codes].sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
      const winner = prices[codes.indexOf('OK')];
      expect(await getService(server, admin, service.id)).toMatchObject({ price: winner, version: 2 });
    });

    it('deactivates and reactivates: active, deactivatedAt and version; the same state again changes nothing', async () => {
      const service = await getService(server, admin, (await createService(server, admin)).id);
      expect(service).toMatchObject({ active: true, deactivatedAt: null, version: 1 });
      const off = (await server.ok(SET_ACTIVE, { id: service.id, active: false }, admin)).setServiceActive;
      expect(off).toMatchObject({ active: false, version: 2, deactivatedAt: expect.any(String) });
      const again = (await server.ok(SET_ACTIVE, { id: service.id, active: false }, admin)).setServiceActive;
      expect(again).toEqual(off);
      const edited = (await server.ok(UPDATE, { id: service.id, input: { name: 'Sigue de baja' } }, admin)).updateService;
      expect(edited).toMatchObject({ active: false, deactivatedAt: off.deactivatedAt, version: 3 });
      const on = (await server.ok(SET_ACTIVE, { id: service.id, active: true }, admin)).setServiceActive;
      expect(on).toMatchObject({ active: true, deactivatedAt: null, version: 4 });
      expect((await server.ok(SET_ACTIVE, { id: service.id, active: true }, admin)).setServiceActive).toEqual(on);
    });
  });

  describe('codes are unique per owner tenant, case- and accent-insensitively', () => {
    it('refuses a taken code with CONFLICT naming code, but lets another tenant use it', async () => {
      const code = uniqueName('IMPL');
      await createService(server, admin, { code });
      const before = await ownedCount(server, admin, 'services');
      const taken = await server.gql(CREATE, { input: { name: 'Implante bis', price: '1.00', code: code.toLowerCase().replace('i', 'í') } }, admin);
      expectError(taken, 'CONFLICT', 'code');
      expect(await ownedCount(server, admin, 'services')).toBe(before);
      expect((await createService(server, chain.clinics[1].admin, { code })).code).toBe(code);
      expect((await createService(server, chain.central!.admin, { code })).code).toBe(code);
    });

    it('lets any number of services have no code (blank is no code)', async () => {
      const services = [await createService(server, admin, { code: null }), await createService(server, admin, { code: '  ' })];
      expect(services.map((service) => service.code)).toEqual([null, null]);
    });

    it('refuses changing a code into a taken one with CONFLICT, changing nothing', async () => {
      const code = uniqueName('CORONA');
      await createService(server, admin, { code });
      const other = await createService(server, admin, { code: uniqueName('OTRO') });
      const before = await getService(server, admin, other.id);
      expectError(await server.gql(UPDATE, { id: other.id, input: { code: code.toUpperCase(), price: '99.00' } }, admin), 'CONFLICT', 'code');
      expect(await getService(server, admin, other.id)).toEqual(before);
    });

    it('lets one of eight concurrent creations with the same code win; the others get CONFLICT, none an internal error', async () => {
      const code = uniqueName('CARRERA');
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, index) => server.gql(CREATE, { input: { name: `Carrera ${index}`, price: '1.00', code } }, chain.clinics[1].admin)),
      );
      const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
      const found = await server.ok('query($s: String!) { services(filter: { search: $s }) { totalCount } }', { s: code }, chain.clinics[1].admin);
      expect(found.services.totalCount).toBe(1);
    });

    it('lets one of eight concurrent code changes to the same code win', async () => {
      const token = chain.clinics[1].admin;
      const services = await Promise.all(Array.from({ length: 8 }, () => createService(server, token)));
      const code = uniqueName('RENOMBRE');
      const responses = await Promise.all(services.map((service) => server.gql(UPDATE, { id: service.id, input: { code } }, token)));
      const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
      expect([...codes].sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
      const after = await Promise.all(services.map((service) => getService(server, token, service.id)));
      expect(after.map((service) => service.code === code)).toEqual(codes.map((outcome) => outcome === 'OK'));
      expect(after.map((service) => service.version)).toEqual(codes.map((outcome) => (outcome === 'OK' ? 2 : 1)));
    });
  });
});
