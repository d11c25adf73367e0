import { isUuid } from '../auth/token';
import { MAX_QUANTITY } from '../catalog/packages/package.operations';
import type { ItemWithService } from '../catalog/packages/package.repository';
import type { Package } from '../catalog/packages/package.types';
import type { Service } from '../catalog/services/service.types';
import { BadUserInputError, NotFoundError } from '../errors';
import type { RequestContext } from '../request/context';
import { requireTenant, type TenantScope } from '../tenancy/viewer';
import { canSee } from '../tenancy/visibility';
import { integerInRange } from '../validation';
import { priceBudget, type Budget, type BudgetFields, type BudgetInputLine, type BudgetItem } from './budget';
import { formatBigCents, parseCents } from './cents';
import { countedItems } from './counted-items';
import { validateTeeth } from './odontogram';
import { loadPriceBook } from './price-book';
import type { PriceBook } from './price-source';
import type { OdontogramPlan, Quote, QuoteInput, QuoteLineInput } from './pricing.types';

/**
 * Query.quote, Package.quote and odontogramPlan: each checks its own input and names its own
 * fields, resolves the rows the viewer may see, and hands the same calculator (budget.ts) the
 * input lines.
 */

export const MAX_INPUT_LINES = 200;
export const MAX_PRICED_LINES = 2_000;
const HUNDRED_PERCENT = 10_000n;

/** The price list and date a pricing asks for (both optional). */
export interface PricingOptions {
  priceListId?: string | null;
  on?: string | null;
}

/** The services a budget prices, for the price book to read their entries at once. */
function serviceIdsOf(inputs: readonly BudgetInputLine<Service>[]): string[] {
  return inputs.flatMap(({ source }) => ('service' in source ? [source.service.id] : source.items.map((item) => item.service.id)));
}

/** A non-negative Decimal input with at most two decimals, in cents; null when absent. */
function amountInput(field: string, value: string | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  const cents = parseCents(value.trim());
  if (cents === null) {
    throw new BadUserInputError(field, `${field} must be an amount of 0 or more with at most two decimals, like "12.50", got ${JSON.stringify(value)}`);
  }
  return cents;
}

/** 0-100 with at most two decimals, in hundredths of a percent. */
function percentInput(field: string, value: string | null | undefined): bigint | null {
  const hundredths = amountInput(field, value);
  if (hundredths !== null && hundredths > HUNDRED_PERCENT) throw new BadUserInputError(field, `${field} must be between 0 and 100`);
  return hundredths;
}

function budgetItems(scope: TenantScope, pkg: Package, items: readonly ItemWithService[]): BudgetItem<Service>[] {
  return countedItems(scope, pkg, items).map(({ item, service }) => ({ service, quantity: item.quantity }));
}

/** The calculator's figures as the API writes them, each line holding its service and package rows. */
function toQuote(budget: Budget<Service>, packages: ReadonlyMap<string, Package>, prices: PriceBook, currency: string): Quote {
  const money = formatBigCents;
  return {
    priceListId: prices.priceListId,
    currency,
    on: prices.on,
    lines: budget.lines.map((line) => ({
      service: line.service,
      package: line.packageId === null ? null : packages.get(line.packageId)!,
      inputIndex: line.inputIndex,
      tooth: line.tooth,
      quadrant: line.quadrant,
      arch: line.arch,
      quantity: line.quantity,
      unitPrice: money(line.unitPrice),
      priceSource: line.priceSource,
      taxRate: money(line.taxRate),
      taxExemption: line.taxExemption,
      gross: money(line.gross),
      discount: money(line.discount),
      subtotal: money(line.subtotal),
      tax: money(line.tax),
      total: money(line.total),
      accepted: line.accepted,
    })),
    gross: money(budget.gross),
    discount: money(budget.discount),
    subtotal: money(budget.subtotal),
    tax: money(budget.tax),
    total: money(budget.total),
    taxBreakdown: budget.taxBreakdown.map((group) => ({
      taxRate: money(group.taxRate),
      taxExemption: group.taxExemption,
      base: money(group.base),
      tax: money(group.tax),
    })),
  };
}

interface CheckedLine {
  input: QuoteLineInput;
  teeth: number[] | null;
  discountPercent: bigint | null;
  discountAmount: bigint | null;
}

/** Checks one input line's own fields, before anything is read. */
function checkLine(input: QuoteLineInput, index: number): CheckedLine {
  const field = (name: string) => `lines[${index}].${name}`;
  const hasService = input.serviceId !== null && input.serviceId !== undefined;
  const hasPackage = input.packageId !== null && input.packageId !== undefined;
  if (hasService === hasPackage) throw new BadUserInputError(field('serviceId'), `lines[${index}] must name exactly one of serviceId and packageId`);
  integerInRange(field('quantity'), input.quantity, 1, MAX_QUANTITY);
  const discountPercent = percentInput(field('discountPercent'), input.discountPercent);
  const discountAmount = amountInput(field('discountAmount'), input.discountAmount);
  if (discountPercent !== null && discountAmount !== null) {
    throw new BadUserInputError(field('discountAmount'), `lines[${index}] may give discountPercent or discountAmount, not both`);
  }
  const teeth = input.teeth === null || input.teeth === undefined ? null : validateTeeth(input.teeth, field('teeth'));
  return { input, teeth, discountPercent, discountAmount };
}

