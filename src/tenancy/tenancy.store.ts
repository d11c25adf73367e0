import type { RequestTransaction } from '../request/request-transaction';
import type { ClinicSharing, TenantKind, TenantScope } from './viewer';
import { Organization, Tenant } from './tenancy.types';

interface TenantRow {
  id: string;
  organization_id: string;
  name: string;
  kind: TenantKind;
}

interface OrganizationRow {
  id: string;
  name: string;
  currency: string;
  time_zone: string;
  clinic_sharing: ClinicSharing;
}

/** Instances of the GraphQL classes, which type-graphql passes to field resolvers without copying them. */
const toTenant = (row: TenantRow): Tenant => Object.assign(new Tenant(), { id: row.id, organizationId: row.organization_id, name: row.name, kind: row.kind });
const toOrganization = (row: OrganizationRow): Organization =>
  Object.assign(new Organization(), {
    id: row.id,
    name: row.name,
    currency: row.currency,
    timeZone: row.time_zone,
    clinicSharing: row.clinic_sharing,
  });

/**
 * Resolves the tenant a token names and narrows the transaction to its organization, in one
 * statement. The registry is closed to the transaction: `enter_tenant` (migration 0010) reads the
 * one tenant row with its organization and central, and the setting is made from the row it
 * returns. Null: no such tenant (nothing is set, and the caller rolls back).
 */
export async function enterTenant(tx: RequestTransaction, tenantId: string): Promise<TenantScope | null> {
  const [row] = await tx.query<{
    id: string;
    name: string;
    kind: TenantKind;
    organization_id: string;
    currency: string;
    time_zone: string;
    clinic_sharing: ClinicSharing;
    central_id: string | null;
  }>(
    `SELECT e.tenant_id AS id, e.tenant_name AS name, e.tenant_kind AS kind, e.organization_id, e.currency, e.time_zone, e.clinic_sharing, e.central_id,
            set_config('app.organization_id', e.organization_id::text, true)
       FROM enter_tenant($1) e`,
    [tenantId],
  );
  if (!row) return null;
  return {
    organizationId: row.organization_id,
    tenantId: row.id,
    tenantName: row.name,
    tenantKind: row.kind,
    centralTenantId: row.central_id,
    clinicSharing: row.clinic_sharing,
    currency: row.currency,
    timeZone: row.time_zone,
  };
}

export async function findOrganization(tx: RequestTransaction, organizationId: string): Promise<Organization | null> {
  const [row] = await tx.query<OrganizationRow>('SELECT id, name, currency, time_zone, clinic_sharing FROM organizations WHERE id = $1', [
    organizationId,
  ]);
  return row ? toOrganization(row) : null;
}

/** The central first, then the clinics by name. */
export async function listTenants(tx: RequestTransaction, organizationId: string): Promise<Tenant[]> {
  const rows = await tx.query<TenantRow>(
    `SELECT id, organization_id, name, kind FROM tenants WHERE organization_id = $1
      ORDER BY kind = 'CENTRAL' DESC, name COLLATE catalog_order, id`,
    [organizationId],
  );
  return rows.map(toTenant);
}

export async function insertOrganization(
  tx: RequestTransaction,
  input: { name: string; currency: string; timeZone: string; clinicSharing: ClinicSharing },
): Promise<Organization> {
  const [row] = await tx.query<OrganizationRow>(
    `INSERT INTO organizations (name, currency, time_zone, clinic_sharing) VALUES ($1, $2, $3, $4)
     RETURNING id, name, currency, time_zone, clinic_sharing`,
    [input.name, input.currency, input.timeZone, input.clinicSharing],
  );
  return toOrganization(row);
}

export async function insertTenant(tx: RequestTransaction, organizationId: string, name: string, kind: TenantKind): Promise<Tenant> {
  const [row] = await tx.query<TenantRow>(
    `INSERT INTO tenants (organization_id, name, kind) VALUES ($1, $2, $3) RETURNING id, organization_id, name, kind`,
    [organizationId, name, kind],
  );
  return toTenant(row);
}

/** The organization with its new mode and version; null when it already had that mode (nothing written). */
export async function updateClinicSharing(
  tx: RequestTransaction,
  organizationId: string,
  mode: ClinicSharing,
): Promise<{ organization: Organization; version: number } | null> {
  const [row] = await tx.query<OrganizationRow & { version: number }>(
    `UPDATE organizations SET clinic_sharing = $2, version = version + 1, updated_at = now() WHERE id = $1 AND clinic_sharing <> $2
     RETURNING id, name, currency, time_zone, clinic_sharing, version`,
    [organizationId, mode],
  );
  return row ? { organization: toOrganization(row), version: row.version } : null;
}
