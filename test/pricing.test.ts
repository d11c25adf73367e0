import { BadUserInputError } from '../src/errors';
import { lineTotals, sumLines } from '../src/pricing/lines';
import { priceBudget, type BudgetInputLine, type BudgetItem } from '../src/pricing/budget';
import { formatBigCents } from '../src/pricing/cents';
import { archOf, isFdiTooth, quadrantOf, validateTeeth } from '../src/pricing/odontogram';
import { basePrices } from '../src/pricing/price-source';
import type { OdontogramScope } from '../src/pricing/pricing.types';

/** Runs `run` and returns the BadUserInputError it throws; fails the test otherwise. */
function badInput(run: () => unknown): BadUserInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
  throw new Error('expected a BadUserInputError, nothing was thrown');
}

// Every expected amount below is computed by hand.

describe('lineTotals', () => {
  it('rounds a half cent up: 0.05 at 10% is 0.005 of tax -> 0.01', () => {
    expect(lineTotals('0.05', '10.00', 1)).toEqual({ subtotal: '0.05', tax: '0.01', total: '0.06' });
  });

  it('rounds half-up, not half-even: 0.25 at 10% is 0.025 -> 0.03', () => {
    expect(lineTotals('0.25', '10.00', 1).tax).toBe('0.03');
  });

  it('rounds below the half cent down: 0.14 at 10% is 0.014 -> 0.01', () => {
    expect(lineTotals('0.14', '10.00', 1).tax).toBe('0.01');
  });

  it('prices aesthetic treatments at 21% VAT', () => {
    // 45.50 x 2 = 91.00; 91.00 x 21% = 19.11
    expect(lineTotals('45.50', '21.00', 2)).toMatchObject({ subtotal: '91.00', tax: '19.11', total: '110.11' });
    // 19.99 x 21% = 4.1979 -> 4.20
    expect(lineTotals('19.99', '21.00', 1)).toMatchObject({ subtotal: '19.99', tax: '4.20', total: '24.19' });
  });

  it('prices exempt health care at 0% VAT', () => {
    expect(lineTotals('60.00', '0.00', 3)).toMatchObject({ subtotal: '180.00', tax: '0.00', total: '180.00' });
  });

  it('takes rates with decimals: 33.33 at 4.75% is 1.583175 -> 1.58', () => {
    expect(lineTotals('33.33', '4.75', 1)).toMatchObject({ subtotal: '33.33', tax: '1.58', total: '34.91' });
  });

  it('keeps large amounts exact: 999999.99 x 999', () => {
    // 999999.99 x 999 = 998999990.01; x 21% = 209789997.9021 -> 209789997.90
    expect(lineTotals('999999.99', '21.00', 999)).toMatchObject({
      subtotal: '998999990.01',
      tax: '209789997.90',
      total: '1208789987.91',
    });
  });

  it('reads amounts without their decimals', () => {
    expect(lineTotals('7', '21', 1)).toEqual({ subtotal: '7.00', tax: '1.47', total: '8.47' });
  });
});

describe('sumLines', () => {
  it('sums the rounded lines instead of rounding the total', () => {
    const line = { unitPrice: '0.15', taxRate: '10.00', quantity: 1 }; // tax 0.015 -> 0.02
    expect(lineTotals('0.15', '10.00', 1).tax).toBe('0.02');
    expect(sumLines([line, line, line])).toEqual({ subtotal: '0.45', tax: '0.06', total: '0.51' });
    // Priced as one line of three, the tax is 0.045 -> 0.05: a different amount.
    expect(lineTotals('0.15', '10.00', 3)).toMatchObject({ subtotal: '0.45', tax: '0.05', total: '0.50' });
  });

  it('sums lines of different rates', () => {
    expect(sumLines([{ unitPrice: '45.50', taxRate: '21.00', quantity: 2 }, { unitPrice: '60.00', taxRate: '0.00', quantity: 3 }])).toEqual({
      subtotal: '271.00',
      tax: '19.11',
      total: '290.11',
    });
  });

  it('is zero for no lines', () => {
    expect(sumLines([])).toEqual({ subtotal: '0.00', tax: '0.00', total: '0.00' });
  });
});

