import { createPackage, createService, getPackageState, ownedCount, uniqueName } from './support/catalog';
import { countRows } from './support/db';
import { expectError, TestServer, type Chain } from './support/harness';

/**
 * Text (api.md "Errors and limits"): it must be valid Unicode (a lone surrogate is BAD_USER_INPUT
 * naming the field, never silently replaced by U+FFFD), it is stored in NFC (composed and
 * decomposed accents are the same name), and it holds no control characters (descriptions may
 * hold line breaks and tabs). One rule for every text input; refused input changes nothing.
 */

const CREATE_PACKAGE = 'mutation($input: CreatePackageInput!) { createPackage(input: $input) { id name description } }';
const UPDATE_PACKAGE = 'mutation($id: ID!, $input: UpdatePackageInput!) { updatePackage(id: $id, input: $input) { id name description } }';
const CREATE_SERVICE = 'mutation($input: CreateServiceInput!) { createService(input: $input) { id name code family taxExemption } }';
const CREATE_PRICE_LIST = 'mutation($input: CreatePriceListInput!) { createPriceList(input: $input) { id name partnerName } }';
const CREATE_WEBHOOK = 'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id description } } }';

/** Lone surrogates as a hostile client sends them (JSON escapes): high, low, and a pair in the wrong order. */
const LONE_SURROGATES = [
  ['a lone high surrogate', 'Revisi\uD800n'],
  ['a lone low surrogate', 'Revisi\uDC00n'],
  ['a pair in the wrong order', 'Revisi\uDC00\uD800n'],
  ['a lone surrogate at the end', 'Revisión\uDBFF'],
];

/** Control characters no one-line text may hold. */
const CONTROLS = [
  ['a line feed', 'Revisión\n=cmd|\' /C calc\'!A0'],
  ['a lone carriage return', 'Revisión\r=1+1'],
  ['a tab', 'Revisión\ttrimestral'],
  ['a bell', 'Revisión\u0007'],
  ['DEL', 'Revisi\u007Fón'],
  ['a C1 control (NEL)', 'Revisión\u0085trimestral'],
  ['a line separator', 'Revisión\u2028trimestral'],
  ['an escape sequence', '\u001B[31mRevisión'],
];

