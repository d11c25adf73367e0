import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, Response } from 'express';

/**
 * Traces of our own spans: one per HTTP request (continuing the caller's W3C `traceparent`), one per
 * GraphQL operation named after it, one per SQL statement with its text (placeholders, never the
 * parameter values). Nothing per field. Off unless started: then no SDK is loaded, no middleware
 * is mounted and every hook below is a test of `tracer` and nothing else.
 */
let tracer: Tracer | null = null;

export interface Tracing {
  /** Flushes what is pending and turns tracing off. */
  stop(): Promise<void>;
}

/**
 * Registers a tracer provider sending finished spans to `spanProcessor` (main: a batch processor
 * to OTLP; tests: an in-memory exporter), with the AsyncLocalStorage context manager and the
 * W3C trace-context propagator, so spans find their parent across awaits.
 */
export function startTracing(spanProcessor: SpanProcessor, serviceName = 'clinic-catalog'): Tracing {
  // Loaded here only: a server without tracing never loads the SDK.
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }), spanProcessors: [spanProcessor] });
  provider.register();
  tracer = provider.getTracer('clinic-catalog');
  return {
    async stop() {
      tracer = null;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; the
 * exporter reads those and OTEL_EXPORTER_OTLP_HEADERS itself (http/protobuf, /v1/traces).
 */
export function startOtlpTracing(serviceName: string): Tracing {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  return startTracing(new BatchSpanProcessor(new OTLPTraceExporter()), serviceName);
}

export function tracingEnabled(): boolean {
  return tracer !== null;
}

/** Express middleware (mounted only when tracing is on): the request's server span, child of the caller's `traceparent`. */
export function traceRequests(req: Request, res: Response, next: NextFunction): void {
  if (!tracer) return next();
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(
    req.method,
    { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_URL_PATH]: req.path } },
    parent,
  );
  res.on('close', () => {
    const route = (req.route as { path?: string } | undefined)?.path;
    if (route) {
      span.updateName(`${req.method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
}

/** Runs one GraphQL operation inside its span (named once Apollo has resolved the operation). */
export async function traceOperation<T>(work: () => Promise<T>): Promise<T> {
  if (!tracer) return work();
  const span = tracer.startSpan('graphql', { kind: SpanKind.INTERNAL });
  try {
    return await context.with(trace.setSpan(context.active(), span), work);
  } finally {
    span.end();
  }
}

/** Names the active operation span `query PackageTable` (semantic conventions: type, then name). */
export function nameOperationSpan(type: string, name: string | undefined): void {
  if (!tracer) return;
  const span = trace.getActiveSpan();
  span?.updateName(name ? `${type} ${name}` : type);
  span?.setAttributes({ 'graphql.operation.type': type, ...(name ? { 'graphql.operation.name': name } : {}) });
}

/** Marks the active operation span with the code of its first error (OK leaves it unmarked). */
export function markOperationOutcome(code: string): void {
  if (!tracer || code === 'OK') return;
  const span = trace.getActiveSpan();
  span?.setAttribute(ATTR_ERROR_TYPE, code);
  if (code === 'INTERNAL_SERVER_ERROR') span?.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * Runs one SQL statement inside its span. The statement's text carries placeholders only; the
 * parameter values are never recorded, nor is the database's error message (it can quote a value):
 * a failure records its SQLSTATE.
 */
export async function traceStatement<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!tracer) return run();
  const operation = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
  const span = tracer.startSpan(operation, {
    kind: SpanKind.CLIENT,
    attributes: { [ATTR_DB_SYSTEM_NAME]: 'postgresql', [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_QUERY_TEXT]: sql },
  });
  try {
    return await run();
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? 'unknown');
    span.setAttribute(ATTR_ERROR_TYPE, code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `SQLSTATE ${code}` });
    throw error;
  } finally {
    span.end();
  }
}
