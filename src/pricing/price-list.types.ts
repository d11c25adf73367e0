import 'reflect-metadata';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf, StatusFilterEnum, type StatusFilter } from '../graphql/common.types';
import { DateScalar, DecimalScalar } from '../graphql/scalars';
import { OriginEnum } from '../tenancy/tenancy.types';
import type { Origin } from '../tenancy/visibility';
import { PriceSourceEnum, type PriceSource } from './price-source';

export const PriceListKindEnum = { GENERAL: 'GENERAL', INSURER: 'INSURER', AGREEMENT: 'AGREEMENT' } as const;
export type PriceListKind = keyof typeof PriceListKindEnum;
registerEnumType(PriceListKindEnum, {
  name: 'PriceListKind',
  description: 'What a price list is for.',
  valuesConfig: {
    GENERAL: { description: "The tenant's general prices (tarifa general, pacientes privados)." },
    INSURER: { description: "An insurer's prices for its members (mutua, aseguradora): what the patient pays." },
    AGREEMENT: { description: 'An agreement with a company or group (convenio).' },
  },
});

/** A price list (tarifa) as stored; owner, origin, rights, usability and entries are resolved. */
@ObjectType({ simpleResolvers: true, description: 'A tarifa: prices for some services that replace their base prices when the list is chosen.' })
export class PriceList {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Unique per owner tenant (case and accents ignored), 1-120 characters.' })
  name: string;

  @Field(() => PriceListKindEnum)
  kind: PriceListKind;

  @Field(() => String, { nullable: true, description: 'INSURER and AGREEMENT lists: who the prices are agreed with (1-120 characters).' })
  partnerName: string | null;

  @Field(() => String, { nullable: true, description: 'Their tax id (CIF/NIF), free format, up to 20 characters.' })
  partnerTaxId: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day the list applies, inclusive; null: no start.' })
  validFrom: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the list applies, inclusive; null: no end.' })
  validUntil: string | null;

  @Field()
  active: boolean;

  @Field({ description: "Whether tenants other than the owner may see it (per the organization's sharing)." })
  shared: boolean;

  @Field(() => Int, { description: 'Counts every change to the list, its entries included.' })
  version: number;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  @Field(() => Date, { nullable: true })
  deactivatedAt: Date | null;

  ownerTenantId: string;
}

/** One price of a list: for every clinic (clinicTenantId null) or an override for one clinic. */
@ObjectType({ simpleResolvers: true })
export class PriceListEntry {
  @Field(() => ID)
  id: string;

  @Field(() => DecimalScalar, { description: 'Before tax, 0.00-999999.99 (0.00 is "sin coste").' })
  price: string;

  @Field()
  updatedAt: Date;

  priceListId: string;
  serviceId: string;
  clinicTenantId: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'What one unit of a service costs the viewer under a price list, and why.' })
export class EffectivePrice {
  @Field(() => DecimalScalar, { description: 'The unit price before tax.' })
  amount: string;

  @Field(() => PriceSourceEnum)
  source: PriceSource;

  @Field(() => PriceListEntry, { nullable: true, description: 'Null when the source is BASE.' })
  entry: PriceListEntry | null;
}

@ObjectType({ simpleResolvers: true })
export class PriceListEdge extends EdgeOf(PriceList) {}

@ObjectType({ simpleResolvers: true })
export class PriceListConnection extends ConnectionOf(PriceList, PriceListEdge) {}

@ObjectType({ simpleResolvers: true })
export class PriceListEntryEdge extends EdgeOf(PriceListEntry) {}

@ObjectType({ simpleResolvers: true })
export class PriceListEntryConnection extends ConnectionOf(PriceListEntry, PriceListEntryEdge) {}

@InputType()
export class PriceListFilter {
  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive substring of the name or partner name (up to 100 characters).' })
  search?: string | null;

  @Field(() => StatusFilterEnum, { nullable: true, defaultValue: 'ALL' })
  status?: StatusFilter | null;

  @Field(() => [OriginEnum], { nullable: true })
  origin?: Origin[] | null;

  @Field(() => [PriceListKindEnum], { nullable: true })
  kind?: PriceListKind[] | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only lists usable on that date (active and within their dates).' })
  usableOn?: string | null;
}

@InputType()
export class PriceListEntryFilter {
  @Field(() => String, { nullable: true, description: "Case- and accent-insensitive substring of the service's name or code (up to 100 characters)." })
  search?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this clinic's overrides (a clinic sees only its own: another clinic's id gives an empty page)." })
  clinicId?: string | null;
}

@InputType()
export class CreatePriceListInput {
  @Field({ description: '1-120 characters, unique per owner tenant (case and accents ignored).' })
  name: string;

  @Field(() => PriceListKindEnum, { defaultValue: 'GENERAL' })
  kind: PriceListKind;

  @Field(() => String, { nullable: true, description: 'Required for INSURER and AGREEMENT lists; 1-120 characters.' })
  partnerName?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 20 characters, free format.' })
  partnerTaxId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day the list applies; not after validUntil.' })
  validFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the list applies; not before validFrom.' })
  validUntil?: string | null;

  @Field({ defaultValue: true })
  shared: boolean;
}

@InputType({ description: 'An absent field keeps its value; an explicit null clears an optional one.' })
export class UpdatePriceListInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => PriceListKindEnum, { nullable: true })
  kind?: PriceListKind | null;

  @Field(() => String, { nullable: true })
  partnerName?: string | null;

  @Field(() => String, { nullable: true })
  partnerTaxId?: string | null;

  @Field(() => DateScalar, { nullable: true })
  validFrom?: string | null;

  @Field(() => DateScalar, { nullable: true })
  validUntil?: string | null;

  @Field(() => Boolean, { nullable: true })
  shared?: boolean | null;
}

@InputType()
export class PriceListEntryInput {
  @Field(() => ID, { description: "A service the list's owner sees (an inactive one may be priced)." })
  serviceId: string;

  @Field(() => ID, { nullable: true, description: 'An override for one clinic; only on lists owned by the central.' })
  clinicId?: string | null;

  @Field(() => DecimalScalar, { description: '0.00-999999.99, at most two decimals.' })
  price: string;
}

@InputType()
export class PriceListEntryKey {
  @Field(() => ID)
  serviceId: string;

  @Field(() => ID, { nullable: true, description: 'Null: the entry for every clinic.' })
  clinicId?: string | null;
}
