import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../errors';
import { requestScope } from '../request/request-scope';

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
 * The one mapping from thrown errors to what clients see. Domain errors carry their code (and
 * field); GraphQL's own errors keep theirs; anything else is masked as INTERNAL_SERVER_ERROR with
 * the request id, and logged in full with that id.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const scope = requestScope.getStore();
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.extensions() } };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === 'string' && PASSED_THROUGH.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions };
  }
  scope?.log.error({ err: original, path: formatted.path }, 'internal error');
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: scope?.requestId },
  };
}
