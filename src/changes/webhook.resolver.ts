import { randomBytes } from 'node:crypto';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { isUuid } from '../auth/token';
import { NotFoundError } from '../errors';
import { Atomic } from '../graphql/atomic';
import type { Gate } from '../graphql/auth-checker';
import type { RequestContext } from '../request/context';
import { requireTenantAdmin } from '../tenancy/viewer';
import { integerInRange, optionalText } from '../validation';
import { decodeCursor, encodeCursor } from './feed-cursor';
import { WebhookRepository } from './webhook.repository';
import { CreatedWebhook, CreateWebhookInput, Webhook, WebhookDeliveryConnection } from './webhook.types';
import { checkUrl, webhookUrl } from './webhook-url';

/** Webhooks belong to a tenant and are managed by its administrators (STAFF: FORBIDDEN). */
function webhooks(ctx: RequestContext): WebhookRepository {
  return new WebhookRepository(ctx.tx, requireTenantAdmin(ctx.viewer));
}

/** One of the viewer tenant's webhooks, locked; any other is NOT_FOUND. */
async function ownWebhook(ctx: RequestContext, id: string): Promise<Webhook> {
  const webhook = isUuid(id) ? await webhooks(ctx).lockOwn(id) : null;
  if (!webhook) throw new NotFoundError('Webhook', 'id');
  return webhook;
}

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], { description: "The viewer tenant's webhooks, oldest first (ADMIN; STAFF gets FORBIDDEN)." })
  webhooks(@Ctx() ctx: RequestContext): Promise<Webhook[]> {
    return webhooks(ctx).listOwn();
  }

  @Mutation(() => CreatedWebhook, {
    description:
      "ADMIN of a tenant (FORBIDDEN otherwise); the secret is returned once. The webhook receives the events its tenant sees that commit after its creation. BAD_USER_INPUT on `url` (not http/https, credentials, private address in production) or `description`.",
  })
  @Authorized<Gate>('TENANT_ADMIN')
  @UseMiddleware(Atomic)
  async createWebhook(@Arg('input', () => CreateWebhookInput, { description: 'The URL, the event types and a description.' }) input: CreateWebhookInput, @Ctx() ctx: RequestContext): Promise<CreatedWebhook> {
    const repository = webhooks(ctx);
    const url = webhookUrl(input.url);
    const { production, webhooks: settings } = ctx.config;
    await checkUrl(url, { refusePrivate: production && !settings.allowPrivateUrls });
    const secret = `whsec_${randomBytes(32).toString('hex')}`;
    const webhook = await repository.create({
      url: url.href,
      eventTypes: [...new Set(input.eventTypes ?? [])],
      description: optionalText('description', input.description, 2000, 'lines'),
      secret,
    });
    return Object.assign(new CreatedWebhook(), { webhook, secret });
  }

  @Mutation(() => Webhook, {
    description: 'ADMIN of the webhook\'s tenant; NOT_FOUND for another tenant\'s. Deactivating drops its backlog (pending deliveries end FAILED); reactivating delivers what commits from then on.',
  })
  @Authorized<Gate>('TENANT_ADMIN')
  @UseMiddleware(Atomic)
  async setWebhookActive(
    @Arg('id', () => ID, { description: "One of the viewer tenant's webhooks." }) id: string,
    @Arg('active', { description: 'false: stop and drop the backlog; true: deliver from now on.' }) active: boolean, @Ctx() ctx: RequestContext): Promise<Webhook> {
    const webhook = await ownWebhook(ctx, id);
    return webhook.active === active ? webhook : webhooks(ctx).setActive(webhook.id, active);
  }

  @Mutation(() => Boolean, { description: "Deleted with its delivery log. ADMIN of the webhook's tenant; NOT_FOUND for another tenant's." })
  @Authorized<Gate>('TENANT_ADMIN')
  @UseMiddleware(Atomic)
  async deleteWebhook(@Arg('id', () => ID, { description: "One of the viewer tenant's webhooks." }) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    const webhook = await ownWebhook(ctx, id);
    await webhooks(ctx).delete(webhook.id);
    return true;
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Newest first (by the event\'s feed position). `first` is 1-100.' })
  async deliveries(
    @Root() webhook: Webhook,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1-100 (BAD_USER_INPUT on `first`).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The `endCursor` of the previous page; any other is BAD_USER_INPUT on `after`.' }) after?: string | null,
  ): Promise<WebhookDeliveryConnection> {
    const size = integerInRange('first', first ?? 20, 1, 100);
    const before = after ? decodeCursor(after, 'deliveries', webhook.id) : null;
    const rows = await webhooks(ctx).deliveries(webhook.id, before, size + 1);
    const edges = rows.slice(0, size).map(({ position, delivery }) => ({ cursor: encodeCursor('deliveries', webhook.id, position), node: delivery }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: before !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }
}
