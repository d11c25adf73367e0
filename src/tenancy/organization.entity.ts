import { EntitySchema } from 'typeorm';
import { createdAt, generatedId, updatedAt } from '../db/columns';
import { Organization } from './tenancy.types';

/** A clinic chain or a standalone clinic (table `organizations`); rows are `Organization` instances. */
export type OrganizationRow = Organization & { version: number; tenancyVersion: string; createdAt: Date; updatedAt: Date };

export const OrganizationEntity = new EntitySchema<OrganizationRow>({
  name: 'Organization',
  target: Organization,
  tableName: 'organizations',
  columns: {
    id: generatedId,
    name: { type: 'text' },
    currency: { type: 'text', default: 'EUR' },
    timeZone: { type: 'text', name: 'time_zone', default: 'Europe/Madrid' },
    clinicSharing: { type: 'text', name: 'clinic_sharing', default: 'CENTRAL_ONLY' },
    version: { type: 'integer', default: 1 },
    // Raised by the database whenever the organization's tenants change (migration 0013); read only through enter_tenant.
    tenancyVersion: { type: 'bigint', name: 'tenancy_version', default: 0, select: false, insert: false, update: false },
    createdAt,
    updatedAt,
  },
});
