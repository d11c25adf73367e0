import { EntitySchema } from 'typeorm';
import { createdAt, folded, generatedId, organizationKey, updatedAt, uuidColumn } from '../../db/columns';
import { Package, PackageItem } from './package.types';

/** Columns the GraphQL type does not show: the organization and the folded name searches read. */
export type PackageRow = Package & { organizationId: string; nameFolded: string };

/** A service package (table `packages`); rows are `Package` instances. */
export const PackageEntity = new EntitySchema<PackageRow>({
  name: 'Package',
  target: Package,
  tableName: 'packages',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    ownerTenantId: uuidColumn('owner_tenant_id'),
    name: { type: 'text' },
    description: { type: 'text', nullable: true },
    shared: { type: 'boolean', default: true },
    active: { type: 'boolean', default: true },
    version: { type: 'integer', default: 1 },
    createdAt,
    updatedAt,
    deactivatedAt: { type: 'timestamptz', name: 'deactivated_at', nullable: true },
    nameFolded: folded('name_folded'),
  },
});

export type PackageItemRow = PackageItem & { organizationId: string; position: string; createdAt: Date; updatedAt: Date };

/**
 * One service in a package with its quantity (table `package_items`): an entity of its own, not a
 * many-to-many, its package, service and adding tenant plain columns (loaded through DataLoaders).
 */
export const PackageItemEntity = new EntitySchema<PackageItemRow>({
  name: 'PackageItem',
  target: PackageItem,
  tableName: 'package_items',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    packageId: uuidColumn('package_id'),
    serviceId: uuidColumn('service_id'),
    addedByTenantId: uuidColumn('added_by_tenant_id'),
    quantity: { type: 'integer' },
    // Insertion order (GENERATED ALWAYS AS IDENTITY in SQL): items are listed oldest first.
    position: { type: 'bigint', insert: false, update: false, select: false },
    // Not shown by the API: left out of the items a package's page reads.
    createdAt: { ...createdAt, select: false },
    updatedAt: { ...updatedAt, select: false },
  },
  // One row per service and adding tenant: adding it again adds to the quantity (ON CONFLICT on it).
  uniques: [
    {
      name: 'package_items_organization_id_package_id_added_by_tenant_id_key',
      columns: ['organizationId', 'packageId', 'addedByTenantId', 'serviceId'],
    },
  ],
});

/** Packages per owner, shared and active (table `package_counts`, kept by a trigger): `totalCount` sums them. */
export class PackageCount {
  organizationId: string;
  ownerTenantId: string;
  shared: boolean;
  active: boolean;
  packages: string;
}

export const PackageCountEntity = new EntitySchema<PackageCount>({
  name: 'PackageCount',
  target: PackageCount,
  tableName: 'package_counts',
  columns: {
    organizationId: organizationKey,
    ownerTenantId: { type: 'uuid', name: 'owner_tenant_id', primary: true },
    shared: { type: 'boolean', primary: true },
    active: { type: 'boolean', primary: true },
    packages: { type: 'bigint' },
  },
});
