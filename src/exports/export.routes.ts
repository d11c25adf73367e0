import type { Writable } from 'node:stream';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { RequestTransaction } from '../request/request-transaction';
import { DomainError, HTTP_STATUS } from '../errors';
import { createRequestContext, type AppDependencies, type RequestContext } from '../request/context';
import { requestScope } from '../request/request-scope';
import type { Logger } from '../logger';
import { requireTenant } from '../tenancy/viewer';
import { isClientGone } from './client-stream';
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
async function* committedAfterLastPage<T>(pages: AsyncIterable<T>, tx: RequestTransaction): AsyncGenerator<T> {
  yield* pages;
  await tx.commit();
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

/**
 * One export: parameters checked, then the request context built exactly as for GraphQL (token,
 * RLS transaction, tenant), then every page streamed as it is read. Once the first byte is out,
 * a failure can only cut the download short: it is logged and the connection closed, never
 * answered with a second set of headers.
 */
export function exportRoute<P, T>(deps: AppDependencies, format: Format, plan: ExportPlan<P, T>): RequestHandler {
  return async (req, res) => {
    const { requestId, log } = requestScope.getStore()!;
    let request: P;
    let ctx: RequestContext;
    try {
      request = plan.parse(req);
      ctx = await createRequestContext(deps, req.header('authorization'), requestId, log);
    } catch (error) {
      return answerError(res, error, log, requestId);
    }
    try {
      // Platform administrators see no catalogue.
      requireTenant(ctx.viewer);
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
      const pages = await withFirstPageRead(committedAfterLastPage(opened.pages(), ctx.tx));
      sendHeaders();
      await opened.write(pages, res);
      log.info({ format, statements: ctx.tx.statementCount }, opened.logMessage);
    } catch (error) {
      if (!res.headersSent && !res.destroyed) {
        res.removeHeader('content-disposition');
        return answerError(res, error, log, requestId);
      }
      if (isClientGone(error)) log.info({ format }, 'export abandoned by the client');
      else log.error({ err: error, format }, 'export failed while streaming');
      res.destroy();
    } finally {
      // Only does something when the commit was not reached.
      await ctx.tx.rollback();
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
    app.get('/exports/packages.csv', exportRoute(deps, 'csv', packagesExport('csv')));
    app.get('/exports/packages.xlsx', exportRoute(deps, 'xlsx', packagesExport('xlsx')));
    const priceLists = { csv: exportRoute(deps, 'csv', priceListExport('csv')), xlsx: exportRoute(deps, 'xlsx', priceListExport('xlsx')) };
    app.get('/exports/price-lists/:file', (req, res, next) => {
      const format = /\.(csv|xlsx)$/.exec(String(req.params.file))?.[1] as Format | undefined;
      return format ? priceLists[format](req, res, next) : next();
    });
  };
}
