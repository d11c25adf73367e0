import { parse } from 'csv-parse/sync';
import { PACKAGE_TABLE_PRICED } from '../bench/operations';
import { addItems, createPackage, createService, createServices, uniqueName } from './support/catalog';
import { expectError, TestServer, type Chain } from './support/harness';
import { createPriceList, listEntries, setEntries, todayIn } from './support/price-lists';

/**
 * Wherever a priceListId is accepted, unit prices are effective prices (rounding unchanged);
 * without one, base prices exactly as before. Lists, totals and quotes with a list cost a fixed
 * number of statements whatever their size.
 */

const TOTALS = `query($id: ID!, $list: ID, $on: Date) {
  package(id: $id) {
    totals(priceListId: $list, on: $on) { subtotal tax total }
    items { service { id } totals(priceListId: $list, on: $on) { subtotal tax total } }
  }
}`;
const QUOTE = `query($id: ID!, $times: Int, $list: ID, $on: Date) {
  package(id: $id) {
    quote(times: $times, priceListId: $list, on: $on) {
      currency on priceList { id name }
      lines { service { id } quantity unitPrice priceSource subtotal tax total }
      subtotal tax total
    }
  }
}`;
const PLAN = `query($id: ID!, $teeth: [Int!]!, $list: ID, $on: Date) {
  odontogramPlan(packageId: $id, teeth: $teeth, priceListId: $list, on: $on) {
    lines { service { id } tooth unitPrice priceSource subtotal tax total } subtotal tax total
  }
}`;

