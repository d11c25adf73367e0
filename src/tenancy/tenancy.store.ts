import type { RequestTransaction } from '../request/request-transaction';
import type { ClinicSharing, TenantKind, TenantScope } from './viewer';

/**
 * Resolves the tenant a token names, while `app.platform` is on (the transaction's first step),
 * and narrows the transaction to that tenant's organization, in one statement: the settings are
 * made by the row that names the organization, after the tenancy tables were read. Null: no such
 * tenant (nothing is set, and the caller rolls back).
 */
export async function enterTenant(tx: RequestTransaction, tenantId: string): Promise<TenantScope | null> {
  const [row] = await tx.query<{
    id: string;
    name: string;
    kind: TenantKind;
    organization_id: string;
    currency: string;
    clinic_sharing: ClinicSharing;
    central_id: string | null;
  }>(
    `SELECT t.id, t.name, t.kind, t.organization_id, o.currency, o.clinic_sharing, c.id AS central_id,
            set_config('app.organization_id', t.organization_id::text, true), set_config('app.platform', 'off', true)
       FROM tenants t
       JOIN organizations o ON o.id = t.organization_id
       LEFT JOIN tenants c ON c.organization_id = t.organization_id AND c.kind = 'CENTRAL'
      WHERE t.id = $1`,
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
  };
}
