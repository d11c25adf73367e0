import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, type Tracing } from '../src/observability/tracing';
import { addItems, createPackage, createService } from './support/catalog';
import { TestServer, type Chain } from './support/harness';
import { hex, post, spansOf } from './support/traces';

/**
 * A query reads the items of a page and their services with only the columns its fields need
 * (`EntityRows.narrowed`): the items statement, seen in its SQL span, leaves out the others, and
 * the answers are those of whole rows, also where a service read so answers a field elsewhere in
 * the query. A mutation reads whole rows.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: TestServer;
let chain: Chain;
let packageId: string;
let services: any[];

const ALL_SERVICE_FIELDS =
  'id code name family price taxRate taxExemption durationMinutes odontogramScope active shared version createdAt updatedAt deactivatedAt origin viewerCanEdit owner { id }';

beforeAll(async () => {
  tracing = startTracing(new SimpleSpanProcessor(exporter));
  server = await TestServer.start();
  chain = await server.provisionChain({ clinics: 1 });
  const central = chain.central!.admin;
  services = [
    await createService(server, central, { code: `N-${hex(3)}`, family: 'Implantología', durationMinutes: 45, taxRate: '21.00' }),
    await createService(server, central, { code: null, family: null, taxRate: '0.00', taxExemption: 'Exento de IVA, art. 20.Uno.3º Ley 37/1992' }),
  ];
  const pkg = await createPackage(server, central, { items: services.map((service) => ({ serviceId: service.id, quantity: 2 })) });
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

/** The text of the statement that read the items of a request (traced with its own trace id). */
async function itemsStatement(body: { query: string; variables?: Record<string, unknown>; operationName?: string }, token = chain.clinics[0].admin): Promise<string> {
  const traceId = hex(16);
  const response = await post(server, body, token, `00-${traceId}-${hex(8)}-01`);
  expect(response.status).toBe(200);
  const statements = (await spansOf(exporter, traceId))
    .filter((span) => span.kind === SpanKind.CLIENT)
    .map((span) => String(span.attributes['db.query.text']))
    .filter((text) => text.includes('FROM package_items i'));
  expect(statements).toHaveLength(1);
  return statements[0];
}

/** The columns a statement selects (`i.` items, `s.` services). */
const columns = (sql: string) => sql.slice(0, sql.indexOf(' FROM ')).match(/\b[is]\.\w+/g)!.sort();

it('reads only the columns the query names, and those every reader needs', async () => {
  const sql = await itemsStatement({ query: 'query($id: ID!) { package(id: $id) { items { quantity service { name price } totals { total } } } }', variables: { id: packageId } });
  expect(columns(sql)).toEqual(
    ['i.id', 'i.package_id', 'i.service_id', 'i.added_by_tenant_id', 'i.quantity', 's.id', 's.owner_tenant_id', 's.name', 's.price', 's.tax_rate', 's.tax_exemption', 's.odontogram_scope', 's.shared', 's.active'].sort(),
  );
});

it('reads the columns of fields named anywhere in the document: fragments, other fields, other operations', async () => {
  const sql = await itemsStatement({
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

it('answers with the values of whole rows, including for a service the items read that another field shows', async () => {
  const admin = chain.clinics[0].admin;
  const whole = await server.ok(`query($ids: [ID!]) { services(filter: { ids: $ids }) { nodes { ${ALL_SERVICE_FIELDS} } } }`, { ids: services.map((s) => s.id) }, admin);
  const byId = new Map(whole.services.nodes.map((service: any) => [service.id, service]));
  expect(byId.size).toBe(3);
  expect([...byId.values()].some((service: any) => service.deactivatedAt !== null && service.code !== null)).toBe(true);

  const viaItems = await server.ok(`query($id: ID!) { package(id: $id) { items { service { ${ALL_SERVICE_FIELDS} } } } }`, { id: packageId }, admin);
  expect(viaItems.package.items.map((item: any) => item.service)).toEqual(services.map((s) => byId.get(s.id)));

  // The items read each service with its name only; `service` then answers from that read.
  const primed = await server.ok(
    `query($id: ID!, $serviceId: ID!) { package(id: $id) { items { service { name } } } service(id: $serviceId) { ${ALL_SERVICE_FIELDS} } }`,
    { id: packageId, serviceId: services[0].id },
    admin,
  );
  expect(primed.service).toEqual(byId.get(services[0].id));
});

it('reads whole rows in a mutation', async () => {
  const sql = await itemsStatement(
    { query: 'mutation($id: ID!) { updatePackage(id: $id, input: { shared: true }) { items { service { name } } } }', variables: { id: packageId } },
    chain.central!.admin,
  );
  expect(columns(sql)).toEqual(expect.arrayContaining(['i.organization_id', 's.organization_id', 's.code', 's.created_at', 's.deactivated_at']));
});
