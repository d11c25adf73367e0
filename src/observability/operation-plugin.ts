import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../request/context';
import { countOperation } from './metrics';
import { markOperationOutcome, nameOperationSpan } from './tracing';

/** The operation's outcome as a label: OK, or the code of its first error. */
export function outcomeCode(errors: readonly GraphQLFormattedError[] | undefined): string {
  const code = errors?.[0]?.extensions?.code;
  return errors?.length ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'OK';
}

/** One listener for every request (it keeps no state): nothing is allocated per operation. */
const listener: GraphQLRequestListener<RequestContext> = {
  async didResolveOperation({ operation }) {
    if (operation) nameOperationSpan(operation.operation, operation.name?.value);
  },
  async willSendResponse({ operation, request, response }) {
    const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
    const code = outcomeCode(errors);
    countOperation(operation?.operation ?? 'unknown', operation?.name?.value ?? request.operationName, code);
    markOperationOutcome(code);
  },
};

/**
 * Counts each GraphQL operation once it is answered (graphql_operations_total) and names its
 * span after it. Only hooks that run once per operation: no field is wrapped. Operations refused before Apollo's pipeline (a bad
 * token) are counted by the HTTP layer.
 */
export const operationObserver: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return listener;
  },
};
