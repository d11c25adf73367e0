import 'reflect-metadata';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf, EdgeOf } from '../graphql/common.types';
import { CatalogEvent, CatalogEventTypeEnum, type CatalogEventType } from './catalog-event.types';

export const WebhookDeliveryStatusEnum = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', FAILED: 'FAILED' } as const;
export type WebhookDeliveryStatus = keyof typeof WebhookDeliveryStatusEnum;
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: waiting for its turn, being sent, or waiting to be retried.' },
    DELIVERED: { description: 'The receiver answered 2xx in time.' },
    FAILED: { description: 'Every attempt failed (WEBHOOK_MAX_ATTEMPTS), or the webhook was deactivated before it went out.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A subscription of one tenant to catalogue events, delivered by HTTP POST (signed; see the README).' })
export class Webhook {
  @Field(() => ID, { description: 'Sent as `x-catalog-webhook-id`.' })
  id: string;

  @Field({ description: 'http or https; where each event is POSTed.' })
  url: string;

  @Field(() => [CatalogEventTypeEnum], { description: 'The event types delivered; empty: all.' })
  eventTypes: CatalogEventType[];

  @Field(() => String, { nullable: true, description: 'Free text for people, up to 2,000 characters.' })
  description: string | null;

  @Field({ description: 'Deactivated webhooks receive nothing and keep no backlog.' })
  active: boolean;

  @Field({ description: 'When it was registered: it receives the events committed after this.' })
  createdAt: Date;

  tenantId: string;
}

@ObjectType({ simpleResolvers: true, description: 'Returned once, when the webhook is created: the signing secret is never shown again.' })
export class CreatedWebhook {
  @Field(() => Webhook, { description: 'The webhook as registered.' })
  webhook: Webhook;

  @Field({ description: 'The HMAC-SHA256 key of `x-catalog-signature`; keep it: it is never shown again.' })
  secret: string;
}

@ObjectType({ simpleResolvers: true, description: 'One event sent to one webhook: its state and its last attempt.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Sent as `x-catalog-delivery-id`, the same on every attempt.' })
  id: string;

  @Field(() => CatalogEvent, { description: 'The event delivered, as the webhook\'s tenant sees it.' })
  event: CatalogEvent;

  @Field(() => WebhookDeliveryStatusEnum, { description: 'PENDING, DELIVERED or FAILED.' })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far (at most WEBHOOK_MAX_ATTEMPTS).' })
  attempts: number;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer, when there was one.' })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'What kind of failure the last attempt was (timeout, connection refused, HTTP status, redirect); never the receiver\'s body.' })
  lastError: string | null;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due, for a PENDING delivery.' })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the receiver answered 2xx.' })
  deliveredAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'One delivery of a page, with its cursor.' })
export class WebhookDeliveryEdge extends EdgeOf(WebhookDelivery) {}

@ObjectType({ simpleResolvers: true, description: "One page of a webhook's deliveries, newest first." })
export class WebhookDeliveryConnection extends ConnectionOf(WebhookDelivery, WebhookDeliveryEdge) {}

@InputType({ description: 'A new webhook: where to POST and which event types.' })
export class CreateWebhookInput {
  @Field({ description: 'http or https, without credentials, at most 2,048 characters. In production loopback, private and link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS=true.' })
  url: string;

  @Field(() => [CatalogEventTypeEnum], { nullable: true, defaultValue: [], description: 'Empty: all types.' })
  eventTypes?: CatalogEventType[] | null;

  @Field(() => String, { nullable: true, description: 'Up to 2,000 characters.' })
  description?: string | null;
}
