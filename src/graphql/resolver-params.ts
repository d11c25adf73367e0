import path from 'node:path';

/**
 * One of type-graphql's internal modules (`resolvers/create.js`): the package's `exports` hide them
 * from bare specifiers, but its files are still there, and its code calls them through their exports.
 */
function typeGraphqlModule<T>(file: string): Partial<T> {
  return require(path.join(path.dirname(require.resolve('type-graphql')), file)) as Partial<T>;
}

type Param = { index: number };
type GetParams = ((params: Param[], ...rest: unknown[]) => unknown) & { sortsOnce?: true };

/**
 * type-graphql (2.0.0-rc.4) sorts a resolver's parameter metadata by position on every call of
 * the resolver (`getParams` in `resolvers/helpers.js` starts with `params.sort(…)`): on a package
 * page that is about a thousand sorts, each allocating its work area and comparator calls, for
 * arrays that never change once the schema is built (it was about 15 % of the allocation of a
 * page). This sorts each array the first time it is met and gives it a `sort` that returns it as
 * it is, so type-graphql's own code runs unchanged on an array already in order. Its resolvers call
 * `getParams` through the module's exports, so replacing that export reaches all of them.
 * `test/resolver-params.test.ts` checks that the module still has that shape.
 */
export function sortResolverParamsOnce(): boolean {
  const helpers = typeGraphqlModule<{ getParams: GetParams }>('resolvers/helpers.js');
  const original = helpers.getParams;
  if (typeof original !== 'function') return false;
  if (original.sortsOnce) return true;
  const getParams: GetParams = (params, ...rest) => {
    if (!Object.prototype.hasOwnProperty.call(params, 'sort')) {
      params.sort((a, b) => a.index - b.index);
      Object.defineProperty(params, 'sort', { value: sortedAlready });
    }
    return original(params, ...rest);
  };
  getParams.sortsOnce = true;
  helpers.getParams = getParams;
  return true;
}

function sortedAlready<T>(this: T[]): T[] {
  return this;
}

type ValidateArg = ((argValue: unknown, argType: unknown, resolverData: unknown, globalValidate: unknown, argValidate: unknown, globalValidateFn: unknown, argValidateFn: unknown) => unknown) & {
  syncWhenOff?: true;
};

/**
 * type-graphql's `validateArg` is an async function: with validation off it still answers every
 * `@Arg` through a promise, so `getParams` waits on `Promise.all` and the resolver runs a tick
 * later. On a package page that is every item's `totals(priceListId)`: about 160 promises, their
 * `then`s and async-hook records per page. This answers the argument as it is, at once, when
 * nothing would validate it (no validate function, validation off for the argument or globally,
 * the same conditions under which type-graphql returns it unchanged), and calls type-graphql's
 * own otherwise. `getParams` reads `validateArg` through the module's exports.
 */
export function argumentsWithoutPromises(): boolean {
  const module = typeGraphqlModule<{ validateArg: ValidateArg }>('resolvers/validate-arg.js');
  const original = module.validateArg;
  if (typeof original !== 'function') return false;
  if (original.syncWhenOff) return true;
  const validateArg: ValidateArg = (argValue, argType, resolverData, globalValidate, argValidate, globalValidateFn, argValidateFn) => {
    const off = typeof (argValidateFn ?? globalValidateFn) !== 'function' && (argValidate !== undefined ? argValidate : globalValidate) === false;
    return off ? argValue : original(argValue, argType, resolverData, globalValidate, argValidate, globalValidateFn, argValidateFn);
  };
  validateArg.syncWhenOff = true;
  module.validateArg = validateArg;
  return true;
}

/** What type-graphql keeps of a resolver's parameter (the parts read here). */
interface ParamMetadata {
  kind: string;
  index: number;
  propertyName?: string;
  getType?: () => unknown;
  validateSettings?: unknown;
  validateFn?: unknown;
}

/** What type-graphql keeps of a field resolver (the parts read here). */
interface FieldResolverMetadata {
  kind: string;
  target: new () => unknown;
  methodName: string;
  params: ParamMetadata[];
  middlewares: unknown[];
  roles?: unknown[];
}

