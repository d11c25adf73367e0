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
registerEnumType(ArchEnum, { name: 'Arch' });

@ObjectType({ simpleResolvers: true })
export class Totals {
  @Field(() => DecimalScalar, { description: 'Sum of unit price x quantity, before tax.' })
  subtotal: string;

  @Field(() => DecimalScalar)
  tax: string;

  @Field(() => DecimalScalar)
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

@ObjectType({ simpleResolvers: true })
export class QuoteLine implements PricedLine {
  /** Resolved to a Service by the catalogue's field resolver. */
  serviceId: string;

  @Field(() => Int)
  quantity: number;

  @Field(() => DecimalScalar)
  unitPrice: string;

  @Field(() => PriceSourceEnum, { description: 'Where the unit price comes from: the price list (LIST, LIST_CLINIC) or the base price (BASE).' })
  priceSource: PriceSource;

  @Field(() => DecimalScalar)
  taxRate: string;

  @Field(() => DecimalScalar, { description: 'Rounded half-up to the cent, per line.' })
  subtotal: string;

  @Field(() => DecimalScalar)
  tax: string;

  @Field(() => DecimalScalar)
  total: string;
}

@ObjectType({ simpleResolvers: true })
export class Quote {
  @Field()
  currency: string;

  /** The price list used, resolved to a PriceList by the price lists' field resolver; null: base prices. */
  priceListId: string | null;

  @Field(() => DateScalar, { description: 'The date that decided which price list is usable (prices are the current ones).' })
  on: string;

  @Field(() => [QuoteLine])
  lines: QuoteLine[];

  @Field(() => DecimalScalar, { description: 'Sums of the rounded lines.' })
  subtotal: string;

  @Field(() => DecimalScalar)
  tax: string;

  @Field(() => DecimalScalar)
  total: string;
}

@ObjectType({ simpleResolvers: true })
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

  @Field(() => [Int])
  teeth: number[];

  @Field(() => [OdontogramLine])
  lines: OdontogramLine[];

  @Field(() => DecimalScalar)
  subtotal: string;

  @Field(() => DecimalScalar)
  tax: string;

  @Field(() => DecimalScalar)
  total: string;
}
