import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { QueryTooComplexError } from '../errors';

/** Fields nested deeper than this (counting the leaf) are refused. */
export const MAX_QUERY_DEPTH = 10;
/** The cost budget of one operation (see `measureOperation`). */
export const MAX_QUERY_COST = 50_000;
/** A list that is not a connection page is priced as if it held this many elements. */
export const LIST_COST_FACTOR = 20;

export interface OperationMeasure {
  cost: number;
  depth: number;
}

const NOTHING: OperationMeasure = { cost: 0, depth: 0 };

const isConnection = (type: { name: string }) => type.name.endsWith('Connection');

/**
 * Walks one validated operation the way execution would (fragments expanded, @skip/@include
 * applied) and prices it: every field costs 1; a connection field multiplies its selection by its
 * `first`, its `nodes`/`edges` are not multiplied again; federation's `_entities` multiplies its
 * selection by its number of representations; any other list multiplies its selection by
 * LIST_COST_FACTOR. Fragments are measured once each, so nesting them cannot make the walk itself
 * expensive. Introspection fields and `__typename` are free and add no depth (introspection
 * is off in production; development tools send deeply nested introspection queries).
 */
class OperationWalker {
  private readonly fragmentMeasures = new Map<string, OperationMeasure>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): OperationMeasure {
    let cost = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      const measure = this.selection(selection, parent);
      cost += measure.cost;
      depth = Math.max(depth, measure.depth);
    }
    return { cost, depth };
  }

  private selection(selection: SelectionNode, parent: GraphQLCompositeType): OperationMeasure {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.field(selection, parent);
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition ? this.compositeType(selection.typeCondition.name.value) : parent;
        return this.selectionSet(selection.selectionSet, condition);
      }
      case Kind.FRAGMENT_SPREAD:
        return this.fragment(selection.name.value);
    }
  }

  /** Validation has ruled out unknown and cyclic fragments. */
  private fragment(name: string): OperationMeasure {
    let measure = this.fragmentMeasures.get(name);
    if (!measure) {
      const fragment = this.fragments.get(name)!;
      measure = this.selectionSet(fragment.selectionSet, this.compositeType(fragment.typeCondition.name.value));
      this.fragmentMeasures.set(name, measure);
    }
    return measure;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType): OperationMeasure {
    if (node.name.value.startsWith('__')) return NOTHING;
    // Only object and interface types have fields other than __typename.
    const field = (parent as GraphQLObjectType | GraphQLInterfaceType).getFields()[node.name.value];
    const children = node.selectionSet
      ? this.selectionSet(node.selectionSet, getNamedType(field.type) as GraphQLCompositeType)
      : NOTHING;
    return { cost: 1 + this.multiplier(field, node, parent) * children.cost, depth: 1 + children.depth };
  }

  private multiplier(field: GraphQLField<unknown, unknown>, node: FieldNode, parent: GraphQLCompositeType): number {
    if (isConnection(getNamedType(field.type))) return this.pageSize(field, node);
    // Federation's `_entities` resolves its selection once per representation the router sends.
    if (field.name === '_entities' && parent === this.schema.getQueryType()) return this.representationCount(field, node);
    // `nodes` and `edges` of a connection: its page size already counted them.
    if (isConnection(parent)) return 1;
    return isListType(getNullableType(field.type)) ? LIST_COST_FACTOR : 1;
  }

  /** `first` as execution will see it (the argument's default when absent); the resolver checks its range. */
  private pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode): number {
    let first: unknown;
    try {
      first = getArgumentValues(field, node, this.variables).first;
    } catch {
      // Arguments GraphQL cannot coerce fail the field before its resolver, so its selection never runs.
      return 0;
    }
    if (typeof first === 'number') return Math.max(first, 0);
    // An explicit `first: null` is served as the default page.
    const fallback = field.args.find((argument) => argument.name === 'first')?.defaultValue;
    return typeof fallback === 'number' ? fallback : LIST_COST_FACTOR;
  }

  private representationCount(field: GraphQLField<unknown, unknown>, node: FieldNode): number {
    try {
      const { representations } = getArgumentValues(field, node, this.variables);
      return Array.isArray(representations) ? representations.length : 0;
    } catch {
      return 0;
    }
  }

  private included(selection: SelectionNode): boolean {
    return (
      getDirectiveValues(GraphQLSkipDirective, selection, this.variables)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, selection, this.variables)?.if !== false
    );
  }

  private compositeType(name: string): GraphQLCompositeType {
    return this.schema.getType(name) as GraphQLCompositeType;
  }
}

/** Depth and cost of one operation of a validated document, with its already coerced variables. */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation)!;
  return new OperationWalker(schema, fragments, variables).selectionSet(operation.selectionSet, root);
}

/**
 * Refuses an operation past the depth or cost limit, before any of it runs. Operations whose
 * variables do not coerce are let through: GraphQL refuses them itself before running anything.
 */
export function assertWithinLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> = {},
): void {
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (!variables.coerced) return;
  const { cost, depth } = measureOperation(schema, document, operation, variables.coerced);
  if (depth > MAX_QUERY_DEPTH) {
    throw new QueryTooComplexError(`The operation nests fields ${depth} deep; at most ${MAX_QUERY_DEPTH} levels are allowed`);
  }
  if (cost > MAX_QUERY_COST) {
    throw new QueryTooComplexError(`The operation costs ${cost}; the budget is ${MAX_QUERY_COST} per operation`);
  }
}
