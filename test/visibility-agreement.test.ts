import type { DataSource } from 'typeorm';
import type { RequestTransaction } from '../src/request/request-transaction';
import type { ClinicSharing, TenantScope } from '../src/tenancy/viewer';
import {
  canSee,
  canSeeEntry,
  canSeeItem,
  originOf,
  originSql,
  SqlParams,
  visibleEntrySql,
  visibleItemSql,
  visibleRowSql,
  type Origin,
} from '../src/tenancy/visibility';
import { asTenant, openDataSource } from './support/db';
import { TestServer } from './support/harness';

/**
 * The visibility rules are written twice (src/tenancy/visibility.ts): as pure functions, used on
 * single rows, and as SQL predicates, used by lists. This proves they agree on a generated
 * organization holding every combination of owner, shared and adder, for every viewer tenant in
 * both sharing modes, for a chain and for a standalone clinic.
 */

const MODES: ClinicSharing[] = ['CENTRAL_ONLY', 'BETWEEN_CLINICS'];
const ORIGINS: Origin[] = ['OWN', 'CENTRAL', 'OTHER_CLINIC'];
/** Every set of origins a filter may ask for, the empty one included. */
const ORIGIN_SETS = Array.from({ length: 2 ** ORIGINS.length }, (_, mask) => ORIGINS.filter((_, bit) => mask & (1 << bit)));

interface OwnedRowRecord {
  id: string;
  owner_tenant_id: string;
  shared: boolean;
}

interface ItemRecord {
  id: string;
  added_by_tenant_id: string;
  package_owner: string;
  package_shared: boolean;
  service_owner: string;
  service_shared: boolean;
}

interface EntryRecord {
  id: string;
  clinic_tenant_id: string | null;
  list_owner: string;
  list_shared: boolean;
  service_owner: string;
  service_shared: boolean;
}

const ENTRY_JOINS = `price_list_entries e
  JOIN price_lists l ON l.organization_id = e.organization_id AND l.id = e.price_list_id
  JOIN services s ON s.organization_id = e.organization_id AND s.id = e.service_id`;

const ITEM_JOINS = `package_items i
  JOIN packages p ON p.organization_id = i.organization_id AND p.id = i.package_id
  JOIN services s ON s.organization_id = i.organization_id AND s.id = i.service_id`;

/**
 * Writes, inside one request transaction of the organization (application role, RLS on), a
 * service, a package and a price list for every (owner, shared), an item for every (package, service,
 * adder) and a price-list entry for every (list, service, clinic or none).
 */
async function insertGrid(dataSource: DataSource, tenantIds: string[]): Promise<void> {
  await asTenant(
    dataSource,
    tenantIds[0],
    async (tx, scope) => {
      const owners = `unnest($2::uuid[]) WITH ORDINALITY AS o(owner, n) CROSS JOIN (VALUES (true), (false)) AS f(shared)`;
      await tx.query(
        `INSERT INTO services (organization_id, owner_tenant_id, name, price, shared)
         SELECT $1, o.owner, 'Servicio ' || o.n || ' ' || f.shared, 10, f.shared FROM ${owners}`,
        [scope.organizationId, tenantIds],
      );
      await tx.query(
        `INSERT INTO packages (organization_id, owner_tenant_id, name, shared)
         SELECT $1, o.owner, 'Paquete ' || o.n || ' ' || f.shared, f.shared FROM ${owners}`,
        [scope.organizationId, tenantIds],
      );
      await tx.query(
        `INSERT INTO package_items (organization_id, package_id, service_id, added_by_tenant_id, quantity)
         SELECT $1, p.id, s.id, a.adder, 1
           FROM packages p CROSS JOIN services s CROSS JOIN unnest($2::uuid[]) AS a(adder)
          WHERE p.organization_id = $1 AND s.organization_id = $1`,
        [scope.organizationId, tenantIds],
      );
      await tx.query(
        `INSERT INTO price_lists (organization_id, owner_tenant_id, name, shared)
         SELECT $1, o.owner, 'Tarifa ' || o.n || ' ' || f.shared, f.shared FROM ${owners}`,
        [scope.organizationId, tenantIds],
      );
      await tx.query(
        `INSERT INTO price_list_entries (organization_id, price_list_id, service_id, clinic_tenant_id, price)
         SELECT $1, l.id, s.id, c.clinic, 1
           FROM price_lists l CROSS JOIN services s CROSS JOIN (SELECT NULL::uuid AS clinic UNION ALL SELECT unnest($2::uuid[])) c
          WHERE l.organization_id = $1 AND s.organization_id = $1`,
        [scope.organizationId, tenantIds],
      );
    },
    { commit: true },
  );
}

/** Ids the SQL predicate selects among the organization's rows of `from` (whose main alias is `alias`). */
async function selectedIds(
  tx: RequestTransaction,
  scope: TenantScope,
  from: string,
  alias: string,
  predicate: (params: SqlParams) => string,
): Promise<string[]> {
  const params = new SqlParams();
  const organization = params.add(scope.organizationId);
  const condition = predicate(params);
  const rows = await tx.query<{ id: string }>(
    `SELECT ${alias}.id FROM ${from} WHERE ${alias}.organization_id = ${organization} AND ${condition}`,
    params.values,
  );
  return rows.map((row) => row.id).sort();
}

const idsWhere = <T extends { id: string }>(rows: T[], accept: (row: T) => boolean) =>
  rows
    .filter(accept)
    .map((row) => row.id)
    .sort();

