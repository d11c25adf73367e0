import { coerceInputValue, Kind, typeFromAST, type GraphQLError, type GraphQLInputType, type GraphQLSchema, type VariableDefinitionNode } from 'graphql';

/**
 * Variables that do not coerce, named as BAD_USER_INPUT names inputs (api.md "Errors and limits"):
 * each such error gets `extensions.field`, the variable and the path inside it to the value at
 * fault (`filter.status`, `items[1].quantity`), as domain errors name theirs. graphql-js writes
 * that path only into its message, so a variable with errors is coerced again, on this failure
 * path only, to collect its paths in the order of its errors; one left out, or null where it may
 * not be, is named alone. Both executors' errors pass here (an Apollo plugin), before they are
 * formatted.
 */
export function nameVariableInputs(schema: GraphQLSchema, variables: Record<string, unknown>, errors: readonly GraphQLError[]): void {
  const pathsOf = new Map<string, string[]>();
  for (const error of errors) {
    const definition = error.nodes?.length === 1 && error.nodes[0].kind === Kind.VARIABLE_DEFINITION ? error.nodes[0] : undefined;
    if (!definition || error.extensions.code !== 'BAD_USER_INPUT') continue;
    const name = definition.variable.name.value;
    let paths = pathsOf.get(name);
    if (!paths) pathsOf.set(name, (paths = pathsInside(schema, definition, variables[name])));
    (error.extensions as Record<string, unknown>).field = paths.shift() ?? name;
  }
}

function pathsInside(schema: GraphQLSchema, definition: VariableDefinitionNode, value: unknown): string[] {
  const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
  if (type === undefined || value === undefined || value === null) return [];
  const paths: string[] = [];
  const name = definition.variable.name.value;
  coerceInputValue(value, type, (path) => paths.push(name + path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('')));
  return paths;
}