describe('pricing with a price list: totals, quotes, plans, exports', () => {
  let server: TestServer;
  let chain: Chain;
  let central: string;
  let clinicA: Chain['clinics'][number];
  let clinicB: Chain['clinics'][number];
  let implant: any;
  let whitening: any;
  let checkup: any;
  let pkg: any;
  let list: any;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    central = chain.central!.admin;
    [clinicA, clinicB] = chain.clinics;
    implant = await createService(server, central, { name: uniqueName('Implante'), price: '950.00', odontogramScope: 'TOOTH' });
    whitening = await createService(server, central, { name: uniqueName('Blanqueamiento'), price: '300.00', taxRate: '21.00' });
    checkup = await createService(server, central, { name: uniqueName('Revisión'), price: '30.00' });
    pkg = await createPackage(server, central, {
      items: [
        { serviceId: implant.id, quantity: 1 },
        { serviceId: whitening.id, quantity: 1 },
        { serviceId: checkup.id, quantity: 2 },
      ],
    });
    list = await createPriceList(server, central, { name: uniqueName('Mutua'), kind: 'INSURER', partnerName: 'Mutua', validFrom: '2026-01-01' });
    await setEntries(server, central, list.id, [
      { serviceId: implant.id, price: '800.00' },
      { serviceId: implant.id, clinicId: clinicA.id, price: '750.00' },
      { serviceId: whitening.id, price: '250.55' },
    ]);
  });
  afterAll(() => server.stop());

  it('Package.totals and PackageItem.totals: effective prices with a list, base prices without', async () => {
    const base = (await server.ok(TOTALS, { id: pkg.id }, clinicA.staff)).package;
    // 950 + 300 (+63.00 VAT) + 60
    expect(base.totals).toEqual({ subtotal: '1310.00', tax: '63.00', total: '1373.00' });
    const a = (await server.ok(TOTALS, { id: pkg.id, list: list.id }, clinicA.staff)).package;
    // 750 (override) + 250.55 (+52.6155 -> 52.62) + 60 (base)
    expect(a.totals).toEqual({ subtotal: '1060.55', tax: '52.62', total: '1113.17' });
    expect(a.items.map((item: any) => item.totals.subtotal)).toEqual(['750.00', '250.55', '60.00']);
    const b = (await server.ok(TOTALS, { id: pkg.id, list: list.id }, clinicB.staff)).package;
    expect(b.totals).toEqual({ subtotal: '1110.55', tax: '52.62', total: '1163.17' });
    const centralView = (await server.ok(TOTALS, { id: pkg.id, list: list.id }, central)).package;
    expect(centralView.totals.subtotal).toBe('1110.55');
  });

  it('Package.quote: lines at effective prices with their source; the quote names its list and date', async () => {
    const quote = (await server.ok(QUOTE, { id: pkg.id, times: 2, list: list.id, on: '2027-03-01' }, clinicA.staff)).package.quote;
    expect(quote).toMatchObject({ currency: 'EUR', on: '2027-03-01', priceList: { id: list.id, name: list.name } });
    expect(quote.lines.map((line: any) => [line.service.id, line.quantity, line.unitPrice, line.priceSource])).toEqual([
      [implant.id, 2, '750.00', 'LIST_CLINIC'],
      [whitening.id, 2, '250.55', 'LIST'],
      [checkup.id, 4, '30.00', 'BASE'],
    ]);
    // 1500 + 501.10 (+105.231 -> 105.23) + 120
    expect([quote.subtotal, quote.tax, quote.total]).toEqual(['2121.10', '105.23', '2226.33']);
    const plain = (await server.ok(QUOTE, { id: pkg.id }, clinicA.staff)).package.quote;
    expect(plain).toMatchObject({ priceList: null, on: todayIn('Europe/Madrid'), subtotal: '1310.00' });
    expect(plain.lines.map((line: any) => line.priceSource)).toEqual(['BASE', 'BASE', 'BASE']);
  });

  it('odontogramPlan: lines at effective prices with their source', async () => {
    const plan = (await server.ok(PLAN, { id: pkg.id, teeth: [36, 11], list: list.id }, clinicB.staff)).odontogramPlan;
    expect(plan.lines.map((line: any) => [line.service.id, line.tooth, line.unitPrice, line.priceSource])).toEqual([
      [implant.id, 11, '800.00', 'LIST'],
      [implant.id, 36, '800.00', 'LIST'],
      [whitening.id, null, '250.55', 'LIST'],
      [checkup.id, null, '30.00', 'BASE'],
    ]);
    expect(plan.subtotal).toBe('1910.55');
  });

  it('answers NOT_FOUND on priceListId for a list the viewer cannot see and BAD_USER_INPUT for one not usable on the date', async () => {
    const hidden = await createPriceList(server, central, { shared: false });
    const other = await server.provisionChain();
    const otherList = await createPriceList(server, other.central!.admin);
    for (const id of [hidden.id, otherList.id, 'nope']) {
      expectError(await server.gql(TOTALS, { id: pkg.id, list: id }, clinicA.staff), 'NOT_FOUND', 'priceListId');
      expectError(await server.gql(QUOTE, { id: pkg.id, list: id }, clinicA.staff), 'NOT_FOUND', 'priceListId');
      expectError(await server.gql(PLAN, { id: pkg.id, teeth: [11], list: id }, clinicA.staff), 'NOT_FOUND', 'priceListId');
    }
    expectError(await server.gql(TOTALS, { id: pkg.id, list: list.id, on: '2025-12-31' }, clinicA.staff), 'BAD_USER_INPUT', 'priceListId');
    expectError(await server.gql(QUOTE, { id: pkg.id, list: list.id, on: '2025-12-31' }, clinicA.staff), 'BAD_USER_INPUT', 'priceListId');
    expectError(await server.gql(PLAN, { id: pkg.id, teeth: [11], list: list.id, on: '2025-12-31' }, clinicA.staff), 'BAD_USER_INPUT', 'priceListId');
  });

  it('the packages export totals at the list given as priceList', async () => {
    const download = async (query: string) => {
      const response = await fetch(`${server.url}/exports/packages.csv?lang=en&search=${encodeURIComponent(pkg.name)}${query}`, {
        headers: { authorization: `Bearer ${clinicA.staff}` },
      });
      return { status: response.status, text: (await response.text()).replace(/^\uFEFF/, '') };
    };
    const priced = await download(`&priceList=${list.id}`);
    expect(priced.status).toBe(200);
    const [header, row] = parse(priced.text) as string[][];
    expect(row.slice(header.indexOf('Subtotal'), header.indexOf('Total') + 1)).toEqual(['1060.55', '52.62', '1113.17']);
    const plain = parse((await download('')).text) as string[][];
    expect(plain[1][header.indexOf('Subtotal')]).toBe('1310.00');
    const unknown = await download('&priceList=4b8f1a1e-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'priceList' });
    const expired = await createPriceList(server, central, { validUntil: '2020-01-01' });
    const refused = await download(`&priceList=${expired.id}`);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'priceList' });
  });
});

