import { EntitySchema } from 'typeorm';
import { createdAt, folded, generatedId, organizationKey, updatedAt, uuidColumn } from '../db/columns';
import { PriceList, PriceListEntry } from './price-list.types';

/** Columns the GraphQL type does not show: the organization and the folded text searches read. */
export type PriceListRow = PriceList & { organizationId: string; searchFolded: string };

/** A price list (table `price_lists`); rows are `PriceList` instances. Days are "YYYY-MM-DD" strings. */
export const PriceListEntity = new EntitySchema<PriceListRow>({
  name: 'PriceList',
  target: PriceList,
  tableName: 'price_lists',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    ownerTenantId: uuidColumn('owner_tenant_id'),
    name: { type: 'text' },
    kind: { type: 'text', default: 'GENERAL' },
    partnerName: { type: 'text', name: 'partner_name', nullable: true },
    partnerTaxId: { type: 'text', name: 'partner_tax_id', nullable: true },
    validFrom: { type: 'date', name: 'valid_from', nullable: true },
    validUntil: { type: 'date', name: 'valid_until', nullable: true },
    shared: { type: 'boolean', default: true },
    active: { type: 'boolean', default: true },
    version: { type: 'integer', default: 1 },
    createdAt,
    updatedAt,
    deactivatedAt: { type: 'timestamptz', name: 'deactivated_at', nullable: true },
    searchFolded: folded('search_folded'),
  },
});

export type PriceListEntryRow = PriceListEntry & { organizationId: string; createdAt: Date };

/** One price of a list (table `price_list_entries`): its list, service and clinic are plain columns. */
export const PriceListEntryEntity = new EntitySchema<PriceListEntryRow>({
  name: 'PriceListEntry',
  target: PriceListEntry,
  tableName: 'price_list_entries',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    priceListId: uuidColumn('price_list_id'),
    serviceId: uuidColumn('service_id'),
    clinicTenantId: { type: 'uuid', name: 'clinic_tenant_id', nullable: true },
    price: { type: 'numeric', precision: 12, scale: 2 },
    createdAt,
    updatedAt,
  },
});
