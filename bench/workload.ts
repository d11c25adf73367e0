import { Client } from 'pg';
import type { Role } from '../src/auth/token';

/**
 * A mixed concurrent workload on a few shared packages (lists, item adds, quantity changes,
 * removals, version-checked renames), and the check that the database holds exactly what the
 * clients were told succeeded. Used by test/workload.test.ts and by `npm run load`.
 */

export type Sign = (claims: { sub: string; tid?: string; roles: Role[] }) => Promise<string>;

interface Actor {
  tenantId: string;
  token: string;
  /** Services this tenant adds as counters (shared across its clients). */
  counterServices: string[];
}

export interface Fixture {
  url: string;
  organizationId: string;
  packages: string[];
  actors: Actor[];
  /** One dedicated service per client, owned by the client's tenant, for quantity changes and removals. */
  clientServices: string[];
}

export interface WorkloadReport {
  requests: number;
  byOutcome: Record<string, number>;
  latenciesMs: number[];
  serverErrors: number;
  /** Successful adds per "package|tenant|service". */
  added: Map<string, number>;
  /** The last quantity each client was told its own item has (0: removed). */
  clientItems: { packageId: string; tenantId: string; serviceId: string; quantity: number }[];
  /** Successful renames per package, with the names that won. */
  renames: Map<string, string[]>;
}

async function call(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, data: body.data, code: body.errors?.[0]?.extensions?.code };
}

/** The operation's `data`; throws when it answers an error (set-up steps, probes). */
export async function must(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const result = await call(url, token, query, variables);
  if (result.code || !result.data) throw new Error(`${query.slice(0, 60)}… failed: ${result.code ?? result.status}`);
  return result.data;
}

const CREATE_SERVICE = 'mutation($i: CreateServiceInput!) { createService(input: $i) { id } }';
const CREATE_PACKAGE = 'mutation($i: CreatePackageInput!) { createPackage(input: $i) { id } }';
const ADD_ITEMS = 'mutation($p: ID!, $s: ID!, $q: Int!) { addPackageItems(packageId: $p, items: [{ serviceId: $s, quantity: $q }]) { id } }';

/** A chain with a central and two clinics, four central packages, counter and per-client services. */
export async function prepareWorkload(url: string, sign: Sign, clients: number): Promise<Fixture> {
  const platform = await sign({ sub: 'load-platform', roles: ['PLATFORM_ADMIN'] });
  const suffix = Math.random().toString(36).slice(2, 8);
  const organization = (
    await must(url, platform, 'mutation($i: ProvisionOrganizationInput!) { provisionOrganization(input: $i) { id tenants { id kind } } }', {
      i: { name: `Carga ${suffix}`, centralName: `Carga Central ${suffix}`, clinicNames: [`Carga A ${suffix}`, `Carga B ${suffix}`] },
    })
  ).provisionOrganization;
  const actors: Actor[] = [];
  for (const tenant of organization.tenants as { id: string }[]) {
    const token = await sign({ sub: `load-${tenant.id}`, tid: tenant.id, roles: ['ADMIN'] });
    const counterServices: string[] = [];
    for (let n = 0; n < 5; n++) {
      const service = await must(url, token, CREATE_SERVICE, { i: { name: `Contador ${n} ${tenant.id.slice(0, 8)}`, price: '12.34', taxRate: '21.00', shared: false } });
      counterServices.push(service.createService.id);
    }
    actors.push({ tenantId: tenant.id, token, counterServices });
  }
  const central = actors[0];
  const base = await must(url, central.token, CREATE_SERVICE, { i: { name: `Base ${suffix}`, price: '50.00' } });
  const packages: string[] = [];
  for (let n = 0; n < 4; n++) {
    const created = await must(url, central.token, CREATE_PACKAGE, {
      i: { name: `Paquete de carga ${n} ${suffix}`, items: [{ serviceId: base.createService.id, quantity: 1 }] },
    });
    packages.push(created.createPackage.id);
  }
  const clientServices: string[] = [];
  for (let client = 0; client < clients; client++) {
    const actor = actors[client % actors.length];
    const service = await must(url, actor.token, CREATE_SERVICE, { i: { name: `Propio ${client} ${suffix}`, price: '7.00', shared: false } });
    clientServices.push(service.createService.id);
    await must(url, actor.token, ADD_ITEMS, { p: packages[client % packages.length], s: service.createService.id, q: 1 });
  }
  return { url, organizationId: organization.id, packages, actors, clientServices };
}

const LIST = `{ packages(first: 20) { totalCount nodes { id version itemCount totals { total }
  items { id quantity origin addedBy { name } service { name price } totals { total } } } } }`;
const OWN_ITEM = `query($p: ID!) { package(id: $p) { version items(origin: [OWN]) { id quantity service { id } } } }`;

function pick<T>(list: T[]): T {
  return list[Math.floor(Math.random() * list.length)];
}

