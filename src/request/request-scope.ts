import type { Response } from 'express';
import type { Logger } from '../logger';

/** The request id and its logger, kept on the response by the first middleware (http/app.ts). */
export interface RequestScope {
  requestId: string;
  log: Logger;
}

/**
 * Passed by hand rather than through AsyncLocalStorage: on Node 20 that turns on promise hooks
 * for every promise of the process, about 5 % of the server's CPU per package page.
 */
export function setRequestScope(res: Response, scope: RequestScope): void {
  res.locals.requestScope = scope;
}

export function requestScopeOf(res: Response): RequestScope {
  return res.locals.requestScope as RequestScope;
}
