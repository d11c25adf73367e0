import { parse } from 'csv-parse/sync';
import { addItems, createPackage, createService, setServiceActive } from './support/catalog';
import { TestServer, type Chain } from './support/harness';

/**
 * Counted items (domain.md "Money"): a viewer's totals, quotes and plans count the items added by
 * the package's owner and by the viewer; other clinics' additions (seen under BETWEEN_CLINICS) are
 * listed with `counted: false` and priced by nobody else. Before this rule every visible item
 * counted. Every amount is computed by hand.
 */

const PACKAGE = `query($id: ID!) {
  package(id: $id) {
    items { service { id } origin counted totals { subtotal } }
    totals { subtotal tax total }
    quote { lines { service { id } } subtotal tax total }
  }
  odontogramPlan(packageId: $id, teeth: [11, 21]) { lines { service { id } tooth } subtotal tax total }
}`;

describe('counted items over HTTP', () => {
  let server: TestServer;
  let chain: Chain;
  let central: string;
  let clinic1: string;
  let clinic2: string;
  let pkg: any;
  const services: Record<string, any> = {};

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2, clinicSharing: 'BETWEEN_CLINICS' });
    central = chain.central!.admin;
    [clinic1, clinic2] = chain.clinics.map((clinic) => clinic.admin);
    services.base = await createService(server, central, { name: 'Limpieza', price: '40.00', taxRate: '21.00' });
    services.retired = await createService(server, central, { name: 'Retirado', price: '5.00' });
    services.own1 = await createService(server, clinic1, { name: 'Sedación', price: '100.00', odontogramScope: 'TOOTH' });
    services.own2 = await createService(server, clinic2, { name: 'Flúor', price: '7.50', taxRate: '10.00' });
    pkg = await createPackage(server, central, { items: [{ serviceId: services.base.id }, { serviceId: services.retired.id }] });
    await addItems(server, clinic1, pkg.id, [{ serviceId: services.own1.id }]);
    await addItems(server, clinic2, pkg.id, [{ serviceId: services.own2.id, quantity: 2 }]);
    await setServiceActive(server, central, services.retired.id, false);
  });
  afterAll(() => server.stop());

  const read = async (token: string) => server.ok(PACKAGE, { id: pkg.id }, token);

  it("a clinic counts the owner's items and its own, not another clinic's (still listed)", async () => {
    const { package: seen, odontogramPlan: plan } = await read(clinic1);
    expect(seen.items.map((item: any) => [item.service.id, item.origin, item.counted, item.totals.subtotal])).toEqual([
      [services.base.id, 'CENTRAL', true, '40.00'],
      [services.retired.id, 'CENTRAL', false, '5.00'],
      [services.own1.id, 'OWN', true, '100.00'],
      [services.own2.id, 'OTHER_CLINIC', false, '15.00'],
    ]);
    // 40.00 + 8.40 (21%) and 100.00: the other clinic's 15.00 is not in it.
    expect(seen.totals).toEqual({ subtotal: '140.00', tax: '8.40', total: '148.40' });
    expect(seen.quote).toMatchObject({ subtotal: '140.00', tax: '8.40', total: '148.40' });
    expect(seen.quote.lines.map((line: any) => line.service.id)).toEqual([services.base.id, services.own1.id]);
    // On teeth 11 and 21 the clinic's own TOOTH service gives two lines.
    expect(plan.lines.map((line: any) => [line.service.id, line.tooth])).toEqual([
      [services.base.id, null],
      [services.own1.id, 11],
      [services.own1.id, 21],
    ]);
    expect(plan).toMatchObject({ subtotal: '240.00', tax: '8.40', total: '248.40' });
  });

  it('the other clinic counts its own addition and not the first one', async () => {
    const { package: seen } = await read(clinic2);
    expect(seen.items.map((item: any) => item.counted)).toEqual([true, false, false, true]);
    // 40.00 + 8.40, 15.00 + 1.50.
    expect(seen.totals).toEqual({ subtotal: '55.00', tax: '9.90', total: '64.90' });
  });

  it("the owner counts only its own items: the clinics' additions are theirs", async () => {
    const { package: seen, odontogramPlan: plan } = await read(central);
    expect(seen.items.map((item: any) => [item.origin, item.counted])).toEqual([
      ['OWN', true],
      ['OWN', false],
      ['OTHER_CLINIC', false],
      ['OTHER_CLINIC', false],
    ]);
    expect(seen.totals).toEqual({ subtotal: '40.00', tax: '8.40', total: '48.40' });
    expect(plan).toMatchObject({ subtotal: '40.00', total: '48.40' });
  });

  it('the packages export totals the counted items, as Package.totals does', async () => {
    const response = await fetch(`${server.url}/exports/packages.csv?lang=en`, { headers: { authorization: `Bearer ${clinic1}` } });
    expect(response.status).toBe(200);
    const rows = parse((await response.text()).replace(/^\uFEFF/, '')) as string[][];
    const row = rows.find((cells) => cells[0] === pkg.name)!;
    // Name, status, owner, origin, items (all four visible), subtotal, tax, total.
    expect(row.slice(4, 8)).toEqual(['4', '140.00', '8.40', '148.40']);
  });

  it('a quote line of the package counts the same items', async () => {
    const data = await server.ok(
      `query($id: ID!) { quote(input: { lines: [{ packageId: $id, quantity: 2 }] }) { lines { service { id } quantity } subtotal } }`,
      { id: pkg.id },
      clinic2,
    );
    expect(data.quote.lines.map((line: any) => [line.service.id, line.quantity])).toEqual([
      [services.base.id, 2],
      [services.own2.id, 4],
    ]);
    // 80.00 + 30.00.
    expect(data.quote.subtotal).toBe('110.00');
  });
});
