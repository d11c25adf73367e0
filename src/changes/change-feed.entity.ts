import { EntitySchema } from 'typeorm';
import { createdAt, generatedId, organizationKey, updatedAt, uuidColumn } from '../db/columns';

/**
 * The tables of migration 0009, mapped for TypeORM's metadata (test/entities.test.ts checks them
 * against the database). Requests and the webhook worker read and write them through
 * CatalogEventRepository and WebhookRepository.
 */

/** One row of `catalog_events`: an append-only record of one change. */
export class CatalogEventRecord {
  organizationId: string;
  txId: string;
  seq: number;
  type: string;
  entityType: string;
  entityId: string;
  packageId: string | null;
  serviceId: string | null;
  version: number | null;
  occurredAt: Date;
  userId: string;
  tenantId: string;
  changes: unknown;
  clinicSharing: string;
  ownerTenantId: string | null;
  sharedBefore: boolean | null;
  sharedAfter: boolean | null;
  packageOwnerTenantId: string | null;
  packageShared: boolean | null;
  serviceOwnerTenantId: string | null;
  serviceShared: boolean | null;
  addedByTenantId: string | null;
  entrySights: unknown;
}

const nullableUuid = (name: string) => ({ type: 'uuid' as const, name, nullable: true });
const nullableBoolean = (name: string) => ({ type: 'boolean' as const, name, nullable: true });

export const CatalogEventEntity = new EntitySchema<CatalogEventRecord>({
  name: 'CatalogEventRecord',
  target: CatalogEventRecord,
  tableName: 'catalog_events',
  columns: {
    organizationId: organizationKey,
    txId: { type: 'bigint', name: 'tx_id', primary: true },
    seq: { type: 'integer', primary: true },
    type: { type: 'text' },
    entityType: { type: 'text', name: 'entity_type' },
    entityId: uuidColumn('entity_id'),
    packageId: nullableUuid('package_id'),
    serviceId: nullableUuid('service_id'),
    version: { type: 'integer', nullable: true },
    occurredAt: { type: 'timestamptz', name: 'occurred_at', default: () => 'now()' },
    userId: { type: 'text', name: 'user_id' },
    tenantId: uuidColumn('tenant_id'),
    changes: { type: 'jsonb' },
    clinicSharing: { type: 'text', name: 'clinic_sharing' },
    ownerTenantId: nullableUuid('owner_tenant_id'),
    sharedBefore: nullableBoolean('shared_before'),
    sharedAfter: nullableBoolean('shared_after'),
    packageOwnerTenantId: nullableUuid('package_owner_tenant_id'),
    packageShared: nullableBoolean('package_shared'),
    serviceOwnerTenantId: nullableUuid('service_owner_tenant_id'),
    serviceShared: nullableBoolean('service_shared'),
    addedByTenantId: nullableUuid('added_by_tenant_id'),
    entrySights: { type: 'jsonb', name: 'entry_sights', nullable: true },
  },
});

/** One row of `webhooks`, secret and feed position included. */
export class WebhookRecord {
  organizationId: string;
  id: string;
  tenantId: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  secret: string;
  active: boolean;
  feedTxId: string;
  feedSeq: number;
  startedSnapshot: string;
  createdAt: Date;
  updatedAt: Date;
}

export const WebhookEntity = new EntitySchema<WebhookRecord>({
  name: 'WebhookRecord',
  target: WebhookRecord,
  tableName: 'webhooks',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    tenantId: uuidColumn('tenant_id'),
    url: { type: 'text' },
    eventTypes: { type: 'text', name: 'event_types', array: true },
    description: { type: 'text', nullable: true },
    secret: { type: 'text' },
    active: { type: 'boolean', default: true },
    feedTxId: { type: 'bigint', name: 'feed_tx_id' },
    feedSeq: { type: 'integer', name: 'feed_seq' },
    startedSnapshot: { type: 'text', name: 'started_snapshot' },
    createdAt,
    updatedAt,
  },
});

/** One row of `webhook_deliveries`: one event to one webhook, with its lease. */
export class WebhookDeliveryRecord {
  organizationId: string;
  id: string;
  webhookId: string;
  eventTxId: string;
  eventSeq: number;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  lockedUntil: Date | null;
  lockedBy: string | null;
  createdAt: Date;
}

export const WebhookDeliveryEntity = new EntitySchema<WebhookDeliveryRecord>({
  name: 'WebhookDeliveryRecord',
  target: WebhookDeliveryRecord,
  tableName: 'webhook_deliveries',
  columns: {
    organizationId: organizationKey,
    id: generatedId,
    webhookId: uuidColumn('webhook_id'),
    eventTxId: { type: 'bigint', name: 'event_tx_id' },
    eventSeq: { type: 'integer', name: 'event_seq' },
    status: { type: 'text', default: 'PENDING' },
    attempts: { type: 'integer', default: 0 },
    lastStatusCode: { type: 'integer', name: 'last_status_code', nullable: true },
    lastError: { type: 'text', name: 'last_error', nullable: true },
    nextAttemptAt: { type: 'timestamptz', name: 'next_attempt_at', nullable: true, default: () => 'now()' },
    deliveredAt: { type: 'timestamptz', name: 'delivered_at', nullable: true },
    lockedUntil: { type: 'timestamptz', name: 'locked_until', nullable: true },
    lockedBy: { type: 'text', name: 'locked_by', nullable: true },
    createdAt,
  },
  // One delivery per webhook and event (ON CONFLICT on it).
  uniques: [
    {
      name: 'webhook_deliveries_organization_id_webhook_id_event_tx_id_e_key',
      columns: ['organizationId', 'webhookId', 'eventTxId', 'eventSeq'],
    },
  ],
});
