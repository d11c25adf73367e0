import DataLoader from 'dataloader';
import { HISTORY_SCAN, type EventWindow, type HistoryRequest } from '../changes/catalog-event.repository';
import type { ItemWithService } from '../catalog/packages/package.repository';
import type { Package } from '../catalog/packages/package.types';
import type { Service } from '../catalog/services/service.types';
import type { PriceList, PriceListEntry } from '../pricing/price-list.types';
import type { Organization, Tenant } from '../tenancy/tenancy.types';
import type { TenantScope, Viewer } from '../tenancy/viewer';
import type { Repositories } from './repositories';

/** Answers with nothing for a viewer without a tenant (platform administrators see no catalogue). */
function inScope<K, V>(scope: TenantScope | null, load: (scope: TenantScope, keys: readonly K[]) => Promise<V[]>, none: V) {
  return new DataLoader<K, V>((keys) => (scope ? load(scope, keys) : Promise.resolve(keys.map(() => none))));
}

/**
 * Per-request batching. Loaders live and die with one request and load through its repositories,
 * so they can never serve one organization's rows to another, and they answer only what the viewer
 * may see: an unseen service or package loads as null.
 *
 * `tenantOf` and `serviceOf` answer at once, without a promise, when the request has already
 * read the row: a page of the package table resolves hundreds of item services, owners and
 * `addedBy` that the items query and the tenants query brought in, and a value is much cheaper
 * for GraphQL than a promise per field.
 */
export function createLoaders(repositories: Repositories, viewer: Viewer) {
  const scope = viewer.scope;
  const known = { tenants: new Map<string, Tenant>(), services: new Map<string, Service>() };
  const loaders = {
    /**
     * An organization's tenants are few (a central and its clinics): the first need reads them all,
     * so every owner and `addedBy` of the request is then answered from the cache. One statement,
     * however many rows a page holds.
     */
    tenant: inScope<string, Tenant | null>(
      scope,
      async (s, ids) => {
        for (const tenant of await repositories.tenancy.visibleTenants(s.organizationId)) {
          known.tenants.set(tenant.id, tenant);
          loaders.tenant.prime(tenant.id, tenant);
        }
        return ids.map((id) => known.tenants.get(id) ?? null);
      },
      null,
    ),
    service: inScope<string, Service | null>(
      scope,
      async (_scope, ids) => {
        const services = await repositories.services.findVisible(ids);
        for (const service of services) if (service) known.services.set(service.id, service);
        return services;
      },
      null,
    ),
    package: inScope<string, Package | null>(scope, (_scope, ids) => repositories.packages.findVisible(ids), null),
    /** Price lists the viewer sees (null for the others). */
    priceList: inScope<string, PriceList | null>(scope, (_scope, ids) => repositories.priceLists.findVisible(ids), null),
    /**
     * The entries that may price a service for the viewer under a list (its own override, the
     * entry for every clinic): every pricing of a request asks here, one statement per list.
     */
    priceEntries: new DataLoader<{ priceListId: string; serviceId: string }, PriceListEntry[], string>(
      async (keys) => {
        if (!scope) return keys.map(() => []);
        const repository = repositories.priceListEntries;
        const byKey = new Map<string, PriceListEntry[]>(keys.map((key) => [`${key.priceListId}/${key.serviceId}`, []]));
        for (const listId of new Set(keys.map((key) => key.priceListId))) {
          const serviceIds = keys.filter((key) => key.priceListId === listId).map((key) => key.serviceId);
          for (const entry of await repository.forPricing([listId], serviceIds)) byKey.get(`${listId}/${entry.serviceId}`)?.push(entry);
        }
        return keys.map((key) => byKey.get(`${key.priceListId}/${key.serviceId}`)!);
      },
      { cacheKeyFn: (key) => `${key.priceListId}/${key.serviceId}` },
    ),
    /** Per package id: the items the viewer sees, oldest first, each with its service. */
    visibleItems: inScope<string, ItemWithService[]>(
      scope,
      async (_scope, packageIds) => {
        const byPackage = new Map<string, ItemWithService[]>(packageIds.map((id) => [id, []]));
        for (const entry of await repositories.packages.visibleItems(packageIds)) {
          byPackage.get(entry.item.packageId)!.push(entry);
          known.services.set(entry.service.id, entry.service);
          loaders.service.prime(entry.service.id, entry.service);
        }
        return packageIds.map((id) => byPackage.get(id)!);
      },
      [],
    ),
    /** Items by their own id with their services, only those the viewer sees (the router resolves `PackageItem` by key). */
    visibleItem: inScope<string, ItemWithService | null>(
      scope,
      async (_scope, ids) => {
        const byId = new Map<string, ItemWithService>();
        for (const entry of await repositories.packages.visibleItemsById(ids)) {
          byId.set(entry.item.id, entry);
          known.services.set(entry.service.id, entry.service);
          loaders.service.prime(entry.service.id, entry.service);
        }
        return ids.map((id) => byId.get(id) ?? null);
      },
      null,
    ),
    /** A window of a row's history (HISTORY_SCAN rows), one statement for every row of a page that shows its history. */
    history: new DataLoader<HistoryRequest, EventWindow, string>(
      (requests) => repositories.events.historyWindows(requests, HISTORY_SCAN),
      { cacheKeyFn: (request) => `${request.entityId}/${request.withItems}/${request.before ? `${request.before.txId}.${request.before.seq}` : ''}` },
    ),
    /** The viewer's own organization; any other id is null (one statement however often it is asked for). */
    organization: inScope<string, Organization | null>(
      scope,
      async (s, ids) => {
        const own = ids.includes(s.organizationId) ? await repositories.tenancy.findVisibleOrganization(s.organizationId) : null;
        return ids.map((id) => (id === s.organizationId ? own : null));
      },
      null,
    ),
    /** The tenant, at once when this request already read it, else loaded. */
    tenantOf(id: string): Tenant | null | Promise<Tenant | null> {
      return known.tenants.get(id) ?? loaders.tenant.load(id);
    },
    /** The service, at once when this request already read it, else loaded. */
    serviceOf(id: string): Service | null | Promise<Service | null> {
      return known.services.get(id) ?? loaders.service.load(id);
    },
    /** Every tenant of the viewer's organization (one statement, shared with `tenant`). */
    async organizationTenants(): Promise<Tenant[]> {
      if (!scope) return [];
      await loaders.tenant.load(scope.tenantId);
      return [...known.tenants.values()];
    },
    /** A service this request read with other rows (entries): later fields answer at once. */
    primeService(service: Service): void {
      known.services.set(service.id, service);
      loaders.service.prime(service.id, service);
    },
    /** After a write: later reads in the same request must see it. */
    clearAll(): void {
      known.tenants.clear();
      known.services.clear();
      for (const loader of Object.values(loaders)) if (loader instanceof DataLoader) loader.clearAll();
    },
  };
  return loaders;
}

export type Loaders = ReturnType<typeof createLoaders>;
