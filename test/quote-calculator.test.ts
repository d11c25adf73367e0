import { todayIn } from '../src/pricing/price-source';
import { createPackage, createService, setPackageActive, setServiceActive } from './support/catalog';
import { expectError, TestServer, type Chain } from './support/harness';
import { createPriceList, setEntries } from './support/price-lists';

// The budget calculator (Query.quote) over HTTP. Every expected amount below is computed by hand.

const LINE_FIELDS = `service { id } package { id } inputIndex tooth quadrant arch quantity unitPrice priceSource taxRate taxExemption
  gross discount subtotal tax total accepted`;
const QUOTE = `query($input: QuoteInput!) {
  quote(input: $input) {
    currency on gross discount subtotal tax total
    lines { ${LINE_FIELDS} }
    taxBreakdown { taxRate taxExemption base tax }
  }
}`;

const DENTAL = 'Exento de IVA, art. 20.Uno.5º Ley 37/1992';
const HEALTH = 'Exento de IVA, art. 20.Uno.3º Ley 37/1992';

type Line = Record<string, unknown>;

describe('the budget calculator (Query.quote) over HTTP', () => {
  let server: TestServer;
  let chain: Chain;
  let central: string;
  let clinic: string;
  const s: Record<string, any> = {};

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 2 });
    central = chain.central!.admin;
    clinic = chain.clinics[0].admin;
    s.consult = await createService(server, central, { name: 'Primera visita', price: '30.00', taxExemption: DENTAL, odontogramScope: 'NONE' });
    s.filling = await createService(server, central, { name: 'Empaste', price: '60.05', taxRate: '10.00', odontogramScope: 'TOOTH' });
    s.splint = await createService(server, central, { name: 'Férula', price: '280.00', taxRate: '21.00', odontogramScope: 'ARCH' });
    s.scaling = await createService(server, central, { name: 'Raspado', price: '75.00', taxExemption: DENTAL, odontogramScope: 'QUADRANT' });
    s.whitening = await createService(server, central, { name: 'Blanqueamiento', price: '150.00', taxRate: '21.00', odontogramScope: 'MOUTH' });
    s.xray = await createService(server, central, { name: 'Radiografía', price: '0.10', taxRate: '4.00' });
    s.implant = await createService(server, central, { name: 'Implante', price: '999999.99', taxRate: '21.00' });
  });
  afterAll(() => server.stop());

  async function quote(input: Record<string, unknown>, token = clinic) {
    return (await server.ok(QUOTE, { input }, token)).quote;
  }

  /** A request that must fail: the error's message, after checking its code and field and that no quote came back. */
  async function refused(input: Record<string, unknown>, code: string, field: string): Promise<string> {
    const response = await server.gql(QUOTE, { input }, clinic);
    expect(response.data?.quote ?? null).toBeNull();
    return expectError(response, code, field);
  }

  const line = (overrides: Line): Line => ({
    package: null,
    inputIndex: 0,
    tooth: null,
    quadrant: null,
    arch: null,
    quantity: 1,
    priceSource: 'BASE',
    taxExemption: null,
    discount: '0.00',
    accepted: true,
    ...overrides,
  });

  it('prices one service line: gross, tax half-up per line, the date and the breakdown', async () => {
    const budget = await quote({ lines: [{ serviceId: s.filling.id, quantity: 3 }] });
    // 60.05 x 3 = 180.15; 10% = 18.015 -> 18.02.
    expect(budget).toEqual({
      currency: 'EUR',
      on: todayIn('Europe/Madrid'),
      gross: '180.15',
      discount: '0.00',
      subtotal: '180.15',
      tax: '18.02',
      total: '198.17',
      lines: [
        line({ service: { id: s.filling.id }, quantity: 3, unitPrice: '60.05', taxRate: '10.00', gross: '180.15', subtotal: '180.15', tax: '18.02', total: '198.17' }),
      ],
      taxBreakdown: [{ taxRate: '10.00', taxExemption: null, base: '180.15', tax: '18.02' }],
    });
  });

  it('charts service lines on teeth: per tooth ascending, per arch UPPER first, per quadrant ascending, once for NONE', async () => {
    const budget = await quote({
      lines: [
        { serviceId: s.filling.id, quantity: 2, teeth: [46, 11] },
        { serviceId: s.splint.id, teeth: [36, 11] },
        { serviceId: s.scaling.id, teeth: [55, 21, 11] },
        { serviceId: s.consult.id, teeth: [11] },
        { serviceId: s.consult.id, teeth: [] },
      ],
    });
    const site = (priced: any) => [priced.inputIndex, priced.service.id, priced.tooth, priced.quadrant, priced.arch, priced.quantity, priced.gross];
    expect(budget.lines.map(site)).toEqual([
      [0, s.filling.id, 11, null, null, 2, '120.10'],
      [0, s.filling.id, 46, null, null, 2, '120.10'],
      [1, s.splint.id, null, null, 'UPPER', 1, '280.00'],
      [1, s.splint.id, null, null, 'LOWER', 1, '280.00'],
      // 55 is in quadrant 1 with 11.
      [2, s.scaling.id, null, 1, null, 1, '75.00'],
      [2, s.scaling.id, null, 2, null, 1, '75.00'],
      [3, s.consult.id, null, null, null, 1, '30.00'],
      [4, s.consult.id, null, null, null, 1, '30.00'],
    ]);
    // 240.20 + 560.00 + 150.00 + 60.00 = 1010.20; tax 2 x 12.01 + 2 x 58.80 = 141.62.
    expect(budget).toMatchObject({ gross: '1010.20', subtotal: '1010.20', tax: '141.62', total: '1151.82' });
    expect(budget.taxBreakdown).toEqual([
      { taxRate: '0.00', taxExemption: DENTAL, base: '210.00', tax: '0.00' },
      { taxRate: '10.00', taxExemption: null, base: '240.20', tax: '24.02' },
      { taxRate: '21.00', taxExemption: null, base: '560.00', tax: '117.60' },
    ]);
  });

  it('expands a package line into its counted items in item order, quantities times the line, charted on its teeth', async () => {
    const pkg = await createPackage(server, central, {
      items: [
        { serviceId: s.filling.id },
        { serviceId: s.splint.id },
        { serviceId: s.consult.id, quantity: 2 },
      ],
    });
    const budget = await quote({ lines: [{ serviceId: s.xray.id }, { packageId: pkg.id, quantity: 2, teeth: [36] }] });
    const of = (priced: any) => [priced.inputIndex, priced.package?.id ?? null, priced.service.id, priced.tooth, priced.arch, priced.quantity, priced.gross, priced.tax];
    expect(budget.lines.map(of)).toEqual([
      [0, null, s.xray.id, null, null, 1, '0.10', '0.00'],
      [1, pkg.id, s.filling.id, 36, null, 2, '120.10', '12.01'],
      [1, pkg.id, s.splint.id, null, 'LOWER', 2, '560.00', '117.60'],
      [1, pkg.id, s.consult.id, null, null, 4, '120.00', '0.00'],
    ]);
    expect(budget.lines[3]).toMatchObject({ taxExemption: DENTAL });
    // Without teeth every item gives one line, not charted.
    const plain = await quote({ lines: [{ packageId: pkg.id }] });
    expect(plain.lines.map((priced: any) => [priced.service.id, priced.tooth, priced.arch])).toEqual([
      [s.filling.id, null, null],
      [s.splint.id, null, null],
      [s.consult.id, null, null],
    ]);
    expect(plain.total).toBe('464.86'); // 60.05 + 6.01, 280.00 + 58.80, 60.00
  });

  it('gives each line of a percentage discount its own rounded discount', async () => {
    const budget = await quote({ lines: [{ serviceId: s.filling.id, teeth: [13, 12, 11], discountPercent: '12.5' }] });
    // 60.05 x 12.5% = 7.50625 -> 7.51; 52.54 at 10% = 5.254 -> 5.25.
    for (const priced of budget.lines) expect(priced).toMatchObject({ gross: '60.05', discount: '7.51', subtotal: '52.54', tax: '5.25', total: '57.79' });
    expect(budget).toMatchObject({ gross: '180.15', discount: '22.53', subtotal: '157.62', tax: '15.75', total: '173.37' });
  });

  it('spreads a discount amount over the lines of its input line by gross, leftover cents to the largest remainders', async () => {
    const pkg = await createPackage(server, central, {
      items: [{ serviceId: s.consult.id }, { serviceId: s.scaling.id }, { serviceId: s.whitening.id }],
    });
    const budget = await quote({ lines: [{ packageId: pkg.id, discountAmount: '10' }] });
    // Weights 30.00, 75.00, 150.00 (255.00): 1000 cents x 3000 / 25500 = 117.647, x 7500 / 25500 =
    // 294.118, x 15000 / 25500 = 588.235; 999 rounded down, the cent left goes to 0.647, the first.
    expect(budget.lines.map((priced: any) => [priced.discount, priced.subtotal, priced.tax, priced.total])).toEqual([
      ['1.18', '28.82', '0.00', '28.82'],
      ['2.94', '72.06', '0.00', '72.06'],
      // 144.12 x 21% = 30.2652 -> 30.27.
      ['5.88', '144.12', '30.27', '174.39'],
    ]);
    expect(budget).toMatchObject({ gross: '255.00', discount: '10.00', subtotal: '245.00', tax: '30.27', total: '275.27' });
  });

  it('gives tied remainders to the earlier line', async () => {
    const budget = await quote({ lines: [{ serviceId: s.filling.id, teeth: [21, 11, 31], discountAmount: '0.02' }] });
    // Three equal weights: 0.00666 each, two cents left, to teeth 11 and 21 (the first two lines).
    expect(budget.lines.map((priced: any) => [priced.tooth, priced.discount])).toEqual([
      [11, '0.01'],
      [21, '0.01'],
      [31, '0.00'],
    ]);
  });

  it('spreads the global discount over the accepted lines by gross minus line discount; rejected lines keep their own figures', async () => {
    const budget = await quote({
      lines: [
        { serviceId: s.whitening.id, discountPercent: '10' },
        { serviceId: s.consult.id },
        { serviceId: s.splint.id, accepted: false, discountAmount: '20.00' },
        { serviceId: s.xray.id },
      ],
      globalDiscountAmount: '10.01',
    });
    // Weights 135.00, 30.00, 0.10 (165.10): 1001 x 13500 / 16510 = 818 r 8320, x 3000 / 16510 = 181
    // r 14690, x 10 / 16510 = 0 r 10010; 999 rounded down, two cents left to 14690 and 10010.
    expect(budget.lines.map((priced: any) => [priced.gross, priced.discount, priced.subtotal, priced.tax, priced.total, priced.accepted])).toEqual([
      // 15.00 + 8.18; 126.82 x 21% = 26.6322.
      ['150.00', '23.18', '126.82', '26.63', '153.45', true],
      ['30.00', '1.82', '28.18', '0.00', '28.18', true],
      // Not accepted: its own 20.00, no share of the global discount; 260.00 x 21% = 54.60.
      ['280.00', '20.00', '260.00', '54.60', '314.60', false],
      // 0.09 x 4% = 0.0036 -> 0.00.
      ['0.10', '0.01', '0.09', '0.00', '0.09', true],
    ]);
    expect(budget).toMatchObject({ gross: '180.10', discount: '25.01', subtotal: '155.09', tax: '26.63', total: '181.72' });
    // Rates ascending as numbers (4.00 before 21.00); the rejected 21% line is in no group.
    expect(budget.taxBreakdown).toEqual([
      { taxRate: '0.00', taxExemption: DENTAL, base: '28.18', tax: '0.00' },
      { taxRate: '4.00', taxExemption: null, base: '0.09', tax: '0.00' },
      { taxRate: '21.00', taxExemption: null, base: '126.82', tax: '26.63' },
    ]);
  });

  it('groups the breakdown by rate as numbers, then exemption text in code point order (none first); a group of base 0.00 is listed', async () => {
    const text = (taxExemption: string | null) => createService(server, central, { price: '1.00', taxExemption });
    const [plain, health, lower] = [await text(null), await text(HEALTH), await text('exento (art. 20)')];
    const budget = await quote({
      lines: [
        { serviceId: s.splint.id },
        { serviceId: lower.id },
        { serviceId: s.filling.id, discountPercent: '100' },
        { serviceId: s.consult.id },
        { serviceId: s.xray.id, quantity: 10 },
        { serviceId: health.id },
        { serviceId: plain.id },
      ],
    });
    expect(budget.taxBreakdown).toEqual([
      { taxRate: '0.00', taxExemption: null, base: '1.00', tax: '0.00' },
      // "...3º" before "...5º", and capital E before lower-case e.
      { taxRate: '0.00', taxExemption: HEALTH, base: '1.00', tax: '0.00' },
      { taxRate: '0.00', taxExemption: DENTAL, base: '30.00', tax: '0.00' },
      { taxRate: '0.00', taxExemption: 'exento (art. 20)', base: '1.00', tax: '0.00' },
      // 0.10 x 10 = 1.00 at 4% = 0.04.
      { taxRate: '4.00', taxExemption: null, base: '1.00', tax: '0.04' },
      // The filling is discounted to nothing, but its rate is listed.
      { taxRate: '10.00', taxExemption: null, base: '0.00', tax: '0.00' },
      { taxRate: '21.00', taxExemption: null, base: '280.00', tax: '58.80' },
    ]);
    const sum = (key: 'base' | 'tax') => budget.taxBreakdown.reduce((total: number, group: any) => total + Math.round(Number(group[key]) * 100), 0);
    expect([sum('base'), sum('tax')]).toEqual([Math.round(Number(budget.subtotal) * 100), Math.round(Number(budget.tax) * 100)]);
  });

  it('takes a discount equal to the gross, a global discount equal to what is left, and a zero global discount on rejected lines only', async () => {
    const whole = await quote({ lines: [{ serviceId: s.consult.id, discountAmount: '30.00' }, { serviceId: s.xray.id }], globalDiscountAmount: '0.10' });
    expect(whole).toMatchObject({ gross: '30.10', discount: '30.10', subtotal: '0.00', tax: '0.00', total: '0.00' });
    const none = await quote({ lines: [{ serviceId: s.consult.id, accepted: false }], globalDiscountAmount: '0' });
    expect(none).toMatchObject({ gross: '0.00', discount: '0.00', total: '0.00', taxBreakdown: [] });
    expect(none.lines[0]).toMatchObject({ accepted: false, gross: '30.00', total: '30.00' });
  });

  it('accepts 2,000 priced lines and the gross ceiling itself; a rejected line does not count towards the ceiling', async () => {
    const teeth = [11, 12, 13, 14, 15, 21, 22, 23, 24, 25];
    // Few fields per line: the answer's size is not what this test is about.
    const full = (
      await server.ok('query($input: QuoteInput!) { quote(input: $input) { gross tax total lines { tooth } } }', {
        input: { lines: Array.from({ length: 200 }, () => ({ serviceId: s.filling.id, teeth })) },
      }, clinic)
    ).quote;
    expect(full.lines).toHaveLength(2000);
    // 2,000 x 60.05 = 120,100.00; 2,000 x 6.01 = 12,020.00.
    expect(full).toMatchObject({ gross: '120100.00', tax: '12020.00', total: '132120.00' });
    // 999,999.99 x 999 = 998,999,990.01, 21% = 209,789,997.9021 -> .90; ten lines 9,989,999,900.10,
    // eleven would pass 9,999,999,999.99.
    const large = Array.from({ length: 11 }, (_, index) => ({ serviceId: s.implant.id, quantity: 999, accepted: index !== 5 }));
    expect(await quote({ lines: large })).toMatchObject({ gross: '9989999900.10', tax: '2097899979.00', total: '12087899879.10' });
  });

  it('lets STAFF quote, and is the same for a clinic and a package line of Package.quote', async () => {
    const pkg = await createPackage(server, central, { items: [{ serviceId: s.filling.id, quantity: 3 }, { serviceId: s.whitening.id }] });
    const staff = await quote({ lines: [{ packageId: pkg.id, quantity: 4 }] }, chain.clinics[0].staff);
    const fromPackage = (
      await server.ok(`query($id: ID!) { package(id: $id) { quote(times: 4) { currency on gross discount subtotal tax total lines { ${LINE_FIELDS} } taxBreakdown { taxRate taxExemption base tax } } } }`, { id: pkg.id }, chain.clinics[0].staff)
    ).package.quote;
    expect(fromPackage).toEqual(staff);
    // 60.05 x 12 = 720.60 + 72.06; 150.00 x 4 = 600.00 + 126.00.
    expect(staff).toMatchObject({ gross: '1320.60', tax: '198.06', total: '1518.66' });
  });

  it('Package.quote prices an inactive package; Query.quote refuses it', async () => {
    const pkg = await createPackage(server, central, { items: [{ serviceId: s.consult.id }] });
    await setPackageActive(server, central, pkg.id, false);
    const data = await server.ok('query($id: ID!) { package(id: $id) { quote(times: 2) { total } } }', { id: pkg.id }, clinic);
    expect(data.package.quote.total).toBe('60.00');
    expect(await refused({ lines: [{ serviceId: s.consult.id }, { packageId: pkg.id }] }, 'BAD_USER_INPUT', 'lines[1].packageId')).toContain(pkg.name);
  });

  it("prices at a price list's effective prices on a date: the clinic's override, the list's entry, else the base price", async () => {
    const list = await createPriceList(server, central, { validFrom: '2026-01-01', validUntil: '2026-12-31' });
    await setEntries(server, central, list.id, [
      { serviceId: s.filling.id, price: '50.00' },
      { serviceId: s.filling.id, clinicId: chain.clinics[0].id, price: '45.55' },
      { serviceId: s.splint.id, price: '250.00' },
    ]);
    const QUERY = `query($input: QuoteInput!) {
      quote(input: $input) { on priceList { id } gross tax total lines { service { id } unitPrice priceSource gross tax } }
    }`;
    const input = {
      priceListId: list.id,
      on: '2026-06-15',
      lines: [{ serviceId: s.filling.id, quantity: 2 }, { serviceId: s.splint.id }, { serviceId: s.consult.id }],
    };
    const budget = (await server.ok(QUERY, { input }, clinic)).quote;
    expect(budget).toMatchObject({ on: '2026-06-15', priceList: { id: list.id } });
    // 45.55 x 2 = 91.10 + 9.11; 250.00 + 52.50; 30.00 (base, exempt).
    expect(budget.lines.map((priced: any) => [priced.unitPrice, priced.priceSource, priced.gross, priced.tax])).toEqual([
      ['45.55', 'LIST_CLINIC', '91.10', '9.11'],
      ['250.00', 'LIST', '250.00', '52.50'],
      ['30.00', 'BASE', '30.00', '0.00'],
    ]);
    expect(budget).toMatchObject({ gross: '371.10', tax: '61.61', total: '432.71' });
    // The other clinic has no override: the list's 50.00.
    const other = (await server.ok(QUERY, { input }, chain.clinics[1].admin)).quote;
    expect(other.lines[0]).toMatchObject({ unitPrice: '50.00', priceSource: 'LIST', gross: '100.00' });
    // Without a list, base prices on today.
    const base = (await server.ok(QUERY, { input: { lines: input.lines } }, clinic)).quote;
    expect(base).toMatchObject({ on: todayIn('Europe/Madrid'), priceList: null, gross: '430.10' });
    // A list not usable on the date is refused on priceListId.
    const late = await server.gql(QUERY, { input: { ...input, on: '2027-01-01' } }, clinic);
    expectError(late, 'BAD_USER_INPUT', 'priceListId');
  });

  describe('refusals name the field', () => {
    const teeth = [11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23];
    const cases: [string, () => Record<string, unknown>, string, RegExp, string?][] = [
      ['no lines', () => ({ lines: [] }), 'lines', /1 to 200 lines/],
      ['201 lines', () => ({ lines: Array.from({ length: 201 }, () => ({ serviceId: s.consult.id })) }), 'lines', /1 to 200 lines, got 201/],
      ['more than 2,000 priced lines', () => ({ lines: Array.from({ length: 200 }, () => ({ serviceId: s.filling.id, teeth })) }), 'lines', /more than 2000 priced lines/],
      ['a gross past 9,999,999,999.99', () => ({ lines: Array.from({ length: 11 }, () => ({ serviceId: s.implant.id, quantity: 999 })) }), 'lines', /10988999890\.11; at most 9999999999\.99/],
      ['both a service and a package', () => ({ lines: [{ serviceId: s.consult.id, packageId: s.consult.id }] }), 'lines[0].serviceId', /exactly one/],
      ['neither a service nor a package', () => ({ lines: [{ serviceId: s.consult.id }, { quantity: 2 }] }), 'lines[1].serviceId', /exactly one/],
      ['quantity 0', () => ({ lines: [{ serviceId: s.consult.id }, { serviceId: s.consult.id, quantity: 0 }] }), 'lines[1].quantity', /from 1 to 999/],
      ['quantity 1000', () => ({ lines: [{ serviceId: s.consult.id, quantity: 1000 }] }), 'lines[0].quantity', /from 1 to 999/],
      ['a percentage over 100', () => ({ lines: [{ serviceId: s.consult.id }, { serviceId: s.consult.id }, { serviceId: s.consult.id }, { serviceId: s.consult.id, discountPercent: '100.01' }] }), 'lines[3].discountPercent', /between 0 and 100/],
      ['a negative percentage', () => ({ lines: [{ serviceId: s.consult.id, discountPercent: '-1' }] }), 'lines[0].discountPercent', /0 or more/],
      ['a percentage with three decimals', () => ({ lines: [{ serviceId: s.consult.id, discountPercent: '12.345' }] }), 'lines[0].discountPercent', /two decimals/],
      ['a percentage that is not a number', () => ({ lines: [{ serviceId: s.consult.id, discountPercent: '10%' }] }), 'lines[0].discountPercent', /two decimals/],
      ['a negative amount', () => ({ lines: [{ serviceId: s.consult.id, discountAmount: '-0.01' }] }), 'lines[0].discountAmount', /0 or more/],
      ['an amount with three decimals', () => ({ lines: [{ serviceId: s.consult.id, discountAmount: '1.001' }] }), 'lines[0].discountAmount', /two decimals/],
      ['a percentage and an amount', () => ({ lines: [{ serviceId: s.consult.id, discountPercent: '5', discountAmount: '1' }] }), 'lines[0].discountAmount', /not both/],
      ['an amount over the gross of its lines', () => ({ lines: [{ serviceId: s.consult.id, quantity: 2, discountAmount: '60.01' }] }), 'lines[0].discountAmount', /60\.01 is more than the line's gross 60\.00/],
      ['a global discount over what the accepted lines have left', () => ({ lines: [{ serviceId: s.consult.id, discountAmount: '10' }, { serviceId: s.xray.id, accepted: false }], globalDiscountAmount: '20.01' }), 'globalDiscountAmount', /20\.01 is more than .* 20\.00/],
      ['a global discount on rejected lines only', () => ({ lines: [{ serviceId: s.consult.id, accepted: false }], globalDiscountAmount: '0.01' }), 'globalDiscountAmount', /more than/],
      ['a negative global discount', () => ({ lines: [{ serviceId: s.consult.id }], globalDiscountAmount: '-5' }), 'globalDiscountAmount', /0 or more/],
      ['an invalid tooth', () => ({ lines: [{ serviceId: s.consult.id }, { serviceId: s.filling.id, teeth: [11, 19] }] }), 'lines[1].teeth', /lines\[1\]\.teeth\[1\]: 19 is not an FDI tooth/],
      ['a repeated tooth', () => ({ lines: [{ serviceId: s.filling.id, teeth: [11, 11] }] }), 'lines[0].teeth', /tooth 11 is repeated/],
      ['no teeth for a TOOTH service', () => ({ lines: [{ serviceId: s.filling.id, teeth: [] }] }), 'lines[0].teeth', /at least one tooth: service .* is charted per tooth/],
      ['an unknown service', () => ({ lines: [{ serviceId: '00000000-0000-4000-8000-000000000000' }] }), 'lines[0].serviceId', /not found/, 'NOT_FOUND'],
      ['a malformed id', () => ({ lines: [{ serviceId: s.consult.id }, { packageId: 'not-an-id' }] }), 'lines[1].packageId', /not found/, 'NOT_FOUND'],
    ];

    it.each(cases)('refuses %s', async (_label, input, field, message, code = 'BAD_USER_INPUT') => {
      expect(await refused(input(), code, field)).toMatch(message);
    });

    it('refuses no teeth where a package has QUADRANT or ARCH items, and accepts them where it has none', async () => {
      for (const service of [s.scaling, s.splint]) {
        const pkg = await createPackage(server, central, { items: [{ serviceId: s.consult.id }, { serviceId: service.id }] });
        expect(await refused({ lines: [{ packageId: pkg.id, teeth: [] }] }, 'BAD_USER_INPUT', 'lines[0].teeth')).toContain(service.id);
      }
      const pkg = await createPackage(server, central, { items: [{ serviceId: s.consult.id }, { serviceId: s.whitening.id }] });
      expect((await quote({ lines: [{ packageId: pkg.id, teeth: [] }] })).total).toBe('211.50');
    });

    it("answers NOT_FOUND for services and packages the viewer cannot see, BAD_USER_INPUT for inactive ones", async () => {
      const hidden = await createService(server, chain.clinics[1].admin, { shared: false });
      const hiddenPackage = await createPackage(server, chain.clinics[1].admin, { shared: false });
      const retired = await createService(server, central, {});
      await setServiceActive(server, central, retired.id, false);
      await refused({ lines: [{ serviceId: s.consult.id }, { serviceId: hidden.id }] }, 'NOT_FOUND', 'lines[1].serviceId');
      await refused({ lines: [{ packageId: hiddenPackage.id }] }, 'NOT_FOUND', 'lines[0].packageId');
      expect(await refused({ lines: [{ serviceId: retired.id }] }, 'BAD_USER_INPUT', 'lines[0].serviceId')).toContain(retired.name);
      // The owner quotes its own.
      expect((await quote({ lines: [{ serviceId: hidden.id }] }, chain.clinics[1].admin)).total).toBe('10.00');
    });

    it('Package.quote names `times`, 1-999, for its quantity and its ceiling', async () => {
      const pkg = await createPackage(server, central, { items: [{ serviceId: s.implant.id, quantity: 11 }] });
      const QUERY = 'query($id: ID!, $times: Int) { package(id: $id) { quote(times: $times) { total } } }';
      for (const times of [0, 1000]) expect(expectError(await server.gql(QUERY, { id: pkg.id, times }, clinic), 'BAD_USER_INPUT', 'times')).toMatch(/1 to 999/);
      // 999,999.99 x 11 x 910 = 10,009,999,899.90; x 909 = 9,998,999,900.01 + 21% (2,099,789,979.0021).
      expect(expectError(await server.gql(QUERY, { id: pkg.id, times: 910 }, clinic), 'BAD_USER_INPUT', 'times')).toMatch(/at most 9999999999\.99/);
      expect((await server.ok(QUERY, { id: pkg.id, times: 909 }, clinic)).package.quote.total).toBe('12098789879.01');
    });
  });
});
