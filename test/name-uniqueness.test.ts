import { Client } from 'pg';
import { MIGRATIONS } from '../migrations';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { createPackage, createService, getPackageState, uniqueName } from './support/catalog';
import { countRows, createScratchDatabase } from './support/db';
import { expectError, TestServer, type Chain } from './support/harness';

/**
 * Names are unique as the lists sort them (api.md "Errors and limits"), in Spanish: case and
 * accents ignored, ñ a letter of its own. "Implánte" = "implante", but "Año" ≠ "Ano": in Spanish
 * they are different words (year / anus), and the lists put "Ano" before "Año".
 */
const CREATE_PACKAGE = 'mutation($input: CreatePackageInput!) { createPackage(input: $input) { id name } }';
const UPDATE_PACKAGE = 'mutation($id: ID!, $input: UpdatePackageInput!) { updatePackage(id: $id, input: $input) { id name } }';
const DUPLICATE = 'mutation($id: ID!, $name: String!) { duplicatePackage(id: $id, name: $name) { id name } }';
const CREATE_SERVICE = 'mutation($input: CreateServiceInput!) { createService(input: $input) { id code } }';
const UPDATE_SERVICE = 'mutation($id: ID!, $input: UpdateServiceInput!) { updateService(id: $id, input: $input) { id code } }';
const CREATE_PRICE_LIST = 'mutation($input: CreatePriceListInput!) { createPriceList(input: $input) { id name } }';
const ADD_CLINIC = 'mutation($id: ID!, $name: String!) { addClinic(organizationId: $id, name: $name) { id name } }';

describe('names compared as the lists sort them', () => {
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

  it('packages: "Año" and "Ano" are two names, listed Ano then Año; case and accents still collide', async () => {
    const tag = uniqueName('').trim();
    const ano = (await server.ok(CREATE_PACKAGE, { input: { name: `Ano ${tag}` } }, admin)).createPackage;
    const anio = (await server.ok(CREATE_PACKAGE, { input: { name: `Año ${tag}` } }, admin)).createPackage;
    expect(anio.id).not.toBe(ano.id);
    const listed = await server.ok(`query($s: String) { packages(filter: { search: $s }, orderBy: { field: NAME, direction: ASC }) { nodes { name } } }`, { s: tag }, admin);
    expect(listed.packages.nodes.map((node: any) => node.name)).toEqual([`Ano ${tag}`, `Año ${tag}`]);

    const before = await storedPackages();
    for (const taken of [`AÑO ${tag}`, `año ${tag}`, `Áño ${tag}`, `ANO ${tag}`, `anó ${tag}`]) {
      expectError(await server.gql(CREATE_PACKAGE, { input: { name: taken } }, admin), 'CONFLICT', 'name');
    }
    expect(await storedPackages()).toBe(before);
  });

  it('packages: "Implánte" and "implante" are one name (accents and case ignored)', async () => {
    const tag = uniqueName('').trim();
    await createPackage(server, admin, { name: `Implánte ${tag}` });
    const before = await storedPackages();
    expectError(await server.gql(CREATE_PACKAGE, { input: { name: `IMPLANTE ${tag}` } }, admin), 'CONFLICT', 'name');
    expect(await storedPackages()).toBe(before);
  });

  it('renaming and duplicating follow the same comparison, and a refused one changes nothing', async () => {
    const tag = uniqueName('').trim();
    const ano = await createPackage(server, admin, { name: `Ano ${tag}` });
    const anio = await createPackage(server, admin, { name: `Año ${tag}` });
    const before = await getPackageState(server, admin, ano.id);
    expectError(await server.gql(UPDATE_PACKAGE, { id: ano.id, input: { name: `AÑO ${tag}` } }, admin), 'CONFLICT', 'name');
    expect(await getPackageState(server, admin, ano.id)).toEqual(before);
    // Its own name in another case is no conflict.
    expect((await server.ok(UPDATE_PACKAGE, { id: ano.id, input: { name: `ANO ${tag}` } }, admin)).updatePackage.name).toBe(`ANO ${tag}`);
    const count = await storedPackages();
    expectError(await server.gql(DUPLICATE, { id: ano.id, name: `año ${tag}` }, admin), 'CONFLICT', 'name');
    expect(await storedPackages()).toBe(count);
    expect((await server.ok(DUPLICATE, { id: anio.id, name: `Anos ${tag}` }, admin)).duplicatePackage.name).toBe(`Anos ${tag}`);
  });

  it('service codes: "AÑO-1" and "ANO-1" are two codes; "año-1" is taken', async () => {
    const suffix = Date.now() % 100000;
    await createService(server, admin, { code: `AÑO-${suffix}` });
    const other = await createService(server, admin, { code: `ANO-${suffix}` });
    expect(other.code).toBe(`ANO-${suffix}`);
    const stored = await countRows('SELECT count(*) FROM services WHERE owner_tenant_id = $1', [chain.clinics[0].id]);
    expectError(await server.gql(CREATE_SERVICE, { input: { name: uniqueName('Servicio'), code: `año-${suffix}`, price: '1.00' } }, admin), 'CONFLICT', 'code');
    expectError(await server.gql(UPDATE_SERVICE, { id: other.id, input: { code: `Año-${suffix}` } }, admin), 'CONFLICT', 'code');
    expect(await countRows('SELECT count(*) FROM services WHERE owner_tenant_id = $1', [chain.clinics[0].id])).toBe(stored);
  });

  it('price lists: likewise', async () => {
    const tag = uniqueName('').trim();
    await server.ok(CREATE_PRICE_LIST, { input: { name: `Tarifa Año ${tag}` } }, admin);
    await server.ok(CREATE_PRICE_LIST, { input: { name: `Tarifa Ano ${tag}` } }, admin);
    expectError(await server.gql(CREATE_PRICE_LIST, { input: { name: `TARIFA AÑO ${tag}` } }, admin), 'CONFLICT', 'name');
  });

  it('clinic names in an organization: likewise', async () => {
    const tag = uniqueName('').trim();
    await server.ok(ADD_CLINIC, { id: chain.organization.id, name: `Clínica Año ${tag}` }, platform);
    await server.ok(ADD_CLINIC, { id: chain.organization.id, name: `Clínica Ano ${tag}` }, platform);
    const before = await countRows('SELECT count(*) FROM tenants WHERE organization_id = $1', [chain.organization.id]);
    expectError(await server.gql(ADD_CLINIC, { id: chain.organization.id, name: `CLINICA AÑO ${tag}` }, platform), 'CONFLICT', 'name');
    expect(await countRows('SELECT count(*) FROM tenants WHERE organization_id = $1', [chain.organization.id])).toBe(before);
  });
});

