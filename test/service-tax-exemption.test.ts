import { createService, getService, ownedCount, uniqueName } from './support/catalog';
import { expectError, TestServer, type Chain } from './support/harness';

/** Service.taxExemption: the text a budget prints for a 0% line; at most 200 characters, only with taxRate 0. */

const FIELDS = 'id taxRate taxExemption version';
const CREATE = `mutation($input: CreateServiceInput!) { createService(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateServiceInput!) { updateService(id: $id, input: $input) { ${FIELDS} } }`;
const DENTAL = 'Exento de IVA, art. 20.Uno.5º Ley 37/1992';

describe('Service.taxExemption over HTTP', () => {
  let server: TestServer;
  let chain: Chain;
  let admin: string;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    admin = chain.central!.admin;
  });
  afterAll(() => server.stop());

  const create = async (input: Record<string, unknown>) => (await server.ok(CREATE, { input: { name: uniqueName('Servicio'), price: '10.00', ...input } }, admin)).createService;

  it('is created, read (by another tenant too) and trimmed; blank is none; absent is null', async () => {
    const exempt = await create({ taxRate: '0.00', taxExemption: `  ${DENTAL}  ` });
    expect(exempt).toMatchObject({ taxRate: '0.00', taxExemption: DENTAL });
    expect((await getService(server, chain.clinics[0].staff, exempt.id, 'taxExemption')).taxExemption).toBe(DENTAL);
    expect((await create({ taxExemption: '   ' })).taxExemption).toBeNull();
    expect((await create({ taxRate: '21.00' })).taxExemption).toBeNull();
    // 200 characters are allowed.
    expect((await create({ taxExemption: 'e'.repeat(200) })).taxExemption).toBe('e'.repeat(200));
  });

  it.each<[string, Record<string, unknown>]>([
    ['with a tax rate other than 0', { taxRate: '21.00', taxExemption: DENTAL }],
    ['with a tax rate of 0.01', { taxRate: '0.01', taxExemption: DENTAL }],
    ['of 201 characters', { taxRate: '0.00', taxExemption: 'e'.repeat(201) }],
  ])('refuses an exemption %s, creating nothing', async (_label, input) => {
    const before = await ownedCount(server, admin, 'services');
    const response = await server.gql(CREATE, { input: { name: uniqueName('Servicio'), price: '10.00', ...input } }, admin);
    expect(expectError(response, 'BAD_USER_INPUT', 'taxExemption')).toMatch(/taxExemption/);
    expect(await ownedCount(server, admin, 'services')).toBe(before);
  });

  it('is updated, kept when absent and cleared by null', async () => {
    const service = await create({});
    const set = (await server.ok(UPDATE, { id: service.id, input: { taxExemption: DENTAL } }, admin)).updateService;
    expect(set).toMatchObject({ taxExemption: DENTAL, version: service.version + 1 });
    const renamed = (await server.ok(UPDATE, { id: service.id, input: { name: uniqueName('Servicio') } }, admin)).updateService;
    expect(renamed.taxExemption).toBe(DENTAL);
    const cleared = (await server.ok(UPDATE, { id: service.id, input: { taxExemption: null } }, admin)).updateService;
    expect(cleared.taxExemption).toBeNull();
  });

  it('is checked as the service will be: raising the rate of an exempt service needs its text cleared', async () => {
    const service = await create({ taxExemption: DENTAL });
    const before = await getService(server, admin, service.id);
    const refused = await server.gql(UPDATE, { id: service.id, input: { taxRate: '21.00' } }, admin);
    expect(expectError(refused, 'BAD_USER_INPUT', 'taxExemption')).toMatch(/0%/);
    expect(await getService(server, admin, service.id)).toEqual(before);
    // Adding a text to a 21% service is refused too.
    const taxed = await create({ taxRate: '21.00' });
    expectError(await server.gql(UPDATE, { id: taxed.id, input: { taxExemption: DENTAL } }, admin), 'BAD_USER_INPUT', 'taxExemption');
    // Both at once is fine.
    const changed = (await server.ok(UPDATE, { id: service.id, input: { taxRate: '21.00', taxExemption: null } }, admin)).updateService;
    expect(changed).toMatchObject({ taxRate: '21.00', taxExemption: null });
  });
});
