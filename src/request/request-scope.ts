import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logger';

/** The request id and its logger, reachable from code that is not handed the context (error formatting). */
export interface RequestScope {
  requestId: string;
  log: Logger;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
