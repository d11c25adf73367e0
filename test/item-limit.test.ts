import { addItems, createPackage, createServices, getPackageState } from './support/catalog';
import { countRows } from './support/db';
import { expectError, TestServer, type Chain } from './support/harness';

/**
 * The 200-item limit counts only what the tenant adding sees (api.md "Errors and limits"): under
 * CENTRAL_ONLY a clinic never sees another clinic's additions to a central package, so they
 * neither count toward its limit nor let it learn, by probing the limit, how many there are.
 */
const ADD = `mutation($id: ID!, $items: [PackageItemInput!]!) { addPackageItems(packageId: $id, items: $items) { id itemCount } }`;

describe('the 200-item limit under CENTRAL_ONLY', () => {
  let server: TestServer;
  let chain: Chain;
  let pkg: any;
  let clinicAServices: any[];
  let clinicBServices: any[];

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2, clinicSharing: 'CENTRAL_ONLY' });
    const [central, clinicA, clinicB] = [chain.central!.admin, chain.clinics[0].admin, chain.clinics[1].admin];
    const centralServices = await createServices(server, central, 150);
    [clinicAServices, clinicBServices] = await Promise.all([createServices(server, clinicA, 52), createServices(server, clinicB, 51)]);
    pkg = await createPackage(server, central, { items: centralServices.map((service) => ({ serviceId: service.id })) });
    // Clinic A privately adds 45 of its own: clinic B never sees them.
    await addItems(server, clinicA, pkg.id, clinicAServices.slice(0, 45).map((service) => ({ serviceId: service.id })));
  });
  afterAll(() => server.stop());

  const storedItems = () => countRows('SELECT count(*) FROM package_items WHERE package_id = $1', [pkg.id]);

  it("lets clinic B fill the package up to the 200 items it sees, whatever clinic A added", async () => {
    const clinicB = chain.clinics[1].admin;
    const first = await server.ok(ADD, { id: pkg.id, items: clinicBServices.slice(0, 10).map((service) => ({ serviceId: service.id })) }, clinicB);
    expect(first.addPackageItems.itemCount).toBe(160);
    const full = await server.ok(ADD, { id: pkg.id, items: clinicBServices.slice(10, 50).map((service) => ({ serviceId: service.id })) }, clinicB);
    expect(full.addPackageItems.itemCount).toBe(200);
    // 150 central + 45 of clinic A + 50 of clinic B.
    expect(await storedItems()).toBe(245);
  });

  it('refuses clinic B a 201st item it would see, the same way whatever others added, and changes nothing', async () => {
    const clinicB = chain.clinics[1].admin;
    const before = await getPackageState(server, clinicB, pkg.id);
    const stored = await storedItems();
    const message = expectError(
      await server.gql(ADD, { id: pkg.id, items: [{ serviceId: clinicBServices[50].id }] }, clinicB),
      'BAD_USER_INPUT',
      'items',
    );
    expect(message).toBe('A package holds at most 200 items');
    expect(await getPackageState(server, clinicB, pkg.id)).toEqual(before);
    expect(await storedItems()).toBe(stored);
  });

  it("counts clinic A's limit over what clinic A sees (clinic B's 50 do not count)", async () => {
    const clinicA = chain.clinics[0].admin;
    const full = await server.ok(ADD, { id: pkg.id, items: clinicAServices.slice(45, 50).map((service) => ({ serviceId: service.id })) }, clinicA);
    expect(full.addPackageItems.itemCount).toBe(200);
    const before = await storedItems();
    expectError(await server.gql(ADD, { id: pkg.id, items: [{ serviceId: clinicAServices[50].id }] }, clinicA), 'BAD_USER_INPUT', 'items');
    expect(await storedItems()).toBe(before);
  });

  it("counts the central's limit over what the central sees (its own items only, under CENTRAL_ONLY)", async () => {
    const central = chain.central!.admin;
    const seen = await server.ok('query($id: ID!) { package(id: $id) { itemCount } }', { id: pkg.id }, central);
    expect(seen.package.itemCount).toBe(150);
    const more = await createServices(server, central, 51);
    const full = await server.ok(ADD, { id: pkg.id, items: more.slice(0, 50).map((service) => ({ serviceId: service.id })) }, central);
    expect(full.addPackageItems.itemCount).toBe(200);
    expectError(await server.gql(ADD, { id: pkg.id, items: [{ serviceId: more[50].id }] }, central), 'BAD_USER_INPUT', 'items');
  });
});
