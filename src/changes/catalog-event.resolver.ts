import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Package } from '../catalog/packages/package.types';
import { Service } from '../catalog/services/service.types';
import { PriceList } from '../pricing/price-list.types';
import { BadUserInputError } from '../errors';
import type { RequestContext } from '../request/context';
import { Tenant } from '../tenancy/tenancy.types';
import { requireTenant } from '../tenancy/viewer';
import { integerInRange } from '../validation';
import { FEED_START, HISTORY_SCAN, type EventWindow, type FeedPosition } from './catalog-event.repository';
import { CatalogEvent, CatalogEventConnection } from './catalog-event.types';
import { decodeCursor, encodeCursor } from './feed-cursor';

/** Rows read per feed page: a page may come back empty (with hasNextPage) when they are all hidden from the viewer. */
export const FEED_SCAN = 1000;

/**
 * The page of a scanned window: up to `first` events the viewer sees, in reading order. The end
 * cursor is the position scanned up to, so hidden events are passed over for good.
 */
function eventPage(
  window: EventWindow,
  first: number,
  scanLimit: number,
  after: { given: boolean; position: FeedPosition | null },
  cursor: (position: FeedPosition) => string,
) {
  const seen = new Map(window.events.map((seenEvent) => [`${seenEvent.position.txId}.${seenEvent.position.seq}`, seenEvent.event]));
  const edges: { cursor: string; node: CatalogEvent }[] = [];
  let end = after.position;
  let read = 0;
  for (const position of window.scanned) {
    if (edges.length === first) break;
    read += 1;
    end = position;
    const event = seen.get(`${position.txId}.${position.seq}`);
    if (event) edges.push({ cursor: cursor(position), node: event });
  }
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: read < window.scanned.length || window.scanned.length === scanLimit,
      hasPreviousPage: after.given,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: end ? cursor(end) : null,
    },
  };
}

/** A row's history, newest first; a package's includes the item events the viewer may see. */
async function history(ctx: RequestContext, entityId: string, withItems: boolean, first: number | null | undefined, after: string | null | undefined) {
  const size = integerInRange('first', first ?? 20, 1, 100);
  const before = after ? decodeCursor(after, 'history', entityId) : null;
  const window = await ctx.loaders.history.load({ entityId, withItems, before });
  return eventPage(window, size, HISTORY_SCAN, { given: before !== null, position: before }, (position) => encodeCursor('history', entityId, position));
}

const HISTORY_DESCRIPTION = 'Newest first: who changed what, and when. `first` is 1-100.';
const HISTORY_FIRST = 'Page size, 1-100 (BAD_USER_INPUT on `first`).';
const HISTORY_AFTER = 'An edge cursor or `endCursor` of this history; any other is BAD_USER_INPUT on `after`.';

@Resolver(() => Service)
export class ServiceHistoryResolver {
  @FieldResolver(() => CatalogEventConnection, { description: HISTORY_DESCRIPTION })
  history(
    @Root() service: Service,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: HISTORY_FIRST }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: HISTORY_AFTER }) after?: string | null,
  ): Promise<CatalogEventConnection> {
    return history(ctx, service.id, false, first, after);
  }
}

@Resolver(() => Package)
export class PackageHistoryResolver {
  @FieldResolver(() => CatalogEventConnection, { description: 'Newest first; item changes the viewer may see are part of it. `first` is 1-100.' })
  history(
    @Root() pkg: Package,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: HISTORY_FIRST }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: HISTORY_AFTER }) after?: string | null,
  ): Promise<CatalogEventConnection> {
    return history(ctx, pkg.id, true, first, after);
  }
}

@Resolver(() => PriceList)
export class PriceListHistoryResolver {
  @FieldResolver(() => CatalogEventConnection, { description: 'Newest first: the list\'s own changes and its entries\' (those the viewer sees). `first` is 1-100.' })
  history(
    @Root() list: PriceList,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: HISTORY_FIRST }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: HISTORY_AFTER }) after?: string | null,
  ): Promise<CatalogEventConnection> {
    return history(ctx, list.id, false, first, after);
  }
}

@Resolver(() => CatalogEvent)
export class CatalogEventResolver {
  @Query(() => CatalogEventConnection, {
    description:
      'The events of the organization the viewer may see (decided by the time each happened), oldest first. Polling with `after: endCursor` never misses an event and never repeats one, even when transactions commit out of order. `first` is 1-500; `endCursor` is never null; a page may be empty while `hasNextPage` is true. A cursor of another list or organization is BAD_USER_INPUT on `after`.',
  })
  async catalogChanges(
    @Ctx() ctx: RequestContext,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The `endCursor` (or an edge cursor, or `catalogChangesHead`) this feed returned; null: from the first event. Another list\'s or organization\'s is BAD_USER_INPUT on `after`.',
    })
    after?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: 'Page size, 1-500 (BAD_USER_INPUT on `first`).' }) first?: number | null,
  ): Promise<CatalogEventConnection> {
    const scope = requireTenant(ctx.viewer);
    const size = integerInRange('first', first ?? 100, 1, 500);
    const from = after ? decodeCursor(after, 'catalogChanges', scope.organizationId) : FEED_START;
    const window = await ctx.repositories.events.feedWindow(from, FEED_SCAN);
    if (window.afterIsFuture) throw new BadUserInputError('after', 'after names a position this feed has not reached; use a cursor it returned');
    const cursor = (position: FeedPosition) => encodeCursor('catalogChanges', scope.organizationId, position);
    return eventPage(window, size, FEED_SCAN, { given: Boolean(after), position: from }, cursor);
  }

  @Query(() => String, { description: 'The cursor of "now": pass it as `after` to follow the feed from here on, without the past.' })
  async catalogChangesHead(@Ctx() ctx: RequestContext): Promise<string> {
    const scope = requireTenant(ctx.viewer);
    return encodeCursor('catalogChanges', scope.organizationId, await ctx.repositories.events.horizon());
  }

  @FieldResolver(() => Tenant, { description: 'The tenant the user acted for.' })
  tenant(@Root() event: CatalogEvent, @Ctx() ctx: RequestContext): Tenant | Promise<Tenant> {
    return ctx.loaders.tenantOf(event.tenantId) as Tenant | Promise<Tenant>;
  }
}
