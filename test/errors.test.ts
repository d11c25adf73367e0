import { randomUUID } from 'node:crypto';
import { countRows } from './support/db';
import { TestServer, type Chain } from './support/harness';
import { lockOrganization } from './support/locks';
import { LogCapture } from './support/log-capture';

const ADD_CLINIC = 'mutation($organizationId: ID!, $name: String!) { addClinic(organizationId: $organizationId, name: $name) { id } }';

describe('errors', () => {
  let server: TestServer;
  let chain: Chain;
  let platform: string;
  const logs = new LogCapture();

  beforeAll(async () => {
    // A short statement timeout turns a lock wait into the kind of failure nobody planned for.
    server = await TestServer.start({ logLevel: 'debug', statementTimeoutMs: 300 }, { logDestination: logs.destination });
    chain = await server.provisionChain();
    platform = await server.platformToken();
  });
  afterAll(() => server.stop());

  async function post(body: unknown, token: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, requestId: response.headers.get('x-request-id'), text: await response.text() };
  }

  describe('requests GraphQL cannot run are HTTP 400 with its codes', () => {
    it.each([
      ['a syntax error', { query: '{ me { userId }' }, 'GRAPHQL_PARSE_FAILED'],
      ['an unknown field', { query: '{ me { password } }' }, 'GRAPHQL_VALIDATION_FAILED'],
      [
        'a variable of the wrong type',
        { query: 'mutation($mode: ClinicSharing!) { updateClinicSharing(mode: $mode) { id } }', variables: { mode: 'ALL' } },
        'BAD_USER_INPUT',
      ],
      ['no query', { variables: {} }, 'BAD_REQUEST'],
    ])('%s', async (_label, body, code) => {
      const response = await post(body, chain.clinics[0].admin);
      expect(response.status).toBe(400);
      const { errors, data } = JSON.parse(response.text);
      expect(data).toBeUndefined();
      expect(errors[0].extensions.code).toBe(code);
      expect(errors[0].extensions.stacktrace).toBeUndefined();
    });
  });

  describe('variables GraphQL cannot coerce are BAD_USER_INPUT naming the input at fault', () => {
    const ADD_ITEMS = 'mutation($packageId: ID!, $items: [PackageItemInput!]!) { addPackageItems(packageId: $packageId, items: $items) { id } }';

    it.each([
      ['a value of the wrong type', 'query($first: Int!) { packages(first: $first) { totalCount } }', { first: 'veinte' }, ['first']],
      ['an unknown enum value inside an input', 'query($filter: PackageFilter) { packages(first: 5, filter: $filter) { totalCount } }', { filter: { status: 'NOPE' } }, ['filter.status']],
      ['a required variable left out', 'query($id: ID!) { package(id: $id) { id } }', {}, ['id']],
      ['null for a non-null variable', 'query($id: ID!) { package(id: $id) { id } }', { id: null }, ['id']],
      [
        'a bad element of a list, and a second bad variable',
        ADD_ITEMS,
        { packageId: true, items: [{ serviceId: randomUUID() }, { serviceId: randomUUID(), quantity: 'dos' }] },
        ['packageId', 'items[1].quantity'],
      ],
    ])('%s', async (_label, query, variables, fields) => {
      const before = await countRows('SELECT count(*) FROM package_items');
      const response = await post({ query, variables }, chain.clinics[0].admin);
      expect(response.status).toBe(400);
      const { errors, data } = JSON.parse(response.text);
      expect(data).toBeUndefined();
      expect(errors.map((error: { extensions: object }) => error.extensions)).toEqual(fields.map((field) => ({ code: 'BAD_USER_INPUT', field })));
      expect(await countRows('SELECT count(*) FROM package_items')).toBe(before);
    });
  });

  describe('resolver errors keep their code', () => {
    it('FORBIDDEN', async () => {
      expect(await server.errorCode('mutation { updateClinicSharing(mode: BETWEEN_CLINICS) { id } }', {}, chain.clinics[0].admin)).toBe('FORBIDDEN');
    });

    it('NOT_FOUND', async () => {
      expect(await server.errorCode(ADD_CLINIC, { organizationId: randomUUID(), name: 'Nueva' }, platform)).toBe('NOT_FOUND');
    });

    it('BAD_USER_INPUT naming the field', async () => {
      const response = await server.gql(ADD_CLINIC, { organizationId: chain.organization.id, name: '   ' }, platform);
      expect(response.status).toBe(200);
      expect(response.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    });

    it('CONFLICT, without the name of the constraint behind it', async () => {
      const response = await server.gql(ADD_CLINIC, { organizationId: chain.organization.id, name: chain.organization.tenants[1].name }, platform);
      expect(response.errors?.[0].extensions).toEqual({ code: 'CONFLICT', field: 'name' });
      expect(JSON.stringify(response)).not.toMatch(/tenants_name_unique|duplicate key/);
    });
  });

  describe('an unexpected failure', () => {
    let response: Awaited<ReturnType<typeof post>>;
    const name = `Clínica ${randomUUID()}`;

    beforeAll(async () => {
      const lock = await lockOrganization(chain.organization.id);
      try {
        response = await post({ query: ADD_CLINIC, variables: { organizationId: chain.organization.id, name } }, platform);
      } finally {
        await lock.release();
      }
    });

    it('is INTERNAL_SERVER_ERROR with the request id', () => {
      const body = JSON.parse(response.text);
      expect(body.data).toBeNull();
      expect(body.errors).toEqual([
        {
          message: 'Internal server error',
          locations: expect.any(Array),
          path: ['addClinic'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: response.requestId },
        },
      ]);
      expect(response.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('shows the client no stack, SQL, table or cause', () => {
      expect(response.text).not.toMatch(/statement timeout|canceling|INSERT|SELECT|tenants|organizations|QueryFailedError|\.ts:\d+|at [A-Za-z]/);
    });

    it('changed nothing', async () => {
      expect(await countRows('SELECT count(*) FROM tenants WHERE name = $1', [name])).toBe(0);
    });

    it('is logged in full under the request id', () => {
      const logged = logs.entries().find((entry) => entry.msg === 'internal error' && entry.requestId === response.requestId);
      expect(logged?.err.message).toMatch(/statement timeout/);
      expect(logged?.path).toEqual(['addClinic']);
    });
  });

  describe('logs', () => {
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZS10aGF0LW11c3Qtbm90LWJlLWxvZ2dlZA';

    beforeAll(async () => {
      await post({ query: '{ me { userId } }' }, chain.clinics[0].staff, { 'x-request-id': 'client-chosen-id' });
      await post({ query: '{ me { userId } }' }, forged);
      await post({ query: '{ me { userId' }, chain.clinics[0].admin);
    });

    it('are JSON, one object a line', () => {
      expect(logs.lines.length).toBeGreaterThan(0);
      expect(() => logs.entries()).not.toThrow();
    });

    it('carry the request id on every line written while serving a request', () => {
      // The test server writes nothing of its own: every line here was written for a request.
      for (const entry of logs.entries()) expect(entry).toEqual(expect.objectContaining({ requestId: expect.any(String) }));
      expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'request', requestId: 'client-chosen-id', status: 200 }));
      expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'request', status: 401 }));
    });

    it('never hold a token or an authorization header', () => {
      const all = logs.lines.join('\n');
      for (const token of [forged, chain.clinics[0].staff, chain.clinics[0].admin, platform]) expect(all).not.toContain(token);
      expect(all).not.toMatch(/bearer|authorization/i);
    });
  });
});
