import { withDatabase } from './support/db';
import { createPackage, setPackageActive, updatePackage } from './support/catalog';
import { TestServer, type Chain } from './support/harness';

/**
 * `packages.totalCount` without a search sums package_counts (migration 0005), kept by a trigger
 * deferred to commit. Whatever happens to packages (creation, several at once, deactivation and
 * reactivation, sharing and unsharing, duplication, a mutation rolled back to its savepoint), the
 * counts equal the packages, and every viewer's totalCount equals the rows it can list.
 */
describe('package counts', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(() => server.stop());

  async function countsDisagreeing(organizationId: string): Promise<unknown[]> {
    return withDatabase(async (client) => {
      const { rows } = await client.query(
        `SELECT coalesce(c.owner_tenant_id, p.owner_tenant_id) AS owner, coalesce(c.shared, p.shared) AS shared,
                coalesce(c.active, p.active) AS active, coalesce(c.packages, 0) AS counted, coalesce(p.real, 0) AS real
           FROM (SELECT * FROM package_counts WHERE organization_id = $1) c
           FULL JOIN (SELECT owner_tenant_id, shared, active, count(*) AS real FROM packages WHERE organization_id = $1
                       GROUP BY 1, 2, 3) p
             ON p.owner_tenant_id = c.owner_tenant_id AND p.shared = c.shared AND p.active = c.active
          WHERE coalesce(c.packages, 0) <> coalesce(p.real, 0)`,
        [organizationId],
      );
      return rows;
    });
  }

  /** For every tenant and filter: totalCount equals the number of packages the list pages through. */
  async function expectCountsMatchLists(chain: Chain): Promise<void> {
    const tokens = [chain.central!.admin, ...chain.clinics.map((clinic) => clinic.admin)];
    for (const token of tokens) {
      for (const filter of [{}, { status: 'ACTIVE' }, { status: 'INACTIVE' }, { origin: ['OWN'] }, { origin: ['CENTRAL', 'OTHER_CLINIC'], status: 'ACTIVE' }]) {
        const data = await server.ok(
          'query($filter: PackageFilter) { packages(filter: $filter, first: 100) { totalCount nodes { id } pageInfo { hasNextPage } } }',
          { filter },
          token,
        );
        expect(data.packages.pageInfo.hasNextPage).toBe(false);
        expect({ filter, totalCount: data.packages.totalCount }).toEqual({ filter, totalCount: data.packages.nodes.length });
      }
    }
  }

  it.each(['CENTRAL_ONLY', 'BETWEEN_CLINICS'] as const)('equal the packages after every kind of change (%s)', async (clinicSharing) => {
    const chain = await server.provisionChain({ clinics: 2, clinicSharing });
    const central = chain.central!.admin;
    const [clinic, other] = chain.clinics.map((tenant) => tenant.admin);

    // Several at once by one tenant (they meet on one count when committing), and by others.
    const created = await Promise.all([
      ...Array.from({ length: 8 }, () => createPackage(server, central)),
      createPackage(server, central, { shared: false }),
      createPackage(server, clinic),
      createPackage(server, clinic, { shared: false }),
      createPackage(server, other),
    ]);
    await expectCountsMatchLists(chain);

    await setPackageActive(server, central, created[0].id, false);
    await setPackageActive(server, central, created[1].id, false);
    await setPackageActive(server, central, created[1].id, true);
    await updatePackage(server, central, created[2].id, { shared: false });
    await updatePackage(server, clinic, created[10].id, { shared: true });
    // A rename changes no count.
    await updatePackage(server, other, created[11].id, { name: 'Renombrado' });
    await server.ok('mutation($id: ID!) { duplicatePackage(id: $id, name: "Copia") { id } }', { id: created[3].id }, clinic);

    // Opposite moves at once (deactivate one, reactivate another of the same owner) must not deadlock.
    await Promise.all([
      setPackageActive(server, central, created[4].id, false),
      setPackageActive(server, central, created[0].id, true),
      setPackageActive(server, central, created[5].id, false),
    ]);

    // A mutation that fails after its insert leaves data null, so nothing of the operation is
    // stored (api.md): neither insert nor their queued count changes.
    const response = await server.gql(
      `mutation($taken: String!) {
         ok: createPackage(input: { name: "Otro paquete" }) { id }
         taken: createPackage(input: { name: $taken }) { id }
       }`,
      { taken: created[6].name },
      central,
    );
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    const kept = await server.ok('{ packages(filter: { search: "Otro paquete" }) { totalCount } }', {}, central);
    expect(kept.packages.totalCount).toBe(0);

    expect(await countsDisagreeing(chain.organization.id)).toEqual([]);
    await expectCountsMatchLists(chain);
  });
});
