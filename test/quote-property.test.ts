import { BadUserInputError } from '../src/errors';
import { priceBudget, type Budget, type BudgetInputLine, type BudgetService, type GlobalDiscount } from '../src/pricing/budget';
import { validateTeeth } from '../src/pricing/odontogram';
import { basePrices } from '../src/pricing/price-source';
import type { OdontogramScope } from '../src/pricing/pricing.types';

/**
 * Thousands of random budgets priced by the calculator (src/pricing/budget.ts) and by the small
 * reference below, written from domain.md alone in integer cents (BigInt): every line and sum
 * must match, refusals must name the same field, the breakdown must add up to the totals, no
 * discount may pass its gross, and spread amounts must add up exactly. Pure: no database.
 */

/** mulberry32: a failure names a seed that replays it. */
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

const TEETH = [
  ...[1, 2, 3, 4].flatMap((quadrant) => [1, 2, 3, 4, 5, 6, 7, 8].map((position) => quadrant * 10 + position)),
  ...[5, 6, 7, 8].flatMap((quadrant) => [1, 2, 3, 4, 5].map((position) => quadrant * 10 + position)),
];
const SCOPES: OdontogramScope[] = ['NONE', 'MOUTH', 'ARCH', 'QUADRANT', 'TOOTH'];
const RATES = [0n, 400n, 1000n, 2100n];
const EXEMPTIONS = [null, 'Exento de IVA, art. 20.Uno.5º Ley 37/1992', 'Exento de IVA, art. 20.Uno.3º Ley 37/1992', 'exento'];
const CEILING = 999_999_999_999n;
const money = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;

// ---------------------------------------------------------------- the reference
interface RefLine {
  input: number;
  serviceId: string;
  site: string;
  quantity: number;
  unitPrice: bigint;
  taxRate: bigint;
  taxExemption: string | null;
  gross: bigint;
  own: bigint;
  share: bigint;
  accepted: boolean;
}

interface RefService {
  id: string;
  cents: bigint;
  rate: bigint;
  exemption: string | null;
  scope: OdontogramScope;
}

interface RefInput {
  items: { service: RefService; quantity: number }[];
  quantity: number;
  teeth: number[] | null;
  percent: bigint | null;
  amount: bigint | null;
  accepted: boolean;
}

class Refused extends Error {
  constructor(readonly field: string) {
    super(field);
  }
}

function quadrant(tooth: number): number {
  const q = Math.floor(tooth / 10);
  return q > 4 ? q - 4 : q;
}

function referenceSites(scope: OdontogramScope, teeth: number[] | null): string[] {
  if (teeth === null || scope === 'NONE' || scope === 'MOUTH') return ['-'];
  const sorted = [...teeth].sort((a, b) => a - b);
  if (scope === 'TOOTH') return sorted.map((tooth) => `t${tooth}`);
  if (scope === 'QUADRANT') return [...new Set(sorted.map(quadrant))].sort().map((q) => `q${q}`);
  const arches: string[] = [];
  if (sorted.some((tooth) => quadrant(tooth) <= 2)) arches.push('aUPPER');
  if (sorted.some((tooth) => quadrant(tooth) >= 3)) arches.push('aLOWER');
  return arches;
}

/** Half-up of a non-negative x / 10,000. */
const halfUp = (x: bigint) => (x + 5_000n) / 10_000n;

/** Largest remainder, found again and again (not sorted once), ties to the earlier index. */
function referenceSpread(amount: bigint, weights: bigint[]): bigint[] {
  const total = weights.reduce((a, b) => a + b, 0n);
  if (total === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (amount * w) / total);
  const remainders = weights.map((w) => (amount * w) % total);
  const given = new Set<number>();
  let left = amount - shares.reduce((a, b) => a + b, 0n);
  while (left > 0n) {
    let best = -1;
    for (let i = 0; i < weights.length; i++) if (!given.has(i) && (best === -1 || remainders[i] > remainders[best])) best = i;
    shares[best] += 1n;
    given.add(best);
    left -= 1n;
  }
  return shares;
}

