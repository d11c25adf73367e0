import 'reflect-metadata';
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf, ENTITY_KEY, SortDirectionEnum, StatusFilterEnum, type SortDirection, type StatusFilter } from '../../graphql/common.types';
import { OriginEnum, Tenant } from '../../tenancy/tenancy.types';
import { Service } from '../services/service.types';
import type { Origin } from '../../tenancy/visibility';

export const PackageSortFieldEnum = { NAME: 'NAME', CREATED_AT: 'CREATED_AT', UPDATED_AT: 'UPDATED_AT' } as const;
export type PackageSortField = keyof typeof PackageSortFieldEnum;
registerEnumType(PackageSortFieldEnum, {
  name: 'PackageSortField',
  description: 'What the packages list is sorted by (ties by id).',
  valuesConfig: {
    NAME: { description: 'The name, as the catalogue sorts text (case and accents ignored).' },
    CREATED_AT: { description: 'When the package was created.' },
    UPDATED_AT: { description: 'When the package or its items last changed.' },
  },
});

/** A service package (paquete de servicios); items, totals and the viewer's rights are resolved. */
@Directive(ENTITY_KEY)
@ObjectType({
  simpleResolvers: true,
  description:
    'A service package (paquete de servicios): a named bundle of services, each with a quantity. Owned by one tenant and seen like a service (own, shared by the central, or with BETWEEN_CLINICS shared by another clinic); clinics may add their own items to their central\'s packages. Never deleted, only deactivated.',
})
export class Package {
  @Field(() => ID, { description: 'Unique id (a UUID).' })
  id: string;

  @Field({ description: 'The name, 1-120 characters, trimmed; unique per owner tenant as the list sorts names (case and accents ignored, ñ distinct from n).' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Free text, up to 2,000 characters; null when none.' })
  description: string | null;

  @Field({ description: 'False once deactivated (dado de baja). Its owner may still edit it; clinics cannot add items to a deactivated central package.' })
  active: boolean;

  @Field({ description: "Whether tenants other than the owner may see it (per the organization's sharing)." })
  shared: boolean;

  @Field(() => Int, {
    description:
      "Starts at 1; raised by 1 by each successful updatePackage, and by setPackageActive when it changes the state. Changes to the items do not raise it (they move `updatedAt`). Pass it as `expectedVersion` to refuse overwriting a change made meanwhile.",
  })
  version: number;

  @Field({ description: 'When the package was created.' })
  createdAt: Date;

  @Field({ description: 'When the package or its items last changed.' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was deactivated; null while active.' })
  deactivatedAt: Date | null;

  ownerTenantId: string;
}

/** One service inside a package, with its quantity and the tenant that added it (table `package_items`). */
export class PackageItem {
  id: string;
  quantity: number;
  packageId: string;
  serviceId: string;
  addedByTenantId: string;
}

/**
 * An item as a viewer sees it, the GraphQL type `PackageItem`: its service, the tenant that added it
 * and its origin are read when the item is (`packageItemViews`), so they are plain fields, not
 * resolvers called per item (three resolver calls per item were a tenth of a package page's CPU).
 */
@Directive(ENTITY_KEY)
@ObjectType('PackageItem', {
  simpleResolvers: true,
  description:
    "One service inside a package, with its quantity and the tenant that added it. Seen when the viewer sees the package and the service, and the item was added by the viewer's tenant or the package's owner (or any tenant, with BETWEEN_CLINICS).",
})
export class PackageItemView {
  @Field(() => ID, { description: 'Unique id (a UUID).' })
  readonly id: string;

  @Field(() => Int, { description: 'Units of the service in the package (cantidad/unidades), 1-999.' })
  readonly quantity: number;

  @Field(() => Service, { description: 'The service, which may since have been deactivated.' })
  readonly service: Service;

  @Field(() => Tenant, { description: 'The tenant that added this item to the package.' })
  readonly addedBy: Tenant;

  @Field(() => OriginEnum, { description: "OWN for items the viewer's tenant added; CENTRAL or OTHER_CLINIC otherwise." })
  readonly origin: Origin;

  constructor(
    /** The item as stored, for what is resolved from it (totals, counted, rights). */
    readonly item: PackageItem,
    service: Service,
    addedBy: Tenant,
    origin: Origin,
  ) {
    this.id = item.id;
    this.quantity = item.quantity;
    this.service = service;
    this.addedBy = addedBy;
    this.origin = origin;
  }
}

@ObjectType({ simpleResolvers: true, description: 'One package of a page of the packages list, with its cursor.' })
export class PackageEdge extends EdgeOf(Package) {}

@ObjectType({ simpleResolvers: true, description: 'One page of the packages the viewer sees.' })
export class PackageConnection extends ConnectionOf(Package, PackageEdge) {}

@InputType({ description: 'Narrows the packages list (the Paquetes table); the conditions given all apply.' })
export class PackageFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'Case- and accent-insensitive substring of the name ("implante" finds "Implánte Completo"); up to 100 characters (BAD_USER_INPUT on `search`), trimmed, blank means no search.',
  })
  search?: string | null;

  @Field(() => StatusFilterEnum, { nullable: true, defaultValue: 'ALL', description: 'Active, deactivated or both.' })
  status?: StatusFilter | null;

  @Field(() => [OriginEnum], { nullable: true, description: 'Only packages of these origins; an empty list matches nothing.' })
  origin?: Origin[] | null;
}

@InputType({ description: 'How the packages list is sorted.' })
export class PackageOrder {
  @Field(() => PackageSortFieldEnum, { defaultValue: 'NAME', description: 'The sort key.' })
  field: PackageSortField;

  @Field(() => SortDirectionEnum, { defaultValue: 'ASC', description: 'Ascending or descending.' })
  direction: SortDirection;
}

@InputType({ description: "A service to add to a package as one of the viewer's own items." })
export class PackageItemInput {
  @Field(() => ID, {
    description:
      'A service the viewer sees (else NOT_FOUND on `items[i].serviceId`) and active (else BAD_USER_INPUT on `items[i].serviceId`). The same service twice in one call makes one item with the quantities added.',
  })
  serviceId: string;

  @Field(() => Int, {
    defaultValue: 1,
    description:
      "Units, 1-999 (BAD_USER_INPUT on `items[i].quantity`); also when added to the same service given earlier in the call or already among the viewer's items of the package.",
  })
  quantity: number;
}

@InputType({ description: "A new package, owned by the viewer's tenant." })
export class CreatePackageInput {
  @Field({ description: '1-120 characters, trimmed; unique per tenant as the list sorts names: case and accents ignored, ñ distinct from n (CONFLICT on `name`).' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Up to 2,000 characters, trimmed (blank: none).' })
  description?: string | null;

  @Field({ defaultValue: true, description: "Whether other tenants may see it (per the organization's sharing)." })
  shared: boolean;

  @Field(() => [PackageItemInput], {
    nullable: true,
    defaultValue: [],
    description: "Its first items, the viewer's own; at most 200 (BAD_USER_INPUT on `items`).",
  })
  items?: PackageItemInput[] | null;
}

@InputType({ description: 'Changes to a package: an absent field keeps its value. Limits as in CreatePackageInput.' })
export class UpdatePackageInput {
  @Field(() => String, { nullable: true, description: '1-120 characters; null keeps the name (CONFLICT on `name` when taken).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 2,000 characters; null or blank removes the description.' })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Null keeps it.' })
  shared?: boolean | null;
}
