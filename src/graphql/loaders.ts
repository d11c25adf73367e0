import DataLoader from 'dataloader';
import type { RequestTransaction } from '../db/request-transaction';
import { findTenants } from '../tenancy/tenancy.store';
import type { Tenant } from '../tenancy/tenancy.types';
import type { Viewer } from '../tenancy/viewer';

/**
 * Per-request batching. Loaders live and die with one request and read through its transaction,
 * so they can never serve one organization's rows to another.
 */
export function createLoaders(tx: RequestTransaction, viewer: Viewer) {
  const organizationId = viewer.scope?.organizationId;
  const loaders = {
    tenant: new DataLoader<string, Tenant | null>((ids) =>
      organizationId ? findTenants(tx, organizationId, ids) : Promise.resolve(ids.map(() => null)),
    ),
    /** After a write: later reads in the same request must see it. */
    clearAll(): void {
      for (const loader of Object.values(loaders)) if (loader instanceof DataLoader) loader.clearAll();
    },
  };
  return loaders;
}

export type Loaders = ReturnType<typeof createLoaders>;
