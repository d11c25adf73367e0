import 'reflect-metadata';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf } from '../graphql/common.types';

export const CATALOG_EVENT_TYPES = [
  'SERVICE_CREATED',
  'SERVICE_UPDATED',
  'SERVICE_DEACTIVATED',
  'SERVICE_REACTIVATED',
  'PACKAGE_CREATED',
  'PACKAGE_UPDATED',
  'PACKAGE_DEACTIVATED',
  'PACKAGE_REACTIVATED',
  'PACKAGE_ITEM_ADDED',
  'PACKAGE_ITEM_UPDATED',
  'PACKAGE_ITEM_REMOVED',
  'PRICE_LIST_CREATED',
  'PRICE_LIST_UPDATED',
  'PRICE_LIST_DEACTIVATED',
  'PRICE_LIST_REACTIVATED',
  'PRICE_LIST_ENTRIES_CHANGED',
  'CLINIC_SHARING_CHANGED',
] as const;
export type CatalogEventType = (typeof CATALOG_EVENT_TYPES)[number];
export const CatalogEventTypeEnum = Object.fromEntries(CATALOG_EVENT_TYPES.map((type) => [type, type])) as {
  [T in CatalogEventType]: T;
};
registerEnumType(CatalogEventTypeEnum, {
  name: 'CatalogEventType',
  description: 'What happened to a catalogue row. More types will come: clients must accept values they do not know.',
});

export const CatalogEntityTypeEnum = {
  SERVICE: 'SERVICE',
  PACKAGE: 'PACKAGE',
  PACKAGE_ITEM: 'PACKAGE_ITEM',
  PRICE_LIST: 'PRICE_LIST',
  ORGANIZATION: 'ORGANIZATION',
} as const;
export type CatalogEntityType = keyof typeof CatalogEntityTypeEnum;
registerEnumType(CatalogEntityTypeEnum, { name: 'CatalogEntityType', description: 'The kind of row a catalogue event is about.' });

@ObjectType({ simpleResolvers: true, description: "One field's value before and after, as JSON text (null for none)." })
export class FieldChange {
  @Field({ description: 'The GraphQL name of the field (`price`, `name`, `active`, `shared`, `quantity`, …); `price:<serviceId>[:<clinicId>]` for price list entries.' })
  field: string;

  @Field(() => String, { nullable: true, description: 'The value before the change as JSON text (`"120.00"`, `true`); null when there was none.' })
  before: string | null;

  @Field(() => String, { nullable: true, description: 'The value after the change as JSON text; null when there is none.' })
  after: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'An append-only record of one change, written in the same transaction as the change.' })
export class CatalogEvent {
  @Field(() => ID, { description: 'Opaque, unique, increasing in the order the feed delivers.' })
  id: string;

  @Field(() => CatalogEventTypeEnum)
  type: CatalogEventType;

  @Field({ description: "The change's time; it need not grow in feed order." })
  occurredAt: Date;

  @Field({ description: 'The user (token `sub`) who made the change.' })
  userId: string;

  @Field(() => CatalogEntityTypeEnum)
  entityType: CatalogEntityType;

  @Field(() => ID, { description: 'The id of the service, package, item, price list or organization.' })
  entityId: string;

  @Field(() => ID, { nullable: true, description: 'For PACKAGE_ITEM events: the package.' })
  packageId: string | null;

  @Field(() => ID, { nullable: true, description: "For PACKAGE_ITEM events: the item's service." })
  serviceId: string | null;

  @Field(() => Int, { nullable: true, description: "The entity's version after the change, where it has one (null for items)." })
  version: number | null;

  @Field(() => [FieldChange], { description: 'The fields that changed; for price list entries one change per entry, field "price:<serviceId>[:<clinicId>]".' })
  changes: FieldChange[];

  /** The tenant the user acted for (resolved as `tenant`). */
  tenantId: string;
}

@ObjectType('CatalogEventEdge', { simpleResolvers: true })
export class CatalogEventEdge extends EdgeOf(CatalogEvent) {}

@ObjectType('CatalogEventConnection', {
  simpleResolvers: true,
  description: 'A page of catalogue events. On `catalogChanges`, `pageInfo.endCursor` is never null and a page may be empty while `hasNextPage` is true.',
})
export class CatalogEventConnection extends ConnectionOf(CatalogEvent, CatalogEventEdge) {}
