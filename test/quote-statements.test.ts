import { PACKAGE_DETAIL, TEETH } from '../bench/operations';
import { createPackage, createServices } from './support/catalog';
import { TestServer, type Chain } from './support/harness';

/**
 * No N+1 in the calculator: a budget costs the same number of SQL statements (the
 * `x-sql-statements` header) with 2 input lines or 200, whatever mix of services and packages,
 * with the lines' services and packages resolved.
 */

const QUOTE = `query($input: QuoteInput!) {
  quote(input: $input) {
    total
    lines { service { id name taxExemption } package { id name } tooth quantity total }
    taxBreakdown { taxRate base }
  }
}`;

describe('a quote costs a fixed number of statements', () => {
  let server: TestServer;
  let chain: Chain;
  let services: any[];
  let packages: any[];

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 1 });
    const central = chain.central!.admin;
    services = [
      ...(await createServices(server, central, 50, { price: '12.34', taxRate: '21.00', odontogramScope: 'TOOTH' })),
      ...(await createServices(server, chain.clinics[0].admin, 50, { price: '5.05', taxRate: '10.00' })),
    ];
    packages = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        createPackage(server, central, { items: services.slice(index * 2, index * 2 + 3).map((service) => ({ serviceId: service.id, quantity: 2 })) }),
      ),
    );
  }, 120_000);
  afterAll(() => server.stop());

  /** `count` input lines: every third a package, the others services; some charted, some discounted. */
  function lines(count: number) {
    return Array.from({ length: count }, (_, index) =>
      index % 3 === 0
        ? { packageId: packages[index % packages.length].id, teeth: [11, 21], discountPercent: '5' }
        : { serviceId: services[index % services.length].id, teeth: index % 2 === 0 ? [36] : null, accepted: index % 7 !== 0 },
    );
  }

  async function statements(count: number) {
    const response = await server.gql(QUOTE, { input: { lines: lines(count), globalDiscountAmount: '1.00' } }, chain.clinics[0].staff);
    expect(response.errors).toBeUndefined();
    return { count: Number(response.headers.get('x-sql-statements')), quote: response.data.quote };
  }

  it('2 input lines or 200: BEGIN with the tenant, then services, packages and their items (each committing as it goes)', async () => {
    const small = await statements(2);
    const large = await statements(200);
    expect(small.quote.lines.length).toBeGreaterThan(2);
    // 67 package lines of 3 items on two teeth (TOOTH items twice) and 133 service lines.
    expect(large.quote.lines.length).toBeGreaterThan(400);
    expect(new Set(large.quote.lines.map((line: any) => line.service.id)).size).toBe(100);
    expect(new Set(large.quote.lines.map((line: any) => line.package?.id).filter(Boolean)).size).toBe(20);
    expect(small.count).toBe(4);
    expect(large.count).toBe(4);
  });

  it("the benchmark's package detail (D): the package, its budget with discounts and its plan, in 3 statements", async () => {
    // The first reads the organization's tenants, which the server then keeps (test/tenants-kept.test.ts).
    await server.ok(PACKAGE_DETAIL, { id: packages[0].id, teeth: TEETH }, chain.clinics[0].staff);
    const response = await server.gql(PACKAGE_DETAIL, { id: packages[0].id, teeth: TEETH }, chain.clinics[0].staff);
    expect(response.errors).toBeUndefined();
    const { package: pkg, budget, odontogramPlan: plan } = response.data;
    expect(pkg.items.map((item: any) => item.counted)).toEqual([true, true, true]);
    // Three of the central's TOOTH services at 12.34, quantity 2, times 2 units on 8 teeth: 24 lines of
    // 49.36; 10% off each is 4.936 -> 4.94 (118.56 in all), plus 1.00 off the whole.
    expect(budget.lines).toHaveLength(24);
    expect(budget).toMatchObject({ gross: '1184.64', discount: '119.56', subtotal: '1065.08' });
    expect(plan.lines).toHaveLength(24);
    // BEGIN with the tenant, the package, its items with their services (a query: each statement
    // commits in its own round trip, so no closing COMMIT).
    expect(Number(response.headers.get('x-sql-statements'))).toBe(3);
  });
});
