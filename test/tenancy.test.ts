import { countRows } from './support/db';
import { TestServer, type Chain } from './support/harness';

const PROVISION = `mutation($input: ProvisionOrganizationInput!) {
  provisionOrganization(input: $input) { id name currency clinicSharing central { id name kind } tenants { id name kind } }
}`;
const ME = '{ me { userId roles tenant { id name kind } organization { id name currency clinicSharing central { id } tenants { name kind } } } }';

describe('tenancy: provisioning, me, organization, clinic sharing', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2 });
  });
  afterAll(() => server.stop());

  it('provisions a chain: central first, then clinics by name, defaults EUR and CENTRAL_ONLY', async () => {
    const data = await server.ok(
      PROVISION,
      { input: { name: '  Clínicas Norte  ', centralName: 'Norte Central', clinicNames: ['Norte Zamora', 'Norte Ávila', 'Norte León'] } },
      await server.platformToken(),
    );
    const organization = data.provisionOrganization;
    expect(organization).toMatchObject({ name: 'Clínicas Norte', currency: 'EUR', clinicSharing: 'CENTRAL_ONLY' });
    expect(organization.central).toMatchObject({ name: 'Norte Central', kind: 'CENTRAL' });
    expect(organization.tenants.map((tenant: { name: string }) => tenant.name)).toEqual([
      'Norte Central',
      'Norte Ávila',
      'Norte León',
      'Norte Zamora',
    ]);
  });

  it('provisions a standalone clinic with no central', async () => {
    const data = await server.ok(
      PROVISION,
      { input: { name: 'Fisio Sola', currency: 'USD', clinicSharing: 'BETWEEN_CLINICS', clinicNames: ['Fisio Sola'] } },
      await server.platformToken(),
    );
    expect(data.provisionOrganization).toMatchObject({ currency: 'USD', central: null, tenants: [{ name: 'Fisio Sola', kind: 'CLINIC' }] });
  });

  it.each([
    [{ name: 'Sin clínicas', centralName: 'C', clinicNames: [] }, 'clinicNames'],
    [{ name: '   ', centralName: 'C', clinicNames: ['A'] }, 'name'],
    [{ name: 'x'.repeat(121), centralName: 'C', clinicNames: ['A'] }, 'name'],
    [{ name: 'Moneda mala', currency: 'eur', clinicNames: ['A'] }, 'currency'],
    [{ name: 'Moneda larga', currency: 'EURO', clinicNames: ['A'] }, 'currency'],
    [{ name: 'Clínica en blanco', centralName: 'C', clinicNames: ['A', ' '] }, 'clinicNames[1]'],
    [{ name: 'Central en blanco', centralName: '', clinicNames: ['A'] }, 'centralName'],
    [{ name: 'Sin central', clinicNames: ['A', 'B'] }, 'centralName'],
  ])('refuses bad input %j naming %s, and creates nothing', async (input, field) => {
    const response = await server.gql(PROVISION, { input }, await server.platformToken());
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.errors?.[0].message).toMatch(new RegExp(field.replace(/[[\]]/g, '\\$&')));
    expect(await countRows('SELECT count(*) FROM organizations WHERE name = $1', [input.name.trim()])).toBe(0);
  });

  it('refuses duplicate clinic names in one organization as CONFLICT, creating nothing', async () => {
    const response = await server.gql(
      PROVISION,
      { input: { name: 'Duplicada SL', centralName: 'Central D', clinicNames: ['Clínica Uno', 'clinica uno'] } },
      await server.platformToken(),
    );
    expect(response.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await countRows("SELECT count(*) FROM organizations WHERE name = 'Duplicada SL'")).toBe(0);
  });

  it('lets only platform administrators provision and add clinics', async () => {
    const input = { name: 'Intrusa', centralName: 'C', clinicNames: ['A'] };
    for (const token of [chain.central!.admin, chain.clinics[0].admin, chain.clinics[0].staff]) {
      expect(await server.errorCode(PROVISION, { input }, token)).toBe('FORBIDDEN');
      expect(
        await server.errorCode('mutation($o: ID!) { addClinic(organizationId: $o, name: "Nueva") { id } }', { o: chain.organization.id }, token),
      ).toBe('FORBIDDEN');
    }
    expect(await countRows("SELECT count(*) FROM organizations WHERE name = 'Intrusa'")).toBe(0);
  });

  it('adds a clinic to a chain; refuses unknown organizations, standalone clinics and blank names', async () => {
    const platform = await server.platformToken();
    const ADD = 'mutation($o: ID!, $n: String!) { addClinic(organizationId: $o, name: $n) { id name kind } }';
    const added = await server.ok(ADD, { o: chain.organization.id, n: ' Clínica Nueva ' }, platform);
    expect(added.addClinic).toMatchObject({ name: 'Clínica Nueva', kind: 'CLINIC' });
    const tenants = await server.ok('{ organization { tenants { id } } }', {}, chain.central!.admin);
    expect(tenants.organization.tenants.map((tenant: { id: string }) => tenant.id)).toContain(added.addClinic.id);

    expect(await server.errorCode(ADD, { o: '00000000-0000-4000-8000-000000000000', n: 'X' }, platform)).toBe('NOT_FOUND');
    expect(await server.errorCode(ADD, { o: 'not-an-id', n: 'X' }, platform)).toBe('NOT_FOUND');
    const blank = await server.gql(ADD, { o: chain.organization.id, n: '  ' }, platform);
    expect(blank.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await server.errorCode(ADD, { o: chain.organization.id, n: 'clínica nueva' }, platform)).toBe('CONFLICT');

    const solo = await server.provisionChain({ clinics: 1, central: false });
    const refused = await server.gql(ADD, { o: solo.organization.id, n: 'Segunda' }, platform);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organizationId' });
  });

  it('answers me and organization for a tenant user, reading the organization from the database', async () => {
    const data = await server.ok(ME, {}, chain.clinics[1].staff);
    expect(data.me.roles).toEqual(['STAFF']);
    expect(data.me.tenant).toMatchObject({ id: chain.clinics[1].id, kind: 'CLINIC' });
    expect(data.me.organization).toMatchObject({ id: chain.organization.id, clinicSharing: 'CENTRAL_ONLY', central: { id: chain.central!.id } });
    expect(data.me.organization.tenants.map((tenant: { kind: string }) => tenant.kind)).toEqual(['CENTRAL', 'CLINIC', 'CLINIC', 'CLINIC']);
    const organization = await server.ok('{ organization { id name } }', {}, chain.central!.admin);
    expect(organization.organization.id).toBe(chain.organization.id);
  });

  it('answers me for a platform administrator without tenant or organization, and refuses it the catalogue', async () => {
    const platform = await server.platformToken();
    const data = await server.ok(ME, {}, platform);
    expect(data.me).toEqual({ userId: 'platform', roles: ['PLATFORM_ADMIN'], tenant: null, organization: null });
    expect(await server.errorCode('{ organization { id } }', {}, platform)).toBe('FORBIDDEN');
    expect(await server.errorCode('{ packages { totalCount } }', {}, platform)).toBe('FORBIDDEN');
  });

  it("lets only the central's administrators switch clinic sharing", async () => {
    const SWITCH = 'mutation($m: ClinicSharing!) { updateClinicSharing(mode: $m) { clinicSharing } }';
    for (const token of [chain.clinics[0].admin, chain.central!.staff, await server.platformToken()]) {
      expect(await server.errorCode(SWITCH, { m: 'BETWEEN_CLINICS' }, token)).toBe('FORBIDDEN');
    }
    expect((await server.ok('{ organization { clinicSharing } }', {}, chain.clinics[0].admin)).organization.clinicSharing).toBe('CENTRAL_ONLY');
    const switched = await server.ok(SWITCH, { m: 'BETWEEN_CLINICS' }, chain.central!.admin);
    expect(switched.updateClinicSharing.clinicSharing).toBe('BETWEEN_CLINICS');
    expect((await server.ok('{ organization { clinicSharing } }', {}, chain.clinics[0].staff)).organization.clinicSharing).toBe('BETWEEN_CLINICS');
    const invalid = await server.gql(SWITCH, { m: 'EVERYONE' }, chain.central!.admin);
    expect(invalid.status).toBe(400);
  });
});
