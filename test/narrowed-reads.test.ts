import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { getNamedType, isLeafType, type GraphQLObjectType } from 'graphql';
import { PackageEntity, PackageItemEntity } from '../src/catalog/packages/package.entity';
import { ServiceEntity } from '../src/catalog/services/service.entity';
import { EntityRows } from '../src/db/rows';
import { createSchema } from '../src/graphql/schema';
import { startTracing, type Tracing } from '../src/observability/tracing';
import { addItems, createPackage, createService, uniqueName } from './support/catalog';
import { TestServer, type Chain } from './support/harness';
import { hex, post, spansOf } from './support/traces';

/**
 * A query reads the pages of the package and service lists, and the items of packages with their
 * services, with only the columns its fields need (`Repositories.askedFor`, `EntityRows.narrowed`):
 * each statement, seen in its SQL span, leaves out the others, and the answers are those of whole
 * rows, also where a row read so answers a field elsewhere in the query. A mutation reads whole rows.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: TestServer;
let chain: Chain;
let packageId: string;
let packageName: string;
let services: any[];

const SERVICE_FIELDS =
  'id code name family price taxRate taxExemption durationMinutes odontogramScope active shared version createdAt updatedAt deactivatedAt origin viewerCanEdit owner { id }';
const PACKAGE_FIELDS =
  'id name description active shared version createdAt updatedAt deactivatedAt origin viewerCanEdit viewerCanAddItems itemCount owner { id } totals { total }';

beforeAll(async () => {
  tracing = startTracing(new SimpleSpanProcessor(exporter));
  server = await TestServer.start();
  chain = await server.provisionChain({ clinics: 1 });
  const central = chain.central!.admin;
  services = [
    await createService(server, central, { code: `N-${hex(3)}`, family: 'Implantología', durationMinutes: 45, taxRate: '21.00' }),
    await createService(server, central, { code: null, family: null, taxRate: '0.00', taxExemption: 'Exento de IVA, art. 20.Uno.3º Ley 37/1992' }),
  ];
  packageName = uniqueName('Leído');
  const pkg = await createPackage(server, central, {
    name: packageName,
    description: 'Descripción',
    items: services.map((service) => ({ serviceId: service.id, quantity: 2 })),
  });
  packageId = pkg.id;
  // One deactivated service among the items: deactivatedAt has a value to read.
  const extra = await createService(server, central, { code: `D-${hex(3)}` });
  await addItems(server, central, packageId, [{ serviceId: extra.id }]);
  await server.ok('mutation($id: ID!) { setServiceActive(id: $id, active: false) { id } }', { id: extra.id }, central);
  services.push(extra);
});

afterAll(async () => {
  await server.stop();
  await tracing.stop();
});

type Body = { query: string; variables?: Record<string, unknown>; operationName?: string };

/** The text of the one statement of a request that reads `from` (traced with its own trace id). */
async function statementReading(from: string, body: Body, token = chain.clinics[0].admin): Promise<string> {
  const traceId = hex(16);
  const response = await post(server, body, token, `00-${traceId}-${hex(8)}-01`);
  expect(response.status).toBe(200);
  const statements = (await spansOf(exporter, traceId))
    .filter((span) => span.kind === SpanKind.CLIENT)
    .map((span) => String(span.attributes['db.query.text']))
    .filter((text) => new RegExp(`FROM ${from}\\s`).test(text));
  expect(statements).toHaveLength(1);
  return statements[0];
}

/** The columns a statement selects (`i.` items, `s.` services, `p.` packages), before its first FROM. */
const columns = (sql: string) => [...new Set(sql.slice(0, sql.indexOf(' FROM ')).match(/\b[isp]\.\w+/g))].sort();

const ITEM_COLUMNS_ALWAYS = ['i.id', 'i.package_id', 'i.service_id', 'i.added_by_tenant_id', 'i.quantity'];
const SERVICE_COLUMNS_ALWAYS = ['s.id', 's.owner_tenant_id', 's.name', 's.price', 's.tax_rate', 's.tax_exemption', 's.odontogram_scope', 's.shared', 's.active'];

