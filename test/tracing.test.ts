import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, tracingEnabled, type Tracing } from '../src/observability/tracing';
import { createService, uniqueName } from './support/catalog';
import { TestServer, type Chain } from './support/harness';
import { hex, post as postGraphql, spansOf as spansFrom } from './support/traces';

/**
 * Traces with an in-memory exporter: the request's server span continues the caller's
 * `traceparent`, the GraphQL operation's span is named after it, each SQL statement has a span
 * with its text and never a parameter value, and no span carries the token.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: TestServer;
let chain: Chain;

beforeAll(async () => {
  tracing = startTracing(new SimpleSpanProcessor(exporter));
  server = await TestServer.start();
  chain = await server.provisionChain({ clinics: 1 });
});

afterAll(async () => {
  await server.stop();
  await tracing.stop();
});

const spansOf = (traceId: string) => spansFrom(exporter, traceId);
const post = (body: unknown, token: string, traceparent?: string) => postGraphql(server, body, token, traceparent);

it('is on once started', () => {
  expect(tracingEnabled()).toBe(true);
});

it('continues the caller’s trace: server span, operation span named after it, SQL spans without values or token', async () => {
  const token = chain.clinics[0].admin;
  const secretName = uniqueName('Nombre-secreto');
  const secretSearch = `busqueda-${hex(6)}`;
  const traceId = hex(16);
  const callerSpanId = hex(8);
  // A batch: both operations belong to the one HTTP request.
  const response = await post(
    [
      { query: 'mutation TracedCreate($name: String!) { createService(input: { name: $name, price: "17.35" }) { id } }', variables: { name: secretName } },
      { query: 'query TracedSearch($search: String!) { services(filter: { search: $search }) { totalCount } }', variables: { search: secretSearch } },
    ],
    token,
    `00-${traceId}-${callerSpanId}-01`,
  );
  expect(response.status).toBe(200);
  const spans = await spansOf(traceId);

  const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER)!;
  expect(serverSpan.name).toBe('POST /graphql');
  expect(serverSpan.parentSpanContext?.spanId).toBe(callerSpanId);
  expect(serverSpan.attributes).toMatchObject({ 'http.route': '/graphql', 'http.response.status_code': 200 });

  const operationSpan = spans.find((span) => span.name === 'mutation TracedCreate')!;
  expect(operationSpan).toBeDefined();
  expect(operationSpan.parentSpanContext?.spanId).toBe(serverSpan.spanContext().spanId);
  expect(operationSpan.attributes).toMatchObject({ 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'TracedCreate' });

  const searchSpan = spans.find((span) => span.name === 'query TracedSearch')!;
  expect(searchSpan.parentSpanContext?.spanId).toBe(serverSpan.spanContext().spanId);
  const underSearch = spans.filter((span) => span.parentSpanContext?.spanId === searchSpan.spanContext().spanId);
  expect(underSearch.some((span) => String(span.attributes['db.query.text']).includes('fold_text'))).toBe(true);

  const sqlSpans = spans.filter((span) => span.kind === SpanKind.CLIENT && span.parentSpanContext?.spanId === operationSpan.spanContext().spanId);
  expect(sqlSpans.length).toBeGreaterThanOrEqual(3);
  // Every statement belongs to one of the two operations.
  expect(spans.filter((span) => span.kind === SpanKind.CLIENT).length).toBe(sqlSpans.length + underSearch.length);
  for (const span of sqlSpans) {
    expect(span.attributes['db.system.name']).toBe('postgresql');
    expect(typeof span.attributes['db.query.text']).toBe('string');
  }
  const insert = sqlSpans.find((span) => span.name === 'INSERT' && /INSERT INTO "?services"?/.test(String(span.attributes['db.query.text'])));
  expect(insert).toBeDefined();
  expect(insert!.attributes['db.query.text']).toMatch(/\$1/);
  expect(sqlSpans.map((span) => span.name)).toEqual(expect.arrayContaining(['BEGIN', 'INSERT', 'COMMIT']));
  // BEGIN and the settings ride with the tenant's entry, one round trip: its text keeps the placeholder.
  const begin = sqlSpans.find((span) => span.name === 'BEGIN')!;
  expect(begin.attributes['db.query.text']).toMatch(/^BEGIN; SELECT set_config\('role'.*enter_tenant\(\$1\)/s);

  // Nothing the client sent as a value, and no credential, in any span of the trace.
  const recorded = JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));
  for (const secret of [secretName, secretSearch, '17.35', token, token.split('.')[2], chain.clinics[0].id]) {
    expect(recorded).not.toContain(secret);
  }
});

it('starts a new trace without traceparent, and names anonymous operations by their type', async () => {
  exporter.reset();
  expect((await post({ query: '{ me { userId } }' }, chain.clinics[0].staff)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const spans = exporter.getFinishedSpans();
  const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER)!;
  expect(serverSpan.parentSpanContext).toBeUndefined();
  const operationSpan = spans.find((span) => span.name === 'query')!;
  expect(operationSpan.parentSpanContext?.spanId).toBe(serverSpan.spanContext().spanId);
});

it('marks a failed operation with its error code, and a failed statement with its SQLSTATE only', async () => {
  const traceId = hex(16);
  const taken = await createService(server, chain.clinics[0].admin, { code: `C-${hex(3)}` });
  // The same code again: the unique index refuses it (CONFLICT); its message would quote the value.
  await post(
    { query: 'mutation Duplicate($code: String) { createService(input: { name: "Otro", code: $code, price: "1.00" }) { id } }', variables: { code: taken.code } },
    chain.clinics[0].admin,
    `00-${traceId}-${hex(8)}-01`,
  );
  const spans = await spansOf(traceId);
  expect(spans.find((span) => span.name === 'mutation Duplicate')!.attributes['error.type']).toBe('CONFLICT');
  const recorded = JSON.stringify(spans.map((span) => ({ attributes: span.attributes, events: span.events, status: span.status })));
  expect(recorded).not.toContain(taken.code);
});
