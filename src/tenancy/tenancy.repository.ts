import { isUuid } from '../auth/token';
import { EntityRows } from '../db/rows';
import type { RequestTransaction } from '../request/request-transaction';
import { OrganizationEntity } from './organization.entity';
import { TenantEntity } from './tenant.entity';
import type { Organization, Tenant } from './tenancy.types';
import { isPlatformAdmin, requireTenant, type ClinicSharing, type TenantKind, type Viewer } from './viewer';

const tenantRows = new EntityRows(TenantEntity);
const organizationRows = new EntityRows(OrganizationEntity);

/** How many organizations' tenants this process keeps (each a central and its clinics). */
const KEPT_ORGANIZATIONS = 1000;

/**
 * Organizations' tenants as some request read them, with the tenancy version that request's
 * transaction entered with: the database raises the version with every change to the tenants
 * (migration 0013), and the rows were read after the version was, so they are current for any
 * request that enters with the same version. Shared by the requests of this process: the list is
 * frozen, and nothing changes a tenant it is given (the federation router's `__typename`, which
 * @apollo/subgraph defines on the object, is the same for all).
 */
const keptTenants = new Map<string, { version: string; tenants: readonly Tenant[] }>();

/** Keeps an organization's tenants as the most recently used, so the least recently used are let go first. */
function keep(organizationId: string, kept: { version: string; tenants: readonly Tenant[] }): void {
  keptTenants.delete(organizationId);
  keptTenants.set(organizationId, kept);
  if (keptTenants.size > KEPT_ORGANIZATIONS) keptTenants.delete(keptTenants.keys().next().value!);
}

/**
 * The one door to `organizations` and `tenants` for a request. A tenant's user sees its own
 * organization and its tenants; a platform administrator sees every organization (the registry
 * its transaction opens) and no catalogue. Row Level Security enforces the same underneath.
 */
export class TenancyRepository {
  constructor(
    private readonly tx: RequestTransaction,
    private readonly viewer: Viewer,
  ) {}

  /** The organization, when the viewer may see it; null otherwise (malformed ids included). */
  async findVisibleOrganization(id: string): Promise<Organization | null> {
    if (!this.mayRead(id)) return null;
    return this.tx.manager.createQueryBuilder(OrganizationEntity, 'o').where('o.id = :id', { id }).getOne();
  }

  /**
   * The organization's tenants, central first, then clinics by name; none when the viewer may not
   * see it. Every owner and `addedBy` of a page is answered from this (the tenant loader), a hot
   * path: hand-written SQL read by the entity's mapper, and no statement at all while the
   * organization's tenancy version is the one its tenants were kept at (`keptTenants`).
   */
  async visibleTenants(organizationId: string): Promise<readonly Tenant[]> {
    if (!this.mayRead(organizationId)) return [];
    const scope = this.viewer.scope;
    const version = scope?.organizationId === organizationId ? scope.tenancyVersion : undefined;
    const kept = keptTenants.get(organizationId);
    if (kept && version !== undefined && kept.version === version) {
      keep(organizationId, kept);
      return kept.tenants;
    }
    const rows = await this.tx.query(
      `SELECT ${tenantRows.select('t')} FROM tenants t WHERE t.organization_id = $1
        ORDER BY t.kind = 'CENTRAL' DESC, t.name COLLATE catalog_order, t.id`,
      [organizationId],
    );
    const tenants = Object.freeze(rows.map((row) => tenantRows.read(row)));
    if (version !== undefined) keep(organizationId, { version, tenants });
    return tenants;
  }

  /** A new organization (platform administrators: the registry is open to their transaction only). */
  async insertOrganization(input: { name: string; currency: string; timeZone: string; clinicSharing: ClinicSharing }): Promise<Organization> {
    const result = await this.tx.manager.createQueryBuilder().insert().into(OrganizationEntity).values(input).returning('*').updateEntity(false).execute();
    return organizationRows.read(result.raw[0]);
  }

  async insertTenant(organization: Organization, name: string, kind: TenantKind): Promise<Tenant> {
    const result = await this.tx.manager
      .createQueryBuilder()
      .insert()
      .into(TenantEntity)
      .values({ organizationId: organization.id, name, kind })
      .returning('*')
      .updateEntity(false)
      .execute();
    return tenantRows.read(result.raw[0]);
  }

  /** Sets how the clinics of the viewer's own organization share their catalogues. */
  /** The organization with its new mode and version; null when it already had that mode (nothing written). */
  async updateClinicSharing(mode: ClinicSharing): Promise<{ organization: Organization; version: number } | null> {
    const { organizationId } = requireTenant(this.viewer);
    const result = await this.tx.manager
      .createQueryBuilder()
      .update(OrganizationEntity)
      .set({ clinicSharing: mode, version: () => 'version + 1', updatedAt: () => 'now()' })
      .where('id = :id AND clinic_sharing <> :mode', { id: organizationId, mode })
      .returning('*')
      .updateEntity(false)
      .execute();
    const [row] = result.raw as Record<string, unknown>[];
    return row ? { organization: organizationRows.read(row), version: row.version as number } : null;
  }

  private mayRead(organizationId: string): boolean {
    if (!isUuid(organizationId)) return false;
    return isPlatformAdmin(this.viewer) || this.viewer.scope?.organizationId === organizationId;
  }
}