function reference(inputs: RefInput[], global: bigint | null) {
  const lines: RefLine[] = [];
  inputs.forEach((input, index) => {
    if (input.teeth !== null && input.teeth.length === 0 && input.items.some(({ service }) => ['TOOTH', 'QUADRANT', 'ARCH'].includes(service.scope))) {
      throw new Refused(`lines[${index}].teeth`);
    }
    for (const { service, quantity } of input.items) {
      for (const site of referenceSites(service.scope, input.teeth)) {
        const q = quantity * input.quantity;
        lines.push({
          input: index,
          serviceId: service.id,
          site,
          quantity: q,
          unitPrice: service.cents,
          taxRate: service.rate,
          taxExemption: service.exemption,
          gross: service.cents * BigInt(q),
          own: 0n,
          share: 0n,
          accepted: input.accepted,
        });
      }
    }
  });
  const accepted = lines.filter((line) => line.accepted);
  if (accepted.reduce((a, line) => a + line.gross, 0n) > CEILING) throw new Refused('lines');
  inputs.forEach((input, index) => {
    const own = lines.filter((line) => line.input === index);
    if (input.percent !== null) for (const line of own) line.own = halfUp(line.gross * input.percent);
    if (input.amount !== null) {
      if (input.amount > own.reduce((a, line) => a + line.gross, 0n)) throw new Refused(`lines[${index}].discountAmount`);
      referenceSpread(input.amount, own.map((line) => line.gross)).forEach((share, i) => (own[i].own = share));
    }
  });
  if (global !== null) {
    const weights = accepted.map((line) => line.gross - line.own);
    if (global > weights.reduce((a, b) => a + b, 0n)) throw new Refused('globalDiscountAmount');
    referenceSpread(global, weights).forEach((share, i) => (accepted[i].share = share));
  }
  return lines.map((line) => {
    const discount = line.own + line.share;
    const subtotal = line.gross - discount;
    const tax = halfUp(subtotal * line.taxRate);
    return { ...line, discount, subtotal, tax, total: subtotal + tax };
  });
}

// ---------------------------------------------------------------- generation
function generate(next: () => number) {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const large = next() < 0.05;
  let serial = 0;
  const service = (): RefService => {
    const rate = pick(RATES);
    const cents = BigInt(large ? int(0, 99_999_999) : next() < 0.5 ? int(0, 999) : int(0, 500_000));
    return { id: `s${serial++}`, cents, rate, exemption: rate === 0n ? pick(EXEMPTIONS) : null, scope: pick(SCOPES) };
  };
  /** `count` different teeth in random order (a partial Fisher-Yates shuffle). */
  const someTeeth = (count: number) => {
    const teeth = [...TEETH];
    for (let i = 0; i < count; i++) {
      const j = int(i, teeth.length - 1);
      [teeth[i], teeth[j]] = [teeth[j], teeth[i]];
    }
    return teeth.slice(0, count);
  };
  const inputs: RefInput[] = Array.from({ length: int(1, 12) }, () => {
    const isPackage = next() < 0.4;
    const items = isPackage
      ? Array.from({ length: int(0, 5) }, () => ({ service: service(), quantity: large ? int(1, 999) : int(1, 4) }))
      : [{ service: service(), quantity: 1 }];
    const roll = next();
    const teeth = roll < 0.4 ? null : roll < 0.45 ? [] : someTeeth(int(1, 8));
    const discount = next();
    return {
      items,
      quantity: large ? int(1, 999) : next() < 0.7 ? 1 : int(1, 20),
      teeth,
      percent: discount < 0.3 ? BigInt(pick([0, 10_000, 1250, 333, int(0, 10_000)])) : null,
      amount: discount >= 0.3 && discount < 0.6 ? -1n : null, // set once the gross is known
      accepted: next() < 0.8,
    };
  });
  return { inputs, pick, int };
}

