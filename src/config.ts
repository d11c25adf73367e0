import net from 'node:net';
import path from 'node:path';

/** Development key used when JWT_SECRET is unset outside production; printed with a warning at start. */
export const DEVELOPMENT_JWT_SECRET = 'clinic-catalog-development-secret-change-me';

export interface Config {
  port: number;
  host: string;
  /** Unset: start an embedded PostgreSQL with its data under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  jwtSecret: string;
  jwtSecretIsDevelopmentDefault: boolean;
  jwtIssuer?: string;
  jwtAudience?: string;
  production: boolean;
  migrateOnStart: boolean;
  dbPoolMax: number;
  /** Operations run compiled by graphql-jit (src/graphql/compiled-executor.ts); false: on graphql-js, e.g. for a plugin that hooks `willResolveField`. */
  graphqlJit: boolean;
  logLevel: string;
  demoData: boolean;
  /** Upper bound for one SQL statement of a request, so a bad query cannot hold a connection. */
  statementTimeoutMs: number;
  webhooks: WebhookSettings;
  exports: ExportSettings;
  /** Bearer token GET /metrics requires; unset: open in development, absent (404) in production. */
  metricsToken?: string;
  /** `pretty`: one readable line per event; `json`: one JSON object per line. Unset: pretty in development on a terminal, else JSON. */
  logFormat?: LogFormat;
  /** OTLP endpoint traces are exported to (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT); unset: no tracing. */
  otlpEndpoint?: string;
  /** `service.name` of the exported spans (OTEL_SERVICE_NAME). */
  otelServiceName: string;
}

/** Webhook delivery (api.md "Webhooks"). */
export interface WebhookSettings {
  /** A receiver must answer 2xx within this long. */
  timeoutMs: number;
  /** Retry n waits retryBaseMs x 2^(n-1), at most an hour. */
  retryBaseMs: number;
  /** Tries in all before a delivery is FAILED. */
  maxAttempts: number;
  /** Loopback, private and link-local receivers are refused in production unless this is true. */
  allowPrivateUrls: boolean;
  /** How often the worker looks for work when no notification woke it (not an environment setting). */
  pollMs: number;
}

/**
 * How downloads (`/exports/...`) share the database (api.md "Errors and limits": exports never
 * starve the API). A download holds one pooled connection while it reads its rows.
 */
export interface ExportSettings {
  /** EXPORT_CONNECTIONS: downloads reading at once in this process, each on one pooled connection; fewer than DB_POOL_MAX (a pool of one is shared). */
  connections: number;
  /** EXPORTS_PER_ORGANIZATION: of those, at most this many for one organization. */
  perOrganization: number;
  /** EXPORT_QUEUE_TIMEOUT_MS: how long a download waits for room before it is answered 503 with Retry-After. */
  queueTimeoutMs: number;
  /** EXPORT_STALL_TIMEOUT_MS: a client that takes nothing for this long is cut off. */
  stallTimeoutMs: number;
  /** EXPORT_MAX_DURATION_MS: a download still running after this long is cut off. */
  maxDurationMs: number;
}

export type LogFormat = 'pretty' | 'json';

/** A bad environment value; `main` prints its message as the one line that stops the start. */
export class ConfigError extends Error {}

/** The value as the message shows it: quoted, with any line break escaped so the message stays one line. */
const shown = (raw: string) => JSON.stringify(raw);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, got ${shown(raw)}`);
}

function parseInteger(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${shown(raw)}`);
  }
  return value;
}

/** A bearer token: unset or blank is none; otherwise printable ASCII without spaces, as a header carries it. */
function parseToken(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(raw.trim())) throw new ConfigError(`${name} must be printable ASCII without spaces`);
  return raw.trim();
}

function parseLogFormat(raw: string | undefined): LogFormat | undefined {
  const value = raw?.trim().toLowerCase();
  if (!value) return undefined;
  if (value !== 'pretty' && value !== 'json') throw new ConfigError(`LOG_FORMAT must be pretty or json, got ${shown(raw!)}`);
  return value;
}

/** The OpenTelemetry variables that turn export on: an http(s) URL, unless OTEL_SDK_DISABLED=true. */
function parseOtlpEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (parseBoolean('OTEL_SDK_DISABLED', env.OTEL_SDK_DISABLED, false)) return undefined;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) throw new ConfigError(`${name} must be an http(s) URL like http://collector:4318`);
    return raw;
  }
  return undefined;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function parseHost(raw: string | undefined): string {
  const host = raw?.trim() || '127.0.0.1';
  if (net.isIP(host) === 0 && !HOST_NAME.test(host)) throw new ConfigError(`HOST must be an IP address or a host name, got ${shown(host)}`);
  return host;
}

function parseDatabaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError('DATABASE_URL must be a URL like postgres://user:pass@host:5432/db');
  }
  if (!['postgres:', 'postgresql:'].includes(url.protocol) || !url.hostname || url.pathname.length < 2) {
    throw new ConfigError('DATABASE_URL must be a URL like postgres://user:pass@host:5432/db');
  }
  return raw.trim();
}

/**
 * The export settings. By default exports get about a third of the pool (at least one connection)
 * and an organization two downloads at once; GraphQL always keeps at least one connection.
 */
function parseExportSettings(env: NodeJS.ProcessEnv, dbPoolMax: number): ExportSettings {
  const most = Math.max(1, dbPoolMax - 1);
  const connections = parseInteger('EXPORT_CONNECTIONS', env.EXPORT_CONNECTIONS, Math.max(1, Math.floor(dbPoolMax * 0.3)), 1, 1000);
  if (connections > most) {
    throw new ConfigError(`EXPORT_CONNECTIONS must be less than DB_POOL_MAX (${dbPoolMax}), so that GraphQL keeps a connection; got ${shown(env.EXPORT_CONNECTIONS!)}`);
  }
  return {
    connections,
    perOrganization: parseInteger('EXPORTS_PER_ORGANIZATION', env.EXPORTS_PER_ORGANIZATION, 2, 1, 1000),
    queueTimeoutMs: parseInteger('EXPORT_QUEUE_TIMEOUT_MS', env.EXPORT_QUEUE_TIMEOUT_MS, 2000, 0, 60_000),
    stallTimeoutMs: parseInteger('EXPORT_STALL_TIMEOUT_MS', env.EXPORT_STALL_TIMEOUT_MS, 3000, 100, 600_000),
    maxDurationMs: parseInteger('EXPORT_MAX_DURATION_MS', env.EXPORT_MAX_DURATION_MS, 60_000, 1000, 3_600_000),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got ${shown(nodeEnv)}`);
  }
  const production = nodeEnv === 'production';
  const jwtSecretRaw = env.JWT_SECRET;
  if (production && (!jwtSecretRaw || jwtSecretRaw.trim() === '')) {
    throw new ConfigError('JWT_SECRET must be set (non-empty) when NODE_ENV=production');
  }
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${shown(logLevel)}`);
  }
  const demoData = parseBoolean('DEMO_DATA', env.DEMO_DATA, databaseUrl === undefined && !production);
  // The demo prints tokens signed with JWT_SECRET to stdout: never with the production key.
  if (production && demoData) throw new ConfigError('DEMO_DATA must not be true when NODE_ENV=production');
  const dbPoolMax = parseInteger('DB_POOL_MAX', env.DB_POOL_MAX, 10, 1, 1000);
  return {
    port: parseInteger('PORT', env.PORT, 4000, 0, 65535),
    host: parseHost(env.HOST),
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data'),
    jwtSecret: jwtSecretRaw && jwtSecretRaw.trim() !== '' ? jwtSecretRaw : DEVELOPMENT_JWT_SECRET,
    jwtSecretIsDevelopmentDefault: !jwtSecretRaw || jwtSecretRaw.trim() === '',
    jwtIssuer: env.JWT_ISSUER?.trim() || undefined,
    jwtAudience: env.JWT_AUDIENCE?.trim() || undefined,
    production,
    migrateOnStart: parseBoolean('MIGRATE_ON_START', env.MIGRATE_ON_START, true),
    dbPoolMax,
    graphqlJit: parseBoolean('GRAPHQL_JIT', env.GRAPHQL_JIT, true),
    logLevel,
    demoData,
    statementTimeoutMs: parseInteger('STATEMENT_TIMEOUT_MS', env.STATEMENT_TIMEOUT_MS, 5000, 100, 600000),
    webhooks: {
      timeoutMs: parseInteger('WEBHOOK_TIMEOUT_MS', env.WEBHOOK_TIMEOUT_MS, 10_000, 100, 120_000),
      retryBaseMs: parseInteger('WEBHOOK_RETRY_BASE_MS', env.WEBHOOK_RETRY_BASE_MS, 1000, 1, 3_600_000),
      maxAttempts: parseInteger('WEBHOOK_MAX_ATTEMPTS', env.WEBHOOK_MAX_ATTEMPTS, 10, 1, 100),
      allowPrivateUrls: parseBoolean('WEBHOOK_ALLOW_PRIVATE_URLS', env.WEBHOOK_ALLOW_PRIVATE_URLS, false),
      pollMs: 1000,
    },
    exports: parseExportSettings(env, dbPoolMax),
    metricsToken: parseToken('METRICS_TOKEN', env.METRICS_TOKEN),
    logFormat: parseLogFormat(env.LOG_FORMAT),
    otlpEndpoint: parseOtlpEndpoint(env),
    otelServiceName: env.OTEL_SERVICE_NAME?.trim() || 'clinic-catalog',
  };
}
