import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TestServer } from './harness';

/** The spans of one trace, once its server span has ended (it ends when the response is closed). */
export async function spansOf(exporter: InMemorySpanExporter, traceId: string): Promise<ReadableSpan[]> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    if (spans.some((span) => span.kind === SpanKind.SERVER)) return spans;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no server span for trace ${traceId}`);
}

/** POSTs a GraphQL body with a bearer token and, when given, the caller's `traceparent`; the body is read. */
export async function post(server: TestServer, body: unknown, token: string, traceparent?: string): Promise<Response> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(traceparent ? { traceparent } : {}) },
    body: JSON.stringify(body),
  });
  await response.text();
  return response;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
