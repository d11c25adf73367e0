/**
 * Who may change what (domain.md), as pure functions over rows the viewer already sees.
 * Callers check visibility first: an unseen row is NOT_FOUND, never FORBIDDEN.
 */
import { isTenantAdmin, type Viewer } from './viewer';
import type { OwnedRow } from './visibility';

/** Edit, share, deactivate or reactivate a service or package: the owner's administrators. */
export function canChangeRow(viewer: Viewer, row: OwnedRow): boolean {
  return isTenantAdmin(viewer) && viewer.scope!.tenantId === row.ownerTenantId;
}

/** Add own items: the owner's administrators, and a clinic's administrators on an active central package. */
export function canAddItems(viewer: Viewer, pkg: OwnedRow & { active: boolean }): boolean {
  if (!isTenantAdmin(viewer)) return false;
  const scope = viewer.scope!;
  if (pkg.ownerTenantId === scope.tenantId) return true;
  return scope.tenantKind === 'CLINIC' && pkg.ownerTenantId === scope.centralTenantId && pkg.active;
}

/** Change the quantity of or remove an item: administrators of the tenant that added it. */
export function canChangeItem(viewer: Viewer, item: { addedByTenantId: string }): boolean {
  return isTenantAdmin(viewer) && viewer.scope!.tenantId === item.addedByTenantId;
}

/** Switch the organization's clinicSharing: the central's administrators. */
export function canChangeClinicSharing(viewer: Viewer): boolean {
  return isTenantAdmin(viewer) && viewer.scope!.tenantKind === 'CENTRAL';
}
