import { createHash } from 'node:crypto';
import { TestServer, type Chain } from './support/harness';
import { LogCapture } from './support/log-capture';

/** Apollo's automatic persisted queries, configured explicitly (bounded LRU cache, see README). */
let server: TestServer;
let chain: Chain;

beforeAll(async () => {
  server = await TestServer.start();
  chain = await server.provisionChain({ clinics: 1 });
});

afterAll(() => server.stop());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function post(body: Record<string, unknown>, token: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

async function get(params: Record<string, string>, token: string) {
  const response = await fetch(`${server.url}/graphql?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

it('answers an unknown hash PERSISTED_QUERY_NOT_FOUND, then serves the hash once the text was sent', async () => {
  const token = chain.clinics[0].staff;
  const query = `query Persisted${Date.now()} { me { userId roles } }`;
  const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };

  const unknown = await post({ extensions }, token);
  expect(unknown.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  expect(unknown.body.data).toBeUndefined();

  const registered = await post({ query, extensions }, token);
  expect(registered.status).toBe(200);
  expect(registered.body.data.me.roles).toEqual(['STAFF']);

  const byHash = await post({ extensions }, token);
  expect(byHash.body).toEqual({ data: registered.body.data });
  // GET works too, the way CDN-friendly clients send it.
  const byGet = await get({ extensions: JSON.stringify(extensions) }, token);
  expect(byGet.body).toEqual({ data: registered.body.data });
});

it('serves a hash to every viewer with that viewer’s data (the cache holds query texts, never answers)', async () => {
  const query = `query PersistedShared${Date.now()} { me { roles } }`;
  const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
  await post({ query, extensions }, chain.clinics[0].staff);
  expect((await post({ extensions }, chain.clinics[0].admin)).body.data.me.roles).toEqual(['ADMIN']);
});

describe("a client's mistakes with persisted queries", () => {
  let logged: TestServer;
  let logs: LogCapture;

  beforeAll(async () => {
    logs = new LogCapture();
    logged = await TestServer.start({ logLevel: 'info' }, { logDestination: logs.destination });
  });
  afterAll(() => logged.stop());

  async function postTo(target: TestServer, body: Record<string, unknown>, token: string) {
    const response = await fetch(`${target.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  }

  const errorLines = () => logs.entries().filter((entry) => entry.level >= 50);

  it.each([
    ['a hash that is not the query’s', (query: string) => ({ version: 1, sha256Hash: sha256(`${query} `) }), 'extensions.persistedQuery.sha256Hash'],
    ['version 2', (query: string) => ({ version: 2, sha256Hash: sha256(query) }), 'extensions.persistedQuery.version'],
    ['version "1" as a string', (query: string) => ({ version: '1', sha256Hash: sha256(query) }), 'extensions.persistedQuery.version'],
  ])('%s is BAD_USER_INPUT (400) naming the field, runs nothing and logs no error', async (_label, persistedQuery, field) => {
    const before = errorLines().length;
    const query = `mutation Mistake${Date.now()} { createPackage(input: { name: "APQ mistake ${Date.now()}" }) { id } }`;
    const response = await postTo(logged, { query, extensions: { persistedQuery: persistedQuery(query) } }, chain.clinics[0].admin);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.body.errors![0].message).not.toMatch(/internal/i);
    expect(response.body.errors![0].extensions).not.toHaveProperty('stacktrace');
    expect(errorLines().length).toBe(before);
    const packages = await logged.ok('{ packages(filter: { search: "APQ mistake" }) { totalCount } }', {}, chain.clinics[0].admin);
    expect(packages.packages.totalCount).toBe(0);
  });
});
