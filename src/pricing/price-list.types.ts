import 'reflect-metadata';
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf, ENTITY_KEY, StatusFilterEnum, type StatusFilter } from '../graphql/common.types';
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
@Directive(ENTITY_KEY)
@ObjectType({ simpleResolvers: true, description: 'A tarifa: prices for some services that replace their base prices when the list is chosen.' })
export class PriceList {
  @Field(() => ID, { description: 'Opaque, unique in the organization.' })
  id: string;

  @Field({ description: 'Unique per owner tenant (case and accents ignored), 1-120 characters.' })
  name: string;

  @Field(() => PriceListKindEnum, { description: 'General prices, an insurer\'s or an agreement\'s.' })
  kind: PriceListKind;

  @Field(() => String, { nullable: true, description: 'INSURER and AGREEMENT lists: who the prices are agreed with (1-120 characters).' })
  partnerName: string | null;

  @Field(() => String, { nullable: true, description: 'Their tax id (CIF/NIF), free format, up to 20 characters.' })
  partnerTaxId: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day the list applies, inclusive; null: no start.' })
  validFrom: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the list applies, inclusive; null: no end.' })
  validUntil: string | null;

  @Field({ description: 'False once deactivated (dado de baja): not usable on any date, still listed and editable by its owner.' })
  active: boolean;

  @Field({ description: "Whether tenants other than the owner may see it (per the organization's sharing)." })
  shared: boolean;

  @Field(() => Int, { description: 'Counts every change to the list, its entries included.' })
  version: number;

  @Field({ description: 'When the list was created (UTC).' })
  createdAt: Date;

  @Field({ description: 'When the list or its entries last changed (UTC).' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was last deactivated; null while active.' })
  deactivatedAt: Date | null;

  ownerTenantId: string;
}

/** One price of a list: for every clinic (clinicTenantId null) or an override for one clinic. */
@ObjectType({ simpleResolvers: true, description: 'One price of a list: for every clinic that uses it, or an override for one clinic.' })
export class PriceListEntry {
  @Field(() => ID, { description: 'Opaque, unique in the organization.' })
  id: string;

  @Field(() => DecimalScalar, { description: 'Before tax, 0.00-999999.99 (0.00 is "sin coste").' })
  price: string;

  @Field({ description: 'When the price was set (UTC).' })
  updatedAt: Date;

  priceListId: string;
  serviceId: string;
  clinicTenantId: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'What one unit of a service costs the viewer under a price list, and why.' })
export class EffectivePrice {
  @Field(() => DecimalScalar, { description: 'The unit price before tax.' })
  amount: string;

  @Field(() => PriceSourceEnum, { description: 'Where the amount comes from: the viewer\'s override, the entry for every clinic, or the base price.' })
  source: PriceSource;

  @Field(() => PriceListEntry, { nullable: true, description: 'Null when the source is BASE.' })
  entry: PriceListEntry | null;
}

@ObjectType({ simpleResolvers: true, description: 'One price list of a page of the price lists, with its cursor.' })
export class PriceListEdge extends EdgeOf(PriceList) {}

@ObjectType({ simpleResolvers: true, description: 'One page of the price lists the viewer sees.' })
export class PriceListConnection extends ConnectionOf(PriceList, PriceListEdge) {}

@ObjectType({ simpleResolvers: true, description: 'One entry of a page of a price list\'s entries, with its cursor.' })
export class PriceListEntryEdge extends EdgeOf(PriceListEntry) {}

@ObjectType({ simpleResolvers: true, description: 'One page of the entries of a price list the viewer sees.' })
export class PriceListEntryConnection extends ConnectionOf(PriceListEntry, PriceListEntryEdge) {}

@InputType({ description: 'Which price lists to list; the conditions given all apply.' })
export class PriceListFilter {
  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive substring of the name or partner name (up to 100 characters).' })
  search?: string | null;

  @Field(() => StatusFilterEnum, { nullable: true, defaultValue: 'ALL', description: 'Active, deactivated or both.' })
  status?: StatusFilter | null;

  @Field(() => [OriginEnum], { nullable: true, description: 'Only lists of these origins (own, the central\'s, other clinics\').' })
  origin?: Origin[] | null;

  @Field(() => [PriceListKindEnum], { nullable: true, description: 'Only lists of these kinds.' })
  kind?: PriceListKind[] | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only lists usable on that date (active and within their dates).' })
  usableOn?: string | null;
}

@InputType({ description: 'Which entries to list; the conditions given all apply.' })
export class PriceListEntryFilter {
  @Field(() => String, { nullable: true, description: "Case- and accent-insensitive substring of the service's name or code (up to 100 characters)." })
  search?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this clinic's overrides (a clinic sees only its own: another clinic's id gives an empty page)." })
  clinicId?: string | null;
}

@InputType({ description: 'A new price list, owned by the viewer\'s tenant.' })
export class CreatePriceListInput {
  @Field({ description: '1-120 characters, unique per owner tenant (case and accents ignored).' })
  name: string;

  @Field(() => PriceListKindEnum, { defaultValue: 'GENERAL', description: 'General prices, an insurer\'s or an agreement\'s.' })
  kind: PriceListKind;

  @Field(() => String, { nullable: true, description: 'Required for INSURER and AGREEMENT lists; 1-120 characters.' })
  partnerName?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 20 characters, free format.' })
  partnerTaxId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day the list applies; not after validUntil.' })
  validFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the list applies; not before validFrom.' })
  validUntil?: string | null;

  @Field({ defaultValue: true, description: "Whether tenants other than the owner may see it (per the organization's sharing)." })
  shared: boolean;
}

@InputType({ description: 'An absent field keeps its value; an explicit null clears an optional one.' })
export class UpdatePriceListInput {
  @Field(() => String, { nullable: true, description: '1-120 characters, unique per owner (CONFLICT on `name`); null keeps the name.' })
  name?: string | null;

  @Field(() => PriceListKindEnum, { nullable: true, description: 'INSURER and AGREEMENT need a partner name, given or stored (BAD_USER_INPUT on `partnerName`); null keeps the kind.' })
  kind?: PriceListKind | null;

  @Field(() => String, { nullable: true, description: '1-120 characters; null clears it (not allowed for INSURER and AGREEMENT lists).' })
  partnerName?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 20 characters; null clears it.' })
  partnerTaxId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day the list applies; null: no start.' })
  validFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the list applies, not before validFrom (BAD_USER_INPUT on `validUntil`); null: no end.' })
  validUntil?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Share or unshare; null keeps it.' })
  shared?: boolean | null;
}

@InputType({ description: 'One price to set: for every clinic, or an override for one clinic.' })
export class PriceListEntryInput {
  @Field(() => ID, { description: "A service the list's owner sees (an inactive one may be priced)." })
  serviceId: string;

  @Field(() => ID, { nullable: true, description: 'An override for one clinic; only on lists owned by the central.' })
  clinicId?: string | null;

  @Field(() => DecimalScalar, { description: '0.00-999999.99, at most two decimals.' })
  price: string;
}

@InputType({ description: 'Which entry to remove: its service, and its clinic for an override.' })
export class PriceListEntryKey {
  @Field(() => ID, { description: 'The entry\'s service (NOT_FOUND on `keys[i].serviceId` when the viewer does not see it).' })
  serviceId: string;

  @Field(() => ID, { nullable: true, description: 'Null: the entry for every clinic.' })
  clinicId?: string | null;
}
