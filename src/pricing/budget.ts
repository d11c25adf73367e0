import { BadUserInputError } from '../errors';
import { formatBigCents, parseCents, percentOfCents } from './cents';
import { needsTeeth, sitesOf, type ChartSite } from './odontogram';
import type { PriceBook, PriceSource } from './price-source';
import type { OdontogramScope } from './pricing.types';

/**
 * The budget calculator (domain.md "The budget calculator"): the one implementation of the money
 * and charting rules behind Query.quote, Package.quote and odontogramPlan. Pure: callers resolve
 * the rows (visibility, activity, counted items) and say which field each refusal names.
 * Amounts are BigInt cents (rates BigInt hundredths of a percent), so they are exact at any size.
 */

/** What a line needs of its service. */
export interface BudgetService {
  id: string;
  /** Base price, "12.50"; the price book decides the unit price. */
  price: string;
  taxRate: string;
  taxExemption: string | null;
  odontogramScope: OdontogramScope;
}

/** A counted item of a package: its service and quantity. */
export interface BudgetItem<S extends BudgetService = BudgetService> {
  service: S;
  quantity: number;
}

/** One input line with its rows resolved: a service, or a package's counted items in item order. */
export interface BudgetInputLine<S extends BudgetService = BudgetService> {
  source: { service: S } | { packageId: string; items: readonly BudgetItem<S>[] };
  /** Units of the service, or times the package. */
  quantity: number;
  /** Valid teeth in FDI order; null: not charted. */
  teeth: readonly number[] | null;
  /** Hundredths of a percent (12.5 % = 1250n). */
  discountPercent: bigint | null;
  /** Cents, spread over the lines this input line gives. */
  discountAmount: bigint | null;
  accepted: boolean;
}

/** Where a refusal points, per caller: `lines[3].teeth` for Query.quote, `teeth` for a plan. */
export interface BudgetFields {
  /** The field naming input line `index`'s `name`. */
  line(index: number, name: 'teeth' | 'discountAmount'): string;
  /** Most priced lines after expansion, and the field that names the excess; null: no limit. */
  maxLines: { count: number; field: string } | null;
  /** The field a gross past the ceiling names; null: no ceiling. */
  ceiling: string | null;
}

/** A global discount in cents and the field that names it. */
export interface GlobalDiscount {
  amount: bigint;
  field: string;
}

/** A priced line; `service` is the very object the input named (callers hand their own rows through). */
export interface BudgetLine<S extends BudgetService = BudgetService> extends ChartSite {
  inputIndex: number;
  service: S;
  packageId: string | null;
  quantity: number;
  unitPrice: bigint;
  priceSource: PriceSource;
  taxRate: bigint;
  taxExemption: string | null;
  gross: bigint;
  discount: bigint;
  subtotal: bigint;
  tax: bigint;
  total: bigint;
  accepted: boolean;
}

export interface TaxGroup {
  taxRate: bigint;
  taxExemption: string | null;
  base: bigint;
  tax: bigint;
}

export interface Budget<S extends BudgetService = BudgetService> {
  lines: BudgetLine<S>[];
  gross: bigint;
  discount: bigint;
  subtotal: bigint;
  tax: bigint;
  total: bigint;
  taxBreakdown: TaxGroup[];
}

/** 9,999,999,999.99: the largest gross a quote may have. */
export const GROSS_CEILING = 999_999_999_999n;

/**
 * Shares of `amount` in proportion to `weights`: each gets amount x w / sum(w) rounded down to the
 * cent, and the cents left over go one each to the largest remainders, ties to the earlier line.
 * The shares add up to `amount` exactly. All weights 0: every share is 0 (callers refuse an amount
 * above the sum of the weights, so the amount is 0 then).
 */
export function spread(amount: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((total, weight) => total + weight, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const shares = weights.map((weight) => (amount * weight) / sum);
  const remainders = weights.map((weight, index) => ({ index, remainder: (amount * weight) % sum }));
  let left = amount - shares.reduce((total, share) => total + share, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] += 1n;
    left -= 1n;
  }
  return shares;
}

/** Stored amounts are numeric(…, 2): always whole cents. */
function storedCents(amount: string): bigint {
  const cents = parseCents(amount);
  if (cents === null) throw new Error(`not an amount of whole cents: ${amount}`);
  return cents;
}

/** Code point order (JavaScript's `<` compares UTF-16 units, which differs above U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const [left, right] = [[...a], [...b]];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index].codePointAt(0)! - right[index].codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function sum(lines: readonly BudgetLine[], amount: (line: BudgetLine) => bigint): bigint {
  return lines.reduce((total, line) => total + amount(line), 0n);
}

/** The services an input line gives lines for, each with its quantity, in item order. */
function servicesOf<S extends BudgetService>(input: BudgetInputLine<S>): BudgetItem<S>[] {
  if ('service' in input.source) return [{ service: input.source.service, quantity: input.quantity }];
  return input.source.items.map((item) => ({ service: item.service, quantity: item.quantity * input.quantity }));
}

