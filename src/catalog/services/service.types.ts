import 'reflect-metadata';
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf, ENTITY_KEY, SortDirectionEnum, StatusFilterEnum, type SortDirection, type StatusFilter } from '../../graphql/common.types';
import { DecimalScalar } from '../../graphql/scalars';
import { OdontogramScopeEnum, type OdontogramScope } from '../../pricing/pricing.types';
import { OriginEnum } from '../../tenancy/tenancy.types';
import type { Origin } from '../../tenancy/visibility';

export const ServiceSortFieldEnum = { NAME: 'NAME', CODE: 'CODE', PRICE: 'PRICE', CREATED_AT: 'CREATED_AT' } as const;
export type ServiceSortField = keyof typeof ServiceSortFieldEnum;
registerEnumType(ServiceSortFieldEnum, { name: 'ServiceSortField' });

/** A service (servicio) as stored; viewer-dependent fields (origin, owner, viewerCanEdit) are resolved. */
@Directive(ENTITY_KEY)
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

  @Field(() => Int, { nullable: true })
  durationMinutes?: number | null;

  @Field(() => OdontogramScopeEnum, { nullable: true })
  odontogramScope?: OdontogramScope | null;

  @Field(() => Boolean, { nullable: true })
  shared?: boolean | null;
}
