import { CatalogEventRepository } from '../changes/catalog-event.repository';
import { PackageRepository } from '../catalog/packages/package.repository';
import { ServiceRepository } from '../catalog/services/service.repository';
import { PriceListEntryRepository } from '../pricing/price-list-entry.repository';
import { PriceListRepository } from '../pricing/price-list.repository';
import { TenancyRepository } from '../tenancy/tenancy.repository';
import type { AskedFields } from '../db/rows';
import { requireTenant, type Viewer } from '../tenancy/viewer';
import type { RequestTransaction } from './request-transaction';

/**
 * The request's repositories: the only code that reads or writes the tables, all on the request's
 * transaction and each answering only what the viewer may see. The catalogue's are made on first
 * use; a viewer acting for no tenant (a platform administrator) reaches none (FORBIDDEN).
 */
export class Repositories {
  readonly tenancy: TenancyRepository;
  private servicesOfTenant?: ServiceRepository;
  private packagesOfTenant?: PackageRepository;
  private priceListsOfTenant?: PriceListRepository;
  private priceListEntriesOfTenant?: PriceListEntryRepository;
  private eventsOfTenant?: CatalogEventRepository;
  private asked: AskedFields = null;

  constructor(
    private readonly tx: RequestTransaction,
    private readonly viewer: Viewer,
  ) {
    this.tenancy = new TenancyRepository(tx, viewer);
  }

  /**
   * The request is a query whose document names these fields (`fieldNamesIn`): the lists and the
   * items of packages, with their services, read only the columns those fields and every reader
   * need. Rows read so are primed into the loaders like others: whatever the query asks of a row
   * anywhere is among the names, so no field it reads is missing.
   */
  askedFor(fields: ReadonlySet<string>): void {
    this.asked = fields;
  }

  get services(): ServiceRepository {
    return (this.servicesOfTenant ??= new ServiceRepository(this.tx, requireTenant(this.viewer), () => this.asked));
  }

  /** Packages and their items. */
  get packages(): PackageRepository {
    return (this.packagesOfTenant ??= new PackageRepository(this.tx, requireTenant(this.viewer), () => this.asked));
  }

  get priceLists(): PriceListRepository {
    return (this.priceListsOfTenant ??= new PriceListRepository(this.tx, requireTenant(this.viewer)));
  }

  get priceListEntries(): PriceListEntryRepository {
    return (this.priceListEntriesOfTenant ??= new PriceListEntryRepository(this.tx, requireTenant(this.viewer)));
  }

  /** The change history: appended by every catalogue write, read as histories and the feed. */
  get events(): CatalogEventRepository {
    return (this.eventsOfTenant ??= new CatalogEventRepository(this.tx, requireTenant(this.viewer)));
  }
}
