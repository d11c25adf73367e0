import type { RequestTransaction } from '../request/request-transaction';
import type { ClinicSharing, TenantKind, TenantScope } from './viewer';

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
    tenancy_version: string;
    clinic_sharing: ClinicSharing;
    central_id: string | null;
  }>(
    `SELECT e.tenant_id AS id, e.tenant_name AS name, e.tenant_kind AS kind, e.organization_id, e.currency, e.time_zone, e.clinic_sharing, e.central_id, e.tenancy_version,
            set_config('app.organization_id', e.organization_id::text, true)
       FROM enter_tenant($1) e`,
    [tenantId],
  );
  if (!row) return null;
  tx.narrowTo(row.organization_id);
  return {
    organizationId: row.organization_id,
    tenantId: row.id,
    tenantName: row.name,
    tenantKind: row.kind,
    centralTenantId: row.central_id,
    clinicSharing: row.clinic_sharing,
    currency: row.currency,
    timeZone: row.time_zone,
    tenancyVersion: row.tenancy_version,
  };
}

/**
 * Whether a tenant exists, without entering it (a platform administrator's token may carry a
 * `tid`, which must name a tenant too): reads through `enter_tenant` and sets nothing.
 */
export async function tenantExists(tx: RequestTransaction, tenantId: string): Promise<boolean> {
  const rows = await tx.query<{ found: number }>('SELECT 1 AS found FROM enter_tenant($1)', [tenantId]);
  return rows.length > 0;
}
