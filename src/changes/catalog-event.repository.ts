import type { RequestTransaction } from '../request/request-transaction';
import type { TenantScope } from '../tenancy/viewer';
import { entriesSeen, eventSight, type RecordedEntrySight, type RecordedSight } from '../tenancy/visibility';
import { CatalogEvent, FieldChange, type CatalogEntityType, type CatalogEventType } from './catalog-event.types';

/**
 * The one door to catalog_events (migration 0009): appends a call's events, and reads windows of
 * the feed or of a row's history with only what the viewer may see of each event.
 */

/** An event's place in the feed: the writing transaction's id (pg_current_xact_id(), as decimal text) and its order in it. */
export interface FeedPosition {
  txId: string;
  seq: number;
}

/** Rows read per history page: a page may come back short (with hasNextPage) when they are hidden from the viewer. */
export const HISTORY_SCAN = 200;

/** The channel NOTIFY wakes the webhook workers on. */
export const EVENTS_CHANNEL = 'catalog_events';

/** Before every event. */
export const FEED_START: FeedPosition = { txId: '0', seq: 0 };

/** An event to append: what happened, and what visibility will need to know of the row then. */
export interface NewCatalogEvent extends Omit<RecordedSight, 'clinicSharing' | 'entityType'> {
  type: CatalogEventType;
  entityType: CatalogEntityType;
  entityId: string;
  packageId: string | null;
  serviceId: string | null;
  version: number | null;
  changes: FieldChange[];
  /** PRICE_LIST_ENTRIES_CHANGED: one per change, in order. */
  entrySights?: RecordedEntrySight[];
}

/** A page of one row's history: the row, whether its package's item events belong to it, and where the previous page ended. */
export interface HistoryRequest {
  entityId: string;
  withItems: boolean;
  before: FeedPosition | null;
}

/** An event as the viewer may see it, with its feed position. */
export interface SeenEvent {
  position: FeedPosition;
  event: CatalogEvent;
}

/** A scanned stretch of events: the ones the viewer sees, how many rows were read and where the scan ended. */
export interface EventWindow {
  events: SeenEvent[];
  /** Positions of every row read, in reading order (for cursors that must move past hidden events). */
  scanned: FeedPosition[];
}

export const EVENT_COLUMNS = `e.tx_id::text AS tx_id, e.seq, e.type, e.entity_type, e.entity_id, e.package_id, e.service_id, e.version,
  e.occurred_at, e.user_id, e.tenant_id, e.changes, e.clinic_sharing, e.owner_tenant_id, e.shared_before, e.shared_after,
  e.package_owner_tenant_id, e.package_shared, e.service_owner_tenant_id, e.service_shared, e.added_by_tenant_id, e.entry_sights`;

/** The event id: its feed position in fixed-width hex, so ids sort as the feed delivers them. */
export function eventId(position: FeedPosition): string {
  return BigInt(position.txId).toString(16).padStart(16, '0') + position.seq.toString(16).padStart(8, '0');
}

/** The feed position an event id names, or null when it names none. */
export function positionOfEventId(id: string): FeedPosition | null {
  if (!/^[0-9a-f]{24}$/.test(id)) return null;
  return { txId: BigInt(`0x${id.slice(0, 16)}`).toString(), seq: parseInt(id.slice(16), 16) };
}

export function toSeenEvent(scope: TenantScope, row: Record<string, unknown>): SeenEvent | null {
  const recorded: RecordedSight = {
    entityType: row.entity_type as string,
    clinicSharing: row.clinic_sharing as RecordedSight['clinicSharing'],
    ownerTenantId: row.owner_tenant_id as string | null,
    sharedBefore: row.shared_before as boolean | null,
    sharedAfter: row.shared_after as boolean | null,
    packageOwnerTenantId: row.package_owner_tenant_id as string | null,
    packageShared: row.package_shared as boolean | null,
    serviceOwnerTenantId: row.service_owner_tenant_id as string | null,
    serviceShared: row.service_shared as boolean | null,
    addedByTenantId: row.added_by_tenant_id as string | null,
  };
  const sight = eventSight(scope, recorded);
  if (sight === 'NONE') return null;
  const position = { txId: row.tx_id as string, seq: row.seq as number };
  let changes = (row.changes as FieldChange[]).map((change) => Object.assign(new FieldChange(), change));
  if (row.entry_sights) {
    // Price list entries one by one: an event left with no entry the viewer sees is hidden.
    const seen = entriesSeen(scope, recorded, row.entry_sights as RecordedEntrySight[]);
    changes = changes.filter((_, index) => seen[index]);
    if (changes.length === 0) return null;
  }
  const event = Object.assign(new CatalogEvent(), {
    id: eventId(position),
    type: row.type as CatalogEventType,
    occurredAt: row.occurred_at as Date,
    userId: row.user_id as string,
    tenantId: row.tenant_id as string,
    entityType: row.entity_type as CatalogEntityType,
    entityId: row.entity_id as string,
    packageId: row.package_id as string | null,
    serviceId: row.service_id as string | null,
    version: row.version as number | null,
    // A viewer that saw the row only before the change learns that it went away, nothing more.
    changes: sight === 'FULL' ? changes : changes.filter((change) => change.field === 'shared'),
  });
  return { position, event };
}

export class CatalogEventRepository {
  constructor(
    private readonly tx: RequestTransaction,
    private readonly scope: TenantScope,
  ) {}

