import { isUuid } from '../auth/token';
import type { RequestTransaction } from '../request/request-transaction';
import type { ClinicSharing, TenantKind, TenantScope } from './viewer';

interface EnteredTenantRow {
  id: string;
  name: string;
  kind: TenantKind;
  organization_id: string;
  currency: string;
  time_zone: string;
  clinic_sharing: ClinicSharing;
  central_id: string | null;
}

/**
 * The statement that resolves the tenant a token names and narrows the transaction to its
 * organization. The registry is closed to the transaction: `enter_tenant` (migration 0010) reads
 * the one tenant row with its organization and central, and the setting is made from the row it
 * returns (no row: no such tenant, nothing is set, and the caller rolls back). `tenant` is `$1`,
 * or a UUID written as a literal (see `enterTenantStatement`).
 */
const enterTenantSql = (tenant: string) =>
  `SELECT e.tenant_id AS id, e.tenant_name AS name, e.tenant_kind AS kind, e.organization_id, e.currency, e.time_zone, e.clinic_sharing, e.central_id,
          set_config('app.organization_id', e.organization_id::text, true)
     FROM enter_tenant(${tenant}) e`;

/**
 * The entry as text with no parameter, to ride in BEGIN's round trip (`RequestTransaction.beginWith`,
 * simple protocol): the id is written as a literal only once it is known to be a UUID (hex digits
 * and dashes, nothing that could close the quotes).
 */
export function enterTenantStatement(tenantId: string): string {
  if (!isUuid(tenantId)) throw new Error('a tenant id to enter must be a UUID');
  return enterTenantSql(`'${tenantId}'::uuid`);
}

/** The tenant the entry read, as the viewer's scope; null when the token named no tenant. */
export function tenantScopeOf(rows: readonly Record<string, unknown>[]): TenantScope | null {
  const row = rows[0] as unknown as EnteredTenantRow | undefined;
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

/** Enters the tenant on a transaction already begun (the webhook worker, tests). */
export async function enterTenant(tx: RequestTransaction, tenantId: string): Promise<TenantScope | null> {
  return tenantScopeOf(await tx.query(enterTenantSql('$1'), [tenantId]));
}

/**
 * Whether a tenant exists, without entering it (a platform administrator's token may carry a
 * `tid`, which must name a tenant too): reads through `enter_tenant` and sets nothing.
 */
export async function tenantExists(tx: RequestTransaction, tenantId: string): Promise<boolean> {
  const rows = await tx.query<{ found: number }>('SELECT 1 AS found FROM enter_tenant($1)', [tenantId]);
  return rows.length > 0;
}
