import { addItems, createPackage, createService, getPackage, PACKAGE_FIELDS, uniqueName } from './support/catalog';
import { TestServer, type Chain } from './support/harness';

describe('packages: create, edit, items', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
  });
  afterAll(() => server.stop());

  it('creates a package with items and prices it per line', async () => {
    const admin = chain.central!.admin;
    const cleaning = await createService(server, admin, { price: '0.05', taxRate: '10.00' });
    const whitening = await createService(server, admin, { price: '300.00', taxRate: '21.00' });
    const pkg = await createPackage(server, admin, {
      items: [
        { serviceId: cleaning.id, quantity: 1 },
        { serviceId: whitening.id, quantity: 2 },
        { serviceId: cleaning.id, quantity: 2 },
      ],
    });
    expect(pkg.items).toHaveLength(2);
    expect(pkg.items[0]).toMatchObject({ quantity: 3, origin: 'OWN', viewerCanEdit: true, totals: { subtotal: '0.15', tax: '0.02', total: '0.17' } });
    expect(pkg.totals).toEqual({ subtotal: '600.15', tax: '126.02', total: '726.17' });
    expect(pkg).toMatchObject({ origin: 'OWN', viewerCanEdit: true, viewerCanDeactivate: true, viewerCanAddItems: true, version: 1, itemCount: 2 });
  });

  it('lets a clinic extend a central package with its own items, and merges twenty concurrent adds', async () => {
    const central = chain.central!.admin;
    const clinic = chain.clinics[0].admin;
    const implant = await createService(server, central, { price: '950.00' });
    const sedation = await createService(server, clinic, { price: '150.00', shared: false });
    const pkg = await createPackage(server, central, { items: [{ serviceId: implant.id }] });
    await Promise.all(Array.from({ length: 20 }, () => addItems(server, clinic, pkg.id, [{ serviceId: sedation.id, quantity: 1 }])));
    const seen = await getPackage(server, clinic, pkg.id);
    expect(seen.items.map((item: any) => [item.origin, item.quantity, item.viewerCanEdit])).toEqual([
      ['CENTRAL', 1, false],
      ['OWN', 20, true],
    ]);
    expect(seen.viewerCanDeactivate).toBe(false);
    const fromCentral = await getPackage(server, central, pkg.id);
    expect(fromCentral.items).toHaveLength(1);
  });

  it('lets one of eight racing creations of the same name win; the others get CONFLICT', async () => {
    const name = uniqueName('Carrera');
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        server.gql(`mutation($input: CreatePackageInput!) { createPackage(input: $input) { ${PACKAGE_FIELDS} } }`, { input: { name } }, chain.clinics[1].admin),
      ),
    );
    const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
  });
});
