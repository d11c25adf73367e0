import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ConcurrentChangeError, DomainError, GRAPHQL_EXECUTED, HTTP_STATUS, type HttpErrorCode } from '../errors';
import { createRequestContext, type AppDependencies, type RequestContext } from '../request/context';
import { CompiledExecutor } from '../graphql/compiled-executor';
import { nameVariableInputs } from '../graphql/variable-errors';
import { errorFormatter, isMasked } from '../graphql/format-error';
import { assertWithinLimits } from '../graphql/limits';
import { fieldNamesIn } from '../graphql/selection';
import type { Logger } from '../logger';
import { countOperation, observeRequest, registry } from '../observability/metrics';
import { operationObserver } from '../observability/operation-plugin';
import { traceOperation, traceRequests, tracingEnabled } from '../observability/tracing';
import { requestScopeOf, setRequestScope, type RequestScope } from '../request/request-scope';
import { metricsAuthorized, metricsRouteExists } from './metrics-access';

/** At most this many operations in one batched (JSON array) request. */
export const MAX_BATCH = 10;
export const MAX_BODY = '1mb';
/**
 * Automatic persisted queries: a client may send a query's SHA-256 instead of its text once the
 * server has seen it. The texts live in this process only, least recently used first out, at most
 * about APQ_CACHE_BYTES of them, each for APQ_TTL_SECONDS; past either the client is answered
 * PERSISTED_QUERY_NOT_FOUND and sends the text again. Query texts hold no tenant's data.
 */
export const APQ_CACHE_BYTES = 8 * 1024 * 1024;
export const APQ_TTL_SECONDS = 24 * 60 * 60;

/** How long a shutdown waits for in-flight requests before cutting their connections. */
export const DRAIN_TIMEOUT_MS = 10_000;

function requestIdOf(req: Request): string {
  const given = req.header('x-request-id');
  return given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

/** An error answer outside GraphQL, at its code's status unless the body parser chose one. */
function jsonError(res: Response, code: HttpErrorCode, message: string, options: { status?: number; requestId?: string } = {}): void {
  const { status = HTTP_STATUS[code], requestId } = options;
  res.status(status).json({ errors: [{ message, extensions: { code, ...(requestId ? { requestId } : {}) } }] });
}

/**
 * Outside resolvers (the context function, the limits) Apollo takes the HTTP status from the
 * error itself: domain errors become coded GraphQL errors with their code's status.
 */
function asGraphQLError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  return new GraphQLError(error.message, {
    extensions: { code: error.code, ...error.extensions(), http: { status: HTTP_STATUS[error.code] } },
  });
}

function operationNameOf(body: unknown): string | undefined {
  const name = (body as { operationName?: unknown } | null)?.operationName;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The context function Apollo calls. Apollo's plugins never see a failure here, so an internal one
 * is logged here and masked with the request id (formatError keeps it).
 */
async function contextFor(deps: AppDependencies, req: Request, requestId: string, log: Logger): Promise<RequestContext> {
  try {
    return await createRequestContext(deps, req.header('authorization'), requestId, log);
  } catch (error) {
    if (error instanceof DomainError) throw asGraphQLError(error);
    log.error({ err: error }, 'internal error');
    throw new GraphQLError('Internal server error', {
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, http: { status: HTTP_STATUS.INTERNAL_SERVER_ERROR } },
    });
  }
}

/**
 * What formatError masks (it is called without the request) is logged in full under the request's
 * id, and the masked error shows that id.
 */
const internalErrors: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          if (isMasked(error)) contextValue.log.error({ err: unwrapResolverError(error), path: error.path }, 'internal error');
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        for (const error of response.body.singleResult.errors ?? []) {
          if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
        }
      },
    };
  },
};

/** BAD_USER_INPUT for a variable that does not coerce names the input at fault, whichever executor ran. */
const variableInputsNamed: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, schema, request }) {
        nameVariableInputs(schema, request.variables ?? {}, errors);
      },
    };
  },
};

/** Refuses an operation past the depth or cost limit once it is parsed and validated, before any resolver runs. */
const operationLimits: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, operation, request }) {
        if (!operation) return; // GraphQL itself reports an operation name that names nothing.
        try {
          assertWithinLimits(schema, document, operation, request.variables);
        } catch (error) {
          throw asGraphQLError(error);
        }
      },
    };
  },
};

/** How many times an operation runs while deadlocks or serialization failures with concurrent requests undo it. */
export const MAX_ATTEMPTS = 5;

interface OperationAnswer {
  status: number;
  headers: HeaderMap;
  body: string;
}

/** An answer of errors alone (no operation result to show), as GraphQL formats them. */
function errorAnswer(status: number, error: Record<string, unknown>): OperationAnswer {
  const headers = new HeaderMap([['content-type', 'application/json; charset=utf-8']]);
  return { status, headers, body: JSON.stringify({ errors: [error] }) };
}

/**
 * An answer without data stores nothing: when a non-null mutation field fails, `data` is null
 * and would hide the mutations of the operation that succeeded before it.
 */
