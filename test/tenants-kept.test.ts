import { createService } from './support/catalog';
import { withDatabase } from './support/db';
import { TestServer, type Chain } from './support/harness';

/**
 * The server keeps each organization's tenants between requests (owners and `addedBy` of every
 * page are named from them) and reads them again whenever the organization's tenancy version,
 * which the database raises with every change to its tenants (migration 0013), is not the one they
 * were kept at: no page ever names a tenant as it was before a change it can see.
 */

const OWNERS = '{ services(first: 100) { nodes { name owner { id name } } } }';

describe('the tenants a server keeps', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2, clinicSharing: 'BETWEEN_CLINICS' });
    await createService(server, chain.central!.admin, { name: 'Limpieza central' });
  });
  afterAll(() => server.stop());

  async function owners(token = chain.clinics[0].admin) {
    const response = await server.gql(OWNERS, {}, token);
    expect(response.errors).toBeUndefined();
    const names = new Map<string, string>(response.data.services.nodes.map((node: any) => [node.name, node.owner.name]));
    return { statements: Number(response.headers.get('x-sql-statements')), names };
  }

  const tenancyVersion = () =>
    withDatabase(async (client) => (await client.query('SELECT tenancy_version FROM organizations WHERE id = $1', [chain.organization.id])).rows[0].tenancy_version);

  it('names owners without a statement for the tenants once kept, and reads them again after a clinic is added', async () => {
    await owners();
    const kept = await owners();
    const added = await server.ok(
      'mutation($id: ID!) { addClinic(organizationId: $id, name: "Clínica nueva") { id name } }',
      { id: chain.organization.id },
      await server.platformToken(),
    );
    const again = await owners();
    expect(again.statements).toBe(kept.statements + 1);
    expect(again.names).toEqual(kept.names);
    expect((await owners()).statements).toBe(kept.statements);
    // Kept for the organization, whichever of its tenants asks.
    expect((await owners(chain.clinics[1].admin)).statements).toBe(kept.statements);

    await createService(server, await server.token({ tid: added.addClinic.id, roles: ['ADMIN'] }), { name: 'Limpieza de la nueva' });
    expect((await owners()).names.get('Limpieza de la nueva')).toBe('Clínica nueva');
  });

  it('names a tenant anew at once when the database renames it, and raises the version once per statement', async () => {
    await owners();
    const version = BigInt(await tenancyVersion());
    await withDatabase((client) => client.query(`UPDATE tenants SET name = name || ' (renombrada)' WHERE organization_id = $1`, [chain.organization.id]));
    expect(BigInt(await tenancyVersion())).toBe(version + 1n);
    const after = await owners();
    expect(after.names.get('Limpieza central')).toMatch(/^Central .* \(renombrada\)$/);
    const organization = await server.ok('{ organization { tenants { name } } }', {}, chain.clinics[1].staff);
    expect(organization.organization.tenants.every((tenant: { name: string }) => tenant.name.endsWith(' (renombrada)'))).toBe(true);
  });
});
