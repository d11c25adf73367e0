import type { TenantScope } from '../tenancy/viewer';

/**
 * Which of the items a viewer sees count in its totals, quotes and plans (domain.md "Money"): a
 * clinic's package is the owner's items plus its own. Items another clinic added (seen under
 * BETWEEN_CLINICS) are shown for reference and billed by nobody else; items whose service is
 * inactive are listed but priced nowhere.
 */
export function isCounted(
  scope: TenantScope,
  pkg: { ownerTenantId: string },
  item: { addedByTenantId: string },
  service: { active: boolean },
): boolean {
  return service.active && (item.addedByTenantId === pkg.ownerTenantId || item.addedByTenantId === scope.tenantId);
}

/** The counted ones among a package's visible items, in item order. */
export function countedItems<T extends { item: { addedByTenantId: string }; service: { active: boolean } }>(
  scope: TenantScope,
  pkg: { ownerTenantId: string },
  items: readonly T[],
): T[] {
  return items.filter(({ item, service }) => isCounted(scope, pkg, item, service));
}
