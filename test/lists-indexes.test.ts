import type { Client } from 'pg';
import { PACKAGE_SORT_KEYS, packageCountQuery, packageListQuery, visibleItemsQuery, type PackageListFilter } from '../src/catalog/packages/package.repository';
import { pageRequest, type SortKey, type SqlQuery } from '../src/catalog/pagination';
import { SERVICE_SORT_KEYS, serviceCountQuery, serviceListQuery, type ServiceListFilter } from '../src/catalog/services/service.repository';
import { APP_ROLE } from '../src/request/request-transaction';
import type { SortDirection } from '../src/graphql/common.types';
import type { ClinicSharing, TenantScope } from '../src/tenancy/viewer';
import { withDatabase } from './support/db';
import { TestServer, type Chain } from './support/harness';

/**
 * The list statements, built by the stores' own functions, planned by PostgreSQL as a request runs
 * them (application role, Row Level Security, the organization set) over one organization with
 * 3,000 packages and 3,000 services among eight others as large. Each must reach its rows through
 * an index that starts with organization_id, never a Seq Scan; an unfiltered page must walk the
 * ordered index from its cursor and stop, not fetch and sort every visible row (which is what the
 * planner did before migrations/0002_list_statistics.sql taught it how owners relate to
 * organizations). At these sizes PostgreSQL already prefers the indexes; a much smaller table
 * would be read whole, cheaply, and prove nothing.
 */

const ROWS_PER_ORGANIZATION = 3000;
const NOISE_ORGANIZATIONS = 8;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** Thousands of packages (with items) and services spread over an organization's tenants, set-based, as that organization. */
async function seedCatalogue(client: Client, organizationId: string, tenantIds: string[]): Promise<void> {
  await client.query('BEGIN');
  await client.query("SELECT set_config('app.organization_id', $1, true)", [organizationId]);
  await client.query(
    // Timestamps spread over time as real edits are, so that date orderings have real statistics.
    `INSERT INTO packages (organization_id, owner_tenant_id, name, shared, active, created_at, updated_at)
     SELECT $1, ($2::uuid[])[1 + g % cardinality($2::uuid[])],
            'Paquete ' || md5(g::text) || CASE WHEN g % 50 = 0 THEN ' implante' ELSE '' END, g % 5 <> 0, g % 7 <> 0,
            now() - g * interval '1 hour', now() - (g % 997) * interval '1 minute'
       FROM generate_series(1, $3) g`,
    [organizationId, tenantIds, ROWS_PER_ORGANIZATION],
  );
  await client.query(
    `INSERT INTO services (organization_id, owner_tenant_id, code, name, family, price, odontogram_scope, shared, active)
     SELECT $1, ($2::uuid[])[1 + g % cardinality($2::uuid[])], 'C' || g, 'Servicio ' || md5(g::text), 'Familia ' || g % 20,
            g % 900 + 0.5, (ARRAY['NONE', 'MOUTH', 'ARCH', 'QUADRANT', 'TOOTH'])[1 + g % 5], g % 5 <> 0, g % 7 <> 0
       FROM generate_series(1, $3) g`,
    [organizationId, tenantIds, ROWS_PER_ORGANIZATION],
  );
  // Three items per package, added by its owner.
  await client.query(
    `WITH p AS (SELECT id, owner_tenant_id, row_number() OVER (ORDER BY id) AS n FROM packages WHERE organization_id = $1),
          s AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM services WHERE organization_id = $1)
     INSERT INTO package_items (organization_id, package_id, service_id, added_by_tenant_id, quantity)
     SELECT $1, p.id, s.id, p.owner_tenant_id, 1 + k
       FROM p CROSS JOIN generate_series(0, 2) k JOIN s ON s.n = (p.n + k * 7) % $2 + 1`,
    [organizationId, ROWS_PER_ORGANIZATION],
  );
  await client.query('COMMIT');
}

