import { PACKAGE_TABLE } from '../bench/operations';
import { addItems, createPackage, createService, fewAtATime } from './support/catalog';
import { TestServer, type Chain } from './support/harness';

/**
 * No N+1: a page of the lists costs the same number of SQL statements (the `x-sql-statements`
 * header) whether it holds 5 rows or 50, with owners, items, their services and totals; every
 * per-row field is batched by the request's loaders.
 */

const PACKAGES_PAGE = `query($first: Int) {
  packages(first: $first) {
    nodes {
      owner { name }
      items { addedBy { name } service { name owner { name } } totals { total } }
      totals { total }
    }
    totalCount
  }
}`;

const SERVICES_PAGE = `query($first: Int) {
  services(first: $first) { nodes { owner { name } origin viewerCanEdit } totalCount }
}`;

describe('lists cost the same number of statements for 5 rows or 50', () => {
  let server: TestServer;
  let chain: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    // Clinics share with each other, so the first clinic sees what all three tenants own and added.
    chain = await server.provisionChain({ clinics: 2, clinicSharing: 'BETWEEN_CLINICS' });
    const central = chain.central!.admin;
    const [clinic, other] = chain.clinics.map((tenant) => tenant.admin);
    const [centralServices, clinicServices, otherServices] = await Promise.all(
      [central, clinic, other].map((token) =>
        fewAtATime(Array.from({ length: 18 }, (_, index) => () => createService(server, token, { price: `${10 + index}.50`, taxRate: '21.00' })), 2),
      ),
    );
    const ids = (services: { id: string }[], from: number, count: number) =>
      services.slice(from, from + count).map((service) => ({ serviceId: service.id, quantity: 2 }));

    // 60 packages, owners taking turns so any page holds all three; each with items from two or three tenants.
    const packages = await fewAtATime(
      Array.from({ length: 60 }, (_, index) => () => {
        const name = `Lote ${String(index).padStart(2, '0')}`;
        if (index % 3 === 0) return createPackage(server, central, { name, items: ids(centralServices, index % 15, 3) });
        if (index % 3 === 1) return createPackage(server, clinic, { name, items: [...ids(clinicServices, index % 15, 2), ...ids(centralServices, 0, 1)] });
        return createPackage(server, other, { name, items: [...ids(otherServices, index % 15, 2), ...ids(clinicServices, 17, 1)] });
      }),
    );
    // The clinics extend the central's packages with their own items.
    await fewAtATime(
      packages
        .filter((_, index) => index % 3 === 0)
        .flatMap((pkg, index) => [
          () => addItems(server, clinic, pkg.id, ids(clinicServices, index % 15, 1)),
          () => addItems(server, other, pkg.id, ids(otherServices, index % 15, 1)),
        ]),
    );
    // The server keeps the organization's tenants once read (test/tenants-kept.test.ts): every count
    // below is then the steady state, without the one statement that reads them.
    await server.ok(PACKAGES_PAGE, { first: 1 }, chain.clinics[0].admin);
  }, 120_000);
  afterAll(() => server.stop());

  async function statements(query: string, first: number): Promise<{ count: number; data: any }> {
    const response = await server.gql(query, { first }, chain.clinics[0].admin);
    expect(response.errors).toBeUndefined();
    return { count: Number(response.headers.get('x-sql-statements')), data: response.data };
  }

  it('packages with owners, items, their services and totals', async () => {
    const small = await statements(PACKAGES_PAGE, 5);
    const large = await statements(PACKAGES_PAGE, 50);
    expect(small.data.packages.nodes).toHaveLength(5);
    expect(large.data.packages.nodes).toHaveLength(50);
    expect(large.data.packages.totalCount).toBe(60);
    // The page really holds what it asks for: items added by all three tenants, with their services.
    const items = large.data.packages.nodes.flatMap((pkg: any) => pkg.items);
    expect(items.length).toBeGreaterThanOrEqual(150);
    expect(new Set(items.map((item: any) => item.addedBy.name)).size).toBe(3);
    expect(new Set(large.data.packages.nodes.map((pkg: any) => pkg.owner.name)).size).toBe(3);

    expect(small.count).toBeGreaterThan(0);
    expect(large.count).toBe(small.count);
    // A handful: transaction, viewer, the page, its count, one batch of items, one or two of tenants.
    expect(large.count).toBeLessThanOrEqual(10);
  });

  it('totalCount costs no statement of its own: it rides in the page statement, asked directly or through fragments', async () => {
    const ask = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await server.gql(query, variables, chain.clinics[0].admin);
      expect(response.errors).toBeUndefined();
      return { count: Number(response.headers.get('x-sql-statements')), data: response.data };
    };
    const without = await ask('{ packages(first: 5) { nodes { id } } services(first: 5) { nodes { id } } }');
    const direct = await ask('{ packages(first: 5) { nodes { id } totalCount } services(first: 5) { nodes { id } totalCount } }');
    const spread = await ask(
      'query { packages(first: 5) { ...Counted } services(first: 5) { ... on ServiceConnection { nodes { id } totalCount } } } fragment Counted on PackageConnection { nodes { id } totalCount }',
    );
    expect(direct.count).toBe(without.count);
    expect(spread.count).toBe(without.count);
    for (const answer of [direct, spread]) {
      expect(answer.data.packages.totalCount).toBe(60);
      expect(answer.data.services.totalCount).toBe(54);
    }
    // A search's count, and the count of a page past the last row (no row to carry it: counted apart).
    const searched = await ask('{ packages(first: 5, filter: { search: "lote 1" }) { nodes { name } totalCount } }');
    expect(searched.data.packages.totalCount).toBe(10);
    const last = await ask('{ packages(first: 100) { pageInfo { endCursor } } }');
    const past = await ask('query($after: String) { packages(first: 5, after: $after) { nodes { id } totalCount } }', {
      after: last.data.packages.pageInfo.endCursor,
    });
    expect(past.data.packages).toEqual({ nodes: [], totalCount: 60 });
  });

  it("the benchmark's package table (L20, L100) costs 3 statements for 20 rows or 100", async () => {
    const twenty = await statements(PACKAGE_TABLE, 20);
    const hundred = await statements(PACKAGE_TABLE, 100);
    expect(twenty.data.packages.nodes).toHaveLength(20);
    expect(hundred.data.packages.nodes).toHaveLength(60);
    expect(hundred.data.packages.nodes.flatMap((pkg: any) => pkg.items).length).toBeGreaterThanOrEqual(150);
    // BEGIN with the role and limits and the tenant (which also sets the organization) in one round
    // trip; the page with its count, then COMMIT; the items of the page with their services in a
    // transaction of their own, its BEGIN and COMMIT in the same round trip (a query commits each
    // statement as it goes). The organization's tenants are kept from an earlier request.
    expect(twenty.count).toBe(3);
    expect(hundred.count).toBe(3);
  });

  it('services with owners, origin and edit rights', async () => {
    const small = await statements(SERVICES_PAGE, 5);
    const large = await statements(SERVICES_PAGE, 50);
    expect(small.data.services.nodes).toHaveLength(5);
    expect(large.data.services.nodes).toHaveLength(50);
    expect(large.data.services.totalCount).toBe(54);
    expect(new Set(large.data.services.nodes.map((service: any) => service.origin))).toEqual(new Set(['OWN', 'CENTRAL', 'OTHER_CLINIC']));

    expect(small.count).toBeGreaterThan(0);
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(8);
  });
});
