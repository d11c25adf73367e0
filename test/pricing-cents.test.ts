import { formatCents, isWrittenAmount, taxCents, toCents } from '../src/pricing/cents';
import { lineTotals, lineTotalsExact, sumLines, sumLinesExact, type Line } from '../src/pricing/lines';

/**
 * The package table prices every line in integer cents (src/pricing/cents.ts); decimal.js
 * (Money) is the reference. They must agree on every line, including half cents of tax (rounded
 * half-up, per line), the largest prices and quantities, and sums of many lines.
 */

/** A small deterministic generator (mulberry32), so a failure names a case that can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

describe('integer-cent pricing equals decimal pricing', () => {
  it('on 50,000 generated lines: any price, rate and quantity, half cents of tax included', () => {
    const next = random(20261128);
    const pick = (max: number) => Math.floor(next() * (max + 1));
    let halfCents = 0;
    const disagreements: unknown[] = [];
    for (let index = 0; index < 50_000; index++) {
      // Small prices and round rates hit exact half cents often; large ones test the range.
      const price = index % 4 === 0 ? pick(99_999_999) : pick(5_000);
      const rate = index % 3 === 0 ? [0, 400, 1000, 2100, 10000][pick(4)] : pick(10_000);
      const quantity = index % 5 === 0 ? 1 + pick(98_900) : 1 + pick(20);
      const [unitPrice, taxRate] = [amount(price), amount(rate)];
      const [cents, exact] = [lineTotals(unitPrice, taxRate, quantity), lineTotalsExact(unitPrice, taxRate, quantity)];
      if (JSON.stringify(cents) !== JSON.stringify(exact)) disagreements.push({ unitPrice, taxRate, quantity, cents, exact });
      if ((price * quantity * rate) % 10_000 === 5000) halfCents += 1;
    }
    expect(disagreements).toEqual([]);
    // The rounding rule was really exercised.
    expect(halfCents).toBeGreaterThan(100);
  });

  it('rounds half a cent of tax up, per line, and sums the rounded lines', () => {
    // 0.10 at 5%: 0.005 of tax, twice.
    const line: Line = { unitPrice: '0.10', taxRate: '5.00', quantity: 1 };
    expect(lineTotals('0.10', '5.00', 1)).toEqual({ subtotal: '0.10', tax: '0.01', total: '0.11' });
    expect(sumLines([line, line])).toEqual({ subtotal: '0.20', tax: '0.02', total: '0.22' });
    // 0.10 at 4.99%: 0.00499 of tax, down.
    expect(lineTotals('0.10', '4.99', 1)).toMatchObject({ tax: '0.00', total: '0.10' });
  });

  it('sums of many generated lines', () => {
    const next = random(7);
    const disagreements: unknown[] = [];
    for (let index = 0; index < 2_000; index++) {
      const lines: Line[] = Array.from({ length: 1 + Math.floor(next() * 200) }, () => ({
        unitPrice: amount(Math.floor(next() * 99_999_999)),
        taxRate: amount(Math.floor(next() * 10_000)),
        quantity: 1 + Math.floor(next() * 999),
      }));
      const [cents, exact] = [sumLines(lines), sumLinesExact(lines)];
      if (JSON.stringify(cents) !== JSON.stringify(exact)) disagreements.push({ lines, cents, exact });
    }
    expect(disagreements).toEqual([]);
  });

  it("one line's totals (an item's) are the sum of that line alone", () => {
    const next = random(11);
    const disagreements: unknown[] = [];
    for (let index = 0; index < 5_000; index++) {
      const line: Line = { unitPrice: amount(Math.floor(next() * 99_999_999)), taxRate: amount(Math.floor(next() * 10_000)), quantity: 1 + Math.floor(next() * 98_900) };
      if (JSON.stringify(lineTotals(line.unitPrice, line.taxRate, line.quantity)) !== JSON.stringify(sumLines([line]))) disagreements.push(line);
    }
    expect(disagreements).toEqual([]);
  });

  it('the extremes: the largest price, rate and quote quantity; zero', () => {
    for (const [price, rate, quantity] of [
      ['999999.99', '100.00', 98_901],
      ['999999.99', '21.00', 98_901],
      ['0.00', '21.00', 5],
      ['0.01', '0.01', 1],
    ] as const) {
      expect(lineTotals(price, rate, quantity)).toEqual(lineTotalsExact(price, rate, quantity));
    }
    // A product of cents and rate past 2^53 is computed with BigInt.
    expect(taxCents(9_899_999_901_099, 10_000)).toBe(9_899_999_901_099);
    expect(taxCents(9_899_999_901_099, 2_100)).toBe(2_078_999_979_231);
  });

  it('reads and writes amounts; anything but whole cents is left to Money', () => {
    expect(toCents('12.5')).toBe(1250);
    expect(toCents('12.50')).toBe(1250);
    expect(toCents('7')).toBe(700);
    expect(toCents('0.05')).toBe(5);
    expect(toCents('1.005')).toBeNull();
    expect(toCents('-1.00')).toBeNull();
    expect(toCents('1e3')).toBeNull();
    // Read character by character, exactly as the regular expression it replaced.
    const twoPlaces = /^(\d{1,13})(?:\.(\d{1,2}))?$/;
    const byExpression = (amount: string) => {
      const match = twoPlaces.exec(amount);
      return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
    };
    const amounts = ['', '.', '.5', '1.', '1.2', '1.23', '1.234', '01.50', '0', '00', ' 1', '1 ', '1,50', '+1', '1..2', '1.2.3', 'a', '12a', '١٢', '１２'];
    amounts.push('9'.repeat(13), '9'.repeat(14), `${'9'.repeat(13)}.99`, `${'9'.repeat(14)}.99`, '999999.99', '0.00', '0.1');
    for (const amount of amounts) expect([amount, toCents(amount)]).toEqual([amount, byExpression(amount)]);
    // Amounts written as the API writes them pass the Decimal scalar unchanged; the same test as its regular expression.
    const written = /^-?\d+\.\d\d$/;
    for (const amount of [...amounts, '-', '-.50', '-1.50', '-0.05', '1.50', '1.5', '1.500', '.50', '1a.50', '1.5a', '--1.50', '+1.50', '1 .50', '-1', '٣.٥٠', `${'9'.repeat(20)}.00`]) {
      expect([amount, isWrittenAmount(amount)]).toEqual([amount, written.test(amount)]);
    }
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(123456)).toBe('1234.56');
    // Amounts with more places are still priced exactly.
    expect(lineTotals('10.005', '21.00', 3)).toEqual(lineTotalsExact('10.005', '21.00', 3));
    const subCent: Line = { unitPrice: '10.005', taxRate: '21.00', quantity: 3 };
    // Each line's amounts are rounded before they are summed: 30.015 -> 30.02, twice.
    expect(sumLines([subCent, subCent])).toEqual({ subtotal: '60.04', tax: '12.60', total: '72.64' });
  });
});