const nothingStoredWithoutData: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single' && response.body.singleResult.data == null) await contextValue.tx.rollback();
      },
    };
  },
};

/**
 * A query only reads: once Apollo knows the operation is one, its statements each commit as they
 * go (`RequestTransaction.commitEachStatement`), so its answer waits for no closing COMMIT, and its
 * hot reads take only the columns its fields need (`Repositories.askedFor`; a mutation reads whole rows,
 * which its change records snapshot).
 */
const queriesOnlyRead: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, contextValue }) {
        if (operation?.operation !== 'query') return;
        contextValue.tx.commitEachStatement();
        contextValue.repositories.askedFor(fieldNamesIn(document));
      },
    };
  },
};

type Lane = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs the works given to it one after another. */
function lane(): Lane {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = last.then(work, work);
    last = run.catch(() => undefined);
    return run;
  };
}

/**
 * Runs one GraphQL operation in its own transaction, committed before the answer is sent, so a
 * client never sees a success that was not stored (a query, which only reads, commits each of its
 * statements as it goes: `queriesOnlyRead`). When a deadlock or serialization failure with
 * a concurrent request undid any of it, the whole operation runs again in a fresh transaction, a
 * few times, after a short random pause; past that it answers CONFLICT, having stored nothing.
 * Retries run one at a time (`retryLane`): operations that deadlocked once would mostly deadlock
 * again if they ran side by side. A failure to commit answers this operation alone (within a
 * batch too) with INTERNAL_SERVER_ERROR.
 */
async function runOperation(
  apollo: ApolloServer<RequestContext>,
  deps: AppDependencies,
  req: Request,
  body: unknown,
  scope: RequestScope,
  retryLane: Lane,
): Promise<OperationAnswer> {
  const { log } = scope;
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: req.method.toUpperCase(),
    headers,
    search: new URL(req.originalUrl, 'http://localhost').search,
    body,
  };
  for (let attempt = 1; ; attempt += 1) {
    const run = () => attemptOperation(apollo, deps, req, httpGraphQLRequest, scope);
    const answer = await (attempt === 1 ? run() : retryLane(run));
    if (answer) return answer;
    if (attempt === MAX_ATTEMPTS) {
      const conflict = new ConcurrentChangeError();
      log.warn({ attempts: attempt }, 'operation abandoned: concurrent changes kept conflicting');
      return errorAnswer(GRAPHQL_EXECUTED, { message: conflict.message, extensions: { code: conflict.code } });
    }
    log.info({ attempt }, 'operation retried: a concurrent change conflicted');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
  }
}

/** One run of an operation: its answer, or undefined when a concurrent change undid it (nothing is stored). */
async function attemptOperation(
  apollo: ApolloServer<RequestContext>,
  deps: AppDependencies,
  req: Request,
  httpGraphQLRequest: HTTPGraphQLRequest,
  { requestId, log }: RequestScope,
): Promise<OperationAnswer | undefined> {
  let context: RequestContext | undefined;
  try {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        try {
          return (context = await contextFor(deps, req, requestId, log));
        } catch (error) {
          // Apollo's plugins never see an operation refused here (a bad token): counted as not parsed.
          countOperation('unknown', operationNameOf(httpGraphQLRequest.body), (error as GraphQLError).extensions?.code?.toString() ?? 'INTERNAL_SERVER_ERROR');
          throw error;
        }
      },
    });
    if (response.body.kind !== 'complete') throw new Error('incremental delivery is not supported');
    if (context) {
      if (context.tx.conflicted) return undefined;
      await context.tx.commit();
      // Lets tests see how many statements an operation cost; production keeps its queries to itself.
      if (!deps.config.production) response.headers.set('x-sql-statements', String(context.tx.statementCount));
    }
    return { status: response.status ?? 200, headers: response.headers, body: response.body.string };
  } catch (error) {
    if (context?.tx.conflicted) return undefined;
    log.error({ err: error }, 'operation failed: nothing of it was stored');
    return errorAnswer(HTTP_STATUS.INTERNAL_SERVER_ERROR, { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } });
  } finally {
    // Only does something when the commit was not reached.
    if (context) await context.tx.rollback();
  }
}

/**
 * A batch's HTTP status: its worst answer, where an operation that failed inside the server
 * counts only when every operation did; otherwise its failure is in its own element and the
 * others, possibly committed, are not made to look failed.
 */
function batchStatus(statuses: number[]): number {
  const answered = statuses.filter((status) => status < HTTP_STATUS.INTERNAL_SERVER_ERROR);
  return Math.max(...(answered.length > 0 ? answered : statuses));
}

export interface AppOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  /** Extra routes (exports) mounted next to /graphql. */
  routes?: (app: express.Express) => void;
}

