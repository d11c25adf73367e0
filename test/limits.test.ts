import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildSchema, getIntrospectionQuery, getOperationAST, parse, validate, type GraphQLSchema } from 'graphql';
import { QueryTooComplexError } from '../src/errors';
import { assertWithinLimits, MAX_QUERY_COST, MAX_QUERY_DEPTH, measureOperation } from '../src/graphql/limits';
import { countRows } from './support/db';
import { TestServer, type Chain } from './support/harness';

/** The API contract itself: the catalogue's connections and lists priced as clients will query them. */
const contract = buildSchema(fs.readFileSync(path.join(__dirname, 'contract.graphql'), 'utf8'));

/** The contract has no cycle deep enough to pass ten levels: a tenant that names its organization has. */
const nested = buildSchema(`
  type Query { tenant: Tenant }
  type Tenant { name: String! organization: Organization! }
  type Organization { name: String! central: Tenant }
`);

function operationOf(schema: GraphQLSchema, query: string) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  return { document, operation: getOperationAST(document)! };
}

function measure(schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}) {
  const { document, operation } = operationOf(schema, query);
  return measureOperation(schema, document, operation, variables);
}

function refusal(schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}): string | undefined {
  const { document, operation } = operationOf(schema, query);
  try {
    assertWithinLimits(schema, document, operation, variables);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(QueryTooComplexError);
    return (error as Error).message;
  }
}

