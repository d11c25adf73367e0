import { randomUUID } from 'node:crypto';
import { signToken, type Role } from '../../src/auth/token';
import { loadConfig, type Config } from '../../src/config';
import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';

export const TEST_SECRET = 'test-secret-for-clinic-catalog';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, PORT: '0', DATABASE_URL: process.env.DATABASE_URL }),
    migrateOnStart: false,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  };
}

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string; requestId?: string } }[];
}

/** Words of database errors that must never reach a client. */
const DATABASE_WORDS = /constraint|violates|duplicate key|relation|column|syntax|SQL|postgres|QueryFailed/i;

/**
 * The single error of a refused operation: its code, the field it names (BAD_USER_INPUT always
 * names one) and a message for people, never the database's. Returns the message.
 */
export function expectError(response: GraphQLResponse, code: string, field?: string): string {
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  expect(error.extensions).toMatchObject({ code, ...(field === undefined ? {} : { field }) });
  if (code === 'BAD_USER_INPUT' && response.status === 200) expect(error.extensions?.field).toEqual(expect.any(String));
  expect(error.message).not.toMatch(DATABASE_WORDS);
  return error.message;
}

export interface TestServerOptions {
  /** Where the server's JSON log lines go (set `logLevel` too: tests log nothing by default). */
  logDestination?: DestinationStream;
  /** Another database than the shared test database (outage tests bring their own). */
  databaseUrl?: string;
}

/** The real server on a free port, talking to the test database, reached over HTTP. */
export class TestServer {
  private constructor(
    readonly server: RunningServer,
    readonly config: Config,
  ) {}

  static async start(overrides: Partial<Config> = {}, options: TestServerOptions = {}): Promise<TestServer> {
    const config = testConfig(overrides);
    const log = createLogger(config.logLevel, options.logDestination);
    const server = await startServer(config, options.databaseUrl ?? process.env.DATABASE_URL!, log);
    return new TestServer(server, config);
  }

  get url(): string {
    return this.server.url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async gql<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: GraphQLResponse['errors'] };
    return { status: response.status, headers: response.headers, data: body.data ?? undefined, errors: body.errors };
  }

  /** Data of an operation that must succeed. */
  async ok<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const response = await this.gql<T>(query, variables, token);
    if (response.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
    return response.data as T;
  }

  /** The error code of an operation that must fail. */
  async errorCode(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<string | undefined> {
    const response = await this.gql(query, variables, token);
    return response.errors?.[0]?.extensions?.code;
  }

  token(claims: { sub?: string; tid?: string; roles: Role[] }, expiresIn = '1h'): Promise<string> {
    return signToken({ sub: claims.sub ?? `user-${randomUUID()}`, tid: claims.tid, roles: claims.roles }, this.config, expiresIn);
  }

  platformToken(): Promise<string> {
    return this.token({ sub: 'platform', roles: ['PLATFORM_ADMIN'] });
  }

  /** A chain with a central and clinics (names made unique), plus ADMIN and STAFF tokens for each tenant. */
  async provisionChain(
    options: { clinics?: number; clinicSharing?: 'CENTRAL_ONLY' | 'BETWEEN_CLINICS'; central?: boolean; currency?: string; timeZone?: string } = {},
  ) {
    const suffix = randomUUID().slice(0, 8);
    const clinicNames = Array.from({ length: options.clinics ?? 2 }, (_, index) => `Clínica ${index + 1} ${suffix}`);
    const data = await this.ok(
      `mutation($input: ProvisionOrganizationInput!) {
         provisionOrganization(input: $input) { id name currency clinicSharing tenants { id name kind } }
       }`,
      {
        input: {
          name: `Cadena ${suffix}`,
          currency: options.currency ?? 'EUR',
          ...(options.timeZone ? { timeZone: options.timeZone } : {}),
          clinicSharing: options.clinicSharing ?? 'CENTRAL_ONLY',
          centralName: options.central === false ? null : `Central ${suffix}`,
          clinicNames,
        },
      },
      await this.platformToken(),
    );
    const organization = data.provisionOrganization as {
      id: string;
      tenants: { id: string; name: string; kind: 'CENTRAL' | 'CLINIC' }[];
    };
    const tenantTokens = async (tenantId: string) => ({
      id: tenantId,
      admin: await this.token({ tid: tenantId, roles: ['ADMIN'] }),
      staff: await this.token({ tid: tenantId, roles: ['STAFF'] }),
    });
    const central = organization.tenants.find((tenant) => tenant.kind === 'CENTRAL');
    const clinics = organization.tenants.filter((tenant) => tenant.kind === 'CLINIC');
    return {
      organization,
      central: central ? await tenantTokens(central.id) : undefined,
      clinics: await Promise.all(clinics.map((clinic) => tenantTokens(clinic.id))),
    };
  }
}

export type Chain = Awaited<ReturnType<TestServer['provisionChain']>>;

/** The tenants of a chain as the visibility and permission tables name them. */
export type ChainTenantName = 'central' | 'clinicA' | 'clinicB';

/** A chain's central and first two clinics, by the names those tables use. */
export function chainTenants(chain: Chain): Record<ChainTenantName, Chain['clinics'][number]> {
  return { central: chain.central!, clinicA: chain.clinics[0], clinicB: chain.clinics[1] };
}
