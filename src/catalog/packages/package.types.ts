import 'reflect-metadata';
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf, ENTITY_KEY, SortDirectionEnum, StatusFilterEnum, type SortDirection, type StatusFilter } from '../../graphql/common.types';
import { OriginEnum } from '../../tenancy/tenancy.types';
import type { Origin } from '../../tenancy/visibility';

export const PackageSortFieldEnum = { NAME: 'NAME', CREATED_AT: 'CREATED_AT', UPDATED_AT: 'UPDATED_AT' } as const;
export type PackageSortField = keyof typeof PackageSortFieldEnum;
registerEnumType(PackageSortFieldEnum, { name: 'PackageSortField' });

/** A service package (paquete de servicios); items, totals and the viewer's rights are resolved. */
@Directive(ENTITY_KEY)
@ObjectType({ simpleResolvers: true })
export class Package {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field()
  active: boolean;

  @Field()
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

/** One service inside a package, with its quantity and the tenant that added it. */
@Directive(ENTITY_KEY)
@ObjectType({ simpleResolvers: true })
export class PackageItem {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'Units of the service in the package (cantidad/unidades).' })
  quantity: number;

  packageId: string;
  serviceId: string;
  addedByTenantId: string;
}

@ObjectType({ simpleResolvers: true })
export class PackageEdge extends EdgeOf(Package) {}

@ObjectType({ simpleResolvers: true })
export class PackageConnection extends ConnectionOf(Package, PackageEdge) {}

@InputType()
export class PackageFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Case- and accent-insensitive substring of the name ("implante" finds "Implánte Completo").',
  })
  search?: string | null;

  @Field(() => StatusFilterEnum, { nullable: true, defaultValue: 'ALL' })
  status?: StatusFilter | null;

  @Field(() => [OriginEnum], { nullable: true })
  origin?: Origin[] | null;
}

@InputType()
export class PackageOrder {
  @Field(() => PackageSortFieldEnum, { defaultValue: 'NAME' })
  field: PackageSortField;

  @Field(() => SortDirectionEnum, { defaultValue: 'ASC' })
  direction: SortDirection;
}

@InputType()
export class PackageItemInput {
  @Field(() => ID)
  serviceId: string;

  @Field(() => Int, { defaultValue: 1, description: '1-999.' })
  quantity: number;
}

@InputType()
export class CreatePackageInput {
  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field({ defaultValue: true })
  shared: boolean;

  @Field(() => [PackageItemInput], { nullable: true, defaultValue: [] })
  items?: PackageItemInput[] | null;
}

@InputType()
export class UpdatePackageInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true })
  shared?: boolean | null;
}
