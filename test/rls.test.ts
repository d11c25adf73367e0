import type { DataSource } from 'typeorm';
import { RequestTransaction } from '../src/request/request-transaction';
import { createPackage, createService } from './support/catalog';
import { asTenant, openDataSource, TEST_TRANSACTION_LIMITS } from './support/db';
import { TestServer, type Chain } from './support/harness';

/**
 * Row Level Security holds in the database itself, not only in the queries' filters: a real request
 * transaction (as DATABASE_URL's user, the superuser `postgres` in the embedded run, switched to the
 * application role) cannot read or write another organization's rows even with no filter at all.
 */
describe('row level security', () => {
  let server: TestServer;
  let dataSource: DataSource;
  let ours: Chain;
  let theirs: Chain;
  let theirService: { id: string };

  const CATALOGUE_COUNTS = `SELECT (SELECT count(*) FROM services)::int AS services, (SELECT count(*) FROM packages)::int AS packages,
    (SELECT count(*) FROM package_items)::int AS items`;

  beforeAll(async () => {
    server = await TestServer.start();
    dataSource = await openDataSource();
    ours = await server.provisionChain({ clinics: 1 });
    theirs = await server.provisionChain({ clinics: 1 });
    const ourService = await createService(server, ours.clinics[0].admin);
    await createService(server, ours.central!.admin, { shared: false });
    await createPackage(server, ours.clinics[0].admin, { items: [{ serviceId: ourService.id }] });
    theirService = await createService(server, theirs.central!.admin);
    for (let n = 0; n < 2; n += 1) await createService(server, theirs.clinics[0].admin);
    await createPackage(server, theirs.central!.admin);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await server.stop();
  });

  it.each([
    ['our', () => ours, { services: 2, packages: 1, items: 1 }],
    ['their', () => theirs, { services: 3, packages: 1, items: 0 }],
  ])("counts with no organization filter see only %s organization's rows", async (_name, chain, expected) => {
    await asTenant(dataSource, chain().clinics[0].id, async (tx) => {
      const [roles] = await tx.query<{ session_user: string; current_user: string }>('SELECT session_user, current_user');
      expect(roles).toEqual({ session_user: new URL(process.env.DATABASE_URL!).username, current_user: 'clinic_catalog_app' });
      const [counts] = await tx.query(CATALOGUE_COUNTS);
      expect(counts).toEqual(expected);
      const [organizations] = await tx.query<{ n: number }>('SELECT count(DISTINCT organization_id)::int AS n FROM services');
      expect(organizations.n).toBe(1);
    });
  });

  it("refuses to insert a row for another organization, and updates none of its rows", async () => {
    await asTenant(dataSource, ours.clinics[0].id, async (tx) => {
      const updated = await tx.query("UPDATE services SET name = 'Secuestrado' WHERE id = $1 RETURNING id", [theirService.id]);
      expect(updated).toEqual([]);
      await expect(
        tx.query("INSERT INTO services (organization_id, owner_tenant_id, name, price) VALUES ($1, $2, 'Intruso', 1)", [
          theirs.organization.id,
          theirs.central!.id,
        ]),
      ).rejects.toThrow(/row-level security/);
    });
    await asTenant(dataSource, theirs.central!.id, async (tx) => {
      const rows = await tx.query<{ name: string }>('SELECT name FROM services ORDER BY created_at');
      expect(rows).toHaveLength(3);
      expect(rows.map((row) => row.name)).not.toContain('Secuestrado');
    });
  });

  it('sees no rows while no organization is set', async () => {
    const tx = await RequestTransaction.begin(dataSource, TEST_TRANSACTION_LIMITS);
    try {
      // app.platform on (a platform administrator's request) opens the tenancy registry, never the catalogue.
      await tx.query("SELECT set_config('app.platform', 'on', true)");
      expect((await tx.query(CATALOGUE_COUNTS))[0]).toEqual({ services: 0, packages: 0, items: 0 });
      const [registry] = await tx.query<{ organizations: number }>('SELECT count(*)::int AS organizations FROM organizations');
      expect(registry.organizations).toBeGreaterThanOrEqual(2);
      await tx.query("SELECT set_config('app.platform', 'off', true)");
      expect((await tx.query(CATALOGUE_COUNTS))[0]).toEqual({ services: 0, packages: 0, items: 0 });
      const [tenancy] = await tx.query('SELECT (SELECT count(*) FROM organizations)::int AS organizations, (SELECT count(*) FROM tenants)::int AS tenants');
      expect(tenancy).toEqual({ organizations: 0, tenants: 0 });
    } finally {
      await tx.rollback();
    }
  });
});