  /**
   * Appends the events of one change, in order, in the caller's transaction (one statement). The
   * sharing mode is read as the change commits with it; `seq` continues the transaction's own count.
   */
  async append(userId: string, events: NewCatalogEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.tx.query(
      `WITH appended AS (
         INSERT INTO catalog_events (organization_id, tx_id, seq, type, entity_type, entity_id, package_id, service_id, version, user_id,
                tenant_id, changes, clinic_sharing, owner_tenant_id, shared_before, shared_after, package_owner_tenant_id,
                package_shared, service_owner_tenant_id, service_shared, added_by_tenant_id, entry_sights)
         SELECT $1, pg_current_xact_id()::text::bigint, last.seq + a.ord, e->>'type', e->>'entityType', (e->>'entityId')::uuid, (e->>'packageId')::uuid,
                (e->>'serviceId')::uuid, (e->>'version')::int, $2, $3, e->'changes', o.clinic_sharing, (e->>'ownerTenantId')::uuid,
                (e->>'sharedBefore')::boolean, (e->>'sharedAfter')::boolean, (e->>'packageOwnerTenantId')::uuid,
                (e->>'packageShared')::boolean, (e->>'serviceOwnerTenantId')::uuid, (e->>'serviceShared')::boolean,
                (e->>'addedByTenantId')::uuid, e->'entrySights'
           FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS a(e, ord)
          CROSS JOIN (SELECT clinic_sharing FROM organizations WHERE id = $1) o
          CROSS JOIN (SELECT coalesce(max(seq), 0) AS seq FROM catalog_events
                       WHERE organization_id = $1 AND tx_id = pg_current_xact_id()::text::bigint) last
          ORDER BY a.ord
         RETURNING 1
       )
       -- Wakes the webhook workers at commit, only where a webhook listens.
       SELECT pg_notify('${EVENTS_CHANNEL}', '')
        WHERE EXISTS (SELECT 1 FROM appended) AND EXISTS (SELECT 1 FROM webhooks w WHERE w.organization_id = $1 AND w.active)`,
      [this.scope.organizationId, userId, this.scope.tenantId, JSON.stringify(events)],
    );
  }

  /**
   * Up to `limit` events after `after`, oldest first, among those no running transaction can
   * precede any more (below the snapshot's xmin). Also tells whether `after` lies beyond anything
   * this database has handed out (a forged position).
   */
  async feedWindow(after: FeedPosition, limit: number): Promise<EventWindow & { horizon: FeedPosition; afterIsFuture: boolean }> {
    const rows = await this.tx.query(
      `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,
                               pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax)
       SELECT h.xmin::text AS horizon, $2::bigint > h.xmax AS after_is_future, e.*
         FROM horizon h
         LEFT JOIN LATERAL (
           SELECT ${EVENT_COLUMNS} FROM catalog_events e
            WHERE e.organization_id = $1 AND (e.tx_id, e.seq) > ($2::bigint, $3::int) AND e.tx_id < h.xmin
            ORDER BY e.tx_id, e.seq LIMIT $4
         ) e ON true`,
      [this.scope.organizationId, after.txId, after.seq, limit],
    );
    const [first] = rows;
    const window = this.toWindow(rows.filter((row) => row.tx_id !== null));
    return { ...window, horizon: { txId: first.horizon as string, seq: 0 }, afterIsFuture: first.after_is_future as boolean };
  }

  /** The position before which every event is already final: where "now" starts. */
  async horizon(): Promise<FeedPosition> {
    const [row] = await this.tx.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
    return { txId: row.xmin, seq: 0 };
  }

  /**
   * Up to `limit` events of one row, newest first, before `before` (null: from the newest); with
   * `withItems`, a package's item events too.
   */
  /**
   * The newest events of several rows' histories, one window per request in order, in one
   * statement however many rows ask (a page of packages each showing its history). A package's
   * history includes its items' events.
   */
  async historyWindows(requests: readonly HistoryRequest[], limit: number): Promise<EventWindow[]> {
    const part = (condition: string) =>
      `(SELECT ${EVENT_COLUMNS} FROM catalog_events e
         WHERE e.organization_id = $1 AND ${condition} AND (e.tx_id, e.seq) < (k.before_tx, k.before_seq)
         ORDER BY e.tx_id DESC, e.seq DESC LIMIT $6)`;
    const sql = `SELECT k.ord, e.* FROM unnest($2::uuid[], $3::boolean[], $4::bigint[], $5::int[]) WITH ORDINALITY k(entity_id, with_items, before_tx, before_seq, ord)
      CROSS JOIN LATERAL (
        SELECT * FROM (${part('e.entity_id = k.entity_id')} UNION ALL ${part("k.with_items AND e.package_id = k.entity_id AND e.entity_type = 'PACKAGE_ITEM'")}) e
         ORDER BY e.tx_id::bigint DESC, e.seq DESC LIMIT $6) e
      ORDER BY k.ord, e.tx_id::bigint DESC, e.seq DESC`;
    // No cursor: before every event (a transaction id never reaches the bigint maximum).
    const before = requests.map((request) => request.before ?? { txId: '9223372036854775807', seq: 0 });
    const rows = await this.tx.query<Record<string, unknown> & { ord: string }>(sql, [
      this.scope.organizationId,
      requests.map((request) => request.entityId),
      requests.map((request) => request.withItems),
      before.map((position) => position.txId),
      before.map((position) => position.seq),
      limit,
    ]);
    const byRequest = requests.map(() => [] as Record<string, unknown>[]);
    for (const row of rows) byRequest[Number(row.ord) - 1].push(row);
    return byRequest.map((requestRows) => this.toWindow(requestRows));
  }

  private toWindow(rows: Record<string, unknown>[]): EventWindow {
    const events: SeenEvent[] = [];
    for (const row of rows) {
      const seen = toSeenEvent(this.scope, row);
      if (seen) events.push(seen);
    }
    return { events, scanned: rows.map((row) => ({ txId: row.tx_id as string, seq: row.seq as number })) };
  }
}
