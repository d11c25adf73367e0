import { TestServer, type Chain } from './support/harness';

/**
 * With NODE_ENV=production introspection is off, so no error may reveal the schema either:
 * GraphQL's "Did you mean ...?" suggestions are removed from every message (api.md "Errors and
 * limits"), for fields, arguments, types, enum values and input fields, in the document or in
 * the variables. Outside production they stay: they help developers.
 */
const PROBES: [string, string, Record<string, unknown>, string][] = [
  ['a misspelt root field', '{ pakages { totalCount } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['a misspelt nested field', '{ packages(first: 1) { nodes { nme } } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['a misspelt argument', '{ packages(frist: 1) { totalCount } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['a misspelt type', 'query($f: PackageFiltr) { packages(filter: $f) { totalCount } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['a misspelt enum value', '{ packages(filter: { status: ACTIV }) { totalCount } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['a misspelt input field', '{ packages(filter: { serch: "x" }) { totalCount } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
  ['a misspelt enum value in the variables', 'query($f: PackageFilter) { packages(filter: $f) { totalCount } }', { f: { status: 'ACTIV' } }, 'BAD_USER_INPUT'],
  ['a misspelt input field in the variables', 'query($f: PackageFilter) { packages(filter: $f) { totalCount } }', { f: { serch: 'x' } }, 'BAD_USER_INPUT'],
];

/** Names of the schema a suggestion would give away for the probes above. */
const REVEALED = /Did you mean|"packages"|"package"|"name"|"first"|"ACTIVE"|"search"/;

describe('error messages and the schema', () => {
  let production: TestServer;
  let development: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    [production, development] = await Promise.all([TestServer.start({ production: true }), TestServer.start()]);
    chain = await development.provisionChain({ clinics: 1 });
  });
  afterAll(() => Promise.all([production.stop(), development.stop()]));

  it.each(PROBES)('in production, %s is refused without suggestions', async (_label, query, variables, code) => {
    const response = await production.gql(query, variables, chain.clinics[0].staff);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors!.length).toBeGreaterThan(0);
    for (const error of response.errors!) {
      expect(error.extensions?.code).toBe(code);
      expect(error.message).not.toMatch(REVEALED);
      expect(error.message).toMatch(/^\S.*[.!]$/);
    }
  });

  it.each(PROBES)('outside production, %s still gets its suggestion', async (_label, query, variables, code) => {
    const response = await development.gql(query, variables, chain.clinics[0].staff);
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions?.code).toBe(code);
    expect(response.errors!.map((error) => error.message).join(' ')).toMatch(/Did you mean/);
  });
});
