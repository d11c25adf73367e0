import 'reflect-metadata';
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf, ENTITY_KEY, SortDirectionEnum, StatusFilterEnum, type SortDirection, type StatusFilter } from '../../graphql/common.types';
import { DecimalScalar } from '../../graphql/scalars';
import { OdontogramScopeEnum, type OdontogramScope } from '../../pricing/odontogram-scope';
import { OriginEnum } from '../../tenancy/tenancy.types';
import type { Origin } from '../../tenancy/visibility';

const TAX_EXEMPTION =
  'Why the service carries no VAT, printed on budgets and invoices (e.g. "Exento de IVA, art. 20.Uno.5º Ley 37/1992"). Only with taxRate 0.';
const TAX_EXEMPTION_INPUT = 'Up to 200 characters, only with taxRate 0 (else BAD_USER_INPUT on taxExemption); blank means none.';

export const ServiceSortFieldEnum = { NAME: 'NAME', CODE: 'CODE', PRICE: 'PRICE', CREATED_AT: 'CREATED_AT' } as const;
export type ServiceSortField = keyof typeof ServiceSortFieldEnum;
registerEnumType(ServiceSortFieldEnum, {
  name: 'ServiceSortField',
  description: 'What the services list is sorted by (ties by id).',
  valuesConfig: {
    NAME: { description: 'The name, as the catalogue sorts text (case and accents ignored).' },
    CODE: { description: 'The code, as the catalogue sorts text; services without a code come first in ascending order.' },
    PRICE: { description: 'The base price, as a number.' },
    CREATED_AT: { description: 'When the service was created.' },
  },
});

/** A service (servicio) as stored; viewer-dependent fields (origin, owner, viewerCanEdit) are resolved. */
@Directive(ENTITY_KEY)
@ObjectType({
  simpleResolvers: true,
  description:
    'A service (servicio): a treatment or act with a price, VAT rate, duration, family and code. Owned by one tenant; seen by the viewer when it is its own, or shared by the central, or (with BETWEEN_CLINICS) shared by another clinic. Never deleted, only deactivated.',
})
export class Service {
  @Field(() => ID, { description: 'Unique id (a UUID).' })
  id: string;

  @Field(() => String, { nullable: true, description: 'Optional catalogue code, up to 32 characters, unique per owner tenant (case and accents ignored, ñ distinct from n).' })
  code: string | null;

  @Field({ description: 'The name, 1-120 characters, trimmed.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Free-text family (familia), e.g. "Implantología"; up to 80 characters.' })
  family: string | null;

  @Field(() => DecimalScalar, {
    description: "The base price of one unit, before tax, in the organization's currency: 0.00-999999.99.",
  })
  price: string;

  @Field(() => DecimalScalar, { description: 'VAT percentage, 0.00-100.00, e.g. "21.00" or "0.00".' })
  taxRate: string;

  @Field(() => String, { nullable: true, description: TAX_EXEMPTION })
  taxExemption: string | null;

  @Field(() => Int, { nullable: true, description: 'How long the service takes, in minutes (1-1440); null when not set.' })
  durationMinutes: number | null;

  @Field(() => OdontogramScopeEnum, { description: 'Where the service is charted in the odontogram, and so how plans expand it.' })
  odontogramScope: OdontogramScope;

  @Field({
    description:
      "False once deactivated (dado de baja): still listed, but it cannot be added to packages, and package items using it are left out of the package's totals, quotes and plans (each still shows its own line in `totals`).",
  })
  active: boolean;

  @Field({ description: 'Whether tenants other than the owner may see it (per the organization\'s sharing).' })
  shared: boolean;

  @Field(() => Int, {
    description:
      'Starts at 1; raised by 1 by each successful updateService, and by setServiceActive when it changes the state. Pass it as `expectedVersion` to refuse overwriting a change made meanwhile.',
  })
  version: number;

  @Field({ description: 'When the service was created.' })
  createdAt: Date;