type FieldResolve = (root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;
type CreateFieldResolver = ((metadata: FieldResolverMetadata) => FieldResolve) & { callsDirectly?: true };

/** type-graphql's build settings, as `buildSchema` leaves them while it creates the resolvers. */
interface BuildSettings {
  validate: unknown;
  validateFn?: unknown;
  authChecker?: unknown;
  globalMiddlewares: unknown[];
  container: { container?: unknown; containerGetter?: unknown; getInstance(target: unknown, data: unknown): unknown };
}

/** Marks the field resolvers `callFieldResolversDirectly` made, for the test that checks which are. */
export const CALLS_DIRECTLY = Symbol('calls the resolver method directly');

/**
 * type-graphql calls a `@FieldResolver` method of a `@Resolver` class through a wrapper that, on
 * every call, builds a resolver-data object, asks its container for the class's instance (a linear
 * search of the instances it keeps), runs the middleware chain through a closure even when there is
 * none, and maps the parameter metadata into a new array. A package page calls such resolvers
 * about 400 times (each service's owner, each item's totals). For a field resolver with no
 * middleware and no role, whose parameters are only `@Root`, `@Ctx`, `@Info` and `@Arg`s nothing
 * validates, with type-graphql's own container (one instance per class), this calls the method
 * with the same parameters, read directly; any other keeps type-graphql's wrapper. The schema
 * generator creates field resolvers through the `resolvers/create.js` exports, so replacing that
 * export reaches all of them; `test/resolver-params.test.ts` checks that it still does.
 */
export function callFieldResolversDirectly(): boolean {
  const create = typeGraphqlModule<{ createAdvancedFieldResolver: CreateFieldResolver }>('resolvers/create.js');
  const original = create.createAdvancedFieldResolver;
  const { BuildContext } = typeGraphqlModule<{ BuildContext: BuildSettings }>('schema/build-context.js');
  const { convertToType } = typeGraphqlModule<{ convertToType(type: unknown, value: unknown): unknown }>('helpers/types.js');
  const { convertArgToInstance } = typeGraphqlModule<{ convertArgToInstance(param: ParamMetadata, args: Record<string, unknown>): unknown }>('resolvers/convert-args.js');
  if (typeof original !== 'function' || !BuildContext || !convertToType || !convertArgToInstance) return false;
  if (original.callsDirectly) return true;
  const createFieldResolver: CreateFieldResolver = (metadata) => {
    const { validate, validateFn, authChecker, globalMiddlewares, container } = BuildContext;
    const plain =
      metadata.kind === 'external' &&
      globalMiddlewares.length === 0 &&
      metadata.middlewares.length === 0 &&
      !(authChecker && metadata.roles) &&
      validate === false &&
      typeof validateFn !== 'function' &&
      container.container === undefined &&
      container.containerGetter === undefined &&
      metadata.params.every(
        (param) =>
          ((param.kind === 'root' || param.kind === 'context') && !param.propertyName) ||
          param.kind === 'info' ||
          (param.kind === 'arg' && param.validateSettings === undefined && param.validateFn === undefined),
      );
    if (!plain) return original(metadata);
    const params = [...metadata.params].sort((a, b) => a.index - b.index);
    let instance: Record<string, (...values: unknown[]) => unknown> | undefined;
    const resolve: FieldResolve = (rootValue, args, context, info) => {
      instance ??= container.getInstance(metadata.target, { root: rootValue, args, context, info }) as typeof instance;
      const values: unknown[] = new Array(params.length);
      for (let at = 0; at < params.length; at++) {
        const param = params[at];
        if (param.kind === 'root') values[at] = param.getType ? convertToType(param.getType(), rootValue) : rootValue;
        else if (param.kind === 'context') values[at] = context;
        else if (param.kind === 'info') values[at] = info;
        else values[at] = convertArgToInstance(param, args);
      }
      return instance![metadata.methodName](...values);
    };
    return Object.assign(resolve, { [CALLS_DIRECTLY]: true });
  };
  createFieldResolver.callsDirectly = true;
  create.createAdvancedFieldResolver = createFieldResolver;
  return true;
}
