import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors';

export const ROLES = ['PLATFORM_ADMIN', 'ADMIN', 'STAFF'] as const;
export type Role = (typeof ROLES)[number];

/** What a verified token says; the tenant is still to be looked up in the database. */
export interface TokenClaims {
  userId: string;
  tenantId: string | null;
  roles: Role[];
}

export interface TokenSettings {
  jwtSecret: string;
  jwtIssuer?: string;
  jwtAudience?: string;
}

/** Seconds of clock difference tolerated between the issuer and this server (exp, nbf, iat). */
export const CLOCK_SKEW_SECONDS = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Each secret's HMAC key, made once rather than on every token (a server has one secret; tests start servers with others). */
const keys = new Map<string, KeyObject>();

function key(secret: string): KeyObject {
  let made = keys.get(secret);
  if (!made) {
    made = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, made);
  }
  return made;
}

/** Reads `Authorization: Bearer <JWT>`; every failure is the same UNAUTHENTICATED. */
export async function verifyBearer(header: string | undefined, settings: TokenSettings): Promise<TokenClaims> {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw new UnauthenticatedError('A bearer token is required (Authorization: Bearer <JWT>)');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(match[1], key(settings.jwtSecret), {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp', 'sub'],
      issuer: settings.jwtIssuer,
      audience: settings.jwtAudience,
    }));
  } catch (error) {
    const reason = error instanceof joseErrors.JWTExpired ? 'The token has expired' : 'The token is not valid';
    throw new UnauthenticatedError(reason);
  }
  return claimsOf(payload, Math.floor(Date.now() / 1000));
}

function claimsOf(payload: Record<string, unknown>, now: number): TokenClaims {
  const { sub, tid, roles, iat } = payload;
  // jose checks iat only against a maximum age: a token issued in the future is refused here.
  if (typeof iat === 'number' && iat > now + CLOCK_SKEW_SECONDS) throw new UnauthenticatedError('The token is not valid yet (issued in the future)');
  if (typeof sub !== 'string' || sub.trim() === '') throw new UnauthenticatedError('The token has no subject');
  if (
    !Array.isArray(roles) ||
    roles.length === 0 ||
    !roles.every((role): role is Role => (ROLES as readonly unknown[]).includes(role))
  ) {
    throw new UnauthenticatedError('The token must list its roles (PLATFORM_ADMIN, ADMIN, STAFF)');
  }
  const platformAdmin = roles.includes('PLATFORM_ADMIN');
  if (tid === undefined && !platformAdmin) throw new UnauthenticatedError('The token names no tenant');
  // A tid that is not a UUID cannot name a tenant: treated like an unknown tenant. Whether a UUID
  // names one is checked against the database when the request context is made, whatever the roles.
  if (tid !== undefined && !isUuid(tid)) throw new UnauthenticatedError('The token names no known tenant');
  return { userId: sub, tenantId: tid ?? null, roles: [...new Set(roles)] };
}

/** Signs a token the way clients are expected to get them (demo tokens, tests, benchmarks). */
export async function signToken(
  claims: { sub: string; tid?: string; roles: Role[] },
  settings: TokenSettings,
  expiresIn: string = '12h',
): Promise<string> {
  let jwt = new SignJWT({ roles: claims.roles, ...(claims.tid ? { tid: claims.tid } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (settings.jwtIssuer) jwt = jwt.setIssuer(settings.jwtIssuer);
  if (settings.jwtAudience) jwt = jwt.setAudience(settings.jwtAudience);
  return jwt.sign(key(settings.jwtSecret));
}