export async function runWorkload(fixture: Fixture, options: { clients: number; durationMs: number }): Promise<WorkloadReport> {
  const report: WorkloadReport = {
    requests: 0,
    byOutcome: {},
    latenciesMs: [],
    serverErrors: 0,
    added: new Map(),
    clientItems: [],
    renames: new Map(),
  };
  const deadline = Date.now() + options.durationMs;
  const timed = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
    const started = performance.now();
    const result = await call(fixture.url, token, query, variables);
    report.latenciesMs.push(performance.now() - started);
    report.requests += 1;
    const outcome = result.code ?? (result.status < 300 ? 'OK' : `HTTP_${result.status}`);
    report.byOutcome[outcome] = (report.byOutcome[outcome] ?? 0) + 1;
    if (result.status >= 500 || result.code === 'INTERNAL_SERVER_ERROR') report.serverErrors += 1;
    return result;
  };

  const client = async (index: number) => {
    const actor = fixture.actors[index % fixture.actors.length];
    const own = { packageId: fixture.packages[index % fixture.packages.length], tenantId: actor.tenantId, serviceId: fixture.clientServices[index], quantity: 1 };
    let renames = 0;
    while (Date.now() < deadline) {
      const roll = Math.random();
      if (roll < 0.35) {
        await timed(actor.token, LIST);
      } else if (roll < 0.6) {
        const packageId = pick(fixture.packages);
        const serviceId = pick(actor.counterServices);
        const result = await timed(actor.token, ADD_ITEMS, { p: packageId, s: serviceId, q: 1 });
        if (!result.code && result.data) {
          const key = `${packageId}|${actor.tenantId}|${serviceId}`;
          report.added.set(key, (report.added.get(key) ?? 0) + 1);
        }
      } else if (roll < 0.85) {
        // Change, remove or re-add the client's own item.
        const read = await timed(actor.token, OWN_ITEM, { p: own.packageId });
        const item = (read.data?.package?.items ?? []).find((candidate: { service: { id: string } }) => candidate.service.id === own.serviceId);
        if (!item) {
          const result = await timed(actor.token, ADD_ITEMS, { p: own.packageId, s: own.serviceId, q: 1 });
          if (!result.code && result.data) own.quantity = 1;
        } else if (Math.random() < 0.25) {
          const result = await timed(actor.token, 'mutation($i: ID!) { removePackageItem(id: $i) { id } }', { i: item.id });
          if (!result.code && result.data) own.quantity = 0;
        } else {
          const quantity = 1 + Math.floor(Math.random() * 50);
          const result = await timed(actor.token, 'mutation($i: ID!, $q: Int!) { updatePackageItem(id: $i, quantity: $q) { quantity } }', { i: item.id, q: quantity });
          if (!result.code && result.data) own.quantity = quantity;
        }
      } else if (actor === fixture.actors[0]) {
        const packageId = pick(fixture.packages);
        const read = await timed(actor.token, 'query($p: ID!) { package(id: $p) { version } }', { p: packageId });
        const version = read.data?.package?.version;
        if (typeof version === 'number') {
          const name = `Paquete renombrado ${index}-${++renames}`;
          const result = await timed(actor.token, 'mutation($p: ID!, $n: String!, $v: Int) { updatePackage(id: $p, input: { name: $n }, expectedVersion: $v) { version } }', {
            p: packageId,
            n: name,
            v: version,
          });
          if (!result.code && result.data) report.renames.set(packageId, [...(report.renames.get(packageId) ?? []), name]);
        }
      } else {
        await timed(actor.token, LIST);
      }
    }
    report.clientItems.push(own);
  };
  await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
  return report;
}

/** Compares the database with what the clients were told; returns the problems found (none is a clean verdict). */
export async function checkConsistency(databaseUrl: string, fixture: Fixture, report: WorkloadReport): Promise<string[]> {
  const problems: string[] = [];
  if (report.serverErrors > 0) problems.push(`${report.serverErrors} responses were server errors`);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query("SELECT set_config('app.organization_id', $1, true)", [fixture.organizationId]);
    const items = (
      await db.query<{ package_id: string; added_by_tenant_id: string; service_id: string; quantity: number; rows: string }>(
        `SELECT package_id, added_by_tenant_id, service_id, sum(quantity)::int AS quantity, count(*) AS rows
           FROM package_items WHERE organization_id = $1 GROUP BY 1, 2, 3`,
        [fixture.organizationId],
      )
    ).rows;
    const stored = new Map(items.map((row) => [`${row.package_id}|${row.added_by_tenant_id}|${row.service_id}`, row]));
    for (const row of items) if (Number(row.rows) > 1) problems.push(`duplicate item rows for ${row.package_id}/${row.service_id}`);
    for (const [key, count] of report.added) {
      const quantity = stored.get(key)?.quantity ?? 0;
      if (quantity !== count) problems.push(`counter ${key}: told ${count} successful adds, stored ${quantity}`);
    }
    for (const own of report.clientItems) {
      const quantity = stored.get(`${own.packageId}|${own.tenantId}|${own.serviceId}`)?.quantity ?? 0;
      if (quantity !== own.quantity) problems.push(`own item ${own.serviceId}: told ${own.quantity}, stored ${quantity}`);
    }
    const packages = (await db.query<{ id: string; name: string; version: number }>('SELECT id, name, version FROM packages WHERE organization_id = $1', [fixture.organizationId])).rows;
    for (const pkg of packages) {
      const renames = report.renames.get(pkg.id) ?? [];
      if (pkg.version !== 1 + renames.length) problems.push(`package ${pkg.id}: version ${pkg.version} after ${renames.length} successful renames`);
      if (renames.length > 0 && !renames.includes(pkg.name)) problems.push(`package ${pkg.id}: name "${pkg.name}" was never a successful rename`);
    }
    await db.query('ROLLBACK');
  } finally {
    await db.end();
  }
  return problems;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}
