import 'reflect-metadata';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '../graphql/scalars';
import { PriceSourceEnum, type PriceSource } from './price-source';

/** Amounts are "0.00" strings computed with Money; the Decimal scalar serialises them. */

export const OdontogramScopeEnum = { NONE: 'NONE', MOUTH: 'MOUTH', ARCH: 'ARCH', QUADRANT: 'QUADRANT', TOOTH: 'TOOTH' } as const;
export type OdontogramScope = keyof typeof OdontogramScopeEnum;
registerEnumType(OdontogramScopeEnum, {
  name: 'OdontogramScope',
  description: 'Which part of the mouth a service is charted on in the odontogram.',
  valuesConfig: {
    NONE: { description: 'Not charted (a consultation, a hygiene visit counted once).' },
    MOUTH: { description: 'Once for the whole mouth.' },
    ARCH: { description: 'Once per arch (upper, lower) touched by the selected teeth.' },
    QUADRANT: { description: 'Once per quadrant touched by the selected teeth.' },
    TOOTH: { description: 'Once per selected tooth.' },
  },
});

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

/** One priced line: unit price x quantity, tax rounded half-up to the cent, total. */
export interface PricedLine {
  quantity: number;
  unitPrice: string;
  taxRate: string;
  subtotal: string;
  tax: string;
  total: string;
}

@ObjectType({ simpleResolvers: true, description: 'One priced line of a budget: one service, a quantity, its tax and total.' })
export class QuoteLine implements PricedLine {
  /** Resolved to a Service by the catalogue's field resolver. */
  serviceId: string;

  @Field(() => Int, { description: 'Units of the service on this line.' })
  quantity: number;

  @Field(() => DecimalScalar, { description: "The price of one unit before tax: the price list's effective price when a list is given, else the service's base price." })
  unitPrice: string;

  @Field(() => PriceSourceEnum, { description: 'Where the unit price comes from: the price list (LIST, LIST_CLINIC) or the base price (BASE).' })
  priceSource: PriceSource;

  @Field(() => DecimalScalar, { description: "The service's VAT percentage, 0.00-100.00." })
  taxRate: string;

  @Field(() => DecimalScalar, { description: 'unitPrice x quantity, before tax (exact: prices have two decimals).' })
  subtotal: string;

  @Field(() => DecimalScalar, { description: 'subtotal x taxRate / 100, rounded half-up to the cent.' })
  tax: string;

  @Field(() => DecimalScalar, { description: 'subtotal + tax.' })
  total: string;
}

@ObjectType({ simpleResolvers: true, description: 'A budget (presupuesto): priced lines and their sums.' })
export class Quote {
  @Field({ description: "The organization's ISO-4217 currency, in which every amount is." })
  currency: string;

  /** The price list used, resolved to a PriceList by the price lists' field resolver; null: base prices. */
  priceListId: string | null;

  @Field(() => DateScalar, { description: 'The date that decided which price list is usable (prices are the current ones).' })
  on: string;

  @Field(() => [QuoteLine], { description: 'The lines, in the order of the package\'s items.' })
  lines: QuoteLine[];

  @Field(() => DecimalScalar, { description: 'Sums of the rounded lines.' })
  subtotal: string;

  @Field(() => DecimalScalar, { description: "Sum of the lines' taxes." })
  tax: string;

  @Field(() => DecimalScalar, { description: "Sum of the lines' totals (subtotal + tax)." })
  total: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One charted line of an odontogram plan: a service on a tooth, a quadrant, an arch or the whole mouth, priced like a quote line.',
})
export class OdontogramLine extends QuoteLine {
  @Field(() => Int, { nullable: true, description: 'FDI number, for TOOTH services.' })
  tooth: number | null;

  @Field(() => Int, { nullable: true, description: '1-4, for QUADRANT services (deciduous quadrants 5-8 count as 1-4).' })
  quadrant: number | null;

  @Field(() => ArchEnum, { nullable: true, description: 'For ARCH services.' })
  arch: Arch | null;
}

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
