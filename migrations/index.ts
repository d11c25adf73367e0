import { Init } from './0001_init';
import { ListStatistics } from './0002_list_statistics';
import { SearchUnderRowSecurity } from './0003_search_under_row_security';
import { IndexOnlyCounts } from './0004_index_only_counts';
import { PackageCounts } from './0005_package_counts';
import { ServiceTaxExemption } from './0007_service_tax_exemption';
import { PriceLists } from './0008_price_lists';
import { ChangeFeed } from './0009_change_feed';
import { EnterTenant } from './0010_enter_tenant';
import { EnterTenantTimeZone } from './0011_enter_tenant_time_zone';
import { NamesAsListsSort } from './0012_names_as_lists_sort';
import { TenancyVersion } from './0013_tenancy_version';

/**
 * Every migration, in order. To add one: write `NNNN_name.sql` (and, to make it revertible,
 * `NNNN_name.down.sql`), a class for it like the ones above, and list the class here;
 * test/migrations.test.ts fails on a SQL file without its class.
 */
export const MIGRATIONS = [
  Init,
  ListStatistics,
  SearchUnderRowSecurity,
  IndexOnlyCounts,
  PackageCounts,
  ServiceTaxExemption,
  PriceLists,
  ChangeFeed,
  EnterTenant,
  EnterTenantTimeZone,
  NamesAsListsSort,
  TenancyVersion,
];
