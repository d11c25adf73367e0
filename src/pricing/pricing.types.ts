import 'reflect-metadata';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '../graphql/scalars';
import { Package } from '../catalog/packages/package.types';
import { Service } from '../catalog/services/service.types';
import { PriceSourceEnum, type PriceSource } from './price-source';

/** Amounts are "0.00" strings computed with Money; the Decimal scalar serialises them. */

// In its own module so that the catalogue's Service type can use it without importing this file,
// which refers to Service and Package (a cycle would leave one of them undefined at load time).
export { OdontogramScopeEnum, type OdontogramScope } from './odontogram-scope';

export const ArchEnum = { UPPER: 'UPPER', LOWER: 'LOWER' } as const;
export type Arch = keyof typeof ArchEnum;
registerEnumType(ArchEnum, {
  name: 'Arch',
  description: 'A dental arch: quadrants 1-2 (and deciduous 5-6) are upper, 3-4 (and 7-8) lower.',
  valuesConfig: {
    UPPER: { description: 'The upper arch (maxilar).' },
    LOWER: { description: 'The lower arch (mandibular).' },
  },
});

@ObjectType({ simpleResolvers: true, description: "Money over some priced lines, in the organization's currency." })
export class Totals {
  @Field(() => DecimalScalar, { description: 'Sum of unit price x quantity, before tax.' })
  subtotal: string;

  @Field(() => DecimalScalar, { description: "Sum of the lines' taxes, each rounded half-up to the cent." })
  tax: string;

  @Field(() => DecimalScalar, { description: 'subtotal + tax.' })
  total: string;
}

/** Fields every priced line shows, in a quote or a plan (a base class: not a type of the schema by itself). */
@ObjectType({ simpleResolvers: true })
abstract class ChartedLine {
  /** The row the calculator priced, read as it is: no resolver, no loader per line. */
  @Field(() => Service, { description: 'The service priced on this line.' })
  service: Service;

  @Field(() => Int, { nullable: true, description: 'FDI number, for TOOTH services given teeth.' })
  tooth: number | null;

  @Field(() => Int, { nullable: true, description: '1-4, for QUADRANT services given teeth (deciduous quadrants 5-8 count as 1-4).' })
  quadrant: number | null;

  @Field(() => ArchEnum, { nullable: true, description: 'For ARCH services given teeth.' })
  arch: Arch | null;

  @Field(() => Int, { description: 'Units of the service on this line: the input quantity, times the item quantity for a package line.' })
  quantity: number;

  @Field(() => DecimalScalar, { description: "The price of one unit before tax: the price list's effective price when a list is given, else the service's base price." })
  unitPrice: string;

  @Field(() => PriceSourceEnum, { description: 'Where the unit price comes from: the price list (LIST, LIST_CLINIC) or the base price (BASE).' })
  priceSource: PriceSource;

  @Field(() => DecimalScalar, { description: "The service's VAT percentage, 0.00-100.00." })
  taxRate: string;

  @Field(() => DecimalScalar, { description: 'gross - discount: the taxable base of the line (base imponible); a plan line has no discount.' })
  subtotal: string;

  @Field(() => DecimalScalar, { description: 'subtotal x taxRate / 100, rounded half-up to the cent.' })
  tax: string;

  @Field(() => DecimalScalar, { description: 'subtotal + tax.' })
  total: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One priced line of a budget: one service (on a tooth, quadrant or arch when charted), its gross, discount, taxable base, tax and total.',
})
export class QuoteLine extends ChartedLine {
  @Field(() => Package, { nullable: true, description: 'The package the line was expanded from, if any.' })
  package: Package | null;

  @Field(() => Int, { description: 'Position of the input line it comes from (0-based); Package.quote has one input line.' })
  inputIndex: number;

  @Field(() => String, { nullable: true, description: "The service's exemption text when taxRate is 0." })
  taxExemption: string | null;

  @Field(() => DecimalScalar, { description: 'unitPrice x quantity.' })
  gross: string;

  @Field(() => DecimalScalar, { description: "The line's own discount plus its share of the global discount (never more than gross)." })
  discount: string;

  @Field({ description: 'Lines not accepted are listed but count in no sum (presupuesto: "no aceptado").' })
  accepted: boolean;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One row per tax rate (and exemption text) among the accepted lines, by rate ascending, then exemption text (none first).',
})
export class TaxBreakdown {
  @Field(() => DecimalScalar, { description: 'The VAT percentage of the group, 0.00-100.00.' })
  taxRate: string;

  @Field(() => String, { nullable: true, description: 'The exemption text printed for this group (0% lines of exempt services).' })
  taxExemption: string | null;

  @Field(() => DecimalScalar, { description: "Sum of the accepted lines' subtotals at this rate (base imponible)." })
  base: string;