export async function createApp(deps: AppDependencies, options: AppOptions) {
  const { config, log } = deps;
  const apollo = new ApolloServer<RequestContext>({
    // Apollo takes either a schema or a gateway; the compiled executor serves the same schema.
    ...(config.graphqlJit ? { gateway: new CompiledExecutor(options.schema) } : { schema: options.schema }),
    introspection: !config.production,
    csrfPrevention: true,
    formatError: errorFormatter({ hideSchemaDetails: config.production }),
    includeStacktraceInErrorResponses: false,
    persistedQueries: { cache: new InMemoryLRUCache<string>({ maxSize: APQ_CACHE_BYTES }), ttl: APQ_TTL_SECONDS },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: DRAIN_TIMEOUT_MS }),
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ footer: false }),
      operationLimits,
      internalErrors,
      variableInputsNamed,
      nothingStoredWithoutData,
      queriesOnlyRead,
      operationObserver,
      // Answers are one viewer's and never cached over HTTP; without this plugin Apollo stops
      // wrapping every field resolver to track cache hints (a callback and a promise per field).
      ApolloServerPluginCacheControlDisabled(),
      // Apollo turns on federated inline traces (ftv1) for a subgraph schema: when a router asks for
      // them they time every field resolver. Traces here are OpenTelemetry's, with no per-field cost.
      ApolloServerPluginInlineTraceDisabled(),
    ],
    // Apollo's own lines (it writes none per request here) go to the process's logger.
    logger: log,
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const retryLane = lane();
  const app = express();
  app.disable('x-powered-by');
  // Express would hash every answer into a weak ETag: GraphQL answers are one viewer's and never
  // cached (a page of the package table is 30 KB to hash for nothing). Routes whose answers have
  // a version (price list files) set their own.
  app.set('etag', false);
  app.set('query parser', 'simple');

  // Mounted only when tracing is on: otherwise requests do not even pass through it.
  if (tracingEnabled()) app.use(traceRequests);

  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    const started = process.hrtime.bigint();
    const requestLog = log.child({ requestId });
    res.setHeader('x-request-id', requestId);
    // 'close' rather than 'finish': a download the client abandons gets its line too.
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The route pattern, never the path: ids and unknown paths would make a series each.
      observeRequest((req.route as { path?: string } | undefined)?.path ?? 'unmatched', res.statusCode, ms / 1000);
      requestLog.info(
        { method: req.method, path: req.path, status: res.statusCode, ms, ...(res.writableFinished ? {} : { aborted: true }) },
        'request',
      );
    });
    setRequestScope(res, { requestId, log: requestLog });
    next();
  });

  if (metricsRouteExists(config)) {
    app.get('/metrics', async (req, res) => {
      if (!metricsAuthorized(config, req.header('authorization'))) {
        res.setHeader('www-authenticate', 'Bearer');
        return jsonError(res, 'UNAUTHENTICATED', 'GET /metrics needs the bearer token set in METRICS_TOKEN');
      }
      res.setHeader('content-type', registry.contentType);
      res.send(await registry.metrics());
    });
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    try {
      await Promise.race([
        deps.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database did not answer in time')), 1000).unref()),
      ]);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database not reachable' });
    }
  });

  // Only GraphQL takes JSON bodies; imports read their own (CSV, XLSX) with their own limit.
  app.use('/graphql', express.json({ limit: MAX_BODY }));

  app.all('/graphql', async (req, res, next) => {
    const scope = requestScopeOf(res);
    try {
      if (Array.isArray(req.body)) {
        if (req.body.length === 0 || req.body.length > MAX_BATCH) {
          return jsonError(res, 'BAD_REQUEST', `A batch must hold 1 to ${MAX_BATCH} operations, got ${req.body.length}`);
        }
        const results = [];
        for (const operation of req.body) results.push(await traceOperation(() => runOperation(apollo, deps, req, operation, scope, retryLane)));
        res.status(batchStatus(results.map((result) => result.status)));
        res.setHeader('content-type', 'application/json; charset=utf-8');
        return res.send(`[${results.map((result) => result.body).join(',')}]`);
      }
      const result = await traceOperation(() => runOperation(apollo, deps, req, req.body ?? {}, scope, retryLane));
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.status(result.status).send(result.body);
    } catch (error) {
      next(error);
    }
  });

  options.routes?.(app);

  app.use((_req, res) => jsonError(res, 'NOT_FOUND', 'No such route'));

  // Body-parser failures and anything unexpected: JSON, coded, no stack.
  app.use((error: Error & { status?: number; type?: string; expose?: boolean }, _req: Request, res: Response, _next: NextFunction) => {
    const scope = requestScopeOf(res) as RequestScope | undefined;
    if (error.type === 'entity.too.large') return jsonError(res, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY}`);
    if (error.type === 'entity.parse.failed') return jsonError(res, 'BAD_REQUEST', 'The request body is not valid JSON');
    // The body parser's other refusals (unknown content encoding or charset, aborted upload) are
    // safe to tell, at the status it chose (415 for an encoding or charset, 400 otherwise).
    if (error.expose && error.status !== undefined && error.status < HTTP_STATUS.INTERNAL_SERVER_ERROR) {
      return jsonError(res, 'BAD_REQUEST', error.message, { status: error.status });
    }
    scope?.log.error({ err: error }, 'request failed');
    jsonError(res, 'INTERNAL_SERVER_ERROR', 'Internal server error', { requestId: scope?.requestId });
  });

  return { app, apollo };
}
