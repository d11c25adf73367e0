/**
 * The errors the domain raises. Each maps to one `extensions.code` (see graphql/format-error.ts);
 * anything else that escapes a resolver is an internal error and is masked.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'QUERY_TOO_COMPLEX'
  | 'SERVICE_UNAVAILABLE';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly httpStatus: number;
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  readonly httpStatus = 401;
}

/** The viewer sees the row (or no row is involved) but may not do this. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly httpStatus = 200;
}

/** The row does not exist or the viewer may not see it: the two are never told apart. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly httpStatus = 200;
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
  readonly httpStatus = 200;
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
  readonly httpStatus = 200;
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
  readonly httpStatus = 400;
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
