import { addItems, createPackage, createService, setPackageActive, setServiceActive } from './support/catalog';
import { TestServer, type Chain } from './support/harness';

// Every expected amount below is computed by hand.

const QUOTE = `query($id: ID!, $times: Int) {
  package(id: $id) {
    itemCount
    quote(times: $times) {
      currency subtotal tax total
      lines { service { id name } quantity unitPrice taxRate subtotal tax total }
    }
  }
}`;

const PLAN = `query($id: ID!, $teeth: [Int!]!) {
  odontogramPlan(packageId: $id, teeth: $teeth) {
    package { id name }
    teeth subtotal tax total
    lines { service { id } tooth quadrant arch quantity unitPrice taxRate subtotal tax total }
  }
}`;

/** Every FDI tooth: 32 permanent and 20 deciduous. */
const ALL_TEETH = [
  ...[1, 2, 3, 4].flatMap((quadrant) => [1, 2, 3, 4, 5, 6, 7, 8].map((position) => quadrant * 10 + position)),
  ...[5, 6, 7, 8].flatMap((quadrant) => [1, 2, 3, 4, 5].map((position) => quadrant * 10 + position)),
];

describe('quotes and odontogram plans over HTTP', () => {
  let server: TestServer;
  let chain: Chain;
  let central: string;
  let clinic1: string;
  let clinic2: string;

  async function quote(token: string, id: string, times?: number) {
    return (await server.ok(QUOTE, times === undefined ? { id } : { id, times }, token)).package;
  }

  async function plan(token: string, id: string, teeth: number[]) {
    return (await server.ok(PLAN, { id, teeth }, token)).odontogramPlan;
  }

  /** The error of a request that must fail: its code, field and message. */
  async function failure(query: string, variables: Record<string, unknown>, token: string) {
    const response = await server.gql(query, variables, token);
    expect(response.data?.odontogramPlan ?? response.data?.package?.quote ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors!;
    return { code: error.extensions?.code, field: error.extensions?.field, message: error.message };
  }

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2 });
    central = chain.central!.admin;
    [clinic1, clinic2] = chain.clinics.map((clinic) => clinic.admin);
  });
  afterAll(() => server.stop());

  describe('Package.quote(times)', () => {
    it('rounds a half cent up per line: 0.05 at 10% is 0.005 of tax, 0.01', async () => {
      const cleaning = await createService(server, central, { price: '0.05', taxRate: '10.00' });
      const pkg = await createPackage(server, central, { items: [{ serviceId: cleaning.id }] });
      const { quote: budget } = await quote(central, pkg.id);
      expect(budget).toEqual({
        currency: 'EUR',
        subtotal: '0.05',
        tax: '0.01',
        total: '0.06',
        lines: [{ service: { id: cleaning.id, name: cleaning.name }, quantity: 1, unitPrice: '0.05', taxRate: '10.00', subtotal: '0.05', tax: '0.01', total: '0.06' }],
      });
    });

    it('sums lines rounded one by one, which differs from rounding the total', async () => {
      // Three lines of 0.15 at 10%: 0.015 of tax each, 0.02 once rounded, 0.06 in all;
      // rounding the total instead would give 0.45 x 10% = 0.045 -> 0.05.
      const services = await Promise.all([1, 2, 3].map(() => createService(server, central, { price: '0.15', taxRate: '10.00' })));
      const pkg = await createPackage(server, central, { items: services.map((service) => ({ serviceId: service.id })) });
      const { quote: budget } = await quote(central, pkg.id);
      expect(budget.lines.map((line: any) => line.tax)).toEqual(['0.02', '0.02', '0.02']);
      expect(budget).toMatchObject({ subtotal: '0.45', tax: '0.06', total: '0.51' });
    });

    it('prices `times` units of an item as one line of item quantity x times', async () => {
      // 0.15 x 2 x 3 = 0.90 in one line: 0.09 of tax exactly. One item of 0.15 x 1, three times:
      // 0.45 in one line, 0.045 -> 0.05 (not three lines of 0.02).
      const veneer = await createService(server, central, { price: '0.15', taxRate: '10.00' });
      const whitening = await createService(server, central, { price: '300.00', taxRate: '21.00' });
      const pkg = await createPackage(server, central, {
        items: [
          { serviceId: veneer.id, quantity: 1 },
          { serviceId: whitening.id, quantity: 2 },
        ],
      });
      const { quote: budget } = await quote(central, pkg.id, 3);
      expect(budget.lines.map((line: any) => [line.quantity, line.subtotal, line.tax, line.total])).toEqual([
        [3, '0.45', '0.05', '0.50'],
        // 300.00 x 6 = 1800.00; 21% = 378.00
        [6, '1800.00', '378.00', '2178.00'],
      ]);
      expect(budget).toMatchObject({ subtotal: '1800.45', tax: '378.05', total: '2178.50' });
      // Without `times`, one unit of the package.
      expect((await quote(central, pkg.id)).quote).toMatchObject({ subtotal: '600.15', tax: '126.02', total: '726.17' });
    });

    it("is in the organization's currency", async () => {
      const dollars = await server.provisionChain({ clinics: 1, currency: 'USD' });
      const service = await createService(server, dollars.central!.admin, { price: '80.00' });
      const pkg = await createPackage(server, dollars.central!.admin, { items: [{ serviceId: service.id }] });
      const { quote: budget } = await quote(dollars.clinics[0].staff, pkg.id);
      expect(budget).toMatchObject({ currency: 'USD', subtotal: '80.00', total: '80.00' });
    });

    it('leaves out items of deactivated services (still counted in itemCount)', async () => {
      const kept = await createService(server, central, { price: '45.50', taxRate: '21.00' });
      const retired = await createService(server, central, { price: '99.99' });
      const pkg = await createPackage(server, central, { items: [{ serviceId: retired.id }, { serviceId: kept.id, quantity: 2 }] });
      await setServiceActive(server, central, retired.id, false);
      const seen = await quote(central, pkg.id);
      expect(seen.itemCount).toBe(2);
      // 45.50 x 2 = 91.00; 21% = 19.11
      expect(seen.quote.lines).toEqual([
        { service: { id: kept.id, name: kept.name }, quantity: 2, unitPrice: '45.50', taxRate: '21.00', subtotal: '91.00', tax: '19.11', total: '110.11' },
      ]);
      expect(seen.quote).toMatchObject({ subtotal: '91.00', tax: '19.11', total: '110.11' });
    });

    it.each([0, 1000, -1])('refuses times %i with BAD_USER_INPUT naming times', async (times) => {
      const service = await createService(server, central, { price: '10.00' });
      const pkg = await createPackage(server, central, { items: [{ serviceId: service.id }] });
      const error = await failure(QUOTE, { id: pkg.id, times }, central);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'times' });
      expect(error.message).toMatch(/times must be a whole number from 1 to 999/);
      // The package itself is untouched and still quotes, up to 999 times.
      expect((await quote(central, pkg.id, 999)).quote.total).toBe('9990.00');
    });

    it("lists the viewer's visible items only, in item order", async () => {
      // Names against the alphabet and added central first, then clinic 1, then clinic 2.
      const zeta = await createService(server, central, { name: 'Zeta corona', price: '100.00' });
      const alfa = await createService(server, central, { name: 'Alfa pulido', price: '20.00' });
      const sedation = await createService(server, clinic1, { price: '150.00', shared: false });
      const fluor = await createService(server, clinic2, { price: '25.00', shared: false });
      const pkg = await createPackage(server, central, { items: [{ serviceId: zeta.id }, { serviceId: alfa.id }] });
      await addItems(server, clinic1, pkg.id, [{ serviceId: sedation.id }]);
      await addItems(server, clinic2, pkg.id, [{ serviceId: fluor.id, quantity: 2 }]);

      const lines = async (token: string) => (await quote(token, pkg.id)).quote.lines.map((line: any) => line.service.id);
      expect(await lines(central)).toEqual([zeta.id, alfa.id]);
      expect(await lines(clinic1)).toEqual([zeta.id, alfa.id, sedation.id]);
      expect(await lines(clinic2)).toEqual([zeta.id, alfa.id, fluor.id]);
      expect((await quote(clinic2, pkg.id)).quote).toMatchObject({ subtotal: '170.00', tax: '0.00', total: '170.00' });
    });
  });

  describe('odontogramPlan(packageId, teeth)', () => {
    let consult: any;
    let panoramic: any;
    let splint: any;
    let scaling: any;
    let filling: any;
    let rehabilitation: any;

    beforeAll(async () => {
      consult = await createService(server, central, { name: 'Primera visita', price: '30.00', odontogramScope: 'NONE' });
      panoramic = await createService(server, central, { name: 'Panorámica', price: '35.00', odontogramScope: 'MOUTH' });
      splint = await createService(server, central, { name: 'Férula', price: '280.00', taxRate: '21.00', odontogramScope: 'ARCH' });
      scaling = await createService(server, central, { name: 'Raspado', price: '75.00', odontogramScope: 'QUADRANT' });
      filling = await createService(server, central, { name: 'Empaste', price: '60.05', taxRate: '10.00', odontogramScope: 'TOOTH' });
      const retired = await createService(server, central, { name: 'Retirado', price: '100.00', odontogramScope: 'TOOTH' });
      // Item order on purpose unlike the scopes' order: TOOTH first, NONE last.
      rehabilitation = await createPackage(server, central, {
        items: [filling, retired, splint, panoramic, scaling, consult].map((service) => ({ serviceId: service.id })),
      });
      await setServiceActive(server, central, retired.id, false);
    });

    it('charts every scope on mixed permanent and deciduous teeth, in item order then site order', async () => {
      // 46, 11, 55, 36, 83 in FDI order: 11, 36, 46, 55, 83. Quadrants: 11 -> 1, 36 -> 3, 46 -> 4,
      // 55 -> 1, 83 -> 4, so 1, 3, 4. Arches: 1 is UPPER, 3 and 4 LOWER.
      const charted = await plan(clinic1, rehabilitation.id, [46, 11, 55, 36, 83]);
      expect(charted.package).toEqual({ id: rehabilitation.id, name: rehabilitation.name });
      expect(charted.teeth).toEqual([11, 36, 46, 55, 83]);
      const site = (line: any) => [line.service.id, line.tooth, line.quadrant, line.arch];
      expect(charted.lines.map(site)).toEqual([
        [filling.id, 11, null, null],
        [filling.id, 36, null, null],
        [filling.id, 46, null, null],
        [filling.id, 55, null, null],
        [filling.id, 83, null, null],
        [splint.id, null, null, 'UPPER'],
        [splint.id, null, null, 'LOWER'],
        [panoramic.id, null, null, null],
        [scaling.id, null, 1, null],
        [scaling.id, null, 3, null],
        [scaling.id, null, 4, null],
        [consult.id, null, null, null],
      ]);
      // A filling: 60.05, 10% = 6.005 -> 6.01, total 66.06; five of them 300.25 + 30.05 (rounding
      // the sum instead would give 30.03). Splint 280.00 + 58.80 per arch.
      expect(charted.lines[0]).toMatchObject({ quantity: 1, unitPrice: '60.05', taxRate: '10.00', subtotal: '60.05', tax: '6.01', total: '66.06' });
      expect(charted.lines[5]).toMatchObject({ quantity: 1, unitPrice: '280.00', taxRate: '21.00', subtotal: '280.00', tax: '58.80', total: '338.80' });
      // 300.25 + 560.00 + 35.00 + 225.00 + 30.00 = 1150.25; tax 30.05 + 117.60 = 147.65.
      expect(charted).toMatchObject({ subtotal: '1150.25', tax: '147.65', total: '1297.90' });
    });

    it('charts one arch and merges a deciduous quadrant with its permanent one', async () => {
      // 31 and 75 are both in quadrant 3 (7 counts as 3), the lower arch; 52 and 61 are in 1 and 2, upper.
      const lower = await plan(central, rehabilitation.id, [75, 31]);
      expect(lower.lines.filter((line: any) => line.service.id === splint.id).map((line: any) => line.arch)).toEqual(['LOWER']);
      expect(lower.lines.filter((line: any) => line.service.id === scaling.id).map((line: any) => line.quadrant)).toEqual([3]);
      expect(lower.lines.filter((line: any) => line.service.id === filling.id).map((line: any) => line.tooth)).toEqual([31, 75]);
      const upper = await plan(central, rehabilitation.id, [61, 52]);
      expect(upper.lines.filter((line: any) => line.service.id === splint.id).map((line: any) => line.arch)).toEqual(['UPPER']);
      expect(upper.lines.filter((line: any) => line.service.id === scaling.id).map((line: any) => line.quadrant)).toEqual([1, 2]);
      // 2 fillings 120.10 + 12.02, splint 280.00 + 58.80, panoramic 35.00, 2 quadrants 150.00, visit 30.00.
      expect(upper).toMatchObject({ subtotal: '615.10', tax: '70.82', total: '685.92' });
    });

    it('takes all 52 teeth, one line per tooth', async () => {
      const charted = await plan(central, rehabilitation.id, [...ALL_TEETH].reverse());
      expect(charted.teeth).toEqual(ALL_TEETH);
      expect(charted.lines.filter((line: any) => line.tooth !== null)).toHaveLength(52);
      expect(charted.lines.filter((line: any) => line.quadrant !== null).map((line: any) => line.quadrant)).toEqual([1, 2, 3, 4]);
    });

    it.each<[string, number[], RegExp]>([
      ['a tooth 19 (permanent quadrants have 8)', [11, 19], /teeth\[1\]: 19 is not an FDI tooth/],
      ['a tooth 56 (deciduous quadrants have 5)', [56], /teeth\[0\]: 56 is not an FDI tooth/],
      ['a tooth 91 (no quadrant 9)', [91, 11], /teeth\[0\]: 91 is not an FDI tooth/],
      ['a repeated tooth', [36, 11, 36], /teeth\[2\]: tooth 36 is repeated/],
      ['more than 52 teeth', [...ALL_TEETH, 11], /at most 52 teeth, got 53/],
      ['no tooth while the package has TOOTH, QUADRANT and ARCH items', [], /at least one tooth/],
    ])('refuses %s with BAD_USER_INPUT on teeth', async (_label, teeth, message) => {
      const error = await failure(PLAN, { id: rehabilitation.id, teeth }, clinic1);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teeth' });
      expect(error.message).toMatch(message);
    });

    it.each(['TOOTH', 'QUADRANT', 'ARCH'] as const)('refuses an empty tooth list when a %s item needs teeth', async (scope) => {
      const charted = await createService(server, central, { price: '10.00', odontogramScope: scope });
      const pkg = await createPackage(server, central, { items: [{ serviceId: consult.id }, { serviceId: charted.id }] });
      const error = await failure(PLAN, { id: pkg.id, teeth: [] }, central);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teeth' });
      expect(error.message).toContain(`service ${charted.id} is charted per ${scope.toLowerCase()}`);
    });

    it('accepts an empty tooth list when the items are charted per mouth or not at all', async () => {
      const pkg = await createPackage(server, central, { items: [{ serviceId: panoramic.id }, { serviceId: consult.id, quantity: 2 }] });
      const charted = await plan(central, pkg.id, []);
      expect(charted.teeth).toEqual([]);
      expect(charted.lines.map((line: any) => [line.service.id, line.quantity, line.total])).toEqual([
        [panoramic.id, 1, '35.00'],
        [consult.id, 2, '60.00'],
      ]);
      expect(charted).toMatchObject({ subtotal: '95.00', tax: '0.00', total: '95.00' });
    });

    it('refuses a deactivated package with BAD_USER_INPUT on packageId, until it is reactivated', async () => {
      const pkg = await createPackage(server, central, { items: [{ serviceId: consult.id }] });
      await setPackageActive(server, central, pkg.id, false);
      const error = await failure(PLAN, { id: pkg.id, teeth: [11] }, clinic1);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'packageId' });
      expect(error.message).toContain(pkg.name);
      await setPackageActive(server, central, pkg.id, true);
      expect((await plan(clinic1, pkg.id, [11])).total).toBe('30.00');
    });

    it('answers NOT_FOUND for a package the viewer cannot see, an unknown id or no id at all', async () => {
      const hidden = await createPackage(server, clinic1, { shared: false, items: [{ serviceId: consult.id }] });
      const other = await server.provisionChain({ clinics: 1 });
      const elsewhere = await createPackage(server, other.central!.admin, {});
      for (const id of [hidden.id, elsewhere.id, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
        const error = await failure(PLAN, { id, teeth: [11] }, clinic2);
        expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'packageId' });
      }
      // The owner charts it.
      expect((await plan(clinic1, hidden.id, [11])).total).toBe('30.00');
    });

    it("charts the viewer's visible items only, in item order", async () => {
      const pkg = await createPackage(server, central, { items: [{ serviceId: filling.id }] });
      const crown = await createService(server, clinic1, { price: '400.00', odontogramScope: 'TOOTH', shared: false });
      await addItems(server, clinic1, pkg.id, [{ serviceId: crown.id }]);
      await addItems(server, central, pkg.id, [{ serviceId: consult.id }]);
      const services = async (token: string) => (await plan(token, pkg.id, [21])).lines.map((line: any) => line.service.id);
      expect(await services(clinic1)).toEqual([filling.id, crown.id, consult.id]);
      expect(await services(clinic2)).toEqual([filling.id, consult.id]);
      expect(await services(central)).toEqual([filling.id, consult.id]);
    });

    it('lets a STAFF user read plans and quotes', async () => {
      const staff = chain.clinics[0].staff;
      expect((await plan(staff, rehabilitation.id, [46, 11, 55, 36, 83])).total).toBe('1297.90');
      // Five fillings in a quote are one line: 300.25 at 10% = 30.025 -> 30.03 (the plan's five lines made 30.05).
      const { quote: budget } = await quote(staff, rehabilitation.id, 5);
      expect(budget.lines.find((line: any) => line.service.id === filling.id)).toMatchObject({ quantity: 5, subtotal: '300.25', tax: '30.03' });
    });
  });
});