describe('visibility: the pure rules and their SQL twins agree', () => {
  let server: TestServer;
  let dataSource: DataSource;
  /** Filled by beforeAll: each viewer tenant with all the tenants of its generated organization. */
  const cases: { organization: string; mode: ClinicSharing; viewer: string; tenantId: string; tenantIds: string[] }[] = [];

  beforeAll(async () => {
    server = await TestServer.start();
    dataSource = await openDataSource();
    for (const mode of MODES) {
      const chain = await server.provisionChain({ clinicSharing: mode, clinics: 2 });
      const chainTenants = [chain.central!.id, ...chain.clinics.map((clinic) => clinic.id)];
      await insertGrid(dataSource, chainTenants);
      ['central', 'clinic A', 'clinic B'].forEach((viewer, index) =>
        cases.push({ organization: 'chain', mode, viewer, tenantId: chainTenants[index], tenantIds: chainTenants }),
      );
      const standalone = await server.provisionChain({ clinicSharing: mode, clinics: 1, central: false });
      await insertGrid(dataSource, [standalone.clinics[0].id]);
      cases.push({ organization: 'standalone clinic', mode, viewer: 'clinic', tenantId: standalone.clinics[0].id, tenantIds: [standalone.clinics[0].id] });
    }
  });
  afterAll(async () => {
    await dataSource.destroy();
    await server.stop();
  });

  // Jest collects tests before beforeAll runs, so the cases are named here and looked up inside.
  const named = MODES.flatMap((mode) => [
    ...['central', 'clinic A', 'clinic B'].map((viewer) => ({ organization: 'chain', mode, viewer })),
    { organization: 'standalone clinic', mode, viewer: 'clinic' },
  ]);

  it.each(named)('$organization, $mode, seen by $viewer', async ({ organization, mode, viewer }) => {
    /** In a chain every viewer sees some rows and items and misses others, so both answers of each rule are compared. */
    const expectPartial = (accepted: string[], all: unknown[]) => {
      if (organization === 'chain') expect(accepted.length === 0 || accepted.length === all.length).toBe(false);
    };
    const { tenantId, tenantIds } = cases.find((c) => c.organization === organization && c.mode === mode && c.viewer === viewer)!;
    await asTenant(dataSource, tenantId, async (tx, scope) => {
      expect(scope.clinicSharing).toBe(mode);
      const services = await tx.query<OwnedRowRecord>('SELECT id, owner_tenant_id, shared FROM services WHERE organization_id = $1', [
        scope.organizationId,
      ]);
      const packages = await tx.query<OwnedRowRecord>('SELECT id, owner_tenant_id, shared FROM packages WHERE organization_id = $1', [
        scope.organizationId,
      ]);
      const items = await tx.query<ItemRecord>(
        `SELECT i.id, i.added_by_tenant_id, p.owner_tenant_id AS package_owner, p.shared AS package_shared,
                s.owner_tenant_id AS service_owner, s.shared AS service_shared
           FROM ${ITEM_JOINS} WHERE i.organization_id = $1`,
        [scope.organizationId],
      );
      // The generated grid: every owner x shared, and every package x service x adder.
      expect([services.length, packages.length, items.length]).toEqual([2 * tenantIds.length, 2 * tenantIds.length, 4 * tenantIds.length ** 3]);

      for (const [table, alias, rows] of [
        ['services s', 's', services],
        ['packages p', 'p', packages],
      ] as const) {
        const seen = idsWhere(rows, (row) => canSee(scope, { ownerTenantId: row.owner_tenant_id, shared: row.shared }));
        expect([table, await selectedIds(tx, scope, table, alias, (params) => visibleRowSql(scope, alias, params))]).toEqual([table, seen]);
        expectPartial(seen, rows);

        for (const origins of ORIGIN_SETS) {
          const withOrigin = idsWhere(rows, (row) => origins.includes(originOf(scope, row.owner_tenant_id)));
          expect([table, origins, await selectedIds(tx, scope, table, alias, (params) => originSql(scope, alias, origins, params))]).toEqual([
            table,
            origins,
            withOrigin,
          ]);
        }
      }

      const seenItems = idsWhere(items, (item) =>
        canSeeItem(
          scope,
          item.added_by_tenant_id,
          { ownerTenantId: item.package_owner, shared: item.package_shared },
          { ownerTenantId: item.service_owner, shared: item.service_shared },
        ),
      );
      expect(await selectedIds(tx, scope, ITEM_JOINS, 'i', (params) => visibleItemSql(scope, 'i', 'p', 's', params))).toEqual(seenItems);
      expectPartial(seenItems, items);

      const entries = await tx.query<EntryRecord>(
        `SELECT e.id, e.clinic_tenant_id, l.owner_tenant_id AS list_owner, l.shared AS list_shared,
                s.owner_tenant_id AS service_owner, s.shared AS service_shared
           FROM ${ENTRY_JOINS} WHERE e.organization_id = $1`,
        [scope.organizationId],
      );
      expect(entries).toHaveLength(4 * tenantIds.length ** 2 * (tenantIds.length + 1));
      const seenEntries = idsWhere(entries, (entry) =>
        canSeeEntry(
          scope,
          { ownerTenantId: entry.list_owner, shared: entry.list_shared },
          entry.clinic_tenant_id,
          { ownerTenantId: entry.service_owner, shared: entry.service_shared },
        ),
      );
      expect(await selectedIds(tx, scope, ENTRY_JOINS, 'e', (params) => visibleEntrySql(scope, 'e', 'l', 's', params))).toEqual(seenEntries);
      expectPartial(seenEntries, entries);
    });
  });
});