/** The calculator with one package line, as Package.quote (times) and odontogramPlan (teeth) call it. */
function pricePackage(items: BudgetItem[], options: { times?: number; teeth?: number[] | null; ceiling?: string | null } = {}) {
  const teeth = options.teeth === undefined || options.teeth === null ? null : validateTeeth(options.teeth);
  const line: BudgetInputLine = {
    source: { packageId: 'package', items },
    quantity: options.times ?? 1,
    teeth,
    discountPercent: null,
    discountAmount: null,
    accepted: true,
  };
  const budget = priceBudget([line], null, basePrices('2026-12-01'), {
    line: () => 'teeth',
    maxLines: null,
    ceiling: options.ceiling === undefined ? 'times' : options.ceiling,
  });
  const money = formatBigCents;
  return {
    teeth,
    lines: budget.lines.map((priced) => ({
      serviceId: priced.service.id,
      tooth: priced.tooth,
      quadrant: priced.quadrant,
      arch: priced.arch,
      quantity: priced.quantity,
      unitPrice: money(priced.unitPrice),
      taxRate: money(priced.taxRate),
      subtotal: money(priced.subtotal),
      tax: money(priced.tax),
      total: money(priced.total),
    })),
    subtotal: money(budget.subtotal),
    tax: money(budget.tax),
    total: money(budget.total),
  };
}

const service = (id: string, price: string, taxRate: string, odontogramScope: OdontogramScope = 'NONE') => ({
  id,
  price,
  taxRate,
  taxExemption: null,
  odontogramScope,
});

describe('a package line (Package.quote)', () => {
  const items = [
    { service: service('whitening', '10.00', '21.00'), quantity: 2 },
    { service: service('check-up', '0.15', '10.00'), quantity: 1 },
  ];

  it('multiplies each quantity by times and prices each item as one line', () => {
    expect(pricePackage(items, { times: 3 })).toEqual({
      teeth: null,
      lines: [
        // 10.00 x 6 = 60.00; x 21% = 12.60
        { serviceId: 'whitening', tooth: null, quadrant: null, arch: null, quantity: 6, unitPrice: '10.00', taxRate: '21.00', subtotal: '60.00', tax: '12.60', total: '72.60' },
        // 0.15 x 3 = 0.45; x 10% = 0.045 -> 0.05 (rounded once, not 3 x 0.02)
        { serviceId: 'check-up', tooth: null, quadrant: null, arch: null, quantity: 3, unitPrice: '0.15', taxRate: '10.00', subtotal: '0.45', tax: '0.05', total: '0.50' },
      ],
      subtotal: '60.45',
      tax: '12.65',
      total: '73.10',
    });
  });

  it('quotes one package with times 1', () => {
    const quote = pricePackage(items);
    expect(quote.lines.map((line) => [line.serviceId, line.quantity, line.total])).toEqual([
      ['whitening', 2, '24.20'],
      ['check-up', 1, '0.17'],
    ]);
    expect(quote.total).toBe('24.37');
  });

  it('accepts times 999', () => {
    // 10.00 x 1998 = 19980.00; x 21% = 4195.80
    expect(pricePackage(items.slice(0, 1), { times: 999 })).toMatchObject({ subtotal: '19980.00', tax: '4195.80', total: '24175.80' });
  });

  it('quotes a package with no counted items as zero', () => {
    expect(pricePackage([], { times: 2 })).toEqual({ teeth: null, lines: [], subtotal: '0.00', tax: '0.00', total: '0.00' });
  });

  it('is exact at the largest sizes, where nothing bounds the gross (a plan): 999,999.99 x 999 x 999 at 21%', () => {
    // 999,999.99 x 998,001 = 998,000,990,019.99 (past 2^53 cents once taxed); 21% = 209,580,207,904.1979 -> .20
    const quote = pricePackage([{ service: service('implant', '999999.99', '21.00'), quantity: 999 }], { times: 999, ceiling: null });
    expect(quote.lines[0]).toMatchObject({ quantity: 998_001, subtotal: '998000990019.99', tax: '209580207904.20', total: '1207581197924.19' });
  });

  it('refuses a gross past 9,999,999,999.99, naming the field it is given', () => {
    // 999,999.99 x 10,001 = 10,000,999,899.99.
    const error = badInput(() => pricePackage([{ service: service('implant', '999999.99', '0.00'), quantity: 10_001 }]));
    expect(error.field).toBe('times');
    expect(error.message).toBe("The budget's gross would be 10000999899.99; at most 9999999999.99");
    // 999,999.99 x 10,000 = 9,999,999,900.00 passes.
    expect(pricePackage([{ service: service('implant', '999999.99', '0.00'), quantity: 10_000 }]).subtotal).toBe('9999999900.00');
  });
});