describe('text input', () => {
  let server: TestServer;
  let chain: Chain;
  let admin: string;
  let platform: string;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 1 });
    admin = chain.clinics[0].admin;
    platform = await server.platformToken();
  });
  afterAll(() => server.stop());

  const storedPackages = () => countRows('SELECT count(*) FROM packages WHERE owner_tenant_id = $1', [chain.clinics[0].id]);
  const storedServices = () => countRows('SELECT count(*) FROM services WHERE owner_tenant_id = $1', [chain.clinics[0].id]);
  /** Nothing of this test's organization holds U+FFFD, the replacement a lone surrogate used to become. */
  const replacementCharacters = () =>
    countRows(
      `SELECT (SELECT count(*) FROM packages WHERE organization_id = $1 AND strpos(name || coalesce(description, ''), U&'\\FFFD') > 0)
            + (SELECT count(*) FROM services WHERE organization_id = $1 AND strpos(name || coalesce(code, '') || coalesce(family, ''), U&'\\FFFD') > 0)
            + (SELECT count(*) FROM price_lists WHERE organization_id = $1 AND strpos(name, U&'\\FFFD') > 0)
            + (SELECT count(*) FROM tenants WHERE organization_id = $1 AND strpos(name, U&'\\FFFD') > 0) AS count`,
      [chain.organization.id],
    );

  describe('a lone surrogate is BAD_USER_INPUT naming the field, and nothing is stored', () => {
    it.each(LONE_SURROGATES)('in a package name: %s', async (_label, name) => {
      const before = await storedPackages();
      const message = expectError(await server.gql(CREATE_PACKAGE, { input: { name } }, admin), 'BAD_USER_INPUT', 'name');
      expect(message).toMatch(/name .*not valid Unicode.*surrogate/);
      expect(await storedPackages()).toBe(before);
    });

    it('two names that differ only in their lone surrogate are both refused (they used to conflict)', async () => {
      const base = uniqueName('Paquete');
      expectError(await server.gql(CREATE_PACKAGE, { input: { name: `${base}\uD800` } }, admin), 'BAD_USER_INPUT', 'name');
      expectError(await server.gql(CREATE_PACKAGE, { input: { name: `${base}\uD801` } }, admin), 'BAD_USER_INPUT', 'name');
      expect(await replacementCharacters()).toBe(0);
    });

    it.each([
      ['description', { name: uniqueName('Paquete'), description: 'Incluye\uD83D revisión' }],
    ])('in a package %s', async (field, input) => {
      const before = await storedPackages();
      expectError(await server.gql(CREATE_PACKAGE, { input }, admin), 'BAD_USER_INPUT', field);
      expect(await storedPackages()).toBe(before);
    });

    it.each([
      ['name', { name: 'Limpieza\uDE00', price: '10.00' }],
      ['code', { name: uniqueName('Servicio'), code: 'IMP\uD800', price: '10.00' }],
      ['family', { name: uniqueName('Servicio'), family: 'Implanto\uDC00logía', price: '10.00' }],
      ['taxExemption', { name: uniqueName('Servicio'), price: '10.00', taxRate: '0.00', taxExemption: 'Exento art. 20\uD800' }],
    ])('in a service %s', async (field, input) => {
      const before = await storedServices();
      expectError(await server.gql(CREATE_SERVICE, { input }, admin), 'BAD_USER_INPUT', field);
      expect(await storedServices()).toBe(before);
    });

    it.each([
      ['name', { name: 'Tarifa\uD800' }],
      ['partnerName', { name: uniqueName('Tarifa'), kind: 'INSURER', partnerName: 'Sanitas\uDC00' }],
    ])('in a price list %s', async (field, input) => {
      const before = await countRows('SELECT count(*) FROM price_lists WHERE owner_tenant_id = $1', [chain.clinics[0].id]);
      expectError(await server.gql(CREATE_PRICE_LIST, { input }, admin), 'BAD_USER_INPUT', field);
      expect(await countRows('SELECT count(*) FROM price_lists WHERE owner_tenant_id = $1', [chain.clinics[0].id])).toBe(before);
    });

    it.each([
      ['packages', '{ packages(filter: { search: $search }) { totalCount } }'],
      ['services', '{ services(filter: { search: $search }) { totalCount } }'],
      ['priceLists', '{ priceLists(filter: { search: $search }) { totalCount } }'],
    ])('in a %s search term', async (_list, selection) => {
      const query = `query($search: String) ${selection}`;
      expectError(await server.gql(query, { search: 'implante\uD800' }, admin), 'BAD_USER_INPUT', 'search');
    });

    it.each([
      ['description', { url: 'http://127.0.0.1:9/hooks', description: 'Avisos\uD800' }],
      ['url', { url: 'http://127.0.0.1:9/hooks/\uD800' }],
      ['url', { url: 'http://127.0.0.1:9/ho\noks' }],
    ])('in a webhook %s', async (field, input) => {
      const before = await countRows('SELECT count(*) FROM webhooks WHERE tenant_id = $1', [chain.clinics[0].id]);
      expectError(await server.gql(CREATE_WEBHOOK, { input }, admin), 'BAD_USER_INPUT', field);
      expect(await countRows('SELECT count(*) FROM webhooks WHERE tenant_id = $1', [chain.clinics[0].id])).toBe(before);
    });

    it('in an organization or clinic name', async () => {
      const prefix = uniqueName('Cadena');
      const name = `${prefix}\uD800`;
      expectError(
        await server.gql('mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { id } }', { input: { name, clinicNames: ['Una'] } }, platform),
        'BAD_USER_INPUT',
        'name',
      );
      expectError(
        await server.gql(
          'mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { id } }',
          { input: { name: `${prefix} bis`, clinicNames: ['Una', 'Dos\uDC00'] } },
          platform,
        ),
        'BAD_USER_INPUT',
        'clinicNames[1]',
      );
      expect(await countRows('SELECT count(*) FROM organizations WHERE name LIKE $1', [`${prefix}%`])).toBe(0);
      expectError(
        await server.gql('mutation($id: ID!, $name: String!) { addClinic(organizationId: $id, name: $name) { id } }', { id: chain.organization.id, name: 'Clínica\uD800' }, platform),
        'BAD_USER_INPUT',
        'name',
      );
      expect(await replacementCharacters()).toBe(0);
    });

    it('when renaming a package, which stays as it was', async () => {
      const pkg = await createPackage(server, admin);
      const before = await getPackageState(server, admin, pkg.id);
      expectError(await server.gql(UPDATE_PACKAGE, { id: pkg.id, input: { name: 'Renombrado\uD800' } }, admin), 'BAD_USER_INPUT', 'name');
      expect(await getPackageState(server, admin, pkg.id)).toEqual(before);
    });
  });

  describe('text is stored in NFC', () => {
    it('a decomposed name is stored composed, and is then the same name as the composed one', async () => {
      const base = uniqueName('Revisión');
      const decomposed = base.normalize('NFD');
      expect(decomposed).not.toBe(base);
      const created = (await server.ok(CREATE_PACKAGE, { input: { name: decomposed, description: 'Limpieza y revisión'.normalize('NFD') } }, admin)).createPackage;
      expect(created.name).toBe(base);
      expect(created.description).toBe('Limpieza y revisión');
      const [stored] = await storedNames(created.id);
      expect(stored).toBe(base);
      expectError(await server.gql(CREATE_PACKAGE, { input: { name: base } }, admin), 'CONFLICT', 'name');
    });

    it('service codes and families likewise', async () => {
      const code = `Ñ${Date.now() % 100000}`;
      const service = (await server.ok(CREATE_SERVICE, { input: { name: uniqueName('Servicio'), code: code.normalize('NFD'), family: 'Ortodoncia pediátrica'.normalize('NFD'), price: '1.00' } }, admin)).createService;
      expect(service.code).toBe(code);
      expect(service.family).toBe('Ortodoncia pediátrica');
      expectError(await server.gql(CREATE_SERVICE, { input: { name: uniqueName('Servicio'), code, price: '1.00' } }, admin), 'CONFLICT', 'code');
    });

    it('a decomposed search term finds composed names', async () => {
      const name = uniqueName('Implantología');
      await createService(server, admin, { name });
      const found = await server.ok('query($search: String) { services(filter: { search: $search }) { nodes { name } } }', { search: name.normalize('NFD') }, admin);
      expect(found.services.nodes.map((node: any) => node.name)).toEqual([name]);
    });

    const storedNames = async (id: string) => {
      const { withDatabase } = await import('./support/db');
      return withDatabase(async (client) => {
        await client.query('BEGIN');
        await client.query("SELECT set_config('app.platform', 'on', true), set_config('app.organization_id', $1, true)", [chain.organization.id]);
        const { rows } = await client.query<{ name: string }>('SELECT name FROM packages WHERE id = $1', [id]);
        await client.query('ROLLBACK');
        return rows.map((row) => row.name);
      });
    };
  });

  describe('control characters', () => {
    it.each(CONTROLS)('in a package name: %s is BAD_USER_INPUT naming the field, nothing stored', async (_label, name) => {
      const before = await storedPackages();
      const message = expectError(await server.gql(CREATE_PACKAGE, { input: { name } }, admin), 'BAD_USER_INPUT', 'name');
      expect(message).toMatch(/name must not contain control characters/);
      expect(await storedPackages()).toBe(before);
    });

    it.each(CONTROLS)('in a service name or code: %s', async (_label, text) => {
      const before = await storedServices();
      expectError(await server.gql(CREATE_SERVICE, { input: { name: text, price: '1.00' } }, admin), 'BAD_USER_INPUT', 'name');
      expectError(await server.gql(CREATE_SERVICE, { input: { name: uniqueName('Servicio'), code: text.slice(0, 20), price: '1.00' } }, admin), 'BAD_USER_INPUT', 'code');
      expect(await storedServices()).toBe(before);
    });

    it.each(CONTROLS)('in a price list name: %s', async (_label, name) => {
      expectError(await server.gql(CREATE_PRICE_LIST, { input: { name } }, admin), 'BAD_USER_INPUT', 'name');
    });

    it('in a search term', async () => {
      expectError(await server.gql('query($s: String) { packages(filter: { search: $s }) { totalCount } }', { s: 'a\u0007b' }, admin), 'BAD_USER_INPUT', 'search');
    });

    it('a description keeps its line breaks and tabs, and refuses other control characters', async () => {
      const description = 'Incluye:\r\n\t- limpieza\n\t- revisión';
      const created = (await server.ok(CREATE_PACKAGE, { input: { name: uniqueName('Paquete'), description } }, admin)).createPackage;
      expect(created.description).toBe(description);
      const pkg = await createPackage(server, admin);
      const before = await getPackageState(server, admin, pkg.id);
      expectError(await server.gql(UPDATE_PACKAGE, { id: pkg.id, input: { description: 'Incluye\u0007 limpieza' } }, admin), 'BAD_USER_INPUT', 'description');
      expectError(await server.gql(UPDATE_PACKAGE, { id: pkg.id, input: { description: 'Incluye\u0000 limpieza' } }, admin), 'BAD_USER_INPUT', 'description');
      expect(await getPackageState(server, admin, pkg.id)).toEqual(before);
    });

    it('ordinary text passes: emoji (a proper surrogate pair), accents, ñ, symbols', async () => {
      const before = await ownedCount(server, admin, 'packages');
      const name = `Niño 🦷 «Revisión» — 50% ${Date.now()}`;
      expect((await server.ok(CREATE_PACKAGE, { input: { name } }, admin)).createPackage.name).toBe(name);
      expect(await ownedCount(server, admin, 'packages')).toBe(before + 1);
    });
  });
});