describe('list statements use the indexes', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2 });
    const noise = await Promise.all(Array.from({ length: NOISE_ORGANIZATIONS }, () => server.provisionChain({ clinics: 2 })));
    await withDatabase(async (client) => {
      for (const { organization } of [chain, ...noise]) {
        await seedCatalogue(client, organization.id, organization.tenants.map((tenant) => tenant.id));
      }
      // As autovacuum leaves a table: statistics, and the visibility map index-only scans rely on.
      await client.query('VACUUM ANALYZE packages, services, package_items');
    });
  }, 120_000);
  afterAll(() => server.stop());

  /** The first clinic as the stores see it, under either sharing mode (the visibility SQL differs). */
  function clinic(clinicSharing: ClinicSharing = 'CENTRAL_ONLY'): TenantScope {
    return {
      organizationId: chain.organization.id,
      tenantId: chain.clinics[0].id,
      tenantName: 'Clínica 1',
      tenantKind: 'CLINIC',
      centralTenantId: chain.central!.id,
      clinicSharing,
      currency: 'EUR',
      timeZone: 'Europe/Madrid',
    };
  }

  const packages = (filter: Partial<PackageListFilter> = {}): PackageListFilter => ({ search: null, status: 'ALL', origin: null, ...filter });
  const services = (filter: Partial<ServiceListFilter> = {}): ServiceListFilter => ({
    ids: null,
    search: null,
    status: 'ALL',
    origin: null,
    family: null,
    odontogramScope: null,
    ...filter,
  });
  const page = (key: SortKey, direction: SortDirection = 'ASC', after: string | null = null) => pageRequest(50, after, key, direction);

  /** The plan PostgreSQL picks for `query`, run as a request runs it. */
  async function plan(query: SqlQuery): Promise<PlanNode[]> {
    return withDatabase(async (client) => {
      await client.query('BEGIN');
      await client.query(
        "SELECT set_config('role', $1, true), set_config('app.organization_id', $2, true), set_config('app.platform', 'off', true)",
        [APP_ROLE, chain.organization.id],
      );
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.params);
      await client.query('ROLLBACK');
      return planNodes(rows[0]['QUERY PLAN'][0].Plan);
    });
  }

  /** Every read of `table` goes through one of its indexes, none by reading the table whole. */
  function expectIndexedReads(nodes: PlanNode[], table: string): void {
    const reads = nodes.filter((node) => node['Relation Name'] === table || node['Index Name']?.startsWith(`${table}_`));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((node) => node['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(reads.some((node) => node['Index Name'])).toBe(true);
  }

  /** The page is read in index order and stops after it: an Index Scan on `index`, nothing sorted. */
  function expectOrderedWalk(nodes: PlanNode[], index: string): PlanNode {
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Sort');
    const scan = nodes.find((node) => node['Index Name'] === index);
    expect(scan?.['Node Type']).toMatch(/^Index (Only )?Scan$/);
    return scan!;
  }

  /** A real cursor from the API, for the clinic's list in that ordering. */
  async function cursorAfterFirstPage(field: 'NAME' | 'UPDATED_AT', direction: SortDirection): Promise<string> {
    const data = await server.ok(
      'query($order: PackageOrder) { packages(orderBy: $order, first: 50) { pageInfo { endCursor } } }',
      { order: { field, direction } },
      chain.clinics[0].admin,
    );
    return data.packages.pageInfo.endCursor;
  }

  it.each([
    ['by name', 'NAME', 'ASC', 'packages_by_name'],
    ['by name, descending', 'NAME', 'DESC', 'packages_by_name'],
    ['by creation', 'CREATED_AT', 'ASC', 'packages_by_created'],
    ['by last change, descending', 'UPDATED_AT', 'DESC', 'packages_by_updated'],
  ] as const)('walks the packages index for a first page %s', async (_title, field, direction, index) => {
    const key = PACKAGE_SORT_KEYS[field];
    for (const sharing of ['CENTRAL_ONLY', 'BETWEEN_CLINICS'] as const) {
      const nodes = await plan(packageListQuery(clinic(sharing), packages(), key, page(key, direction)));
      expectIndexedReads(nodes, 'packages');
      expectOrderedWalk(nodes, index);
      // With totalCount asked, the page statement also sums package_counts, once (an InitPlan).
      const counted = await plan(packageListQuery(clinic(sharing), packages(), key, page(key, direction), true));
      expectIndexedReads(counted, 'packages');
      expectOrderedWalk(counted, index);
      expect(counted.some((node) => node['Relation Name'] === 'package_counts')).toBe(true);
      expect(counted.some((node) => node['Parent Relationship'] === 'InitPlan')).toBe(true);
    }
  });

  it.each([
    ['NAME', 'ASC', 'packages_by_name'],
    ['UPDATED_AT', 'DESC', 'packages_by_updated'],
  ] as const)('starts a later page (%s %s) at the cursor inside the index', async (field, direction, index) => {
    const key = PACKAGE_SORT_KEYS[field];
    const after = await cursorAfterFirstPage(field, direction);
    const nodes = await plan(packageListQuery(clinic(), packages(), key, page(key, direction, after)));
    expectIndexedReads(nodes, 'packages');
    // The keyset (sort value, id) bounds the index scan itself, so deep pages cost what the first does.
    expect(expectOrderedWalk(nodes, index)['Index Cond']).toMatch(/ROW\(.*\bid\) [<>] ROW\(/);
  });

  it.each([
    ['a search', packages({ search: 'implante' })],
    ['a two-letter search (too short for trigrams)', packages({ search: 'ab' })],
    ['status and origin', packages({ status: 'INACTIVE', origin: ['OWN', 'CENTRAL'] })],
  ])('reads packages through an index for %s, in the page and in totalCount', async (_title, filter) => {
    const key = PACKAGE_SORT_KEYS.NAME;
    expectIndexedReads(await plan(packageListQuery(clinic(), filter, key, page(key))), 'packages');
    expectIndexedReads(await plan(packageListQuery(clinic(), filter, key, page(key), true)), 'packages');
    for (const sharing of ['CENTRAL_ONLY', 'BETWEEN_CLINICS'] as const) {
      const count = await plan(packageCountQuery(clinic(sharing), filter));
      if (filter.search === null) expectCountFromCounts(count);
      else expectIndexedReads(count, 'packages');
    }
  });

  /** A count without a search sums package_counts (migration 0005): the packages themselves are not read. */
  function expectCountFromCounts(nodes: PlanNode[]): void {
    expect(nodes.some((node) => node['Relation Name'] === 'package_counts')).toBe(true);
    expect(nodes.filter((node) => node['Relation Name'] === 'packages' || node['Index Name']?.startsWith('packages_'))).toEqual([]);
  }

  it.each([
    ['all', packages()],
    ['active', packages({ status: 'ACTIVE' })],
    ['own and central', packages({ origin: ['OWN', 'CENTRAL'] })],
  ])('counts %s visible packages from the per-owner counts, never the packages', async (_title, filter) => {
    for (const sharing of ['CENTRAL_ONLY', 'BETWEEN_CLINICS'] as const) expectCountFromCounts(await plan(packageCountQuery(clinic(sharing), filter)));
  });

  it('counts all visible services from the visibility index alone (index-only scan)', async () => {
    const nodes = await plan(serviceCountQuery(clinic('BETWEEN_CLINICS'), services({ status: 'ACTIVE' })));
    expectIndexedReads(nodes, 'services');
    expect(nodes.find((node) => node['Index Name'] === 'services_visibility')?.['Node Type']).toBe('Index Only Scan');
  });

  it('reads the services named by `ids` through an index, in the page and in totalCount', async () => {
    const ids = await withDatabase(async (client) => {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM services WHERE organization_id = $1 ORDER BY id DESC LIMIT 100', [chain.organization.id]);
      return rows.map((row) => row.id);
    });
    const key = SERVICE_SORT_KEYS.NAME;
    for (const sharing of ['CENTRAL_ONLY', 'BETWEEN_CLINICS'] as const) {
      expectIndexedReads(await plan(serviceListQuery(clinic(sharing), services({ ids }), key, page(key))), 'services');
      expectIndexedReads(await plan(serviceCountQuery(clinic(sharing), services({ ids }))), 'services');
    }
  });

  it("reads a page's items and their services by key, for any number of packages", async () => {
    for (const sharing of ['CENTRAL_ONLY', 'BETWEEN_CLINICS'] as const) {
      for (const size of [20, 100]) {
        const pageIds = await withDatabase(async (client) => {
          const { rows } = await client.query<{ id: string }>(
            'SELECT id FROM packages WHERE organization_id = $1 ORDER BY name COLLATE catalog_order, id LIMIT $2',
            [chain.organization.id, size],
          );
          return rows.map((row) => row.id);
        });
        const nodes = await plan(visibleItemsQuery(clinic(sharing), pageIds));
        for (const table of ['package_items', 'packages', 'services']) expectIndexedReads(nodes, table);
      }
    }
  });

  it.each([
    ['NAME', 'services_by_name'],
    ['CODE', 'services_by_code'],
    ['PRICE', 'services_by_price'],
    ['CREATED_AT', 'services_by_created'],
  ] as const)('walks the services index for a first page by %s', async (field, index) => {
    const key = SERVICE_SORT_KEYS[field];
    const nodes = await plan(serviceListQuery(clinic(), services(), key, page(key)));
    expectIndexedReads(nodes, 'services');
    expectOrderedWalk(nodes, index);
  });

  it.each([
    ['a search on name or code', services({ search: 'c12' })],
    ['a family', services({ family: 'familia 3' })],
    ['odontogram scopes and status', services({ odontogramScope: ['TOOTH', 'ARCH'], status: 'ACTIVE' })],
  ])('reads services through an index for %s, in the page and in totalCount', async (_title, filter) => {
    const key = SERVICE_SORT_KEYS.NAME;
    expectIndexedReads(await plan(serviceListQuery(clinic(), filter, key, page(key))), 'services');
    expectIndexedReads(await plan(serviceCountQuery(clinic(), filter)), 'services');
  });
});
