import type { AuthCheckerFn } from 'type-graphql';
import type { RequestContext } from '../request/context';
import { requirePlatformAdmin, requireTenant, requireTenantAdmin, type Viewer } from '../tenancy/viewer';

/**
 * Who may call a mutation at all, declared where the mutation is: `@Authorized<Gate>('TENANT_ADMIN')`.
 * The gate is checked before the mutation runs (before its savepoint) and refuses with the same
 * FORBIDDEN the checks in tenancy/viewer.ts raise. What a caller may do to a given row (its
 * owner's ADMINs, the tenant that added an item, a clinic adding to its central's package) is
 * decided once the row is found visible, in tenancy/permissions.ts: so a row the viewer cannot
 * see stays NOT_FOUND for every caller the gate lets through, STAFF included.
 */
export const GATES = {
  /** A user acting for a tenant, ADMIN or STAFF (platform administrators see no catalogue). */
  TENANT: requireTenant,
  /** An ADMIN acting for a tenant: for mutations that create rows of the viewer's tenant or manage its webhooks. */
  TENANT_ADMIN: requireTenantAdmin,
  /** A platform administrator: provisioning. */
  PLATFORM_ADMIN: requirePlatformAdmin,
} as const satisfies Record<string, (viewer: Viewer) => unknown>;

export type Gate = keyof typeof GATES;

/**
 * type-graphql's auth checker: every gate named must pass (test/mutation-metadata.test.ts keeps
 * it to exactly one per mutation). A refusal throws the project's typed error rather than
 * answering false, which would make type-graphql throw its own untyped one.
 */
export const authChecker: AuthCheckerFn<RequestContext, Gate> = ({ context }, gates) => {
  for (const gate of gates) GATES[gate](context.viewer);
  return true;
};