function toCalculator(inputs: RefInput[]): BudgetInputLine[] {
  const asService = (service: RefService): BudgetService => ({
    id: service.id,
    price: money(service.cents),
    taxRate: money(service.rate),
    taxExemption: service.exemption,
    odontogramScope: service.scope,
  });
  return inputs.map((input, index) => ({
    source:
      input.items.length === 1 && input.items[0].quantity === 1 && index % 2 === 0
        ? { service: asService(input.items[0].service) }
        : { packageId: `p${index}`, items: input.items.map(({ service, quantity }) => ({ service: asService(service), quantity })) },
    quantity: input.quantity,
    teeth: input.teeth === null ? null : validateTeeth(input.teeth),
    discountPercent: input.percent,
    discountAmount: input.amount,
    accepted: input.accepted,
  }));
}

const FIELDS = {
  line: (index: number, name: string) => `lines[${index}].${name}`,
  maxLines: null,
  ceiling: 'lines',
};

function calculate(inputs: RefInput[], global: bigint | null): Budget | Refused {
  const discount: GlobalDiscount | null = global === null ? null : { amount: global, field: 'globalDiscountAmount' };
  try {
    return priceBudget(toCalculator(inputs), discount, basePrices('2026-12-01'), FIELDS);
  } catch (error) {
    if (error instanceof BadUserInputError) return new Refused(error.field);
    throw error;
  }
}

function expected(inputs: RefInput[], global: bigint | null) {
  try {
    return reference(inputs, global);
  } catch (error) {
    if (error instanceof Refused) return error;
    throw error;
  }
}

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const text = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v));

