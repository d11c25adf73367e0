import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PACKAGE_DETAIL, PACKAGE_TABLE, TEETH } from '../bench/operations';
import { createPackage, createServices, PACKAGE_STATE_FIELDS, SERVICE_STATE_FIELDS } from './support/catalog';
import { TestServer, type Chain } from './support/harness';
import { PACKAGES_QUERY, SERVICES_QUERY } from './support/lists';
import { LogCapture } from './support/log-capture';

/**
 * Operations run compiled by graphql-jit (the default) and answer byte for byte what graphql-js
 * answers (GRAPHQL_JIT=false), errors included; and the two places where graphql-jit alone would
 * differ: variables that omit a defaulted non-null input field, and errors thrown without
 * `extensions` (a pg error), which must still be masked, carry the request id and be logged.
 */
describe('the compiled executor', () => {
  let jit: TestServer;
  let plain: TestServer;
  let chain: Chain;
  const logs = new LogCapture();
  let packageId: string;
  let serviceIds: string[];

  beforeAll(async () => {
    // A statement timeout short enough for a held lock to become a pg error, long enough for a loaded machine.
    [jit, plain] = await Promise.all([
      TestServer.start({ statementTimeoutMs: 1500, logLevel: 'debug' }, { logDestination: logs.destination }),
      TestServer.start({ statementTimeoutMs: 1500, graphqlJit: false }),
    ]);
    chain = await jit.provisionChain({ clinicSharing: 'BETWEEN_CLINICS' });
    const services = await createServices(jit, chain.central!.admin, 3);
    serviceIds = services.map((service: { id: string }) => service.id);
    const created = await createPackage(jit, chain.central!.admin, { items: serviceIds.map((serviceId, index) => ({ serviceId, quantity: index + 1 })) });
    packageId = created.id;
    await createPackage(jit, chain.clinics[0].admin, { items: [{ serviceId: serviceIds[0] }] });
  });
  afterAll(() => Promise.all([jit?.stop(), plain?.stop()]));

  async function post(server: TestServer, body: unknown, token: string, requestId: string) {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
    return { status: response.status, statements: response.headers.get('x-sql-statements'), text: await response.text() };
  }

  /** The same request to both servers, with the same request id (it is in masked errors). */
  async function both(body: unknown, token = chain.clinics[0].admin) {
    const requestId = `compare-${randomUUID()}`;
    return Promise.all([post(jit, body, token, requestId), post(plain, body, token, requestId)]);
  }

  const operations: [string, () => unknown][] = [
    ['the package table', () => ({ query: PACKAGE_TABLE, variables: { first: 20 } })],
    ['a package with its budget and plan', () => ({ query: PACKAGE_DETAIL, variables: { id: packageId, teeth: TEETH } })],
    ['packages ordered by an order whose fields all take their defaults', () => ({ query: PACKAGES_QUERY, variables: { orderBy: {}, first: 5 } })],
    ['packages ordered by one field, the direction by default', () => ({ query: PACKAGES_QUERY, variables: { orderBy: { field: 'NAME' } } })],
    ['services with a filter and order', () => ({ query: SERVICES_QUERY, variables: { filter: { status: 'ACTIVE' }, orderBy: { direction: 'DESC' }, first: 2 } })],
    ['one service, its state', () => ({ query: `query($id: ID!) { service(id: $id) { ${SERVICE_STATE_FIELDS} } }`, variables: { id: serviceIds[0] } })],
    ['one package, its state', () => ({ query: `query($id: ID!) { package(id: $id) { ${PACKAGE_STATE_FIELDS} } }`, variables: { id: packageId } })],
    ['fragments, aliases, __typename and @skip/@include', () => ({
      query: `query($yes: Boolean!) { a: packages(first: 1) { nodes { ...P } } b: packages(first: 2) @include(if: $yes) { totalCount nodes { __typename name @skip(if: $yes) } } }
              fragment P on Package { __typename id name items { quantity } }`,
      variables: { yes: true },
    })],
    ['errors of non-null fields nulling one package: graphql-js reports the first', () => ({
      query: 'query($id: ID!) { package(id: $id) { totals(priceListId: "nope") { total } items { totals(priceListId: "nope") { total } } } }',
      variables: { id: packageId },
    })],
    ['an unknown package (null)', () => ({ query: 'query($id: ID!) { package(id: $id) { id } }', variables: { id: randomUUID() } })],
    ['a malformed id (BAD_USER_INPUT)', () => ({ query: 'query($id: ID!) { package(id: $id) { id } }', variables: { id: 'nope' } })],
    ['a variable of the wrong type (400)', () => ({ query: 'query($first: Int) { packages(first: $first) { totalCount } }', variables: { first: 'many' } })],
    ['a missing required variable (400)', () => ({ query: 'query($id: ID!) { package(id: $id) { id } }', variables: {} })],
    ['an input field of the wrong type', () => ({ query: PACKAGES_QUERY, variables: { orderBy: { field: 'PRICE' } } })],
    ['a page size over the limit', () => ({ query: PACKAGES_QUERY, variables: { first: 100000 } })],
    ['entities by reference', () => ({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Package { id name } ... on Service { id name } } }',
      variables: { r: [{ __typename: 'Package', id: packageId }, { __typename: 'Service', id: serviceIds[1] }, { __typename: 'Package', id: 'bad' }] },
    })],
    ['introspection', () => ({ query: '{ __schema { queryType { name } types { name kind fields(includeDeprecated: true) { name args { name defaultValue } } } } }' })],
    ['the subgraph SDL', () => ({ query: '{ _service { sdl } }' })],
    ['a query of two operations, one named', () => ({ query: 'query A { me { tenant { id } } } query B { packages(first: 1) { totalCount } }', operationName: 'B' })],
  ];

  it.each(operations)('%s: the same answer as graphql-js, byte for byte', async (_label, body) => {
    const [compiled, interpreted] = await both(body());
    expect(compiled.text).toBe(interpreted.text);
    expect(compiled.status).toBe(interpreted.status);
    expect(compiled.statements).toBe(interpreted.statements);
  });

  it('a mutation whose inputs omit defaulted non-null fields takes the defaults (graphql-jit alone refuses them)', async () => {
    const response = await jit.gql(
      'mutation($input: CreatePackageInput!) { createPackage(input: $input) { shared items { quantity } } }',
      { input: { name: `Omitidos ${randomUUID()}`, items: [{ serviceId: serviceIds[0] }, { serviceId: serviceIds[1], quantity: 3 }] } },
      chain.clinics[1].admin,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.createPackage).toEqual({ shared: true, items: [{ quantity: 1 }, { quantity: 3 }] });
  });

  it('runs each operation of one document by its name (compiled apart)', async () => {
    const query = 'query A { packages(first: 1) { totalCount } } query B { services(first: 1) { totalCount } }';
    for (const name of ['A', 'B', 'A']) {
      const response = await post(jit, { query, operationName: name }, chain.clinics[0].admin, randomUUID());
      expect(Object.keys(JSON.parse(response.text).data)).toEqual([name === 'A' ? 'packages' : 'services']);
    }
  });

  describe('a database error in a query (a pg error: no extensions)', () => {
    let responses: Awaited<ReturnType<typeof both>>;

    beforeAll(async () => {
      // An exclusive lock on packages makes the list's read wait past the statement timeout.
      const locker = new Client({ connectionString: process.env.DATABASE_URL });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE packages IN ACCESS EXCLUSIVE MODE');
        responses = await both({ query: 'query Stuck { me { userId } packages(first: 1) { totalCount } }' });
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
    });

    it('is masked as INTERNAL_SERVER_ERROR with the path and the request id, as graphql-js has it', () => {
      const [compiled, interpreted] = responses;
      const body = JSON.parse(compiled.text);
      expect(body.data).toBeNull();
      expect(body.errors).toEqual([
        { message: 'Internal server error', locations: [{ line: 1, column: 29 }], path: ['packages'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.stringMatching(/^compare-/) } },
      ]);
      expect(compiled.text).toBe(interpreted.text);
      expect(compiled.status).toBe(interpreted.status);
    });

    it('is logged in full under the request id', () => {
      const requestId = JSON.parse(responses[0].text).errors[0].extensions.requestId;
      const logged = logs.entries().find((entry) => entry.msg === 'internal error' && entry.requestId === requestId);
      expect(logged?.err.message).toMatch(/statement timeout|lock timeout/);
      expect(logged?.path).toEqual(['packages']);
    });
  });
});
