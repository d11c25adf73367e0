import 'reflect-metadata';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf, SortDirectionEnum, StatusFilterEnum, type SortDirection, type StatusFilter } from '../../graphql/common.types';
import { DecimalScalar } from '../../graphql/scalars';
import { OdontogramScopeEnum, type OdontogramScope } from '../../pricing/pricing.types';
import { OriginEnum } from '../../tenancy/tenancy.types';
import type { Origin } from '../../tenancy/visibility';

const TAX_EXEMPTION =
  'Why the service carries no VAT, printed on budgets and invoices (e.g. "Exento de IVA, art. 20.Uno.5º Ley 37/1992"). Only with taxRate 0.';
const TAX_EXEMPTION_INPUT = 'Up to 200 characters, only with taxRate 0 (else BAD_USER_INPUT on taxExemption); blank means none.';

export const ServiceSortFieldEnum = { NAME: 'NAME', CODE: 'CODE', PRICE: 'PRICE', CREATED_AT: 'CREATED_AT' } as const;
export type ServiceSortField = keyof typeof ServiceSortFieldEnum;
registerEnumType(ServiceSortFieldEnum, { name: 'ServiceSortField' });

/** A service (servicio) as stored; viewer-dependent fields (origin, owner, viewerCanEdit) are resolved. */
@ObjectType({ simpleResolvers: true })
export class Service {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'Optional catalogue code, unique per owner tenant.' })
  code: string | null;

  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'Free-text family (familia), e.g. "Implantología".' })
  family: string | null;

  @Field(() => DecimalScalar)
  price: string;

  @Field(() => DecimalScalar, { description: 'VAT percentage, e.g. "21.00" or "0.00".' })
  taxRate: string;

  @Field(() => String, { nullable: true, description: TAX_EXEMPTION })
  taxExemption: string | null;

  @Field(() => Int, { nullable: true })
  durationMinutes: number | null;

  @Field(() => OdontogramScopeEnum)
  odontogramScope: OdontogramScope;

  @Field()
  active: boolean;

  @Field({ description: 'Whether tenants other than the owner may see it (per the organization\'s sharing).' })
  shared: boolean;

  @Field(() => Int)
  version: number;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  @Field(() => Date, { nullable: true })
  deactivatedAt: Date | null;

  ownerTenantId: string;
}

@ObjectType({ simpleResolvers: true })
export class ServiceEdge extends EdgeOf(Service) {}

@ObjectType({ simpleResolvers: true })
export class ServiceConnection extends ConnectionOf(Service, ServiceEdge) {}

@InputType()
export class ServiceFilter {
  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive substring of the name or code.' })
  search?: string | null;

  @Field(() => StatusFilterEnum, { nullable: true, defaultValue: 'ALL' })
  status?: StatusFilter | null;

  @Field(() => [OriginEnum], { nullable: true })
  origin?: Origin[] | null;

  @Field(() => String, { nullable: true })
  family?: string | null;

  @Field(() => [OdontogramScopeEnum], { nullable: true })
  odontogramScope?: OdontogramScope[] | null;
}

@InputType()
export class ServiceOrder {
  @Field(() => ServiceSortFieldEnum, { defaultValue: 'NAME' })
  field: ServiceSortField;

  @Field(() => SortDirectionEnum, { defaultValue: 'ASC' })
  direction: SortDirection;
}

@InputType()
export class CreateServiceInput {
  @Field(() => String, { nullable: true })
  code?: string | null;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  family?: string | null;

  @Field(() => DecimalScalar)
  price: string;

  @Field(() => DecimalScalar, { defaultValue: '0.00' })
  taxRate: string;

  @Field(() => String, { nullable: true, description: TAX_EXEMPTION_INPUT })
  taxExemption?: string | null;

  @Field(() => Int, { nullable: true })
  durationMinutes?: number | null;

  @Field(() => OdontogramScopeEnum, { defaultValue: 'NONE' })
  odontogramScope: OdontogramScope;

  @Field({ defaultValue: true })
  shared: boolean;
}

@InputType()
export class UpdateServiceInput {
  @Field(() => String, { nullable: true })
  code?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  family?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  price?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  taxRate?: string | null;

  @Field(() => String, { nullable: true, description: `${TAX_EXEMPTION_INPUT} Absent keeps it; null clears it.` })
  taxExemption?: string | null;

  @Field(() => Int, { nullable: true })
  durationMinutes?: number | null;

  @Field(() => OdontogramScopeEnum, { nullable: true })
  odontogramScope?: OdontogramScope | null;

  @Field(() => Boolean, { nullable: true })
  shared?: boolean | null;
}