describe('FDI teeth', () => {
  const permanent = [
    11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 27, 28,
    31, 32, 33, 34, 35, 36, 37, 38, 41, 42, 43, 44, 45, 46, 47, 48,
  ];
  const deciduous = [51, 52, 53, 54, 55, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 81, 82, 83, 84, 85];

  it('knows exactly the 32 permanent and 20 deciduous teeth', () => {
    const numbers = Array.from({ length: 201 }, (_, i) => i - 100);
    expect(numbers.filter(isFdiTooth)).toEqual([...permanent, ...deciduous]);
  });

  it('places deciduous teeth in quadrants 1-4 and quadrants in arches', () => {
    expect([18, 21, 38, 41, 55, 61, 75, 81].map(quadrantOf)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect([1, 2, 3, 4].map(archOf)).toEqual(['UPPER', 'UPPER', 'LOWER', 'LOWER']);
  });

  it('accepts all 52 teeth and returns them in FDI order without touching the input', () => {
    const teeth = [...deciduous, ...permanent].reverse();
    const copy = [...teeth];
    expect(validateTeeth(teeth)).toEqual([...permanent, ...deciduous]);
    expect(teeth).toEqual(copy);
  });

  it.each([10, 19, 56, 0, 91, -11, 49, 86, 1.5])('rejects %p as a tooth', (tooth) => {
    const error = badInput(() => validateTeeth([11, 21, 31, tooth]));
    expect(error.field).toBe('teeth');
    expect(error.message).toBe(`teeth[3]: ${tooth} is not an FDI tooth number`);
  });

  it('rejects a repeated tooth', () => {
    const error = badInput(() => validateTeeth([11, 21, 11]));
    expect(error.field).toBe('teeth');
    expect(error.message).toBe('teeth[2]: tooth 11 is repeated');
  });

  it('rejects 53 teeth', () => {
    const error = badInput(() => validateTeeth([...permanent, ...deciduous, 11]));
    expect(error.field).toBe('teeth');
    expect(error.message).toBe('teeth must hold at most 52 teeth, got 53');
  });
});

describe('a package line on teeth (odontogramPlan)', () => {
  const item = (serviceId: string, odontogramScope: OdontogramScope, quantity = 1): BudgetItem => ({
    service: service(serviceId, '10.00', '0.00', odontogramScope),
    quantity,
  });
  const planOdontogram = (items: BudgetItem[], teeth: number[]) => pricePackage(items, { teeth });
  const sites = (plan: ReturnType<typeof planOdontogram>) =>
    plan.lines.map((line) => [line.serviceId, line.tooth, line.quadrant, line.arch, line.quantity]);

  it('expands every scope over mixed permanent and deciduous teeth, in item order', () => {
    const plan = planOdontogram(
      [
        { service: service('seal', '0.05', '10.00', 'TOOTH'), quantity: 1 },
        { service: service('consult', '30.00', '0.00', 'NONE'), quantity: 1 },
        { service: service('whitening', '50.00', '21.00', 'MOUTH'), quantity: 1 },
        { service: service('splint', '120.00', '0.00', 'ARCH'), quantity: 1 },
        { service: service('scaling', '25.00', '0.00', 'QUADRANT'), quantity: 2 },
      ],
      [55, 11, 46, 36, 71],
    );
    expect(plan.teeth).toEqual([11, 36, 46, 55, 71]);
    expect(sites(plan)).toEqual([
      ['seal', 11, null, null, 1],
      ['seal', 36, null, null, 1],
      ['seal', 46, null, null, 1],
      ['seal', 55, null, null, 1],
      ['seal', 71, null, null, 1],
      ['consult', null, null, null, 1],
      ['whitening', null, null, null, 1],
      ['splint', null, null, 'UPPER', 1],
      ['splint', null, null, 'LOWER', 1],
      ['scaling', null, 1, null, 2],
      ['scaling', null, 3, null, 2],
      ['scaling', null, 4, null, 2],
    ]);
    expect(plan.lines[0]).toEqual({
      serviceId: 'seal',
      tooth: 11,
      quadrant: null,
      arch: null,
      quantity: 1,
      unitPrice: '0.05',
      taxRate: '10.00',
      subtotal: '0.05',
      tax: '0.01',
      total: '0.06',
    });
    expect(plan.lines[9]).toMatchObject({ subtotal: '50.00', tax: '0.00', total: '50.00' });
    // subtotal 0.25 + 30 + 50 + 240 + 150; tax 5 x 0.01 (not 0.025 -> 0.03) + 10.50
    expect([plan.subtotal, plan.tax, plan.total]).toEqual(['470.25', '10.55', '480.80']);
  });

  it('charts one arch and one quadrant when the teeth share them', () => {
    const plan = planOdontogram([item('splint', 'ARCH'), item('scaling', 'QUADRANT')], [65, 21, 62]);
    expect(sites(plan)).toEqual([
      ['splint', null, null, 'UPPER', 1],
      ['scaling', null, 2, null, 1],
    ]);
  });

  it('charts only the lower arch for lower teeth', () => {
    const plan = planOdontogram([item('splint', 'ARCH')], [85, 31]);
    expect(sites(plan)).toEqual([['splint', null, null, 'LOWER', 1]]);
  });

  it('orders quadrants ascending whatever the order of the teeth', () => {
    const plan = planOdontogram([item('scaling', 'QUADRANT')], [48, 75, 21, 51]);
    expect(sites(plan).map(([, , quadrant]) => quadrant)).toEqual([1, 2, 3, 4]);
  });

  it.each(['TOOTH', 'QUADRANT', 'ARCH'] as const)('rejects no teeth when an item is charted per %s', (scope) => {
    const error = badInput(() => planOdontogram([item('consult', 'NONE'), item('crown-7', scope)], []));
    expect(error.field).toBe('teeth');
    expect(error.message).toBe(`teeth must name at least one tooth: service crown-7 is charted per ${scope.toLowerCase()}`);
  });

  it('accepts no teeth when every item is charted on NONE or MOUTH', () => {
    const plan = planOdontogram([item('consult', 'NONE'), item('whitening', 'MOUTH', 2)], []);
    expect(plan.teeth).toEqual([]);
    expect(sites(plan)).toEqual([
      ['consult', null, null, null, 1],
      ['whitening', null, null, null, 2],
    ]);
    expect([plan.subtotal, plan.tax, plan.total]).toEqual(['30.00', '0.00', '30.00']);
  });

  it('names the field it is given for teeth', () => {
    const error = badInput(() => validateTeeth([11, 19], 'lines[4].teeth'));
    expect(error.field).toBe('lines[4].teeth');
    expect(error.message).toBe('lines[4].teeth[1]: 19 is not an FDI tooth number');
  });

  it('plans nothing for no items', () => {
    expect(planOdontogram([], [])).toEqual({ teeth: [], lines: [], subtotal: '0.00', tax: '0.00', total: '0.00' });
  });

  it('charts nothing when the line is not charted (teeth null): one line per item', () => {
    const plan = pricePackage([item('crown', 'TOOTH'), item('splint', 'ARCH')], { teeth: null });
    expect(sites(plan)).toEqual([
      ['crown', null, null, null, 1],
      ['splint', null, null, null, 1],
    ]);
  });
});
