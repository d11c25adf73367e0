import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BadUserInputError, HTTP_STATUS } from '../errors';
import { answerError } from '../exports/export.routes';
import { importPriceListEntries, ImportRowsError, StaleImportError } from '../pricing/price-list.operations';
import { createRequestContext, type AppDependencies, type RequestContext } from '../request/context';
import { requestScopeOf } from '../request/request-scope';
import { requireTenant } from '../tenancy/viewer';
import { ImportFileError, MAX_IMPORT_BYTES, readImportFile, TooManyRowsError, type ImportFormat } from './price-list-file';

/** The content types an import takes (the parameters, e.g. charset, aside). */
const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

function formatOf(req: Request): ImportFormat | null {
  const type = (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return FORMATS[type] ?? null;
}

/** `mode=merge` (default) or `mode=replace`; nothing else. */
function importMode(query: Record<string, unknown>): 'merge' | 'replace' {
  const unknown = Object.keys(query).find((name) => name !== 'mode');
  if (unknown !== undefined) throw new BadUserInputError(unknown, `Unknown parameter "${unknown}"; an import takes mode=merge or mode=replace`);
  const mode = query.mode ?? 'merge';
  if (mode !== 'merge' && mode !== 'replace') throw new BadUserInputError('mode', 'mode must be merge or replace');
  return mode;
}

/** `If-Match: 7` or `If-Match: "7"` (the export's ETag); absent or `*`: no check. */
function expectedVersion(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '*') return null;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new BadUserInputError('If-Match', 'If-Match must be the version of the list, e.g. "7" as the export\'s ETag gives it');
  return Number(match[1]);
}

const readBody = express.raw({ type: (req) => formatOf(req as Request) !== null, limit: MAX_IMPORT_BYTES });

/** The body, up to 5 MiB; beyond that 413 in the shape of every other error. */
function bodyWithinLimit(req: Request, res: Response, next: NextFunction): void {
  readBody(req, res, (error?: { type?: string }) => {
    if (error?.type === 'entity.too.large') {
      res.status(HTTP_STATUS.PAYLOAD_TOO_LARGE).json({ errors: [{ message: 'An import file is limited to 5 MiB', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      return;
    }
    next(error);
  });
}

/**
 * `PUT /imports/price-lists/<id>`: token (401), the list and the viewer's right to change it
 * (404, 403), a supported content type (415), the file (413 past 10,000 rows, 422 for every bad
 * row), `If-Match` (412 with the current ETag); then one transaction, committed before the answer.
 */
function importPriceList(deps: AppDependencies): RequestHandler {
  return async (req, res) => {
    const { requestId, log } = requestScopeOf(res);
    let ctx: RequestContext | undefined;
    try {
      const mode = importMode(req.query as Record<string, unknown>);
      const ifMatch = expectedVersion(req.header('if-match'));
      ctx = await createRequestContext(deps, req.header('authorization'), requestId, log);
      requireTenant(ctx.viewer);
      const format = formatOf(req);
      if (format === null || !Buffer.isBuffer(req.body)) {
        res.status(HTTP_STATUS.UNSUPPORTED_MEDIA_TYPE).json({
          errors: [{ message: 'An import is text/csv or an XLSX workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
        });
        return;
      }
      const sheet = await readImportFile(req.body, format);
      const result = await importPriceListEntries(ctx, String(req.params.id), sheet, mode, ifMatch);
      await ctx.tx.commit();
      log.info({ format, mode, ...result, statements: ctx.tx.statementCount }, 'price list imported');
      res.setHeader('etag', `"${result.version}"`);
      res.status(200).json(result);
    } catch (error) {
      if (error instanceof ImportRowsError || error instanceof ImportFileError) {
        res.status(HTTP_STATUS.INVALID_ROWS).json({ errors: error.errors });
      } else if (error instanceof StaleImportError) {
        res.setHeader('etag', `"${error.version}"`);
        res.status(HTTP_STATUS.PRECONDITION_FAILED).json({ errors: [{ message: error.message, extensions: { code: 'PRECONDITION_FAILED' } }] });
      } else if (error instanceof TooManyRowsError) {
        res.status(HTTP_STATUS.PAYLOAD_TOO_LARGE).json({ errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      } else {
        answerError(res, error, log, requestId);
      }
    } finally {
      // Only does something when the commit was not reached.
      await ctx?.tx.rollback();
    }
  };
}

/** `PUT /imports/price-lists/<id>`: a CSV or XLSX file of entries (api.md "Price lists over HTTP"). */
export function importRoutes(deps: AppDependencies): (app: Express) => void {
  return (app) => {
    app.put('/imports/price-lists/:id', bodyWithinLimit, importPriceList(deps));
  };
}
