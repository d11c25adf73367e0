import { SignJWT } from 'jose';
import { TEST_SECRET, TestServer, type Chain } from './support/harness';

const ME = '{ me { userId } }';

describe('bearer tokens', () => {
  let server: TestServer;
  let chain: Chain;
  const key = new TextEncoder().encode(TEST_SECRET);
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
  });
  afterAll(() => server.stop());

  const sign = (claims: Record<string, unknown>, secret = key) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);

  async function expectUnauthenticated(authorization: string | undefined) {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
      body: JSON.stringify({ query: ME }),
    });
    const body = (await response.json()) as any;
    expect(response.status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  }

  it('accepts a valid token', async () => {
    const data = await server.ok(ME, {}, chain.clinics[0].admin);
    expect(data.me.userId).toMatch(/^user-/);
  });

  it('refuses a missing header', () => expectUnauthenticated(undefined));
  it('refuses a header without Bearer', async () => expectUnauthenticated(`Token ${chain.clinics[0].admin}`));
  it('refuses a malformed token', () => expectUnauthenticated('Bearer not.a.jwt'));

  it('refuses an expired token (past the 30 s skew)', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'], exp: now() - 60 })}`));

  it('accepts a token expired within the 30 s skew', async () => {
    const token = await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'], exp: now() - 10 });
    expect((await server.ok(ME, {}, token)).me.userId).toBe('u');
  });

  it('refuses a token without exp', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'] })}`));

  it('refuses an unsigned token (alg none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'], exp: now() + 600 })}.`;
    await expectUnauthenticated(`Bearer ${unsigned}`);
  });

  it('refuses a token signed with another key', async () =>
    expectUnauthenticated(
      `Bearer ${await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'], exp: now() + 600 }, new TextEncoder().encode('another-secret'))}`,
    ));

  it('refuses a token without sub', async () =>
    expectUnauthenticated(`Bearer ${await sign({ tid: chain.clinics[0].id, roles: ['ADMIN'], exp: now() + 600 })}`));

  it('refuses empty roles', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', tid: chain.clinics[0].id, roles: [], exp: now() + 600 })}`));

  it('refuses an unknown role', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN', 'ROOT'], exp: now() + 600 })}`));

  it('refuses roles that are not an array', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', tid: chain.clinics[0].id, roles: 'ADMIN', exp: now() + 600 })}`));

  it('refuses a tenant user without tid', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', roles: ['ADMIN'], exp: now() + 600 })}`));

  it('refuses a tid that names no tenant', async () =>
    expectUnauthenticated(
      `Bearer ${await sign({ sub: 'u', tid: '00000000-0000-4000-8000-000000000000', roles: ['STAFF'], exp: now() + 600 })}`,
    ));

  it('refuses a tid that is not an id', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', tid: "x' OR 1=1 --", roles: ['STAFF'], exp: now() + 600 })}`));

  it('refuses a PLATFORM_ADMIN token whose tid names no tenant, and runs nothing', async () => {
    const token = await sign({ sub: 'p', tid: '00000000-0000-4000-8000-000000000000', roles: ['PLATFORM_ADMIN'], exp: now() + 600 });
    await expectUnauthenticated(`Bearer ${token}`);
    const response = await server.gql('mutation { provisionOrganization(input: { name: "Ghost Tenant Org", clinicNames: ["X"] }) { id } }', {}, token);
    expect(response.status).toBe(401);
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const { countRows } = await import('./support/db');
    expect(await countRows("SELECT count(*) FROM organizations WHERE name = 'Ghost Tenant Org'")).toBe(0);
  });

  it('accepts a PLATFORM_ADMIN token whose tid names a tenant', async () => {
    const token = await sign({ sub: 'p', tid: chain.clinics[0].id, roles: ['PLATFORM_ADMIN'], exp: now() + 600 });
    expect((await server.ok(ME, {}, token)).me.userId).toBe('p');
  });

  it('refuses a token issued in the future, beyond the 30 s skew', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'], iat: now() + 120, exp: now() + 600 })}`));

  it('refuses a PLATFORM_ADMIN token issued in the future', async () =>
    expectUnauthenticated(`Bearer ${await sign({ sub: 'p', roles: ['PLATFORM_ADMIN'], iat: now() + 3600, exp: now() + 7200 })}`));

  it('accepts a token issued within the 30 s skew in the future', async () => {
    const token = await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'], iat: now() + 10, exp: now() + 600 });
    expect((await server.ok(ME, {}, token)).me.userId).toBe('u');
  });

  it('runs nothing for a refused token', async () => {
    const forged = await sign({ sub: 'p', roles: ['PLATFORM_ADMIN'], exp: now() + 600 }, new TextEncoder().encode('wrong'));
    const response = await server.gql(
      'mutation { provisionOrganization(input: { name: "Forged Org", clinicNames: ["X"] }) { id } }',
      {},
      forged,
    );
    expect(response.status).toBe(401);
    const { countRows } = await import('./support/db');
    expect(await countRows("SELECT count(*) FROM organizations WHERE name = 'Forged Org'")).toBe(0);
  });

  it('checks issuer and audience when configured', async () => {
    const strict = await TestServer.start({ jwtIssuer: 'https://auth.example', jwtAudience: 'clinic-catalog' });
    try {
      const plain = await sign({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'], exp: now() + 600 });
      expect(await strict.errorCode(ME, {}, plain)).toBe('UNAUTHENTICATED');
      const proper = await strict.token({ tid: chain.clinics[0].id, roles: ['ADMIN'] });
      expect((await strict.ok(ME, {}, proper)).me.userId).toMatch(/^user-/);
    } finally {
      await strict.stop();
    }
  });
});
