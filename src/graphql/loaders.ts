import DataLoader from 'dataloader';
import { findPackages, findVisibleItems, type ItemWithService } from '../catalog/packages/package.store';
import type { Package } from '../catalog/packages/package.types';
import { findServices } from '../catalog/services/service.store';
import type { Service } from '../catalog/services/service.types';
import type { RequestTransaction } from '../db/request-transaction';
import { listTenants } from '../tenancy/tenancy.store';
import type { Tenant } from '../tenancy/tenancy.types';
import type { TenantScope, Viewer } from '../tenancy/viewer';

/** Answers with nothing for a viewer without a tenant (platform administrators see no catalogue). */
function inScope<K, V>(scope: TenantScope | null, load: (scope: TenantScope, keys: readonly K[]) => Promise<V[]>, none: V) {
  return new DataLoader<K, V>((keys) => (scope ? load(scope, keys) : Promise.resolve(keys.map(() => none))));
}

/**
 * Per-request batching. Loaders live and die with one request and read through its transaction,
 * so they can never serve one organization's rows to another. Rows come raw (service, package):
 * the visibility rules are applied by their users; `visibleItems` applies them in SQL.
 */
export function createLoaders(tx: RequestTransaction, viewer: Viewer) {
  const scope = viewer.scope;
  const loaders = {
    /**
     * An organization's tenants are few (a central and its clinics): the first need reads them all,
     * so every owner and `addedBy` of the request is then answered from the cache. One statement,
     * however many rows a page holds.
     */
    tenant: inScope<string, Tenant | null>(
      scope,
      async (s, ids) => {
        const tenants = new Map((await listTenants(tx, s.organizationId)).map((tenant) => [tenant.id, tenant]));
        for (const tenant of tenants.values()) loaders.tenant.prime(tenant.id, tenant);
        return ids.map((id) => tenants.get(id) ?? null);
      },
      null,
    ),
    service: inScope<string, Service | null>(scope, (s, ids) => findServices(tx, s, ids), null),
    package: inScope<string, Package | null>(scope, (s, ids) => findPackages(tx, s, ids), null),
    /** Per package id: the items the viewer sees, oldest first, each with its service. */
    visibleItems: inScope<string, ItemWithService[]>(
      scope,
      async (s, packageIds) => {
        const byPackage = new Map<string, ItemWithService[]>(packageIds.map((id) => [id, []]));
        for (const entry of await findVisibleItems(tx, s, packageIds)) {
          byPackage.get(entry.item.packageId)!.push(entry);
          loaders.service.prime(entry.service.id, entry.service);
        }
        return packageIds.map((id) => byPackage.get(id)!);
      },
      [],
    ),
    /** After a write: later reads in the same request must see it. */
    clearAll(): void {
      for (const loader of Object.values(loaders)) if (loader instanceof DataLoader) loader.clearAll();
    },
  };
  return loaders;
}

export type Loaders = ReturnType<typeof createLoaders>;
