import http from 'node:http';
import { Pool } from 'pg';
import { verifyBearer } from '../src/auth/token';
import { APP_ROLE } from '../src/request/request-transaction';
import { DEFAULT_TIME_ZONE } from '../src/pricing/price-source';
import type { TenantScope } from '../src/tenancy/viewer';
import { SqlParams, visibleItemSql, visibleRowSql } from '../src/tenancy/visibility';

/**
 * The benchmark's floor: what the package table (L20, see bench/operations.ts) costs with nothing
 * but `node:http`, `pg` and one hand-written statement that builds the whole JSON answer in
 * PostgreSQL. It runs in the same kind of transaction as the API (the application role, the same
 * limits, the organization set for Row Level Security), verifies the same bearer token and
 * resolves the tenant the same way, and reads the same tables and indexes (the count from
 * package_counts), so the ratio of the API to it is the price of everything else: GraphQL
 * parsing and validation, resolvers, loaders, several statements, serialisation.
 *
 * Env: DATABASE_URL, PORT, JWT_SECRET, DB_POOL_MAX. Any POST gets the first `FLOOR_PAGE` packages.
 */

const FLOOR_PAGE = 20;

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
const settings = { jwtSecret: process.env.JWT_SECRET ?? '' };

const BEGIN =
  `BEGIN; SELECT set_config('role', '${APP_ROLE}', true), set_config('statement_timeout', '5000', true),` +
  ` set_config('idle_in_transaction_session_timeout', '5000', true), set_config('app.platform', 'on', true)`;

const ENTER = `SELECT t.id, t.name, t.kind, t.organization_id, o.currency, o.clinic_sharing, c.id AS central_id,
       set_config('app.organization_id', t.organization_id::text, true), set_config('app.platform', 'off', true)
  FROM tenants t
  JOIN organizations o ON o.id = t.organization_id
  LEFT JOIN tenants c ON c.organization_id = t.organization_id AND c.kind = 'CENTRAL'
 WHERE t.id = $1`;

/** The L20 answer as GraphQL would write it, built by PostgreSQL. */
export function pageStatement(scope: TenantScope): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const organization = params.add(scope.organizationId);
  const tenant = params.add(scope.tenantId);
  const central = params.add(scope.centralTenantId);
  const money = (sql: string) => `(${sql})::numeric(14, 2)::text`;
  const tenantName = (id: string) => `(SELECT t.name FROM tenants t WHERE t.organization_id = ${organization} AND t.id = ${id})`;
  const sql = `
SELECT json_build_object('data', json_build_object('packages', json_build_object(
  'totalCount', (SELECT coalesce(sum(c.packages), 0) FROM package_counts c WHERE c.organization_id = ${organization} AND ${visibleRowSql(scope, 'c', params)}),
  'nodes', coalesce((
    SELECT json_agg(json_build_object(
             'id', p.id, 'name', p.name, 'owner', json_build_object('name', ${tenantName('p.owner_tenant_id')}), 'items', coalesce(i.items, '[]'),
             'totals', json_build_object('subtotal', ${money('coalesce(i.subtotal, 0)')}, 'tax', ${money('coalesce(i.tax, 0)')},
                                         'total', ${money('coalesce(i.subtotal + i.tax, 0)')}))
             ORDER BY p.name COLLATE catalog_order, p.id)
      FROM (SELECT * FROM packages p WHERE p.organization_id = ${organization} AND ${visibleRowSql(scope, 'p', params)}
             ORDER BY p.name COLLATE catalog_order, p.id LIMIT ${FLOOR_PAGE}) p
      LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object(
                 'origin', CASE WHEN i.added_by_tenant_id = ${tenant} THEN 'OWN' WHEN i.added_by_tenant_id = ${central} THEN 'CENTRAL' ELSE 'OTHER_CLINIC' END,
                 'quantity', i.quantity, 'addedBy', json_build_object('name', ${tenantName('i.added_by_tenant_id')}),
                 'service', json_build_object('name', s.name, 'price', s.price::text, 'owner', json_build_object('name', ${tenantName('s.owner_tenant_id')})),
                 'totals', json_build_object('total', ${money('line.subtotal + line.tax')}))
                 ORDER BY i.position) AS items,
               sum(line.subtotal) FILTER (WHERE counted) AS subtotal,
               sum(line.tax) FILTER (WHERE counted) AS tax
          FROM package_items i
          JOIN services s ON s.organization_id = ${organization} AND s.id = i.service_id
          CROSS JOIN LATERAL (SELECT s.price * i.quantity AS subtotal, round(s.price * i.quantity * s.tax_rate / 100, 2) AS tax,
                                     s.active AND i.added_by_tenant_id IN (p.owner_tenant_id, ${tenant}) AS counted) line
         WHERE i.organization_id = ${organization} AND i.package_id = p.id AND ${visibleItemSql(scope, 'i', 'p', 's', params)}
      ) i ON true
  ), '[]')
)))::json AS body`;
  return { sql, params: params.values };
}

async function answer(authorization: string | undefined): Promise<{ status: number; body: string }> {
  let claims;
  try {
    claims = await verifyBearer(authorization, settings);
  } catch {
    return { status: 401, body: '{"errors":[{"message":"unauthenticated","extensions":{"code":"UNAUTHENTICATED"}}]}' };
  }
  const client = await pool.connect();
  try {
    await client.query(BEGIN);
    const [tenant] = (await client.query(ENTER, [claims.tenantId])).rows;
    if (!tenant) {
      await client.query('ROLLBACK');
      return { status: 401, body: '{"errors":[{"message":"unknown tenant","extensions":{"code":"UNAUTHENTICATED"}}]}' };
    }
    const scope: TenantScope = {
      organizationId: tenant.organization_id,
      tenantId: tenant.id,
      tenantName: tenant.name,
      tenantKind: tenant.kind,
      centralTenantId: tenant.central_id,
      clinicSharing: tenant.clinic_sharing,
      currency: tenant.currency,
      // The floor prices nothing by date.
      timeZone: DEFAULT_TIME_ZONE,
    };
    const { sql, params } = pageStatement(scope);
    // pg parses a json column; written back it is as compact as any JSON answer (PostgreSQL's text of json has spaces).
    const [row] = (await client.query<{ body: unknown }>(sql, params)).rows;
    await client.query('COMMIT');
    client.release();
    return { status: 200, body: JSON.stringify(row.body) };
  } catch (error) {
    client.release(error as Error);
    return { status: 500, body: `{"errors":[{"message":${JSON.stringify((error as Error).message)}}]}` };
  }
}

function serve(): void {
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    // Read like any GraphQL body would be, though the answer is always L20.
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      res.writeHead(400).end();
      return;
    }
    void answer(req.headers.authorization).then(({ status, body }) => {
      // BEGIN, the tenant, the page, COMMIT.
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-sql-statements': '4' }).end(body);
    });
  });
});

server.listen(Number(process.env.PORT ?? 4100), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
}

if (require.main === module) serve();
