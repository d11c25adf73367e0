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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Reads `Authorization: Bearer <JWT>`; every failure is the same UNAUTHENTICATED. */
export async function verifyBearer(header: string | undefined, settings: TokenSettings): Promise<TokenClaims> {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw new UnauthenticatedError('A bearer token is required (Authorization: Bearer <JWT>)');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(match[1], key(settings.jwtSecret), {
      algorithms: ['HS256'],
      clockTolerance: 30,
      requiredClaims: ['exp', 'sub'],
      issuer: settings.jwtIssuer,
      audience: settings.jwtAudience,
    }));
  } catch (error) {
    const reason = error instanceof joseErrors.JWTExpired ? 'The token has expired' : 'The token is not valid';
    throw new UnauthenticatedError(reason);
  }
  return claimsOf(payload);
}

function claimsOf(payload: Record<string, unknown>): TokenClaims {
  const { sub, tid, roles } = payload;
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
  // A tid that is not a UUID cannot name a tenant: treated like an unknown tenant.
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
