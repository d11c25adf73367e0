import { PackageCountEntity, PackageEntity, PackageItemEntity } from '../catalog/packages/package.entity';
import { ServiceEntity } from '../catalog/services/service.entity';
import { CatalogEventEntity, WebhookDeliveryEntity, WebhookEntity } from '../changes/change-feed.entity';
import { PriceListEntity, PriceListEntryEntity } from '../pricing/price-list.entity';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { TenantEntity } from '../tenancy/tenant.entity';

/** Every table's entity: the data source registers them, test/entities.test.ts checks them against the migrated database. */
export const ENTITIES = [
  OrganizationEntity,
  TenantEntity,
  ServiceEntity,
  PackageEntity,
  PackageItemEntity,
  PackageCountEntity,
  PriceListEntity,
  PriceListEntryEntity,
  CatalogEventEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
];
