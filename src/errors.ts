/**
 * The errors the domain raises. Each maps to one `extensions.code` (see graphql/format-error.ts)
 * and one HTTP status (HTTP_STATUS below); anything else that escapes a resolver is an internal
 * error and is masked.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'QUERY_TOO_COMPLEX'
  | 'SERVICE_UNAVAILABLE';

/** Codes the HTTP layer answers with besides the domain's (api.md "HTTP", "Errors and limits", "Price lists over HTTP"). */
export type HttpErrorCode =
  | ErrorCode
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PRECONDITION_FAILED'
  /** An import with bad rows: the body lists the rows (`{"errors":[{"row":7,"column":"price","message":…}]}`), without a code. */
  | 'INVALID_ROWS'
  | 'INTERNAL_SERVER_ERROR';

/**
 * The one table of HTTP statuses. It applies to every answer that is an error as a whole: the
 * export and import routes, the 404 and body-parser handlers, GET /metrics, a batch of the wrong
 * size, and a GraphQL operation refused before it runs (a bad token: 401; over the depth or cost
 * limits: 400). Once a GraphQL operation runs, its errors travel beside its data in a
 * GRAPHQL_EXECUTED answer, whatever their code. Parse, validation, CSRF and method refusals of
 * GraphQL requests keep the statuses Apollo gives them (400, 405).
 */
export const HTTP_STATUS: Readonly<Record<HttpErrorCode, number>> = {
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_ROWS: 422,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * The status of a GraphQL operation that ran: its errors (FORBIDDEN, NOT_FOUND, CONFLICT, … and a
 * CONFLICT after concurrent changes exhausted the retries) are in the body's `errors`, per field.
 */
export const GRAPHQL_EXECUTED = 200;

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

/** The viewer sees the row (or no row is involved) but may not do this. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** The row does not exist or the viewer may not see it: the two are never told apart. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    what: string,
    readonly field?: string,
  ) {
    super(`${what} not found`);
  }
  override extensions(): Record<string, unknown> {
    return this.field ? { field: this.field } : {};
  }
}

/** Bad input, naming the offending field (a path like `items[2].quantity` where useful). */
export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
  override extensions(): Record<string, unknown> {
    return { field: this.field };
  }
}

/** A stale `expectedVersion`, or a name or code already taken. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
  override extensions(): Record<string, unknown> {
    return this.field ? { field: this.field } : {};
  }
}

/**
 * A deadlock or serialization failure with a concurrent request. The operation is retried in a
 * fresh transaction; a client only sees this when the retries ran out, and nothing was stored.
 */
export class ConcurrentChangeError extends ConflictError {
  constructor(options: { cause?: unknown } = {}) {
    super('Concurrent changes kept conflicting with this operation; nothing of it was stored, please try again');
    this.cause = options.cause;
  }
}

export class QueryTooComplexError extends DomainError {
  readonly code = 'QUERY_TOO_COMPLEX';
}

/**
 * No room for this now, through no fault of the request: an export found the export share of the
 * database connections (or its organization's cap) full for longer than it may wait. HTTP 503
 * with `Retry-After: <retryAfterSeconds>`.
 */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly httpStatus = 503;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
