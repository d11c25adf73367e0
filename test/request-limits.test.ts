import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { MAX_BATCH } from '../src/http/app';
import { countRows } from './support/db';
import { TestServer, type Chain } from './support/harness';

const MIB = 1024 * 1024;
const ME = '{ me { userId } }';

describe('request limits', () => {
  let server: TestServer;
  let chain: Chain;
  let token: string;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    token = chain.clinics[0].admin;
  });
  afterAll(() => server.stop());

  function post(body: string | Buffer, headers: Record<string, string> = {}) {
    return fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body,
    });
  }

  /** A valid request padded with an unused variable to exactly `bytes` bytes. */
  function bodyOf(bytes: number): string {
    const empty = JSON.stringify({ query: ME, variables: { padding: '' } });
    return JSON.stringify({ query: ME, variables: { padding: 'x'.repeat(bytes - empty.length) } });
  }

  describe('body size', () => {
    it('accepts a body of exactly 1 MiB', async () => {
      const body = bodyOf(MIB);
      expect(Buffer.byteLength(body)).toBe(MIB);
      const response = await post(body);
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).data.me.userId).toMatch(/^user-/);
    });

    it('refuses a body over 1 MiB with 413', async () => {
      const response = await post(bodyOf(MIB + 1));
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({
        errors: [{ message: 'Request bodies are limited to 1mb', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
    });

    it('measures a compressed body once inflated', async () => {
      const compressed = gzipSync(bodyOf(2 * MIB));
      expect(compressed.length).toBeLessThan(MIB / 100);
      const response = await post(compressed, { 'content-encoding': 'gzip' });
      expect(response.status).toBe(413);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses an unknown content encoding with 415', async () => {
      const response = await post(JSON.stringify({ query: ME }), { 'content-encoding': 'zstd-of-the-future' });
      expect(response.status).toBe(415);
      const body = (await response.json()) as any;
      expect(body.errors[0]).toEqual({ message: 'unsupported content encoding "zstd-of-the-future"', extensions: { code: 'BAD_REQUEST' } });
    });
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await post('{"query": "{ me { userId } }"');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  describe('batches', () => {
    it(`runs up to ${MAX_BATCH} operations, answering each in order`, async () => {
      const batch = Array.from({ length: MAX_BATCH }, (_, index) => ({ query: `query Q${index} { me { userId } n${index}: me { roles } }` }));
      const response = await post(JSON.stringify(batch));
      expect(response.status).toBe(200);
      const results = (await response.json()) as any[];
      expect(results).toHaveLength(MAX_BATCH);
      results.forEach((result, index) => expect(result.data[`n${index}`].roles).toEqual(['ADMIN']));
    });

    it('runs each operation on its own: one failing stores the others', async () => {
      const platform = await server.platformToken();
      const name = `Batch ${randomUUID()}`;
      const provision = 'mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { id } }';
      const response = await post(
        JSON.stringify([
          { query: provision, variables: { input: { name, clinicNames: ['Clínica'] } } },
          { query: provision, variables: { input: { name: `${name} bis`, clinicNames: [] } } },
          { query: '{ me { nope } }' },
        ]),
        { authorization: `Bearer ${platform}` },
      );
      const [stored, refused, invalid] = (await response.json()) as any[];
      expect(stored.data.provisionOrganization.id).toBeDefined();
      expect(refused.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'clinicNames' });
      expect(invalid.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      // The worst answer of the batch sets its status.
      expect(response.status).toBe(400);
      expect(await countRows('SELECT count(*) FROM organizations WHERE name LIKE $1', [`${name}%`])).toBe(1);
    });

    it.each([
      ['empty', 0],
      ['too long', MAX_BATCH + 1],
    ])('refuses a batch that is %s with 400', async (_label, size) => {
      const response = await post(JSON.stringify(Array.from({ length: size }, () => ({ query: ME }))));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: `A batch must hold 1 to ${MAX_BATCH} operations, got ${size}`, extensions: { code: 'BAD_REQUEST' } }],
      });
    });
  });

  describe('CSRF prevention', () => {
    const getMe = (headers: Record<string, string>) =>
      fetch(`${server.url}/graphql?query=${encodeURIComponent(ME)}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

    it('refuses a GET without a preflight header', async () => {
      const response = await getMe({});
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    });

    it('serves a GET query that carries apollo-require-preflight or x-apollo-operation-name', async () => {
      const headers: Record<string, string>[] = [{ 'apollo-require-preflight': 'true' }, { 'x-apollo-operation-name': 'Me' }];
      for (const header of headers) {
        const response = await getMe(header);
        expect(response.status).toBe(200);
        expect(((await response.json()) as any).data.me.userId).toMatch(/^user-/);
      }
    });

    it('refuses a mutation over GET', async () => {
      const query = encodeURIComponent('mutation { updateClinicSharing(mode: BETWEEN_CLINICS) { id } }');
      const response = await fetch(`${server.url}/graphql?query=${query}`, {
        headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(405);
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'refuses a POST of %s without a preflight header',
      async (contentType) => {
        const response = await post(JSON.stringify({ query: ME }), { 'content-type': contentType });
        expect(response.status).toBe(400);
        expect(((await response.json()) as any).errors[0].message).toMatch(/CSRF/);
      },
    );
  });
});
