import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, printType, type GraphQLObjectType } from 'graphql';
import { createSubgraphSchema, printSubgraphFile } from '../src/graphql/subgraph';
import { addItems, createPackage, createService, uniqueName } from './support/catalog';
import { createPriceList } from './support/price-lists';
import { TestServer, type Chain } from './support/harness';

/**
 * The endpoint as a Federation 2 subgraph: what the router reads (`_service { sdl }`) and how it
 * resolves references (`_entities`), with the viewer's visibility, over HTTP.
 */
const root = path.join(__dirname, '..');
const ENTITY_TYPES = ['Organization', 'Package', 'PackageItem', 'PriceList', 'Service', 'Tenant'];

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Service { id name price taxRate createdAt deactivatedAt origin owner { id } }
    ... on Package { id name updatedAt itemCount totals { total } items { id service { id price } } }
    ... on PackageItem { id quantity service { id name } addedBy { id } totals { total } }
    ... on Tenant { id name kind }
    ... on Organization { id name currency }
    ... on PriceList { id name validFrom validUntil createdAt }
  }
}`;

let server: TestServer;
let chain: Chain;
let other: Chain;

beforeAll(async () => {
  server = await TestServer.start();
  chain = await server.provisionChain({ clinics: 2 });
  other = await server.provisionChain({ clinics: 1 });
});

afterAll(() => server.stop());

describe('the subgraph schema', () => {
  it('schema.subgraph.graphql is what `npm run schema` emits (regenerate it when this fails)', async () => {
    const committed = fs.readFileSync(path.join(root, 'schema.subgraph.graphql'), 'utf8');
    expect(committed).toBe(printSubgraphFile(await createSubgraphSchema()));
  });

  it('`_service { sdl }` answers the committed SDL, with a key on every entity and PageInfo shareable', async () => {
    const response = await server.gql('{ _service { sdl } }', {}, chain.central!.staff);
    const sdl: string = response.data._service.sdl;
    const committed = fs.readFileSync(path.join(root, 'schema.subgraph.graphql'), 'utf8');
    expect(committed).toContain(sdl);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    for (const type of ENTITY_TYPES) expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)\\s*\\{`));
    expect(sdl).toMatch(/type PageInfo\s+@shareable\s*\{/);
  });

  it('serves the API of schema.graphql unchanged, plus only federation’s own fields and types', async () => {
    const api = buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
    const subgraph = await createSubgraphSchema();
    for (const [name, type] of Object.entries(api.getTypeMap())) {
      if (name.startsWith('__') || name === 'Query') continue;
      expect(printType(subgraph.getType(name)!)).toBe(printType(type));
    }
    const query = subgraph.getQueryType() as GraphQLObjectType;
    const added = Object.keys(query.getFields()).filter((field) => !(field in api.getQueryType()!.getFields()));
    expect(added.sort()).toEqual(['_entities', '_service']);
  });
});

