import { PACKAGE_SORT_KEYS, packageListQuery, visibleItemsQuery, type PackageListFilter } from '../src/catalog/packages/package.repository';
import { pageRequest, type SqlQuery } from '../src/catalog/pagination';
import { SERVICE_SORT_KEYS, serviceListQuery, type ServiceListFilter } from '../src/catalog/services/service.repository';
import { createDataSource } from '../src/db/data-source';
import { RequestTransaction } from '../src/request/request-transaction';
import { createLogger } from '../src/logger';
import { enterTenant } from '../src/tenancy/tenancy.store';
import { PACKAGE_SEARCH, SERVICE_SEARCH } from './dataset';

/** A statement of L20 or S as the API builds it, planned and run as a request runs it (role, RLS, organization). */
export interface ExplainedPlan {
  name: string;
  plan: string;
  /** A sequential scan of packages, package_items or services: what the indexes are there to prevent. */
  sequentialScans: string[];
}

const CATALOGUE_TABLES = /Seq Scan on (packages|package_items|services)\b/g;

export async function explainPlans(databaseUrl: string, viewerTenantId: string): Promise<ExplainedPlan[]> {
  const dataSource = await createDataSource(databaseUrl, { dbPoolMax: 1 }, createLogger('silent')).initialize();
  const tx = await RequestTransaction.begin(dataSource, { statementTimeoutMs: 60_000 });
  try {
    const scope = (await enterTenant(tx, viewerTenantId))!;
    const all: PackageListFilter = { search: null, status: 'ALL', origin: null };
    const searched: PackageListFilter = { ...all, search: PACKAGE_SEARCH };
    const services: ServiceListFilter = { ids: null, search: SERVICE_SEARCH, status: 'ALL', origin: null, family: null, odontogramScope: null };
    const packageKey = PACKAGE_SORT_KEYS.NAME;
    const serviceKey = SERVICE_SORT_KEYS.NAME;
    // As the API sends them: the benchmark's queries ask for totalCount, which rides in the page statement.
    const firstPage = packageListQuery(scope, all, packageKey, pageRequest(20, null, packageKey, 'ASC'), true);
    const pageIds = (await tx.query<{ id: string }>(firstPage.sql, firstPage.params)).slice(0, 20).map((row) => row.id);
    const statements: [string, SqlQuery][] = [
      ['L20: the page of packages with totalCount', firstPage],
      ['L20: the items of the page with their services', visibleItemsQuery(scope, pageIds)],
      ['S: packages matching the search, with totalCount', packageListQuery(scope, searched, packageKey, pageRequest(20, null, packageKey, 'ASC'), true)],
      ['S: services matching the search, with totalCount', serviceListQuery(scope, services, serviceKey, pageRequest(20, null, serviceKey, 'ASC'), true)],
    ];
    const plans: ExplainedPlan[] = [];
    for (const [name, { sql, params }] of statements) {
      const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      plans.push({ name, plan, sequentialScans: [...plan.matchAll(CATALOGUE_TABLES)].map((match) => match[0]) });
    }
    return plans;
  } finally {
    await tx.rollback();
    await dataSource.destroy();
  }
}
