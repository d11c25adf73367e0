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
const EVENT_TYPE_DESCRIPTIONS: Record<CatalogEventType, string> = {
  SERVICE_CREATED: 'A service was created; `changes` lists every field with a value.',
  SERVICE_UPDATED: 'Fields of a service changed; `changes` lists them.',
  SERVICE_DEACTIVATED: 'A service was deactivated (dado de baja); `changes` is exactly `active`.',
  SERVICE_REACTIVATED: 'A service was reactivated; `changes` is exactly `active`.',
  PACKAGE_CREATED: 'A package was created (its items follow as PACKAGE_ITEM_ADDED).',
  PACKAGE_UPDATED: 'The name, description or sharing of a package changed.',
  PACKAGE_DEACTIVATED: 'A package was deactivated; `changes` is exactly `active`.',
  PACKAGE_REACTIVATED: 'A package was reactivated; `changes` is exactly `active`.',
  PACKAGE_ITEM_ADDED: 'A service was added to a package: `service` and `quantity`.',
  PACKAGE_ITEM_UPDATED: "An item's `quantity` changed (also when a service already among the tenant's items is added again).",
  PACKAGE_ITEM_REMOVED: 'An item was removed: `service` and `quantity`, `after` null.',
  PRICE_LIST_CREATED: 'A price list was created.',
  PRICE_LIST_UPDATED: 'Fields of a price list changed.',
  PRICE_LIST_DEACTIVATED: 'A price list was deactivated; `changes` is exactly `active`.',
  PRICE_LIST_REACTIVATED: 'A price list was reactivated; `changes` is exactly `active`.',
  PRICE_LIST_ENTRIES_CHANGED: 'Entries of a price list were set or removed (one call or import): one change per entry, field `price:<serviceId>[:<clinicId>]`.',
  CLINIC_SHARING_CHANGED: "The organization's clinicSharing changed (seen by every tenant): read the catalogue again.",
};
registerEnumType(CatalogEventTypeEnum, {
  name: 'CatalogEventType',
  description: 'What happened to a catalogue row. More types will come: clients must accept values they do not know.',
  valuesConfig: Object.fromEntries(CATALOG_EVENT_TYPES.map((type) => [type, { description: EVENT_TYPE_DESCRIPTIONS[type] }])),
});

export const CatalogEntityTypeEnum = {
  SERVICE: 'SERVICE',
  PACKAGE: 'PACKAGE',
  PACKAGE_ITEM: 'PACKAGE_ITEM',
  PRICE_LIST: 'PRICE_LIST',
  ORGANIZATION: 'ORGANIZATION',
} as const;
export type CatalogEntityType = keyof typeof CatalogEntityTypeEnum;
registerEnumType(CatalogEntityTypeEnum, {
  name: 'CatalogEntityType',
  description: 'The kind of row a catalogue event is about.',
  valuesConfig: {
    SERVICE: { description: 'A service (servicio).' },
    PACKAGE: { description: 'A package (paquete); its own fields, not its items.' },
    PACKAGE_ITEM: { description: 'An item of a package (`packageId` and `serviceId` say which).' },
    PRICE_LIST: { description: 'A price list (tarifa) or its entries.' },
    ORGANIZATION: { description: 'The organization itself (its clinicSharing).' },
  },
});

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

  @Field(() => CatalogEventTypeEnum, { description: 'What happened.' })
  type: CatalogEventType;

  @Field({ description: "The change's time; it need not grow in feed order." })
  occurredAt: Date;

  @Field({ description: 'The user (token `sub`) who made the change.' })
  userId: string;

  @Field(() => CatalogEntityTypeEnum, { description: 'The kind of row `entityId` names.' })
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

@ObjectType('CatalogEventEdge', { simpleResolvers: true, description: 'One event of a page, with its cursor (its feed position).' })
export class CatalogEventEdge extends EdgeOf(CatalogEvent) {}

@ObjectType('CatalogEventConnection', {
  simpleResolvers: true,
  description: 'A page of catalogue events. On `catalogChanges`, `pageInfo.endCursor` is never null and a page may be empty while `hasNextPage` is true.',
})
export class CatalogEventConnection extends ConnectionOf(CatalogEvent, CatalogEventEdge) {}