  @Field({ description: 'When the service was last changed (created, updated, deactivated or reactivated).' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was deactivated; null while active.' })
  deactivatedAt: Date | null;

  ownerTenantId: string;
}

@ObjectType({ simpleResolvers: true, description: 'One service of a page of the services list, with its cursor.' })
export class ServiceEdge extends EdgeOf(Service) {}

@ObjectType({ simpleResolvers: true, description: 'One page of the services the viewer sees.' })
export class ServiceConnection extends ConnectionOf(Service, ServiceEdge) {}

@InputType({ description: 'Narrows the services list; the conditions given all apply.' })
export class ServiceFilter {
  @Field(() => [ID], {
    nullable: true,
    description:
      'Only these services (at most 100, BAD_USER_INPUT on `ids`); with the other filters, an intersection. Ids the viewer does not see, or that name no service, match nothing (as an empty list does); repeated ids count once.',
  })
  ids?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Case- and accent-insensitive substring of the name or code; up to 100 characters (BAD_USER_INPUT on `search`), trimmed, blank means no search.',
  })
  search?: string | null;

  @Field(() => StatusFilterEnum, { nullable: true, defaultValue: 'ALL', description: 'Active, deactivated or both.' })
  status?: StatusFilter | null;

  @Field(() => [OriginEnum], { nullable: true, description: 'Only services of these origins; an empty list matches nothing.' })
  origin?: Origin[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only services of this family, the whole name (case and accents ignored); up to 80 characters (BAD_USER_INPUT on `family`).',
  })
  family?: string | null;

  @Field(() => [OdontogramScopeEnum], { nullable: true, description: 'Only services charted with one of these scopes.' })
  odontogramScope?: OdontogramScope[] | null;
}

@InputType({ description: 'How the services list is sorted.' })
export class ServiceOrder {
  @Field(() => ServiceSortFieldEnum, { defaultValue: 'NAME', description: 'The sort key.' })
  field: ServiceSortField;

  @Field(() => SortDirectionEnum, { defaultValue: 'ASC', description: 'Ascending or descending.' })
  direction: SortDirection;
}

@InputType({ description: "A new service, owned by the viewer's tenant." })
export class CreateServiceInput {
  @Field(() => String, {
    nullable: true,
    description: 'Up to 32 characters, trimmed (blank: none); unique per tenant, case and accents ignored, ñ distinct from n (CONFLICT on `code`).',
  })
  code?: string | null;

  @Field({ description: '1-120 characters, trimmed.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Up to 80 characters, trimmed (blank: none).' })
  family?: string | null;

  @Field(() => DecimalScalar, { description: 'Base price before tax: 0.00-999999.99, at most two decimals.' })
  price: string;

  @Field(() => DecimalScalar, { defaultValue: '0.00', description: 'VAT percentage: 0.00-100.00, at most two decimals.' })
  taxRate: string;

  @Field(() => String, { nullable: true, description: TAX_EXEMPTION_INPUT })
  taxExemption?: string | null;

  @Field(() => Int, { nullable: true, description: 'Minutes, 1-1440.' })
  durationMinutes?: number | null;

  @Field(() => OdontogramScopeEnum, { defaultValue: 'NONE', description: 'Where it is charted in the odontogram.' })
  odontogramScope: OdontogramScope;

  @Field({ defaultValue: true, description: "Whether other tenants may see it (per the organization's sharing)." })
  shared: boolean;
}

@InputType({
  description:
    'Changes to a service: an absent field keeps its value; null clears code, family, durationMinutes and taxExemption, and keeps the others. Limits as in CreateServiceInput.',
})
export class UpdateServiceInput {
  @Field(() => String, { nullable: true, description: 'Up to 32 characters; null or blank removes the code (CONFLICT on `code` when taken).' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '1-120 characters; null keeps the name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 80 characters; null or blank removes the family.' })
  family?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: '0.00-999999.99, at most two decimals; null keeps the price.' })
  price?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: '0.00-100.00, at most two decimals; null keeps the rate.' })
  taxRate?: string | null;

  @Field(() => String, { nullable: true, description: `${TAX_EXEMPTION_INPUT} Absent keeps it; null clears it.` })
  taxExemption?: string | null;

  @Field(() => Int, { nullable: true, description: 'Minutes, 1-1440; null removes the duration.' })
  durationMinutes?: number | null;

  @Field(() => OdontogramScopeEnum, { nullable: true, description: 'Null keeps the scope.' })
  odontogramScope?: OdontogramScope | null;

  @Field(() => Boolean, { nullable: true, description: 'Null keeps it.' })
  shared?: boolean | null;
}
