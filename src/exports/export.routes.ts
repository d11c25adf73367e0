import type { Express, RequestHandler, Response } from 'express';
import type { RequestTransaction } from '../request/request-transaction';
import { DomainError, type ErrorCode } from '../errors';
import { createRequestContext, type AppDependencies, type RequestContext } from '../request/context';
import { requestScope } from '../request/request-scope';
import type { Logger } from '../logger';
import { requireTenant } from '../tenancy/viewer';
import { isClientGone } from './client-stream';
import { parsePackageExportQuery, type PackageExportRequest } from './export-query';
import { PackageLabels } from './package-columns';
import { exportedPackagePages } from './package-export';
import { writePackagesCsv } from './packages-csv';
import { writePackagesXlsx } from './packages-xlsx';

type Format = 'csv' | 'xlsx';

const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Outside GraphQL the domain's codes take their plain HTTP statuses. */
const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  QUERY_TOO_COMPLEX: 400,
};

/** An error before anything was sent, in the same shape as GraphQL's errors; unknown errors are masked. */
function answerError(res: Response, error: unknown, log: Logger, requestId: string): void {
  if (error instanceof DomainError) {
    if (error.code === 'UNAUTHENTICATED') res.setHeader('www-authenticate', 'Bearer');
    res.status(HTTP_STATUS[error.code]).json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions() } }] });
    return;
  }
  log.error({ err: error }, 'export failed');
  res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
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

/**
 * One export: parameters checked, then the request context built exactly as for GraphQL (token,
 * RLS transaction, tenant), then every page streamed as it is read. Once the first byte is out,
 * a failure can only cut the download short: it is logged and the connection closed, never
 * answered with a second set of headers.
 */
function exportPackages(deps: AppDependencies, format: Format): RequestHandler {
  return async (req, res) => {
    const { requestId, log } = requestScope.getStore()!;
    let request: PackageExportRequest;
    let ctx: RequestContext;
    try {
      request = parsePackageExportQuery(req.query as Record<string, unknown>, format);
      ctx = await createRequestContext(deps, req.header('authorization'), requestId, log);
    } catch (error) {
      return answerError(res, error, log, requestId);
    }
    try {
      // Platform administrators see no catalogue.
      requireTenant(ctx.viewer);
      const labels = new PackageLabels(request.language);
      const sendHeaders = () => {
        res.status(200);
        res.setHeader('content-type', CONTENT_TYPES[format]);
        res.setHeader('content-disposition', `attachment; filename="${labels.fileName(format)}"`);
        res.setHeader('cache-control', 'no-store');
      };
      // HEAD answers what a GET would (parameters, token, headers) without reading any package.
      if (req.method === 'HEAD') {
        await ctx.tx.commit();
        sendHeaders();
        res.end();
        return;
      }
      const pages = await withFirstPageRead(committedAfterLastPage(exportedPackagePages(ctx, request.filter), ctx.tx));
      sendHeaders();
      if (format === 'csv') await writePackagesCsv(pages, res, labels, request.delimiter);
      else await writePackagesXlsx(pages, res, labels);
      log.info({ format, statements: ctx.tx.statementCount }, 'packages exported');
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

/** `GET /exports/packages.csv` and `GET /exports/packages.xlsx`: the Paquetes table, as `packages` filters it. */
export function exportRoutes(deps: AppDependencies): (app: Express) => void {
  return (app) => {
    app.get('/exports/packages.csv', exportPackages(deps, 'csv'));
    app.get('/exports/packages.xlsx', exportPackages(deps, 'xlsx'));
  };
}
