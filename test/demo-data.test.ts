import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../src/db/migrate';
import { ensureDemoData } from '../src/demo/demo-data';
import { createLogger } from '../src/logger';
import { TestServer } from './support/harness';

/** The demo chain a new user starts with: its price lists change what a quote costs. */
describe('demo data', () => {
  const database = `clinic_demo_${randomUUID().replace(/-/g, '')}`;
  const admin = () => new Client({ connectionString: process.env.DATABASE_URL });
  let server: TestServer;
  let users: { centralId: string; madridId: string };

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${database}`);
    await client.end();
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${database}`;
    await migrate(url.toString(), createLogger('silent'));
    users = (await ensureDemoData(url.toString(), true))!;
    server = await TestServer.start({}, { databaseUrl: url.toString() });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database}`);
    await client.end();
  });

  it('has a general central list with an override for Madrid and an insurer list, both usable today', async () => {
    const madrid = await server.token({ tid: users.madridId, roles: ['STAFF'] });
    const lists = (await server.ok('{ priceLists { nodes { id name kind partnerName usable origin } } }', {}, madrid)).priceLists.nodes;
    expect(lists.map((list: any) => [list.name, list.kind, list.usable, list.origin])).toEqual([
      ['Mutua Dental Ejemplo', 'INSURER', true, 'CENTRAL'],
      ['Tarifa general', 'GENERAL', true, 'CENTRAL'],
    ]);
    const packages = (await server.ok('{ packages(filter: { search: "Implante completo" }) { nodes { id } } }', {}, madrid)).packages.nodes;
    const quote = async (priceListId?: string) =>
      (
        await server.ok(
          'query($id: ID!, $list: ID) { package(id: $id) { quote(priceListId: $list) { total lines { unitPrice priceSource service { code } } } } }',
          { id: packages[0].id, list: priceListId },
          madrid,
        )
      ).package.quote;
    const base = await quote();
    const general = await quote(lists[1].id);
    const mutua = await quote(lists[0].id);
    expect(new Set([base.total, general.total, mutua.total]).size).toBe(3);
    expect(general.lines.find((line: any) => line.service.code === 'IMP-01')).toMatchObject({ unitPrice: '880.00', priceSource: 'LIST_CLINIC' });
    expect(mutua.lines.find((line: any) => line.service.code === 'IMP-01')).toMatchObject({ unitPrice: '750.00', priceSource: 'LIST' });
  });

  it("runs the README's example: create a list, import a CSV, quote a package with it", async () => {
    const central = await server.token({ tid: users.centralId, roles: ['ADMIN'] });
    const madrid = await server.token({ tid: users.madridId, roles: ['ADMIN'] });
    const created = await server.ok(
      `mutation { createPriceList(input: { name: "Convenio Banco Ejemplo", kind: AGREEMENT, partnerName: "Banco Ejemplo S.A.", validFrom: "2026-01-01" }) { id version } }`,
      {},
      central,
    );
    const listId = created.createPriceList.id;
    const response = await fetch(`${server.url}/imports/price-lists/${listId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${central}`, 'content-type': 'text/csv', 'if-match': '"1"' },
      body: 'código;clínica;precio\nIMP-01;;820,00\nIMP-01;Sonrisa Madrid Centro;800,00\nIMP-02;;600\n',
    });
    expect(await response.json()).toEqual({ created: 3, updated: 0, removed: 0, unchanged: 0, version: 2 });
    const data = await server.ok(
      `query($list: ID!) { packages(filter: { search: "implante completo" }, first: 1) { nodes {
         quote(priceListId: $list) { priceList { name } total lines { service { code } quantity unitPrice priceSource total } } } } }`,
      { list: listId },
      madrid,
    );
    const quote = data.packages.nodes[0].quote;
    expect(quote.total).toBe('1675.00');
    expect(quote.priceList.name).toBe('Convenio Banco Ejemplo');
    expect(quote.lines.map((line: any) => [line.service.code, line.unitPrice, line.priceSource])).toEqual([
      ['DIAG-03', '90.00', 'BASE'],
      ['DIAG-02', '35.00', 'BASE'],
      ['IMP-01', '800.00', 'LIST_CLINIC'],
      ['IMP-02', '600.00', 'LIST'],
      ['MAD-SED', '150.00', 'BASE'],
    ]);
  });
});