describe('the calculator agrees with an independent reference on random budgets', () => {
  it('on 4,000 budgets: lines, sums, breakdown, refusals and the spreading invariants', () => {
    const next = random(20261201);
    const problems: unknown[] = [];
    const stats = { priced: 0, refused: new Map<string, number>(), lines: 0, spreads: 0, globals: 0, rejected: 0, charted: 0 };
    for (let run = 0; run < 4_000; run++) {
      const { inputs, int } = generate(next);
      // Discount amounts and the global discount are drawn against the real gross, with the odd one past it.
      for (const input of inputs) {
        if (input.amount === null) continue;
        const probe = expected([{ ...input, amount: null, percent: null, accepted: true }], null);
        const gross = probe instanceof Refused ? 0n : sum(probe.map((line) => line.gross));
        const roll = next();
        input.amount = roll < 0.05 ? gross + 1n : roll < 0.15 ? gross : roll < 0.2 ? 0n : (gross * BigInt(int(0, 1000))) / 1000n;
      }
      let global: bigint | null = null;
      if (next() < 0.5) {
        const probe = expected(inputs, null);
        const room = probe instanceof Refused ? 0n : sum(probe.filter((line) => line.accepted).map((line) => line.gross - line.own));
        const roll = next();
        global = roll < 0.05 ? room + 1n : roll < 0.15 ? room : (room * BigInt(int(0, 1000))) / 1000n + BigInt(int(0, 1));
        if (global > room && roll >= 0.05) global = room;
      }

      const want = expected(inputs, global);
      const got = calculate(inputs, global);
      /** Records a disagreement with what replays it (jest's expect costs too much to call per line). */
      const check = (ok: boolean, what: string, detail: () => unknown = () => null) => {
        if (!ok) problems.push({ run, what, detail: detail(), global: String(global), inputs: text(inputs) });
      };
      if (want instanceof Refused || got instanceof Refused) {
        const [wanted, gave] = [want instanceof Refused ? want.field : 'priced', got instanceof Refused ? got.field : 'priced'];
        check(wanted === gave, 'refusal', () => ({ wanted, gave }));
        const field = wanted.replace(/\d+/, 'i');
        stats.refused.set(field, (stats.refused.get(field) ?? 0) + 1);
        continue;
      }
      stats.priced += 1;
      stats.lines += got.lines.length;

      // Every line, as the reference prices it.
      const mine = got.lines.map((line) => [line.inputIndex, line.service.id, line.tooth ?? line.quadrant ?? line.arch, line.quantity, line.unitPrice, line.taxRate, line.taxExemption, line.gross, line.discount, line.subtotal, line.tax, line.total, line.accepted]);
      const theirs = want.map((line) => {
        const site = line.site === '-' ? null : line.site[0] === 'a' ? line.site.slice(1) : Number(line.site.slice(1));
        return [line.input, line.serviceId, site, line.quantity, line.unitPrice, line.taxRate, line.taxExemption, line.gross, line.discount, line.subtotal, line.tax, line.total, line.accepted];
      });
      const differing = mine.findIndex((line, i) => theirs[i] === undefined || line.some((value, j) => value !== theirs[i][j]));
      check(mine.length === theirs.length && differing === -1, 'lines', () => ({ line: differing, mine: text(mine[differing]), theirs: text(theirs[differing]) }));

      // Sums over the accepted lines; the breakdown adds up to them exactly, one group per (rate, text), rates ascending.
      const accepted = want.filter((line) => line.accepted);
      const sums = [got.gross, got.discount, got.subtotal, got.tax, got.total];
      const referenceSums = (['gross', 'discount', 'subtotal', 'tax', 'total'] as const).map((key) => sum(accepted.map((line) => line[key])));
      check(sums.every((value, i) => value === referenceSums[i]), 'sums', () => ({ sums: text(sums), referenceSums: text(referenceSums) }));
      check(sum(got.taxBreakdown.map((group) => group.base)) === got.subtotal && sum(got.taxBreakdown.map((group) => group.tax)) === got.tax, 'breakdown sums');
      check(got.taxBreakdown.length === new Set(accepted.map((line) => `${line.taxRate}|${line.taxExemption}`)).size, 'breakdown groups');
      check(got.taxBreakdown.every((group, i) => i === 0 || got.taxBreakdown[i - 1].taxRate <= group.taxRate), 'breakdown order');

      // No discount passes its gross; spread amounts add up exactly.
      check(got.lines.every((line) => line.discount >= 0n && line.discount <= line.gross), 'discount within gross');
      inputs.forEach((input, index) => {
        if (input.amount === null) return;
        stats.spreads += 1;
        const own = got.lines.filter((line) => line.inputIndex === index && !line.accepted);
        check(sum(want.filter((line) => line.input === index).map((line) => line.own)) === input.amount, 'line discount spread');
        // Rejected lines take no share of the global discount: their discount is exactly their own.
        check(sum(own.map((line) => line.discount)) === sum(want.filter((line) => line.input === index && !line.accepted).map((line) => line.own)), 'rejected lines keep their own discount');
      });
      if (global !== null) {
        stats.globals += 1;
        const shares = sum(got.lines.filter((line) => line.accepted).map((line) => line.discount)) - sum(accepted.map((line) => line.own));
        check(shares === global, 'global discount spread', () => String(shares));
      }
      stats.rejected += got.lines.filter((line) => !line.accepted).length;
      stats.charted += got.lines.filter((line) => line.tooth !== null || line.quadrant !== null || line.arch !== null).length;
    }
    expect(problems.slice(0, 3)).toEqual([]);
    // The generator really reached every rule.
    expect(stats.priced).toBeGreaterThan(2_500);
    expect(stats.lines).toBeGreaterThan(20_000);
    expect(stats.spreads).toBeGreaterThan(2_000);
    expect(stats.globals).toBeGreaterThan(1_000);
    expect(stats.rejected).toBeGreaterThan(2_000);
    expect(stats.charted).toBeGreaterThan(5_000);
    for (const field of ['lines', 'lines[i].teeth', 'lines[i].discountAmount', 'globalDiscountAmount']) expect(stats.refused.get(field)).toBeGreaterThan(10);
  });
});
