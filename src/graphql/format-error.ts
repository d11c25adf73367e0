import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../errors';

/** Codes GraphQL and Apollo attach themselves (parse, validation, CSRF, bad variables): kept as they are. */
const PASSED_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'QUERY_TOO_COMPLEX',
]);

/**
 * Client mistakes Apollo reports without a code (with HTTP 400 only): without this table they
 * would be masked as internal errors. Keyed by Apollo's message, answered as BAD_USER_INPUT on the
 * request field at fault.
 */
const APOLLO_CLIENT_MISTAKES: Record<string, { field: string; message: string }> = {
  'provided sha does not match query': {
    field: 'extensions.persistedQuery.sha256Hash',
    message: 'extensions.persistedQuery.sha256Hash must be the SHA-256 (hex) of the query text sent with it',
  },
  'Unsupported persisted query version': {
    field: 'extensions.persistedQuery.version',
    message: 'extensions.persistedQuery.version must be 1 (the only version of persisted queries supported)',
  },
};

/** A GraphQL error Apollo raised for the request itself, without a code but with a 4xx status. */
function uncodedClientError(error: GraphQLError): boolean {
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  return error.extensions?.code === undefined && status !== undefined && status >= 400 && status < 500;
}

/**
 * The one mapping from thrown errors to what clients see. Domain errors carry their code (and
 * field); GraphQL's own errors keep theirs; Apollo's uncoded refusals of a request (HTTP 4xx) are
 * the client's (BAD_USER_INPUT or BAD_REQUEST, not logged as errors); anything else is masked as
 * INTERNAL_SERVER_ERROR. Masked errors are logged in full, and given the request id, by whoever
 * knows the request (`isMasked`; http/app.ts): Apollo calls this without it. An error masked
 * already, with the request id (a failure while the context was made), keeps that id.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  return clientView(formatted, error) ?? {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(typeof formatted.extensions?.requestId === 'string' ? { requestId: formatted.extensions.requestId } : {}) },
  };
}

/** Whether `formatError` masks this error: an internal failure, to be logged with the request id. */
export function isMasked(error: GraphQLError): boolean {
  return clientView(error.toJSON(), error) === null;
}

/** What clients see of an error they may be told about; null for an internal one. */
function clientView(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.extensions() } };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === 'string' && PASSED_THROUGH.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions };
  }
  if (original instanceof GraphQLError && uncodedClientError(original)) {
    const mistake = APOLLO_CLIENT_MISTAKES[original.message];
    return mistake
      ? { message: mistake.message, extensions: { code: 'BAD_USER_INPUT', field: mistake.field } }
      : { ...base, extensions: { code: 'BAD_REQUEST' } };
  }
  return null;
}

/** GraphQL's "Did you mean ...?" hints: they name fields, arguments, types and enum values of the schema. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * The formatter Apollo is given. In production, where introspection is off, no message names
 * what the client did not: suggestions are removed from every error, whether validation or the
 * coercion of variables raised it.
 */
export function errorFormatter(options: { hideSchemaDetails: boolean }): typeof formatError {
  if (!options.hideSchemaDetails) return formatError;
  return (formatted, error) => {
    const result = formatError(formatted, error);
    return { ...result, message: result.message.replace(SUGGESTION, '') };
  };
}