  @Field(() => DecimalScalar, { description: "Sum of the accepted lines' taxes at this rate." })
  tax: string;
}

@ObjectType({ simpleResolvers: true, description: 'A priced budget (presupuesto): its lines, sums over the accepted lines and the VAT breakdown.' })
export class Quote {
  /** The price list used, if any (resolved by the price lists' resolver). */
  priceListId: string | null;

  @Field({ description: "ISO-4217 code: the organization's currency." })
  currency: string;

  @Field(() => DateScalar, { description: 'The date that decided which price list is usable (prices are the current ones).' })
  on: string;

  @Field(() => [QuoteLine], { description: 'In input order; a package line expands into its counted items in item order, each on its sites.' })
  lines: QuoteLine[];

  @Field(() => DecimalScalar, { description: "Sum of the accepted lines' gross (unit price x quantity)." })
  gross: string;

  @Field(() => DecimalScalar, { description: "Sum of the accepted lines' discounts (their own and their shares of the global one)." })
  discount: string;

  @Field(() => DecimalScalar, { description: "Sum of the accepted lines' taxable bases (base imponible), after every discount." })
  subtotal: string;

  @Field(() => DecimalScalar, { description: "Sum of the accepted lines' taxes, each rounded half-up to the cent." })
  tax: string;

  @Field(() => DecimalScalar, { description: 'subtotal + tax.' })
  total: string;

  @Field(() => [TaxBreakdown], { description: 'The VAT by rate and exemption text; adds up exactly to subtotal (bases) and tax.' })
  taxBreakdown: TaxBreakdown[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'One charted line of an odontogram plan: a service on a tooth, a quadrant, an arch or the whole mouth, priced like a quote line.',
})
export class OdontogramLine extends ChartedLine {}
@ObjectType({ simpleResolvers: true, description: 'What applying a package to some teeth would chart; nothing is stored.' })
export class OdontogramPlan {
  /** Resolved to the Package by the catalogue's field resolver. */
  packageId: string;

  @Field(() => [Int], { description: 'The selected teeth (FDI numbers), ascending.' })
  teeth: number[];

  @Field(() => [OdontogramLine], {
    description:
      "For each counted item in package order, one line per site its service's odontogramScope touches (NONE, MOUTH: one; ARCH: per arch, UPPER first; QUADRANT: per quadrant, ascending; TOOTH: per tooth, ascending), each with the item's quantity.",
  })
  lines: OdontogramLine[];

  @Field(() => DecimalScalar, { description: "Sum of the lines' subtotals." })
  subtotal: string;

  @Field(() => DecimalScalar, { description: "Sum of the lines' taxes." })
  tax: string;

  @Field(() => DecimalScalar, { description: "Sum of the lines' totals." })
  total: string;
}

@InputType({ description: 'One line of a budget: a service, or a package expanded into its counted items.' })
export class QuoteLineInput {
  @Field(() => ID, {
    nullable: true,
    description: 'A service (NOT_FOUND or BAD_USER_INPUT on lines[i].serviceId when unseen or inactive). Exactly one of serviceId and packageId (else BAD_USER_INPUT on lines[i].serviceId).',
  })
  serviceId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A package, expanded into its counted items (NOT_FOUND or BAD_USER_INPUT on lines[i].packageId when unseen or inactive).' })
  packageId?: string | null;

  @Field(() => Int, { defaultValue: 1, description: 'Units of the service, or times the package (1-999).' })
  quantity: number;

  @Field(() => [Int], {
    nullable: true,
    description: 'Teeth (FDI) to chart the line on, as odontogramPlan does; without teeth every item gives one line. Empty is refused where a service is charted per tooth, quadrant or arch.',
  })
  teeth?: number[] | null;

  @Field(() => DecimalScalar, { nullable: true, description: '0-100 with at most two decimals, applied to each line rounded half-up to the cent; not with discountAmount.' })
  discountPercent?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'At most two decimals, spread over the lines this input line gives in proportion to their gross; at most their gross; not with discountPercent.',
  })
  discountAmount?: string | null;

  @Field({ defaultValue: true, description: 'False: "no aceptado", listed with its own figures but counted in no sum and given no share of the global discount.' })
  accepted: boolean;
}

@InputType({ description: 'A budget to price. Nothing is stored.' })
export class QuoteInput {
  @Field(() => [QuoteLineInput], { description: '1-200 lines; they may expand to at most 2,000 priced lines.' })
  lines: QuoteLineInput[];

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Spread over the accepted lines in proportion to (gross - line discount), by largest remainder; at most the sum of those.',
  })
  globalDiscountAmount?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Price the lines at this list's effective prices (NOT_FOUND on priceListId for a list the viewer does not see, BAD_USER_INPUT when it is not usable on `on`); none: base prices.",
  })
  priceListId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Price date; default today in the organization's time zone." })
  on?: string | null;
}