describe('_entities', () => {
  let sharedService: any;
  let privateService: any;
  let clinicService: any;
  let centralPackage: any;
  let clinicPackage: any;
  let centralList: any;
  let privateList: any;

  beforeAll(async () => {
    centralList = await createPriceList(server, chain.central!.admin, { validFrom: '2027-01-01', validUntil: '2027-12-31' });
    privateList = await createPriceList(server, chain.central!.admin, { shared: false });
    sharedService = await createService(server, chain.central!.admin, { price: '12.5', taxRate: '21' });
    privateService = await createService(server, chain.central!.admin, { shared: false });
    clinicService = await createService(server, chain.clinics[0].admin);
    centralPackage = await createPackage(server, chain.central!.admin, { items: [{ serviceId: sharedService.id, quantity: 2 }] });
    clinicPackage = await createPackage(server, chain.clinics[0].admin, { items: [{ serviceId: clinicService.id }] });
  });

  it('resolves each representation with the viewer’s visibility, in order, null for unknown or unseen ids', async () => {
    const viewer = chain.clinics[1];
    const representations = [
      { __typename: 'Package', id: centralPackage.id },
      { __typename: 'Package', id: clinicPackage.id }, // another clinic's own package: unseen
      { __typename: 'Service', id: sharedService.id },
      { __typename: 'Service', id: privateService.id }, // the central's unshared service: unseen
      { __typename: 'Service', id: randomUUID() }, // unknown
      { __typename: 'Service', id: 'not-a-uuid' },
      { __typename: 'PackageItem', id: centralPackage.items[0].id },
      { __typename: 'PackageItem', id: clinicPackage.items[0].id }, // in an unseen package
      { __typename: 'Tenant', id: chain.central!.id },
      { __typename: 'Tenant', id: other.clinics[0].id }, // another organization's
      { __typename: 'Organization', id: chain.organization.id },
      { __typename: 'Organization', id: other.organization.id },
      { __typename: 'PriceList', id: centralList.id },
      { __typename: 'PriceList', id: privateList.id }, // the central's unshared list: unseen
    ];
    const response = await server.gql(ENTITIES, { representations }, viewer.staff);
    expect(response.errors).toBeUndefined();
    const entities = response.data._entities;
    expect(entities.map((entity: any) => entity && `${entity.__typename}:${entity.id}`)).toEqual([
      `Package:${centralPackage.id}`,
      null,
      `Service:${sharedService.id}`,
      null,
      null,
      null,
      `PackageItem:${centralPackage.items[0].id}`,
      null,
      `Tenant:${chain.central!.id}`,
      null,
      `Organization:${chain.organization.id}`,
      null,
      `PriceList:${centralList.id}`,
      null,
    ]);
    // Custom scalars are written as the API writes them.
    expect(entities[2]).toMatchObject({ price: '12.50', taxRate: '21.00', deactivatedAt: null, origin: 'CENTRAL', owner: { id: chain.central!.id } });
    expect(entities[2].createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entities[0]).toMatchObject({ itemCount: 1, totals: { total: '30.25' }, items: [{ service: { id: sharedService.id, price: '12.50' } }] });
    expect(entities[6]).toMatchObject({ quantity: 2, service: { id: sharedService.id }, addedBy: { id: chain.central!.id }, totals: { total: '30.25' } });
    expect(entities[8]).toMatchObject({ kind: 'CENTRAL' });
    // Calendar days stay "YYYY-MM-DD" (the Date scalar), timestamps ISO-8601 (DateTime).
    expect(entities[12]).toMatchObject({ validFrom: '2027-01-01', validUntil: '2027-12-31', createdAt: centralList.createdAt });
    expect(entities[10]).toMatchObject({ name: expect.stringMatching(/^Cadena /), currency: 'EUR' });
  });

  it('the owner sees its own package and item that another clinic cannot', async () => {
    const representations = [
      { __typename: 'Package', id: clinicPackage.id },
      { __typename: 'PackageItem', id: clinicPackage.items[0].id },
      { __typename: 'Service', id: privateService.id },
    ];
    const entities = (await server.ok(ENTITIES, { representations }, chain.clinics[0].staff))._entities;
    expect(entities.map((entity: any) => entity?.id ?? null)).toEqual([clinicPackage.id, clinicPackage.items[0].id, null]);
  });

  it('gives a platform administrator, who sees no catalogue, nulls', async () => {
    const representations = [
      { __typename: 'Package', id: centralPackage.id },
      { __typename: 'Tenant', id: chain.central!.id },
      { __typename: 'Organization', id: chain.organization.id },
    ];
    const response = await server.gql(ENTITIES, { representations }, await server.platformToken());
    expect(response.errors).toBeUndefined();
    expect(response.data._entities).toEqual([null, null, null]);
  });

  it('needs a token like every operation', async () => {
    const response = await server.gql(ENTITIES, { representations: [{ __typename: 'Package', id: centralPackage.id }] });
    expect(response.status).toBe(401);
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('costs the same number of SQL statements for 5 representations of each type as for 50', async () => {
    const viewer = chain.clinics[1];
    const packages: any[] = [];
    const indexes = Array.from({ length: 50 }, (_, index) => index);
    const created = await server.ok(
      `mutation { ${indexes
        .map((index) => `p${index}: createPackage(input: { name: "${uniqueName('Lote')}", items: [{ serviceId: "${sharedService.id}" }] }) { id items { id } }`)
        .join('\n')} }`,
      {},
      chain.central!.admin,
    );
    for (const index of indexes) packages.push(created[`p${index}`]);
    await addItems(server, chain.central!.admin, packages[0].id, [{ serviceId: privateService.id }]);
    const statementsFor = async (count: number) => {
      const representations = packages.slice(0, count).flatMap((pkg) => [
        { __typename: 'Package', id: pkg.id },
        { __typename: 'PackageItem', id: pkg.items[0].id },
        { __typename: 'Service', id: sharedService.id },
        { __typename: 'Tenant', id: chain.central!.id },
        { __typename: 'Organization', id: chain.organization.id },
        { __typename: 'PriceList', id: centralList.id },
      ]);
      const response = await server.gql(ENTITIES, { representations }, viewer.staff);
      expect(response.errors).toBeUndefined();
      expect(response.data._entities.filter((entity: unknown) => entity === null)).toEqual([]);
      expect(response.data._entities).toHaveLength(count * 6);
      return Number(response.headers.get('x-sql-statements'));
    };
    const five = await statementsFor(5);
    expect(five).toBeGreaterThan(0);
    expect(await statementsFor(50)).toBe(five);
  });

  it('prices a batch by its number of representations: a huge one is QUERY_TOO_COMPLEX before it runs', async () => {
    const representations = Array.from({ length: 5_000 }, () => ({ __typename: 'Package', id: centralPackage.id }));
    const response = await server.gql(ENTITIES, { representations }, chain.clinics[1].staff);
    expect(response.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    // No more statements than an operation that reads nothing (the transaction and the viewer's tenant).
    const nothing = await server.gql('{ __typename }', {}, chain.clinics[1].staff);
    expect(response.headers.get('x-sql-statements')).toBe(nothing.headers.get('x-sql-statements'));
  });
});
