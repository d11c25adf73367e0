import type { Role } from '../auth/token';
import { ForbiddenError } from '../errors';

export type TenantKind = 'CENTRAL' | 'CLINIC';
export type ClinicSharing = 'CENTRAL_ONLY' | 'BETWEEN_CLINICS';

/** The tenant a user acts for, with what the visibility rules need to know about its organization. */
export interface TenantScope {
  organizationId: string;
  tenantId: string;
  tenantName: string;
  tenantKind: TenantKind;
  /** Null for a standalone clinic. */
  centralTenantId: string | null;
  clinicSharing: ClinicSharing;
  currency: string;
  /** IANA zone: what "today" means for price lists and quotes. */
  timeZone: string;
  /**
   * The organization's tenancy version when the tenant was entered (migration 0013): tenants read
   * at that version or later are current. Absent: they are read again.
   */
  tenancyVersion?: string;
}

/** Who is asking: from a verified token, with the tenant read from the database. */
export interface Viewer {
  userId: string;
  roles: Role[];
  /** Null for a platform administrator. */
  scope: TenantScope | null;
}

export function isPlatformAdmin(viewer: Viewer): boolean {
  return viewer.roles.includes('PLATFORM_ADMIN');
}

export function isTenantAdmin(viewer: Viewer): boolean {
  return viewer.scope !== null && viewer.roles.includes('ADMIN');
}

/** The catalogue is read by tenant users only; platform administrators see none of it. */
export function requireTenant(viewer: Viewer): TenantScope {
  if (!viewer.scope) throw new ForbiddenError('This needs a user acting for a clinic or a central');
  return viewer.scope;
}

/** Changes to the catalogue need ADMIN of the viewer's tenant; STAFF changes nothing. */
export function requireTenantAdmin(viewer: Viewer): TenantScope {
  const scope = requireTenant(viewer);
  if (!viewer.roles.includes('ADMIN')) throw new ForbiddenError('Only administrators can change the catalogue');
  return scope;
}

export function requirePlatformAdmin(viewer: Viewer): void {
  if (!isPlatformAdmin(viewer)) throw new ForbiddenError('Only platform administrators can do this');
}