describe('the migration to the new comparison', () => {
  const log = createLogger('silent');
  const ORG = '11111111-1111-4111-8111-111111111111';
  const CENTRAL = '21111111-1111-4111-8111-111111111111';
  const CLINIC = '31111111-1111-4111-8111-111111111111';
  const SOFT_HYPHEN = '\u00AD';

  it('keeps existing data valid: rows only the new comparison makes equal are told apart, the oldest keeps its text', async () => {
    const database = await createScratchDatabase('names_sort');
    try {
      await migrate(database.url, log);
      // Back to the comparison before (fold_text), where a soft hyphen (ignored by ICU) told names apart.
      const names = MIGRATIONS.map((Migration) => new Migration().name);
      const ours = names.findIndex((name) => name.startsWith('0012_names_as_lists_sort'));
      const dataSource = await createDataSource(database.url, { dbPoolMax: 2 }, log).initialize();
      try {
        for (let undone = names.length; undone > ours; undone -= 1) await dataSource.undoLastMigration({ transaction: 'each' });
      } finally {
        await dataSource.destroy();
      }
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(`INSERT INTO organizations (id, name) VALUES ($1, 'Migración')`, [ORG]);
        await client.query(
          `INSERT INTO tenants (organization_id, id, name, kind) VALUES ($1, $2, 'Central Ana', 'CENTRAL'), ($1, $3, $4, 'CLINIC')`,
          [ORG, CENTRAL, CLINIC, `Central An${SOFT_HYPHEN}a`],
        );
        await client.query(
          `INSERT INTO packages (organization_id, owner_tenant_id, name, created_at) VALUES
             ($1, $2, 'Ana', now() - interval '3 days'), ($1, $2, $4, now() - interval '2 days'), ($1, $2, 'ANA (2)', now() - interval '4 days'),
             ($1, $3, 'Ana', now())`,
          [ORG, CENTRAL, CLINIC, `An${SOFT_HYPHEN}a`],
        );
        await client.query(
          `INSERT INTO services (organization_id, owner_tenant_id, name, code, price, created_at) VALUES
             ($1, $2, 's1', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ01234', 1, now() - interval '1 day'), ($1, $2, 's2', $3, 1, now()), ($1, $2, 's3', NULL, 1, now()), ($1, $2, 's4', NULL, 1, now())`,
          [ORG, CENTRAL, `ABCDEFGHIJKLMNOPQRSTUVWXYZ0123${SOFT_HYPHEN}4`],
        );
      } finally {
        await client.end();
      }

      expect(await migrate(database.url, log)).toEqual(names.slice(ours));

      const after = new Client({ connectionString: database.url });
      await after.connect();
      try {
        const rows = async (sql: string) => (await after.query(sql, [ORG])).rows.map((row) => Object.values(row));
        expect(await rows(`SELECT name FROM tenants WHERE organization_id = $1 ORDER BY created_at, id`)).toEqual(
          expect.arrayContaining([['Central Ana'], [`Central An${SOFT_HYPHEN}a (2)`]]),
        );
        expect(await rows(`SELECT owner_tenant_id::text, name, version FROM packages WHERE organization_id = $1 ORDER BY created_at`)).toEqual([
          [CENTRAL, 'ANA (2)', 1],
          [CENTRAL, 'Ana', 1],
          [CENTRAL, `An${SOFT_HYPHEN}a (3)`, 2],
          [CLINIC, 'Ana', 1],
        ]);
        expect(await rows(`SELECT name, code FROM services WHERE organization_id = $1 ORDER BY name`)).toEqual([
          ['s1', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
          ['s2', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123-2'],
          ['s3', null],
          ['s4', null],
        ]);
        // The indexes now compare as the lists sort: ñ distinct, case, accents and ignorables not.
        await after.query(`INSERT INTO packages (organization_id, owner_tenant_id, name) VALUES ($1, $2, 'Año'), ($1, $2, 'Ano')`, [ORG, CENTRAL]);
        await expect(after.query(`INSERT INTO packages (organization_id, owner_tenant_id, name) VALUES ($1, $2, 'AÑO')`, [ORG, CENTRAL])).rejects.toThrow(/packages_name_unique/);
        await expect(after.query(`INSERT INTO tenants (organization_id, name, kind) VALUES ($1, 'CENTRAL ÁNA', 'CLINIC')`, [ORG])).rejects.toThrow(/tenants_name_unique/);
      } finally {
        await after.end();
      }
    } finally {
      await database.drop();
    }
  });
});

describe('price list imports name services and clinics as the lists sort them', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2 });
  });
  afterAll(() => server.stop());

  it('a code "ano-1" names the service "ANO-1", not "AÑO-1"; a clinic "clinica ano" names "Clínica Ano"', async () => {
    const central = chain.central!.admin;
    const suffix = Date.now() % 100000;
    const anio = await createService(server, central, { code: `AÑO-${suffix}`, price: '10.00' });
    const ano = await createService(server, central, { code: `ANO-${suffix}`, price: '20.00' });
    const tag = uniqueName('').trim();
    const platform = await server.platformToken();
    const clinicAnio = (await server.ok(ADD_CLINIC, { id: chain.organization.id, name: `Clínica Año ${tag}` }, platform)).addClinic;
    const clinicAno = (await server.ok(ADD_CLINIC, { id: chain.organization.id, name: `Clínica Ano ${tag}` }, platform)).addClinic;
    const list = (await server.ok(CREATE_PRICE_LIST, { input: { name: uniqueName('Tarifa') } }, central)).createPriceList;
    const file = `code,clinic,price\nano-${suffix},,5\naño-${suffix},,6\nANO-${suffix},clinica ano ${tag},7\nANO-${suffix},CLINICA AÑO ${tag},8\n`;
    const response = await fetch(`${server.url}/imports/price-lists/${list.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${central}`, 'content-type': 'text/csv' },
      body: file,
    });
    expect([response.status, await response.json()]).toEqual([200, expect.objectContaining({ created: 4 })]);
    const entries = await server.ok(
      'query($id: ID!) { priceList(id: $id) { entries(first: 10) { nodes { service { id } clinic { id } price } } } }',
      { id: list.id },
      central,
    );
    expect(entries.priceList.entries.nodes.map((node: any) => [node.service.id, node.clinic?.id ?? null, node.price])).toEqual(
      expect.arrayContaining([
        [ano.id, null, '5.00'],
        [anio.id, null, '6.00'],
        [ano.id, clinicAno.id, '7.00'],
        [ano.id, clinicAnio.id, '8.00'],
      ]),
    );
  });
});
