import type { Writable } from 'node:stream';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { RequestTransaction } from '../request/request-transaction';
import { DomainError, HTTP_STATUS, ServiceUnavailableError } from '../errors';
import { verifyBearer } from '../auth/token';
import { createRequestContext, type AppDependencies, type RequestContext } from '../request/context';
import { requestScopeOf } from '../request/request-scope';
import type { Logger } from '../logger';
import { requireTenant } from '../tenancy/viewer';
import { isClientGone } from './client-stream';
import { DownloadGuard } from './download-guard';
import { ExportGate, exportsBusy, TenantOrganizations, type ExportPermit } from './export-gate';
import { parsePackageExportQuery, type PackageExportRequest } from './export-query';
import { PackageLabels } from './package-columns';
import { exportedPackagePages, type ExportedPackage } from './package-export';
import { priceListExport } from './price-list-export';
import { writePackagesCsv } from './packages-csv';
import { writePackagesXlsx } from './packages-xlsx';

export type Format = 'csv' | 'xlsx';

const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** An error before anything was sent, in the same shape as GraphQL's errors; unknown errors are masked. */
export function answerError(res: Response, error: unknown, log: Logger, requestId: string): void {
  if (error instanceof DomainError) {
    if (error.code === 'UNAUTHENTICATED') res.setHeader('www-authenticate', 'Bearer');
    if (error instanceof ServiceUnavailableError) res.setHeader('retry-after', String(error.retryAfterSeconds));
    res.status(HTTP_STATUS[error.code]).json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions() } }] });
    return;
  }
  log.error({ err: error }, 'export failed');
  res.status(HTTP_STATUS.INTERNAL_SERVER_ERROR).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
}

/**
 * Commits once the last page has been read, before the file's tail is flushed and the response
 * ends: the connection goes back to the pool while a slow client is still downloading, and a
 * shutdown (which waits for open responses) never cuts the commit short.
 */
async function* committedAfterLastPage<T>(pages: AsyncIterable<T>, tx: RequestTransaction, released: () => void): AsyncGenerator<T> {
  yield* pages;
  await tx.commit();
  // The export's slot goes with its connection.
  released();
}

/** Reads the first page before anything is sent, so that a failure there still gets a JSON answer. */
async function withFirstPageRead<T>(pages: AsyncGenerator<T>): Promise<AsyncIterable<T>> {
  const first = await pages.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* pages;
  })();
}

/** What one download is, once the viewer is known: its file, extra headers, its pages and how they are written. */
export interface OpenedExport<T> {
  fileName: string;
  headers?: Record<string, string>;
  pages(): AsyncGenerator<T[]>;
  write(pages: AsyncIterable<T[]>, out: Writable): Promise<void>;
  /** What the log line says was exported. */
  logMessage: string;
}

/** One kind of export: its query string (checked before the token) and what it opens for a viewer (which may refuse). */
export interface ExportPlan<P, T> {
  parse(req: Request): P;
  open(ctx: RequestContext, request: P): Promise<OpenedExport<T>>;
}

/** pg-pool's refusal when no pooled connection freed up within its connection timeout. */
const isPoolTimeout = (error: unknown) => error instanceof Error && /timeout exceeded when trying to connect/.test(error.message);

/**
 * The request context of a download; a pool with no connection to spare (every one busy for
 * longer than pg's connect timeout) answers 503 with Retry-After, like a full export share.
 */
async function exportContext(deps: AppDependencies, req: Request, requestId: string, log: Logger): Promise<RequestContext> {
  try {
    return await createRequestContext(deps, req.header('authorization'), requestId, log);
  } catch (error) {
    throw isPoolTimeout(error) ? exportsBusy() : error;
  }
}

/**
 * One export: parameters checked, then the request context built exactly as for GraphQL (token,
 * RLS transaction, tenant). A GET needs a slot of the export share (`gate`) for its organization,
 * taken before the transaction when the process knows the token's tenant (its organization never
 * changes), else once the context has read it: when the organization or the share is full, the
 * download waits briefly without a connection, then is answered 503 with Retry-After. Every page is streamed as it is read,
 * under a guard that cuts a client that stops reading or reads too slowly; the slot is given back
 * with the connection. Once the first byte is out, a failure can only cut the download short: it
 * is logged and the connection closed, never answered with a second set of headers.
 */
