import { EntitySchema } from 'typeorm';
import { createdAt, folded, generatedId, organizationKey, updatedAt, uuidColumn } from '../../db/columns';
import { Service } from './service.types';

/** Columns the GraphQL type does not show: the organization and the folded search texts. */
export type ServiceRow = Service & { organizationId: string; nameFolded: string; codeFolded: string };

/** A service of the catalogue (table `services`); rows are `Service` instances. */
export const ServiceEntity = new EntitySchema<ServiceRow>({
  name: 'Service',
  target: Service,
  tableName: 'services',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    ownerTenantId: uuidColumn('owner_tenant_id'),
    code: { type: 'text', nullable: true },
    name: { type: 'text' },
    family: { type: 'text', nullable: true },
    price: { type: 'numeric', precision: 12, scale: 2 },
    taxRate: { type: 'numeric', name: 'tax_rate', precision: 5, scale: 2, default: 0 },
    durationMinutes: { type: 'integer', name: 'duration_minutes', nullable: true },
    odontogramScope: { type: 'text', name: 'odontogram_scope', default: 'NONE' },
    shared: { type: 'boolean', default: true },
    active: { type: 'boolean', default: true },
    version: { type: 'integer', default: 1 },
    createdAt,
    updatedAt,
    deactivatedAt: { type: 'timestamptz', name: 'deactivated_at', nullable: true },
    nameFolded: folded('name_folded'),
    codeFolded: folded('code_folded'),
  },
});