/**
 * The budget calculator (Query.quote): services and packages the viewer sees and that are active,
 * expanded, discounted and priced. Reads the services, the packages and their items in one batch
 * each, however many lines the budget has.
 */
export async function quote(ctx: RequestContext, input: QuoteInput): Promise<Quote> {
  const scope = requireTenant(ctx.viewer);
  if (input.lines.length < 1 || input.lines.length > MAX_INPUT_LINES) {
    throw new BadUserInputError('lines', `A budget has 1 to ${MAX_INPUT_LINES} lines, got ${input.lines.length}`);
  }
  const checked = input.lines.map(checkLine);
  const globalAmount = amountInput('globalDiscountAmount', input.globalDiscountAmount);
  const globalDiscount = globalAmount === null ? null : { amount: globalAmount, field: 'globalDiscountAmount' };

  const rows = await Promise.all(
    checked.map(({ input: line }) => {
      const id = (line.serviceId ?? line.packageId)!;
      if (!isUuid(id)) return null;
      return line.serviceId ? ctx.loaders.service.load(id) : ctx.loaders.package.load(id);
    }),
  );
  rows.forEach((row, index) => {
    const field = `lines[${index}].${checked[index].input.serviceId ? 'serviceId' : 'packageId'}`;
    const what = checked[index].input.serviceId ? 'Service' : 'Package';
    if (!row || !canSee(scope, row)) throw new NotFoundError(what, field);
    if (!row.active) throw new BadUserInputError(field, `The ${what.toLowerCase()} "${row.name}" is deactivated and cannot be quoted`);
  });
  const items = await Promise.all(rows.map((row, index) => (checked[index].input.packageId ? ctx.loaders.visibleItems.load(row!.id) : null)));

  const inputs: BudgetInputLine<Service>[] = checked.map((line, index) => ({
    source: line.input.serviceId
      ? { service: rows[index] as Service }
      : { packageId: rows[index]!.id, items: budgetItems(scope, rows[index] as Package, items[index]!) },
    quantity: line.input.quantity,
    teeth: line.teeth,
    discountPercent: line.discountPercent,
    discountAmount: line.discountAmount,
    accepted: line.input.accepted ?? true,
  }));
  const fields: BudgetFields = {
    line: (index, name) => `lines[${index}].${name}`,
    maxLines: { count: MAX_PRICED_LINES, field: 'lines' },
    ceiling: 'lines',
  };
  const prices = await loadPriceBook(ctx, input.priceListId, input.on, serviceIdsOf(inputs));
  const packages = new Map(rows.filter((row, index) => checked[index].input.packageId).map((row) => [row!.id, row as Package]));
  return toQuote(priceBudget(inputs, globalDiscount, prices, fields), packages, prices, scope.currency);
}

/** Package.quote(times): the calculator with one package line; an inactive package is priced too, and errors name `times`. */
export async function packageQuote(ctx: RequestContext, pkg: Package, times: number, options: PricingOptions = {}): Promise<Quote> {
  const scope = requireTenant(ctx.viewer);
  integerInRange('times', times, 1, MAX_QUANTITY);
  const items = await ctx.loaders.visibleItems.load(pkg.id);
  const line: BudgetInputLine<Service> = {
    source: { packageId: pkg.id, items: budgetItems(scope, pkg, items) },
    quantity: times,
    teeth: null,
    discountPercent: null,
    discountAmount: null,
    accepted: true,
  };
  const fields: BudgetFields = { line: () => 'times', maxLines: null, ceiling: 'times' };
  const prices = await loadPriceBook(ctx, options.priceListId, options.on, serviceIdsOf([line]));
  return toQuote(priceBudget([line], null, prices, fields), new Map([[pkg.id, pkg]]), prices, scope.currency);
}

/**
 * odontogramPlan: the calculator with one package line of one unit on the teeth. A plan has no
 * discounts, and neither a limit of lines nor a ceiling (domain.md gives it none; amounts are exact).
 */
export async function odontogramPlan(
  ctx: RequestContext,
  packageId: string,
  teeth: readonly number[],
  options: PricingOptions = {},
): Promise<OdontogramPlan> {
  const scope = requireTenant(ctx.viewer);
  const pkg = isUuid(packageId) ? await ctx.loaders.package.load(packageId) : null;
  if (!pkg || !canSee(scope, pkg)) throw new NotFoundError('Package', 'packageId');
  if (!pkg.active) throw new BadUserInputError('packageId', `The package "${pkg.name}" is deactivated and cannot be charted`);
  const chartedTeeth = validateTeeth(teeth);
  const items = await ctx.loaders.visibleItems.load(pkg.id);
  const line: BudgetInputLine<Service> = {
    source: { packageId: pkg.id, items: budgetItems(scope, pkg, items) },
    quantity: 1,
    teeth: chartedTeeth,
    discountPercent: null,
    discountAmount: null,
    accepted: true,
  };
  const fields: BudgetFields = { line: () => 'teeth', maxLines: null, ceiling: null };
  const prices = await loadPriceBook(ctx, options.priceListId, options.on, serviceIdsOf([line]));
  const { lines, subtotal, tax, total } = toQuote(priceBudget([line], null, prices, fields), new Map([[pkg.id, pkg]]), prices, scope.currency);
  return { packageId: pkg.id, teeth: chartedTeeth, lines, subtotal, tax, total };
}
