import { EntitySchema } from 'typeorm';
import { createdAt, generatedId, organizationKey } from '../db/columns';
import { Tenant } from './tenancy.types';

/** A central or a clinic of an organization (table `tenants`); rows are `Tenant` instances. */
export type TenantRow = Tenant & { createdAt: Date };

export const TenantEntity = new EntitySchema<TenantRow>({
  name: 'Tenant',
  target: Tenant,
  tableName: 'tenants',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    name: { type: 'text' },
    kind: { type: 'text' },
    // Not shown by the API: left out of the tenants every page reads.
    createdAt: { ...createdAt, select: false },
  },
});