/** Expansion, in input order: each service on its sites, with gross = unit price x quantity. */
function expand<S extends BudgetService>(inputs: readonly BudgetInputLine<S>[], prices: PriceBook, fields: BudgetFields): BudgetLine<S>[] {
  const lines: BudgetLine<S>[] = [];
  inputs.forEach((input, inputIndex) => {
    const services = servicesOf(input);
    if (input.teeth !== null && input.teeth.length === 0) {
      const charted = services.find(({ service }) => needsTeeth(service.odontogramScope));
      if (charted) {
        const field = fields.line(inputIndex, 'teeth');
        throw new BadUserInputError(
          field,
          `${field} must name at least one tooth: service ${charted.service.id} is charted per ${charted.service.odontogramScope.toLowerCase()}`,
        );
      }
    }
    const packageId = 'packageId' in input.source ? input.source.packageId : null;
    for (const { service, quantity } of services) {
      const price = prices.unitPrice(service);
      const unitPrice = storedCents(price.amount);
      const gross = unitPrice * BigInt(quantity);
      for (const site of sitesOf(service.odontogramScope, input.teeth)) {
        lines.push({
          inputIndex,
          service,
          packageId,
          ...site,
          quantity,
          unitPrice,
          priceSource: price.source,
          taxRate: storedCents(service.taxRate),
          taxExemption: service.taxExemption,
          gross,
          discount: 0n,
          subtotal: 0n,
          tax: 0n,
          total: 0n,
          accepted: input.accepted,
        });
      }
    }
    if (fields.maxLines && lines.length > fields.maxLines.count) {
      throw new BadUserInputError(
        fields.maxLines.field,
        `The budget gives more than ${fields.maxLines.count} priced lines once packages and teeth are expanded (line ${inputIndex} reaches ${lines.length})`,
      );
    }
  });
  return lines;
}

/** Each input line's own discount on its lines: a percentage per line, or an amount spread by gross. */
function applyLineDiscounts(inputs: readonly BudgetInputLine[], lines: BudgetLine[], fields: BudgetFields): void {
  inputs.forEach((input, inputIndex) => {
    const own = lines.filter((line) => line.inputIndex === inputIndex);
    if (input.discountPercent !== null) {
      for (const line of own) line.discount = percentOfCents(line.gross, input.discountPercent);
    }
    if (input.discountAmount !== null) {
      const gross = sum(own, (line) => line.gross);
      if (input.discountAmount > gross) {
        throw new BadUserInputError(
          fields.line(inputIndex, 'discountAmount'),
          `The discount ${formatBigCents(input.discountAmount)} is more than the line's gross ${formatBigCents(gross)}`,
        );
      }
      spread(input.discountAmount, own.map((line) => line.gross)).forEach((share, index) => (own[index].discount = share));
    }
  });
}

/** Accepted lines by (rate as a number, exemption text in code point order, none first). */
function breakdown(accepted: readonly BudgetLine[]): TaxGroup[] {
  const groups = new Map<string, TaxGroup>();
  for (const line of accepted) {
    const key = JSON.stringify([String(line.taxRate), line.taxExemption]);
    const group = groups.get(key) ?? { taxRate: line.taxRate, taxExemption: line.taxExemption, base: 0n, tax: 0n };
    group.base += line.subtotal;
    group.tax += line.tax;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => {
    if (a.taxRate !== b.taxRate) return a.taxRate < b.taxRate ? -1 : 1;
    if (a.taxExemption === b.taxExemption) return 0;
    if (a.taxExemption === null) return -1;
    if (b.taxExemption === null) return 1;
    return compareCodePoints(a.taxExemption, b.taxExemption);
  });
}

/**
 * Prices a budget: expansion, gross, line discounts, the global discount over the accepted lines,
 * then per line subtotal, tax (half-up to the cent) and total; sums and the breakdown over the
 * accepted lines.
 */
export function priceBudget<S extends BudgetService>(
  inputs: readonly BudgetInputLine<S>[],
  globalDiscount: GlobalDiscount | null,
  prices: PriceBook,
  fields: BudgetFields,
): Budget<S> {
  const lines = expand(inputs, prices, fields);
  const accepted = lines.filter((line) => line.accepted);
  if (fields.ceiling !== null) {
    const gross = sum(accepted, (line) => line.gross);
    if (gross > GROSS_CEILING) {
      throw new BadUserInputError(fields.ceiling, `The budget's gross would be ${formatBigCents(gross)}; at most ${formatBigCents(GROSS_CEILING)}`);
    }
  }
  applyLineDiscounts(inputs, lines, fields);
  if (globalDiscount !== null) {
    const weights = accepted.map((line) => line.gross - line.discount);
    const room = weights.reduce((total, weight) => total + weight, 0n);
    if (globalDiscount.amount > room) {
      throw new BadUserInputError(
        globalDiscount.field,
        `The global discount ${formatBigCents(globalDiscount.amount)} is more than the accepted lines' gross after their discounts, ${formatBigCents(room)}`,
      );
    }
    spread(globalDiscount.amount, weights).forEach((share, index) => (accepted[index].discount += share));
  }
  for (const line of lines) {
    line.subtotal = line.gross - line.discount;
    line.tax = percentOfCents(line.subtotal, line.taxRate);
    line.total = line.subtotal + line.tax;
  }
  return {
    lines,
    gross: sum(accepted, (line) => line.gross),
    discount: sum(accepted, (line) => line.discount),
    subtotal: sum(accepted, (line) => line.subtotal),
    tax: sum(accepted, (line) => line.tax),
    total: sum(accepted, (line) => line.total),
    taxBreakdown: breakdown(accepted),
  };
}