export function exportRoute<P, T>(
  deps: AppDependencies,
  gate: ExportGate,
  organizations: TenantOrganizations,
  format: Format,
  plan: ExportPlan<P, T>,
): RequestHandler {
  const settings = deps.config.exports;
  return async (req, res) => {
    const { requestId, log } = requestScopeOf(res);
    let request: P;
    let ctx: RequestContext;
    let permit: ExportPermit | null = null;
    let guard: DownloadGuard | undefined;
    try {
      request = plan.parse(req);
      // A GET whose tenant's organization is known waits for a slot before it takes a connection.
      if (req.method !== 'HEAD') {
        const { tenantId } = await verifyBearer(req.header('authorization'), deps.config);
        const organizationId = tenantId === null ? undefined : organizations.of(tenantId);
        if (organizationId !== undefined) permit = await gate.acquire(organizationId);
      }
      ctx = await exportContext(deps, req, requestId, log);
    } catch (error) {
      permit?.release();
      return answerError(res, error, log, requestId);
    }
    try {
      // Platform administrators see no catalogue.
      const { organizationId, tenantId } = requireTenant(ctx.viewer);
      organizations.remember(tenantId, organizationId);
      // HEAD reads no row: it needs no slot.
      if (req.method !== 'HEAD' && !permit) {
        permit = gate.tryAcquire(organizationId);
        if (!permit) {
          // The first download of a tenant this process sees: it waits without holding a connection.
          await ctx.tx.rollback();
          permit = await gate.acquire(organizationId);
          ctx = await exportContext(deps, req, requestId, log);
        }
      }
      // A client that left while it waited gives its slot back at once.
      if (req.socket.destroyed) return;
      const opened = await plan.open(ctx, request);
      const sendHeaders = () => {
        res.status(200);
        res.setHeader('content-type', CONTENT_TYPES[format]);
        res.setHeader('content-disposition', `attachment; filename="${opened.fileName}"`);
        res.setHeader('cache-control', 'no-store');
        for (const [name, value] of Object.entries(opened.headers ?? {})) res.setHeader(name, value);
      };
      // HEAD answers what a GET would (parameters, token, headers) without reading any row.
      if (req.method === 'HEAD') {
        await ctx.tx.commit();
        sendHeaders();
        res.end();
        return;
      }
      guard = new DownloadGuard(res, settings);
      const held = permit;
      const pages = await withFirstPageRead(committedAfterLastPage(opened.pages(), ctx.tx, () => held?.release()));
      sendHeaders();
      await opened.write(pages, res);
      log.info({ format, statements: ctx.tx.statementCount }, opened.logMessage);
    } catch (error) {
      if (!res.headersSent && !res.destroyed) {
        res.removeHeader('content-disposition');
        return answerError(res, error, log, requestId);
      }
      if (guard?.reason === 'stalled') log.info({ format, stalledMs: guard.stalledMs }, 'export cut off: the client stopped reading');
      else if (guard?.reason === 'too slow') log.info({ format, maxDurationMs: settings.maxDurationMs }, 'export cut off: the client read too slowly');
      else if (isClientGone(error)) log.info({ format }, 'export abandoned by the client');
      else log.error({ err: error, format }, 'export failed while streaming');
      res.destroy();
    } finally {
      guard?.stop();
      // Only does something when the commit was not reached.
      await ctx.tx.rollback();
      permit?.release();
    }
  };
}

/** The Paquetes table, as `packages` filters it (optionally totalled at a price list's prices). */
function packagesExport(format: Format): ExportPlan<PackageExportRequest, ExportedPackage> {
  return {
    parse: (req) => parsePackageExportQuery(req.query as Record<string, unknown>, format),
    open: async (ctx, request) => {
      const labels = new PackageLabels(request.language);
      return {
        fileName: labels.fileName(format),
        pages: () => exportedPackagePages(ctx, request.filter, request.priceListId),
        write: (pages, out) => (format === 'csv' ? writePackagesCsv(pages, out, labels, request.delimiter) : writePackagesXlsx(pages, out, labels)),
        logMessage: 'packages exported',
      };
    },
  };
}

/** `GET /exports/packages.csv|xlsx` (the Paquetes table) and `GET /exports/price-lists/<id>.csv|xlsx` (a price list's entries). */
export function exportRoutes(deps: AppDependencies): (app: Express) => void {
  return (app) => {
    // One gate for every export route of the process: they share the export slots.
    const gate = new ExportGate(deps.config.exports);
    const organizations = new TenantOrganizations();
    const route = <P, T>(format: Format, plan: ExportPlan<P, T>) => exportRoute(deps, gate, organizations, format, plan);
    app.get('/exports/packages.csv', route('csv', packagesExport('csv')));
    app.get('/exports/packages.xlsx', route('xlsx', packagesExport('xlsx')));
    const priceLists = { csv: route('csv', priceListExport('csv')), xlsx: route('xlsx', priceListExport('xlsx')) };
    app.get('/exports/price-lists/:file', (req, res, next) => {
      const format = /\.(csv|xlsx)$/.exec(String(req.params.file))?.[1] as Format | undefined;
      return format ? priceLists[format](req, res, next) : next();
    });
  };
}
