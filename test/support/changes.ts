import type { TestServer } from './harness';
import { withDatabase } from './db';

/** Reading the change feed and histories over HTTP. */

export const EVENT_FIELDS = 'id type userId tenant { id } entityType entityId packageId serviceId version occurredAt changes { field before after }';

export interface FeedPage {
  nodes: any[];
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string; startCursor: string | null; hasPreviousPage: boolean };
}

export async function feedPage(server: TestServer, token: string, after: string | null, first = 100, fields = EVENT_FIELDS): Promise<FeedPage> {
  const data = await server.ok(
    `query($after: String, $first: Int) { catalogChanges(after: $after, first: $first) {
       nodes { ${fields} } edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    { after, first },
    token,
  );
  return data.catalogChanges;
}

export async function feedHead(server: TestServer, token: string): Promise<string> {
  return (await server.ok('{ catalogChangesHead }', {}, token)).catalogChangesHead;
}

/** Every event after `after` until the feed has nothing new, and the cursor to continue from. */
export async function drainFeed(server: TestServer, token: string, after: string | null): Promise<{ events: any[]; cursor: string }> {
  await feedSettled();
  const events: any[] = [];
  let cursor = after;
  for (;;) {
    const page = await feedPage(server, token, cursor, 500);
    events.push(...page.nodes);
    cursor = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage) return { events, cursor: cursor! };
  }
}

/** A compact view of events for assertions: type, entity and changes. */
export function summary(events: any[]): { type: string; entityId: string; changes: any[] }[] {
  return events.map((event) => ({ type: event.type, entityId: event.entityId, changes: event.changes }));
}

export async function history(server: TestServer, token: string, kind: 'service' | 'package', id: string, first = 20, after: string | null = null): Promise<any> {
  const data = await server.ok(
    `query($id: ID!, $first: Int, $after: String) { ${kind}(id: $id) { history(first: $first, after: $after) {
       nodes { ${EVENT_FIELDS} } edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
    { id, first, after },
    token,
  );
  return data[kind].history;
}

/**
 * Waits until every transaction that committed before this call is below the feed's horizon (the
 * oldest transaction still running in the cluster, which other sessions may hold back a moment).
 */
export async function feedSettled(timeoutMs = 30_000): Promise<void> {
  await withDatabase(async (client) => {
    const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows: passed } = await client.query<{ passed: boolean }>('SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS passed', [rows[0].xid]);
      if (passed[0].passed) return;
      if (Date.now() > deadline) throw new Error('the feed horizon did not pass: a transaction stayed open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
}
