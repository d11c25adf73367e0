import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isScalarType,
  typeFromAST,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** At most this many compiled operations are kept, least recently used first out. */
export const COMPILED_OPERATIONS = 500;

/**
 * Scalars whose parsing is idempotent: a value graphql-js already coerced parses again to itself.
 * graphql-jit parses variables itself after graphql-js did (see `execute` below), so an operation
 * whose variables reach any other scalar (DateTime: a string becomes a Date, which it would refuse
 * the second time) runs on graphql-js instead.
 */
const IDEMPOTENT_SCALARS = new Set(['ID', 'String', 'Int', 'Float', 'Boolean', 'Decimal', 'Date', '_Any']);

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayGraphQLRequestContext = Parameters<GatewayExecutor>[0];
type Compiled = CompiledQuery<Record<string, unknown>, Record<string, unknown>>;

/**
 * Executes operations with graphql-jit: each distinct document and operation is compiled once into
 * a JavaScript function (no per-field argument objects, no generic walk of the selection), which
 * answers exactly what graphql-js answers, with the same resolvers. It plugs into Apollo Server
 * through the gateway interface, so Apollo still parses, validates, runs APQ and every plugin hook
 * but `willResolveField` (compiled code calls the schema's resolvers directly).
 *
 * Two differences with graphql-js are covered here:
 * - variables are coerced by graphql-js first (graphql-jit would refuse an omitted non-null input
 *   field that has a default) and the coerced values passed on;
 * - errors are rebuilt as graphql-js `GraphQLError`s (with path, locations and original error), so
 *   that Apollo and `formatError` treat them as they treat graphql-js's: graphql-jit's own error
 *   objects carry an error's `extensions` as they are, and none when it has none (a pg error).
 */
export class CompiledExecutor implements GatewayInterface {
  private readonly compiled = new Map<string, Compiled | null>();
  /** Named input types whose values parse to themselves (enums whose values are their names, idempotent scalars, inputs of such). */
  private readonly reparsable = new Map<string, boolean>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly capacity = COMPILED_OPERATIONS,
  ) {}

  onSchemaLoadOrUpdate(callback: (schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void): () => void {
    // One schema for the life of the server; no supergraph (this server is not a gateway).
    callback({ apiSchema: this.schema, coreSupergraphSdl: '' });
    return () => undefined;
  }

  async load(): Promise<{ executor: GatewayExecutor }> {
    return { executor: async (requestContext) => this.execute(requestContext) };
  }

  async stop(): Promise<void> {
    this.compiled.clear();
  }

  /** How many compiled operations are kept (for tests). */
  get size(): number {
    return this.compiled.size;
  }

  private async execute(requestContext: GatewayGraphQLRequestContext): Promise<ExecutionResult> {
    const { document, operation, request, context } = requestContext;
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const compiled = this.compiledFor(requestContext);
    if (!compiled) {
      return execute({ schema: this.schema, document, contextValue: context, variableValues: request.variables, operationName: request.operationName });
    }
    const result = await compiled.query(undefined, context, coerced.coerced);
    return result.errors ? { ...result, errors: firstPerNulledField(result.data, result.errors).map(asGraphQLJsError) } : result;
  }

  /** The operation compiled (once per document and operation name), or null when it runs on graphql-js. */
  private compiledFor({ queryHash, operationName, document, operation }: GatewayGraphQLRequestContext): Compiled | null {
    const key = `${queryHash}:${operationName ?? ''}`;
    let compiled = this.compiled.get(key);
    if (compiled !== undefined) {
      // Most recently used last: a Map iterates in insertion order.
      this.compiled.delete(key);
      this.compiled.set(key, compiled);
      return compiled;
    }
    compiled = null;
    if (this.variablesReparse(operation)) {
      const result = compileQuery(this.schema, document, operationName ?? undefined);
      if (isCompiledQuery(result)) compiled = result as Compiled;
    }
    this.compiled.set(key, compiled);
    if (this.compiled.size > this.capacity) this.compiled.delete(this.compiled.keys().next().value!);
    return compiled;
  }

  private variablesReparse(operation: OperationDefinitionNode): boolean {
    return (operation.variableDefinitions ?? []).every((definition) => {
      const type = typeFromAST(this.schema, definition.type) as GraphQLInputType | undefined;
      return type !== undefined && this.reparses(getNamedType(type));
    });
  }

  private reparses(type: GraphQLNamedType): boolean {
    const known = this.reparsable.get(type.name);
    if (known !== undefined) return known;
    this.reparsable.set(type.name, true); // a recursive input type is decided by its other fields
    let answer = true;
    if (isScalarType(type)) answer = IDEMPOTENT_SCALARS.has(type.name);
    else if (isEnumType(type)) answer = type.getValues().every((value) => value.value === value.name);
    else if (isInputObjectType(type)) answer = Object.values(type.getFields()).every((field) => this.reparses(getNamedType(field.type)));
    this.reparsable.set(type.name, answer);
    return answer;
  }
}

/**
 * The errors graphql-js would report: when errors of non-null fields null the same nullable
 * ancestor (a package whose `totals` and every item's `totals` failed), graphql-js reports the
 * first to reach it (the others are dropped with the ancestor), graphql-jit all of them. An error
 * is keyed by the first null met walking its path in the answer: the ancestor it nulled, or its
 * own field when that is nullable.
 */
function firstPerNulledField(data: unknown, errors: readonly GraphQLError[]): GraphQLError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const path = error.path ?? [];
    let value = data as Record<string | number, unknown> | null | undefined;
    let depth = 0;
    while (depth < path.length && value != null) value = value[path[depth++]] as typeof value;
    const key = path.slice(0, value == null ? depth : path.length).join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** graphql-jit's error as graphql-js would have built it (`locatedError`): path, locations, original error and its extensions. */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  // A located graphql-js error thrown by a resolver is passed on as it is, as graphql-js does.
  if (original instanceof GraphQLError && Array.isArray(original.path)) return original;
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: original ?? undefined,
    source: original instanceof GraphQLError ? original.source : undefined,
    positions: original instanceof GraphQLError ? original.positions : undefined,
  });
  if (!rebuilt.locations && error.locations) (rebuilt as { locations?: unknown }).locations = error.locations;
  return rebuilt;
}