describe('the columns read', () => {
  it('items and their services: what the query names, and what every reader needs', async () => {
    const sql = await statementReading('package_items i', {
      query: 'query($id: ID!) { package(id: $id) { items { quantity service { name price } totals { total } } } }',
      variables: { id: packageId },
    });
    expect(columns(sql)).toEqual([...ITEM_COLUMNS_ALWAYS, ...SERVICE_COLUMNS_ALWAYS].sort());
  });

  it('a page of the package table', async () => {
    const narrow = await statementReading('packages p', { query: 'query { packages(first: 5) { nodes { id name items { id } } } }' });
    expect(columns(narrow)).toEqual(['p.active', 'p.id', 'p.name', 'p.owner_tenant_id', 'p.shared']);
    const wider = await statementReading('packages p', { query: 'query { packages(first: 5) { nodes { description updatedAt } } }' });
    expect(columns(wider)).toEqual(['p.active', 'p.description', 'p.id', 'p.name', 'p.owner_tenant_id', 'p.shared', 'p.updated_at']);
  });

  it('a page of the services list', async () => {
    const sql = await statementReading('services s', { query: 'query { services(first: 5) { nodes { code name } } }' });
    expect(columns(sql)).toEqual([...SERVICE_COLUMNS_ALWAYS, 's.code'].sort());
  });

  it('the fields named anywhere in the document: fragments, other fields, other operations', async () => {
    const sql = await statementReading('package_items i', {
      query: `query Page($id: ID!) { package(id: $id) { createdAt items { service { ...Card } } } }
              fragment Card on Service { code }
              query Other { services { nodes { durationMinutes } } }`,
      variables: { id: packageId },
      operationName: 'Page',
    });
    expect(columns(sql)).toEqual(expect.arrayContaining(['s.code', 's.created_at', 's.duration_minutes']));
    expect(columns(sql)).not.toContain('s.family');
    expect(columns(sql)).not.toContain('s.updated_at');
  });

  it('every column but the organization when every field is asked for: each column a read may leave out is a field by its name', async () => {
    const schema = await createSchema();
    // The type's fields that hold a value rather than other objects, without required arguments.
    const leaves = (type: string) =>
      Object.values((schema.getType(type) as GraphQLObjectType).getFields())
        .filter((field) => isLeafType(getNamedType(field.type)) && field.args.every((arg) => arg.type.toString().slice(-1) !== '!'))
        .map((field) => field.name)
        .join(' ');
    const query = `query { packages(first: 5) { nodes { ${leaves('Package')} items { ${leaves('PackageItem')} service { ${leaves('Service')} } } } } }`;
    // Every column the entity reads by default, under an alias, but its organization.
    const whole = (rows: EntityRows<unknown>, alias: string) =>
      [...rows.select(alias).matchAll(new RegExp(`\\b${alias}\\.\\w+`, 'g'))].map(([column]) => column).filter((column) => column !== `${alias}.organization_id`);
    expect(columns(await statementReading('packages p', { query }))).toEqual(whole(new EntityRows(PackageEntity), 'p').sort());
    expect(columns(await statementReading('package_items i', { query }))).toEqual(
      [...whole(new EntityRows(PackageItemEntity), 'i'), ...whole(new EntityRows(ServiceEntity), 's')].sort(),
    );
  });

  it('whole rows in a mutation', async () => {
    const sql = await statementReading(
      'package_items i',
      { query: 'mutation($id: ID!) { updatePackage(id: $id, input: { shared: true }) { items { service { name } } } }', variables: { id: packageId } },
      chain.central!.admin,
    );
    expect(columns(sql)).toEqual(expect.arrayContaining(['i.organization_id', 's.organization_id', 's.code', 's.created_at', 's.deactivated_at']));
  });
});

describe('the answers are those of whole rows', () => {
  // `service(id)` and `package(id)` asked alone read whole rows (TypeORM's finder).
  const wholeService = async (id: string) => (await server.ok(`query($id: ID!) { service(id: $id) { ${SERVICE_FIELDS} } }`, { id }, chain.clinics[0].admin)).service;
  const wholePackage = async () => (await server.ok(`query($id: ID!) { package(id: $id) { ${PACKAGE_FIELDS} } }`, { id: packageId }, chain.clinics[0].admin)).package;

  it('for services read as items, and as a page of the services list', async () => {
    const whole = await Promise.all(services.map((service) => wholeService(service.id)));
    expect(whole.filter((service) => service.deactivatedAt !== null && service.code !== null)).toHaveLength(1);
    const admin = chain.clinics[0].admin;
    const viaItems = await server.ok(`query($id: ID!) { package(id: $id) { items { service { ${SERVICE_FIELDS} } } } }`, { id: packageId }, admin);
    expect(viaItems.package.items.map((item: any) => item.service)).toEqual(whole);
    const listed = await server.ok(`query($ids: [ID!]) { services(filter: { ids: $ids }, orderBy: { field: CREATED_AT }) { nodes { ${SERVICE_FIELDS} } } }`, { ids: services.map((s) => s.id) }, admin);
    expect(listed.services.nodes).toEqual(whole);
  });

  it('for a page of the package table', async () => {
    const listed = await server.ok(`query($search: String) { packages(filter: { search: $search }) { nodes { ${PACKAGE_FIELDS} } } }`, { search: packageName }, chain.clinics[0].admin);
    expect(listed.packages.nodes).toEqual([await wholePackage()]);
  });

  it("for rows read so that other fields show: a quote's lines name the listed package and the items' services", async () => {
    const listed = await server.ok(
      `query($search: String) { packages(filter: { search: $search }) { nodes { quote { lines { package { ${PACKAGE_FIELDS} } service { ${SERVICE_FIELDS} } } } } } }`,
      { search: packageName },
      chain.clinics[0].admin,
    );
    const lines = listed.packages.nodes[0].quote.lines;
    // The deactivated service's item is not quoted.
    expect(lines.map((line: any) => line.service)).toEqual(await Promise.all(services.slice(0, 2).map((service) => wholeService(service.id))));
    const pkg = await wholePackage();
    expect(lines.map((line: any) => line.package)).toEqual([pkg, pkg]);
  });
});