describe('statements with a price list do not grow with the size', () => {
  let server: TestServer;
  let chain: Chain;
  let list: any;
  let small: any;
  let large: any;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    const central = chain.central!.admin;
    const services = await createServices(server, central, 200, { price: '10.00', taxRate: '21.00' });
    list = await createPriceList(server, central);
    await setEntries(
      server,
      central,
      list.id,
      services.flatMap((service, index) => [
        { serviceId: service.id, price: `${5 + (index % 7)}.25` },
        ...(index % 3 === 0 ? [{ serviceId: service.id, clinicId: chain.clinics[0].id, price: '4.10' }] : []),
      ]),
    );
    small = await createPackage(server, central, { name: 'Lote 000', items: services.slice(0, 5).map((service) => ({ serviceId: service.id })) });
    large = await createPackage(server, central, { name: 'Lote 001', items: services.map((service) => ({ serviceId: service.id, quantity: 2 })) });
    // 110 packages in all, each with a few items, created in one operation (one mutation each).
    const more = Array.from({ length: 108 }, (_, index) => ({
      name: `Lote ${String(index + 2).padStart(3, '0')}`,
      items: services.slice(index % 190, (index % 190) + 4).map((service) => ({ serviceId: service.id })),
    }));
    await server.ok(
      `mutation(${more.map((_, index) => `$p${index}: CreatePackageInput!`).join(', ')}) {
         ${more.map((_, index) => `p${index}: createPackage(input: $p${index}) { id }`).join('\n')}
       }`,
      Object.fromEntries(more.map((input, index) => [`p${index}`, input])),
      central,
    );
    await addItems(server, chain.clinics[0].admin, small.id, [{ serviceId: services[199].id }]);
  }, 180_000);
  afterAll(() => server.stop());

  async function statements(query: string, variables: Record<string, unknown>): Promise<{ count: number; data: any }> {
    const response = await server.gql(query, variables, chain.clinics[0].staff);
    expect(response.errors).toBeUndefined();
    return { count: Number(response.headers.get('x-sql-statements')), data: response.data };
  }

  it('a page of packages priced with a list: 5 rows or 100', async () => {
    const page = `query($first: Int, $list: ID) {
      packages(first: $first) { nodes { totals(priceListId: $list) { total } items { totals(priceListId: $list) { total } service { name } } } totalCount }
    }`;
    const five = await statements(page, { first: 5, list: list.id });
    const hundred = await statements(page, { first: 100, list: list.id });
    const plain = await statements(page, { first: 100 });
    expect(hundred.data.packages.nodes).toHaveLength(100);
    expect(hundred.data.packages.nodes[1].items).toHaveLength(200);
    expect(hundred.count).toBe(five.count);
    // The list, then its entries for the page's services: two more than without a list.
    expect(hundred.count).toBe(plain.count + 2);
    expect(hundred.data.packages.nodes[1].totals.total).not.toBe(plain.data.packages.nodes[1].totals.total);
  });

  it("the benchmark's L20 with a price list costs the 3 statements of L20 plus the list and its entries", async () => {
    // The first reads the organization's tenants, which the server then keeps (test/tenants-kept.test.ts).
    await statements(PACKAGE_TABLE_PRICED, { first: 20, priceListId: list.id });
    const twenty = await statements(PACKAGE_TABLE_PRICED, { first: 20, priceListId: list.id });
    const hundred = await statements(PACKAGE_TABLE_PRICED, { first: 100, priceListId: list.id });
    expect(hundred.data.packages.nodes).toHaveLength(100);
    expect([twenty.count, hundred.count]).toEqual([5, 5]);
  });

  it('a quote and a plan with a list: 6 items or 200', async () => {
    const quote = 'query($id: ID!, $list: ID) { package(id: $id) { quote(priceListId: $list) { lines { unitPrice priceSource } total priceList { name } } } }';
    const smallQuote = await statements(quote, { id: small.id, list: list.id });
    const largeQuote = await statements(quote, { id: large.id, list: list.id });
    expect(largeQuote.data.package.quote.lines).toHaveLength(200);
    expect(new Set(largeQuote.data.package.quote.lines.map((line: any) => line.priceSource))).toEqual(new Set(['LIST', 'LIST_CLINIC']));
    expect(largeQuote.count).toBe(smallQuote.count);
    const plan = 'query($id: ID!, $list: ID) { odontogramPlan(packageId: $id, teeth: [11], priceListId: $list) { lines { unitPrice } total } }';
    expect((await statements(plan, { id: large.id, list: list.id })).count).toBe((await statements(plan, { id: small.id, list: list.id })).count);
  });

  it('listing entries: 5 or 100 per page', async () => {
    const entries = `query($id: ID!, $first: Int) {
      priceList(id: $id) { entries(first: $first) { nodes { price clinic { name } service { name owner { name } } } totalCount } }
    }`;
    const five = await statements(entries, { id: list.id, first: 5 });
    const hundred = await statements(entries, { id: list.id, first: 100 });
    expect(hundred.data.priceList.entries.nodes).toHaveLength(100);
    expect(hundred.count).toBe(five.count);
    expect(hundred.count).toBeLessThanOrEqual(8);
    expect((await listEntries(server, chain.central!.admin, list.id)).totalCount).toBe(267);
  });
});