/** One page of 100 packages with their items' services, owners and quote lines. */
const PAGE = `packages(first: 100) {
  nodes { id name owner { name } items { quantity service { name } } quote { lines { service { name } total } } }
}`;
const pages = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `page${index}: ${PAGE}`).join('\n')} }`;

/** `tenant { organization { central { organization { ... name } } } }`, `depth` fields deep. */
function nestedQuery(depth: number): string {
  let selection = 'name';
  for (let level = depth - 1; level >= 1; level -= 1) {
    selection = `${level % 2 === 1 ? (level === 1 ? 'tenant' : 'central') : 'organization'} { ${selection} }`;
  }
  return `{ ${selection} }`;
}

describe('operation cost', () => {
  it('prices one page of 100 packages with items, services, owners and quote lines at about 12,000', () => {
    // Per package: id, name, owner{name} 2, items 1 + 20 × (quantity + service{name} 2), quote 1 + lines (1 + 20 × 3) = 127.
    expect(measure(contract, `{ ${PAGE} }`).cost).toBe(1 + 100 * (1 + 127));
    expect(refusal(contract, `{ ${PAGE} }`)).toBeUndefined();
  });

  it('refuses five such pages in one operation, naming the cost and the budget', () => {
    expect(measure(contract, pages(3)).cost).toBe(3 * 12_801);
    expect(refusal(contract, pages(3))).toBeUndefined();
    expect(refusal(contract, pages(5))).toBe(`The operation costs ${5 * 12_801}; the budget is ${MAX_QUERY_COST} per operation`);
  });

  it("multiplies a connection by its `first`, its argument's default when absent, and not again for nodes or edges", () => {
    expect(measure(contract, '{ packages(first: 10) { nodes { id } } }').cost).toBe(1 + 10 * 2);
    expect(measure(contract, '{ packages(first: 10) { edges { cursor node { id } } } }').cost).toBe(1 + 10 * (1 + 1 + 2));
    expect(measure(contract, '{ services { totalCount nodes { id } } }').cost).toBe(1 + 50 * (1 + 2));
    expect(measure(contract, 'query($n: Int) { packages(first: $n) { nodes { id } } }', { n: 3 }).cost).toBe(1 + 3 * 2);
    expect(measure(contract, '{ packages(first: null) { nodes { id } } }').cost).toBe(1 + 50 * 2);
  });

  it('does not let a negative `first` buy budget for the rest of the operation', () => {
    expect(measure(contract, '{ packages(first: -1000000) { nodes { id } } }').cost).toBe(1);
    expect(refusal(contract, `{ cheap: packages(first: -1000000) { nodes { id } } ${pages(5).slice(1, -1)} }`)).toMatch(/costs/);
  });

  it('multiplies any other list by 20', () => {
    expect(measure(contract, '{ organization { tenants { id name } } }').cost).toBe(1 + 1 + 20 * 2);
    expect(measure(contract, '{ me { roles } }').cost).toBe(2);
  });

  it('prices fragments as the fields they stand for, and leaves out skipped fields', () => {
    const inline = measure(contract, '{ packages(first: 5) { nodes { id items { quantity } } } }').cost;
    expect(measure(contract, '{ packages(first: 5) { nodes { ...P } } } fragment P on Package { id items { quantity } }').cost).toBe(inline);
    expect(measure(contract, '{ packages(first: 5) { nodes { ... on Package { id items { quantity } } } } }').cost).toBe(inline);
    expect(measure(contract, 'query($skip: Boolean!) { me { userId } packages(first: 100) @skip(if: $skip) { nodes { id } } }', { skip: true }).cost).toBe(2);
    expect(measure(contract, '{ me { userId } packages(first: 100) @include(if: false) { nodes { id } } }').cost).toBe(2);
  });

  it('prices each fragment once, so nesting spreads cannot make pricing itself slow', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === levels - 1 ? `fragment F${level} on Tenant { id }` : `fragment F${level} on Tenant { ...F${level + 1} ... on Tenant { ...F${level + 1} } }`,
    );
    const query = `{ me { tenant { ...F0 } } } ${fragments.join('\n')}`;
    expect(measure(contract, query).cost).toBe(2 + 2 ** (levels - 1));
    expect(refusal(contract, query)).toMatch(/costs/);
  });

  it('leaves introspection and __typename free, so development tools keep working', () => {
    expect(measure(contract, getIntrospectionQuery())).toEqual({ cost: 0, depth: 0 });
    expect(measure(contract, '{ __typename me { __typename userId } }')).toEqual({ cost: 2, depth: 2 });
  });

  it('lets GraphQL itself refuse variables that do not coerce', () => {
    expect(refusal(contract, 'query($n: Int) { packages(first: $n) { nodes { id } } }', { n: 'many' })).toBeUndefined();
  });
});

describe('operation depth', () => {
  it(`passes ${MAX_QUERY_DEPTH} levels and refuses ${MAX_QUERY_DEPTH + 1}, naming the depth and the limit`, () => {
    expect(measure(nested, nestedQuery(10)).depth).toBe(10);
    expect(refusal(nested, nestedQuery(10))).toBeUndefined();
    expect(measure(nested, nestedQuery(11)).depth).toBe(11);
    expect(refusal(nested, nestedQuery(11))).toBe(`The operation nests fields 11 deep; at most ${MAX_QUERY_DEPTH} levels are allowed`);
  });

  it('counts levels reached through fragments', () => {
    const query = `{ tenant { organization { central { organization { ...Deep } } } } }
      fragment Deep on Organization { central { organization { central { organization { central { organization { name } } } } } } }`;
    expect(measure(nested, query).depth).toBe(11);
    expect(refusal(nested, query)).toMatch(/11 deep/);
  });
});

describe('operation limits over HTTP', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
  });
  afterAll(() => server.stop());

  // Each alias costs 1 + 1 + 20 × 3 = 62.
  const organizations = (count: number) =>
    `{ ${Array.from({ length: count }, (_, index) => `o${index}: organization { tenants { id name kind } }`).join(' ')} }`;

  it('runs an operation within the budget', async () => {
    const response = await server.gql(organizations(800), {}, chain.clinics[0].admin);
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data.o799.tenants).toHaveLength(3);
  });

  it('refuses an operation over the budget with QUERY_TOO_COMPLEX and HTTP 400', async () => {
    const response = await server.gql(organizations(900), {}, chain.clinics[0].admin);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      { message: `The operation costs ${900 * 62}; the budget is ${MAX_QUERY_COST} per operation`, extensions: { code: 'QUERY_TOO_COMPLEX' } },
    ]);
  });

  it('refuses before anything runs: an expensive mutation stores nothing', async () => {
    const prefix = `Limit ${randomUUID()}`;
    const mutations = Array.from(
      { length: 810 },
      (_, index) => `m${index}: provisionOrganization(input: { name: "${prefix} ${index}", clinicNames: ["Clínica"] }) { tenants { id name kind } }`,
    );
    const response = await server.gql(`mutation { ${mutations.join(' ')} }`, {}, await server.platformToken());
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(await countRows('SELECT count(*) FROM organizations WHERE name LIKE $1', [`${prefix}%`])).toBe(0);
  });

  it('still answers the introspection query of development tools', async () => {
    const data = await server.ok(getIntrospectionQuery(), {}, chain.clinics[0].admin);
    expect(data.__schema.queryType.name).toBe('Query');
  });
});
