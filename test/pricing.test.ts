import { BadUserInputError } from '../src/errors';
import { priceLine, sumLines } from '../src/pricing/lines';
import { quotePackage } from '../src/pricing/quote';

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

describe('priceLine', () => {
  it('rounds a half cent up: 0.05 at 10% is 0.005 of tax -> 0.01', () => {
    expect(priceLine('0.05', '10.00', 1)).toEqual({
      quantity: 1,
      unitPrice: '0.05',
      taxRate: '10.00',
      subtotal: '0.05',
      tax: '0.01',
      total: '0.06',
    });
  });

  it('rounds half-up, not half-even: 0.25 at 10% is 0.025 -> 0.03', () => {
    expect(priceLine('0.25', '10.00', 1).tax).toBe('0.03');
  });

  it('rounds below the half cent down: 0.14 at 10% is 0.014 -> 0.01', () => {
    expect(priceLine('0.14', '10.00', 1).tax).toBe('0.01');
  });

  it('prices aesthetic treatments at 21% VAT', () => {
    // 45.50 x 2 = 91.00; 91.00 x 21% = 19.11
    expect(priceLine('45.50', '21.00', 2)).toMatchObject({ subtotal: '91.00', tax: '19.11', total: '110.11' });
    // 19.99 x 21% = 4.1979 -> 4.20
    expect(priceLine('19.99', '21.00', 1)).toMatchObject({ subtotal: '19.99', tax: '4.20', total: '24.19' });
  });

  it('prices exempt health care at 0% VAT', () => {
    expect(priceLine('60.00', '0.00', 3)).toMatchObject({ subtotal: '180.00', tax: '0.00', total: '180.00' });
  });

  it('takes rates with decimals: 33.33 at 4.75% is 1.583175 -> 1.58', () => {
    expect(priceLine('33.33', '4.75', 1)).toMatchObject({ subtotal: '33.33', tax: '1.58', total: '34.91' });
  });

  it('keeps large amounts exact: 999999.99 x 999', () => {
    // 999999.99 x 999 = 998999990.01; x 21% = 209789997.9021 -> 209789997.90
    expect(priceLine('999999.99', '21.00', 999)).toMatchObject({
      subtotal: '998999990.01',
      tax: '209789997.90',
      total: '1208789987.91',
    });
  });

  it('writes the unit price and rate with two decimals', () => {
    expect(priceLine('7', '21', 1)).toEqual({
      quantity: 1,
      unitPrice: '7.00',
      taxRate: '21.00',
      subtotal: '7.00',
      tax: '1.47',
      total: '8.47',
    });
  });
});

describe('sumLines', () => {
  it('sums the rounded lines instead of rounding the total', () => {
    const line = priceLine('0.15', '10.00', 1); // tax 0.015 -> 0.02
    expect(line.tax).toBe('0.02');
    expect(sumLines([line, line, line])).toEqual({ subtotal: '0.45', tax: '0.06', total: '0.51' });
    // Priced as one line of three, the tax is 0.045 -> 0.05: a different amount.
    expect(priceLine('0.15', '10.00', 3)).toMatchObject({ subtotal: '0.45', tax: '0.05', total: '0.50' });
  });

  it('sums lines of different rates', () => {
    expect(sumLines([priceLine('45.50', '21.00', 2), priceLine('60.00', '0.00', 3)])).toEqual({
      subtotal: '271.00',
      tax: '19.11',
      total: '290.11',
    });
  });

  it('is zero for no lines', () => {
    expect(sumLines([])).toEqual({ subtotal: '0.00', tax: '0.00', total: '0.00' });
  });
});

describe('quotePackage', () => {
  const items = [
    { serviceId: 'whitening', quantity: 2, unitPrice: '10.00', taxRate: '21.00' },
    { serviceId: 'check-up', quantity: 1, unitPrice: '0.15', taxRate: '10.00' },
  ];

  it('multiplies each quantity by times and prices each item as one line', () => {
    expect(quotePackage(items, 3, 'EUR')).toEqual({
      currency: 'EUR',
      lines: [
        // 10.00 x 6 = 60.00; x 21% = 12.60
        { serviceId: 'whitening', quantity: 6, unitPrice: '10.00', taxRate: '21.00', subtotal: '60.00', tax: '12.60', total: '72.60' },
        // 0.15 x 3 = 0.45; x 10% = 0.045 -> 0.05 (rounded once, not 3 x 0.02)
        { serviceId: 'check-up', quantity: 3, unitPrice: '0.15', taxRate: '10.00', subtotal: '0.45', tax: '0.05', total: '0.50' },
      ],
      subtotal: '60.45',
      tax: '12.65',
      total: '73.10',
    });
  });

  it('quotes one package with times 1', () => {
    const quote = quotePackage(items, 1, 'EUR');
    expect(quote.lines.map((line) => [line.serviceId, line.quantity, line.total])).toEqual([
      ['whitening', 2, '24.20'],
      ['check-up', 1, '0.17'],
    ]);
    expect(quote.total).toBe('24.37');
  });

  it('accepts times 99', () => {
    // 10.00 x 198 = 1980.00; x 21% = 415.80
    expect(quotePackage(items.slice(0, 1), 99, 'EUR')).toMatchObject({ subtotal: '1980.00', tax: '415.80', total: '2395.80' });
  });

  it('quotes a package with no counted items as zero', () => {
    expect(quotePackage([], 2, 'EUR')).toEqual({ currency: 'EUR', lines: [], subtotal: '0.00', tax: '0.00', total: '0.00' });
  });

  it.each([0, 100, 1.5, -1, Number.NaN])('rejects times %p naming the field', (times) => {
    const error = badInput(() => quotePackage(items, times, 'EUR'));
    expect(error.field).toBe('times');
    expect(error.message).toBe('times must be a whole number from 1 to 99');
  });
});
