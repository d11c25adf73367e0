import path from 'node:path';

/**
 * One of type-graphql's internal `resolvers/` modules: the package's `exports` hide them from bare
 * specifiers, but its files are still there, and its resolvers call them through their exports.
 */
function resolversModule<T>(file: string): Partial<T> {
  return require(path.join(path.dirname(require.resolve('type-graphql')), 'resolvers', file)) as Partial<T>;
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
  const helpers = resolversModule<{ getParams: GetParams }>('helpers.js');
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
  const module = resolversModule<{ validateArg: ValidateArg }>('validate-arg.js');
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
